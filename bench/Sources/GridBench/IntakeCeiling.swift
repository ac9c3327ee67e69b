import Foundation
import GridStore

/// The ceiling for case intake: the statements `POST /v1/cases` sends to PostgreSQL, in the same
/// order, transactions and round trips, run by pgbench with as many clients as the HTTP run, as
/// the service role with `app.tenant_id` set (so row-level security applies as it does for the
/// service). What the server adds on top (HTTP, JSON, Swift, the pool) is the difference.
///
/// The script mirrors GridService.takeIn as it stands: the session lookup and locate_chain outside any
/// transaction; what intake reads in one call (`intake_context`: the district, its calendar's
/// version, the published rule set's header, the answer to an earlier request under the key when
/// there is one, a quarter of the requests, and the category's chain), then the nearby open cases,
/// both outside any transaction too;
/// the case number (`take_case_number`, a statement of its own); then one transaction with one
/// statement that writes the case, its first event and the key's claim and reads the case back
/// (saying too whether a webhook subscription hears of reports: the benchmark district has none, so
/// the service looks no further), and one that opens the case's filing-and-dispatch clock with its
/// two light jobs.
struct IntakeCeiling {
    struct Inputs {
        var pgbench: String
        var url: String
        var tenantId: Int64
        var tenantCode: String
        /// Hex SHA-256 of a live bearer token of a dispatcher (the session lookup's key).
        var tokenHash: String
        /// Local date of the district today, as YYYY-MM-DD.
        var day: String
        var categories: [(code: String, grade: String)]
        var origin: (lng: Double, lat: Double)
        var extent: (lng: Double, lat: Double)
        var duplicateRadiusMeters: Double
        var duplicateWindowHours: Int
        var directory: URL
    }

    struct Outcome {
        var transactions: Int
        var tps: Double
        var latencies: Percentiles
        var failed: Int
    }

    let inputs: Inputs
    static let keyedPercent = 25
    static let maxDuplicates = 10

    // The service's own SQL, so that the ceiling stays in step with it.
    static let contextSQL = CaseStore.intakeContextSQL
    static let numberSQL = CaseStore.numberSQL

    /// A statement of the service with its parameters replaced by pgbench expressions.
    static func substitute(_ sql: String, _ values: [Int: String]) -> String {
        var sql = sql
        // Highest first, so that $1 does not eat the start of $12.
        for (n, value) in values.sorted(by: { $0.key > $1.key }) { sql = sql.replacingOccurrences(of: "$\(n)", with: "(\(value))") }
        return sql
    }

    /// The service's insert of a case with its first event and the key's claim, its parameters as
    /// pgbench variables (the case's id comes back as `:k_id`).
    static func insert(grade: String) -> String {
        substitute(
            CaseStore.insertSQL,
            [
                1: ":tenant", 2: ":code || '-' || :daycompact || '-' || lpad(:n_last::text, 6, '0')", 3: "'hotline'", 4: ":c_c_id", 5: grade,
                6: ":descr", 7: ":address", 8: ":lng", 9: ":lat", 10: ":g_id", 11: ":g_path", 12: "NULL", 13: "NULL", 14: ":s_user_id",
                15: "now() + interval '2 hours'", 16: ":s_login", 17: "'dispatcher'", 18: ":payload",
                19: "CASE WHEN :keyed THEN :keyn::text END", 20: "decode(:reqhash, 'hex')", 21: "'Asia/Shanghai'", 22: "120",
            ]) + " \\gset k_"  // every column as a k_ variable (the first, the id, is :k_id)
    }

    /// The service's opening of the case's filing-and-dispatch clock with its two light jobs.
    static let startClock = substitute(
        ClockStore.startSQL,
        [
            1: ":tenant", 2: ":k_id", 3: "'dispatch'", 4: "now()", 5: "now() + interval '2 hours'", 6: "now() + interval '96 minutes'",
            7: "now() + interval '2 hours'", 8: "'green'", 9: "false", 10: "now()",
        ])

