import Foundation
import GridCore
import GridService
import Logging
import PostgresNIO

/// The ladder benchmark (issue 16), on the cases benchmark's district and year (about 1,000,000
/// cases) with the ladder's year added (bench/sql/ladder-history.sql): the level figures of one
/// street for one month (aim p99 ≤ 200 ms) and of the whole district for a year (aim p99 ≤ 2 s)
/// through HTTP, each beside the plain SQL `GROUP BY`s over the raw tables that count the same
/// (the ceiling); and the hand-up action through HTTP, unpaced (the saturating rate) and paced at
/// half of it (aim p99 ≤ 30 ms). Run by scripts/bench-cases.sh with --ladder-only.
struct LadderBench {
    let cases: CasesBench
    let tenantId: Int64
    let code: String
    let district: DemoDistrict

    static let streetMonthAimP99 = 200.0
    static let districtYearAimP99 = 2000.0
    static let handUpAimP99 = 30.0
    static let streetMonthRequests = 200
    static let districtYearRequests = 15
    static let handUpClients = 16
    static let handUpSeconds = 10.0

    var owner: PostgresClient { cases.owner }
    var logger: Logger { cases.logger }

    func run(desks: [String: CasesBench.Desk]) async throws {
        try await history()
        let leader = desks["bench.leader"]!
        try await figures(leader)
        try await handUps(desks)
    }

    // MARK: the ladder's year