    /// One script for every category, so that each statement is prepared once per connection as the
    /// service's are: pgbench has no string arrays, so the categories and their grades are `-D`
    /// variables holding array literals, and each intake picks one by a random index `:k`.
    func script() -> String {
        let lngStep = inputs.extent.lng / 1_000_000, latStep = inputs.extent.lat / 1_000_000
        return [
            "\\set lng \(inputs.origin.lng) + random(1, 999999) * \(lngStep)",
            "\\set lat \(inputs.origin.lat) + random(1, 999999) * \(latStep)",
            "\\set keyed random(1, 100) <= \(Self.keyedPercent)",
            "\\set keyn random(1, 1000000000000)",
            "\\set k random(1, \(inputs.categories.count))",
            "SELECT * FROM session_principal(:tenant, decode(:tok, 'hex')) \\aset s_",
            "SELECT id, parent_id, kind, grid_level, code, name, path, version, updated_at, NULL::text FROM locate_chain(:tenant, :lng, :lat) \\aset g_",
            // The last row is the leaf: its id is :c_c_id (the category's columns come last).
            Self.substitute(Self.contextSQL, [1: ":tenant", 2: ":s_user_id", 3: "CASE WHEN :keyed THEN :keyn::text END", 4: "(:cats::text[])[:k]"])
                + " \\aset c_",
            """
            SELECT id, number, state, meters, reported_at, grid_path, departments
            FROM nearby_open_cases(:tenant, :c_c_id, :lng, :lat, :radius, now() - make_interval(hours => :window), \(Self.maxDuplicates + 1));
            """,
            Self.numberSQL.replacingOccurrences(of: "$1", with: ":tenant").replacingOccurrences(of: "$2", with: ":day") + " AS last \\gset n_",
            "BEGIN;",
            "SELECT set_config('app.tenant_id', :tenant, true);",
            Self.insert(grade: "(:grades::text[])[:k]"),
            Self.startClock + ";",
            "COMMIT;",
        ].joined(separator: "\n") + "\n"
    }

    /// Runs pgbench with `clients` connections, `transactions` intakes each (a count, not `-T`: pgbench
    /// times `-T` with SIGALRM, which a child of this process inherits blocked); every transaction's
    /// latency comes from its log.
    func run(mode: String, clients: Int, transactions: Int) throws -> Outcome {
        let fm = FileManager.default
        let dir = inputs.directory.appendingPathComponent(mode)
        try? fm.removeItem(at: dir)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        var arguments = [
            "-n", "-M", mode, "-c", String(clients), "-j", "2", "-t", String(transactions), "-l", "--log-prefix", dir.appendingPathComponent("tx").path,
        ]
        let file = dir.appendingPathComponent("intake.sql")
        try script().write(to: file, atomically: true, encoding: .utf8)
        arguments += [
            "-f", file.path, "-D", "cats={\(inputs.categories.map(\.code).joined(separator: ","))}",
            "-D", "grades={\(inputs.categories.map(\.grade).joined(separator: ","))}",
        ]
        let day = inputs.day
        let payload = #"{"category":"\#(inputs.categories[0].code)","description":"基准压测：沿街发现问题","lat":39.95,"lng":116.45,"source":"hotline"}"#
        let variables = [
            "tenant": String(inputs.tenantId), "tok": inputs.tokenHash, "code": inputs.tenantCode, "day": day,
            "daycompact": day.replacingOccurrences(of: "-", with: ""), "descr": "基准压测：沿街发现问题", "address": "基准路 1 号",
            "payload": payload, "reqhash": String(repeating: "ab", count: 32), "radius": String(inputs.duplicateRadiusMeters),
            "window": String(inputs.duplicateWindowHours),
        ]
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) { arguments += ["-D", "\(name)=\(value)"] }
        arguments.append(inputs.url)

        let run = try Pgbench.run(inputs.pgbench, arguments, in: dir, mode: mode)
        let latencies = run.latencies, tps = run.tps, failed = run.failed
        return Outcome(transactions: latencies.count, tps: tps, latencies: Percentiles(latencies), failed: failed)
    }
}

/// pgbench run as a process: its tps, failed transactions and each transaction's latency.
enum Pgbench {
    /// Runs `pgbench` with `arguments` in `dir`, where its per-transaction logs (`--log-prefix` …/tx)
    /// are read back: tps, failed transactions and every latency in milliseconds. A failed or
    /// aborted run throws with its output.
    static func run(_ pgbench: String, _ arguments: [String], in dir: URL, mode: String) throws -> (tps: Double, failed: Int, latencies: [Double]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pgbench)
        process.arguments = arguments
        process.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, !errors.contains("aborted") else {
            throw BenchError("pgbench (\(mode)) failed with \(process.terminationStatus): \(errors.suffix(3000)) \(output.suffix(2000))")
        }
        func number(after label: String) -> Double? {
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else { return nil }
            return Double(line.dropFirst(label.count).split(separator: " ").first ?? "")
        }
        var latencies: [Double] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasPrefix("tx.") {
            for line in try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count >= 3, let micros = Double(fields[2]) { latencies.append(micros / 1000) }
            }
        }
        return (number(after: "tps = ") ?? 0, Int(number(after: "number of failed transactions: ") ?? 0), latencies)
    }
}