    /// Writes the ladder's year once (a district that has it keeps it).
    func history() async throws {
        var turns: Int64 = 0
        for try await n in try await owner.query("SELECT count(*)::int8 FROM case_custody WHERE tenant_id = \(tenantId)", logger: logger).decode(Int64.self) {
            turns = n
        }
        if turns == 0 {
            let text = try String(contentsOfFile: "bench/sql/ladder-history.sql", encoding: .utf8)
            var steps: [(String, String)] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("-- step: ") {
                    steps.append((String(line.dropFirst("-- step: ".count)), ""))
                } else if !steps.isEmpty {
                    steps[steps.count - 1].1 += line.replacingOccurrences(of: ":tenant", with: String(tenantId)) + "\n"
                }
            }
            let t0 = ContinuousClock.now
            try await owner.withConnection { connection in
                try await connection.query("SET work_mem = '256MB'", logger: logger)
                for (name, sql) in steps {
                    let t = ContinuousClock.now
                    let statement = sql.trimmingCharacters(in: .whitespacesAndNewlines)
                    try await connection.query(PostgresQuery(unsafeSQL: statement.hasSuffix(";") ? String(statement.dropLast()) : statement), logger: logger)
                    print("ladder history: \(name) \(format((ContinuousClock.now - t).seconds)) s")
                }
                try await connection.query("DISCARD TEMP", logger: logger)
            }
            for table in ["cases", "case_custody", "case_handovers"] {
                try await owner.query(PostgresQuery(unsafeSQL: "VACUUM (ANALYZE) \(table)"), logger: logger)
            }
            print("ladder history written in \(format((ContinuousClock.now - t0).seconds)) s")
        }
        for try await (cases, turns, slips) in try await owner.query(
            """
            SELECT (SELECT count(*) FROM cases WHERE tenant_id = \(tenantId) AND level IS NOT NULL)::int8,
                   (SELECT count(*) FROM case_custody WHERE tenant_id = \(tenantId))::int8,
                   (SELECT count(*) FROM case_handovers WHERE tenant_id = \(tenantId))::int8
            """, logger: logger
        ).decode((Int64, Int64, Int64).self) {
            print("ladder history: \(cases) cases on the ladder, \(turns) turns of custody, \(slips) handover slips")
        }
    }

    // MARK: figures

    /// The month starts (local) of the last twelve months, and the year before now.
    func periods() -> (months: [(from: String, to: String)], year: (from: String, to: String)) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let now = Date()
        let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
        let iso = ISO8601DateFormatter()
        let months = (1...12).map { back -> (String, String) in
            let from = calendar.date(byAdding: .month, value: -back, to: thisMonth)!, to = calendar.date(byAdding: .month, value: 1, to: from)!
            return (iso.string(from: from), iso.string(from: to))
        }
        return (months, (iso.string(from: now.addingTimeInterval(-365 * 86400)), iso.string(from: now)))
    }

    func figures(_ leader: CasesBench.Desk) async throws {
        // A connection of its own: the server closed the idle one while the history was written.
        let http = try MiniHTTPClient(port: UInt16(cases.bench.port))
        let lattice = DistrictLattice(district)
        let streets = (0..<district.streets).map { lattice.streetCode($0) }
        let (months, year) = periods()
        var streetPaths: [String: String] = [:]
        for try await (code, path) in try await owner.query(
            "SELECT code, path FROM org_units WHERE tenant_id = \(tenantId) AND kind = 'street'", logger: logger
        ).decode((String, String).self) { streetPaths[code] = path }

        func get(_ path: String) throws -> Data {
            let (status, body) = try http.request("GET", path, headers: leader.headers)
            guard status == 200 else { throw BenchError("GET \(path) answered \(status): \(String(decoding: body.prefix(1500), as: UTF8.self))") }
            return body
        }
        // The year's pages read once before anything is timed (the ceiling over the whole district), so
        // that neither side pays for a cold cache the other then finds warm.
        let root = String(streetPaths.values.first!.split(separator: ".")[0]) + "."
        try await plainGroupBy(path: root, from: year.from, to: year.to)
        // One street, one month, by community; the plain GROUP BYs of the same month and street beside it.
        var httpMs: [Double] = [], sqlMs: [Double] = []
        var solved = 0
        for r in 0..<(Self.streetMonthRequests + 10) {
            let street = streets[r % streets.count], month = months[(r / streets.count) % months.count]
            let t0 = monotonicSeconds()
            let body = try get("/v1/stats/ladder?by=community&scope=\(street)&from=\(month.from)&to=\(month.to)")
            if r >= 10 { httpMs.append((monotonicSeconds() - t0) * 1000) }
            if r < streets.count, let rows = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["rows"] as? [[String: Any]] {
                solved += rows.last?["solvedTotal"] as? Int ?? 0
            }
            let t1 = monotonicSeconds()
            try await plainGroupBy(path: streetPaths[street]!, from: month.from, to: month.to)
            if r >= 10 { sqlMs.append((monotonicSeconds() - t1) * 1000) }
        }
        Self.report("level figures of one street for one month by community via HTTP", httpMs, sqlMs, aim: Self.streetMonthAimP99)
        print("  \(solved / min(streets.count, Self.streetMonthRequests + 10)) cases solved in a street's month on average")

        // The whole district, a year, by street.
        httpMs = []
        sqlMs = []
        for r in 0..<(Self.districtYearRequests + 1) {
            let t0 = monotonicSeconds()
            let body = try get("/v1/stats/ladder?by=street&from=\(year.from)&to=\(year.to)")
            if r >= 1 { httpMs.append((monotonicSeconds() - t0) * 1000) }
            if r == 0, let rows = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["rows"] as? [[String: Any]], let total = rows.last {
                print(
                    "  the district's year: \(total["solvedTotal"] ?? 0) solved, front-line share \(total["frontLineShare"] ?? "-"), "
                        + "\(total["handUps"] ?? 0) hand-ups, \(rows.count - 1) streets")
            }
            let t1 = monotonicSeconds()
            try await plainGroupBy(path: root, from: year.from, to: year.to)
            if r >= 1 { sqlMs.append((monotonicSeconds() - t1) * 1000) }
        }
        Self.report("level figures of the district for a year by street via HTTP", httpMs, sqlMs, aim: Self.districtYearAimP99)
    }

    /// The ceiling: the three plain `GROUP BY`s over the raw tables that count what the figures
    /// count (closed cases by level, slips by level and reason, turns by level), for the scope's
    /// path, with no attribution to units and no rows built.
    func plainGroupBy(path: String, from: String, to: String) async throws {
        let upper = path + "~"
        for try await _ in try await owner.query(
            """
            SELECT level, count(*) FROM cases
            WHERE tenant_id = \(tenantId) AND closed_at >= \(from)::timestamptz AND closed_at < \(to)::timestamptz AND grid_path >= \(path) AND grid_path < \(upper)
            GROUP BY level
            UNION ALL
            SELECT from_level || reason_kind || automatic::text || status, count(*) FROM case_handovers
            WHERE tenant_id = \(tenantId) AND created_at >= \(from)::timestamptz AND created_at < \(to)::timestamptz AND grid_path >= \(path) AND grid_path < \(upper)
            GROUP BY 1
            UNION ALL
            SELECT level, sum(extract(epoch FROM coalesce(ended_at, now()) - started_at))::int8 FROM case_custody
            WHERE tenant_id = \(tenantId) AND started_at >= \(from)::timestamptz AND started_at < \(to)::timestamptz AND grid_path >= \(path) AND grid_path < \(upper)
            GROUP BY level
            """, logger: logger
        ).decode((String?, Int64).self) {}
    }

    static func report(_ label: String, _ http: [Double], _ sql: [Double], aim: Double) {
        let h = Percentiles(http), s = Percentiles(sql)
        print(
            "\(label): n=\(http.count) p50=\(format(h.p50)) ms p99=\(format(h.p99)) ms max=\(format(h.max)) ms  (aim p99 ≤ \(format(aim)) ms: "
                + "\(format(aim / h.p99))× headroom)")
        print(
            "  the plain GROUP BYs over the raw tables (the ceiling, same periods and scopes): p50=\(format(s.p50)) ms p99=\(format(s.p99)) ms; "
                + "HTTP p50 / ceiling p50 = \(String(format: "%.2f", h.p50 / max(s.p50, 0.001)))")
    }

    // MARK: hand-up

    /// Garbage reported by grid workers (the demo rule sends it to the community), filed by the
    /// district's dispatchers; then each community's chief hands its cases up, unpaced (each
    /// client sends on as soon as answered) and then paced at half the rate reached.
    func handUps(_ desks: [String: CasesBench.Desk]) async throws {
        let port = cases.bench.port
        let clients = Self.handUpClients
        // Enough cases for both runs at the rate a laptop-sized server reaches, per client.
        let perClient = 240
        let bodies = try (0..<clients).map { c -> [Data] in
            let worker = desks[String(format: "bench.gw%02d", c % CasesBench.gridWorkers + 1)]!
            var rng = SplitMix64(seed: UInt64(90_000 + c))
            return try (0..<perClient).map { _ in try cases.intakeBody(worker, category: "E0102", &rng) }
        }
        let prepared: [[Int64]] = try await runClients(clients) { c in
            let http = try MiniHTTPClient(port: UInt16(port))
            let worker = desks[String(format: "bench.gw%02d", c % CasesBench.gridWorkers + 1)]!
            let dispatcher = desks[String(format: "bench.dsp%02d", c % CasesBench.intakeDispatchers + 1)]!
            return try bodies[c].map { body in
                let (status, answer) = try http.request("POST", "/v1/cases", headers: worker.headers, body: body)
                guard status == 201,
                    let id = ((try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["case"] as? [String: Any])?["id"] as? NSNumber
                else { throw BenchError("intake for the hand-ups answered \(status): \(String(decoding: answer.prefix(1500), as: UTF8.self))") }
                let (filed, filedAnswer) = try http.request("POST", "/v1/cases/\(id)/actions/file", headers: dispatcher.headers, body: Data("{}".utf8))
                guard filed == 200, String(decoding: filedAnswer, as: UTF8.self).contains("\"level\":\"community\"") else {
                    throw BenchError("filing for the hand-ups answered \(filed): \(String(decoding: filedAnswer.prefix(1500), as: UTF8.self))")
                }
                return id.int64Value
            }
        }
        let unpaced = try await handUpRun(prepared, desks: desks, from: nil, rate: nil)
        let rate = (unpaced.perSecond / 2).rounded()
        let paced = try await handUpRun(prepared, desks: desks, from: unpaced.used, rate: rate)
        let l = paced.latencies
        let saturating =
            "hand-up via HTTP (\(clients) community chiefs): saturating \(Int(unpaced.perSecond)) actions/s (p99 \(format(unpaced.latencies.p99)) ms)"
        let half = "at half of it, \(Int(rate)) actions/s: n=\(l.sorted.count) p50=\(format(l.p50)) ms p99=\(format(l.p99)) ms max=\(format(l.max)) ms"
        let aim = "(aim p99 ≤ \(format(Self.handUpAimP99)) ms: \(format(Self.handUpAimP99 / l.p99))× headroom)"
        print("\(saturating); \(half)  \(aim)")
    }

    func handUpRun(_ prepared: [[Int64]], desks: [String: CasesBench.Desk], from offset: [Int]?, rate: Double?) async throws -> (
        perSecond: Double, latencies: Percentiles, used: [Int]
    ) {
        let port = cases.bench.port, clients = prepared.count, seconds = Self.handUpSeconds
        let start = monotonicSeconds() + 0.3, end = start + seconds
        let outcomes: [(ClientTally, Int)] = try await runClients(clients) { c in
            let http = try MiniHTTPClient(port: UInt16(port))
            let chief = desks[String(format: "bench.cc%02d", c % CasesBench.gridWorkers + 1)]!
            let body = try JSONSerialization.data(withJSONObject: ["reasonKind": "needsEnforcement", "reason": "业主拒不配合，社区无执法权"])
            var tally = ClientTally(), next = offset?[c] ?? 0, sent = 0
            let interval = rate.map { Double(clients) / $0 }
            while monotonicSeconds() < start { usleep(500) }
            while next < prepared[c].count {
                let due = dueTime(start: start, sent: sent, client: c, clients: clients, interval: interval)
                if due >= end { break }
                let id = prepared[c][next]
                next += 1
                sent += 1
                let t0 = interval == nil ? monotonicSeconds() : due
                let (status, answer) = try http.request("POST", "/v1/cases/\(id)/actions/handUp", headers: chief.headers, body: body)
                tally.record((monotonicSeconds() - t0) * 1000, status: status)
                if status != 200 { tally.fail("hand-up of case \(id) answered \(status): \(String(decoding: answer.prefix(1500), as: UTF8.self))") }
            }
            return (tally, next)
        }
        let all = ClientTally.merged(outcomes.map(\.0))
        if let failure = all.firstFailure { throw BenchError(failure) }
        let elapsed = rate == nil ? min(seconds, monotonicSeconds() - start) : seconds
        return (Double(all.latencies.count) / elapsed, Percentiles(all.latencies), outcomes.map(\.1))
    }
}
