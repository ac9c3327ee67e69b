import Foundation
import GridCore
import GridService
import Logging
import NIOCore
import PostgresNIO

/// The whistle benchmark (issue 17), on the cases benchmark's district with the whistles' year added
/// (bench/sql/whistle-history.sql): a department's check-in through HTTP with 32 liaisons, each on a
/// fresh summons, unpaced (the saturating rate, flat out) and paced at half of it (aim p99 ≤ 30 ms),
/// beside the same writes by pgbench (the ceiling); the red notice of a report-in limit passing,
/// from the limit to the notice (aim ≤ 5 s, the server's worker running); and the year's report-in
/// figures of the district by department and by street (aim p99 ≤ 1 s) beside the plain `GROUP BY`
/// over whistles and their summons. Run by scripts/bench-cases.sh with --whistle-only.
struct WhistleBench {
    let cases: CasesBench
    let tenantId: Int64
    let code: String
    let district: DemoDistrict
    let serverPid: Int32

    static let checkInAimP99 = 30.0
    static let redAimSeconds = 5.0
    static let figuresAimP99 = 1000.0
    static let clients = 32
    static let historyWhistles = 20_000
    /// Fresh summons made for each liaison: enough for both HTTP runs at the rate a laptop-sized server reaches.
    static let checkInsPerClient = 500
    static let ceilingPerClient = 250
    static let warmUpSeconds = 2.0
    static let checkInSeconds = 10.0
    static let redRounds = 3
    static let figuresRequests = 20
    /// A kind with a one-minute limit, beside the district's defaults (`--kind` replaces the list).
    static let fastKind = WhistleKind(code: "fast", name: "快哨", limitMinutes: 1)
    /// An 8 × 8 PNG: the check-ins' photo.
    static let png: [UInt8] = {
        let hex =
            "89504e470d0a1a0a0000000d49484452000000080000000808020000004b6d29dc0000001149444154789c63687050c08a1886960400fa033801caeedbfa0000000049454e44ae426082"
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }()

    /// A department's liaison, logged in.
    struct Liaison: Sendable {
        var login: String
        var userId: Int64
        var departmentId: Int64
        var departmentCode: String
        var desk: CasesBench.Desk
    }

    /// A fresh summons to check in on: the whistle (its photo has the same id) and where the liaison stands.
    struct Slot: Sendable {
        var whistle: Int64
        var lat: Double
        var lng: Double
    }

    var owner: PostgresClient { cases.owner }
    var logger: Logger { cases.logger }
    var port: Int { cases.bench.port }

    func run(desks: [String: CasesBench.Desk]) async throws {
        _ = try await cases.service.setWhistleSettings(code: code, kinds: WhistleSettings.defaultKinds + [Self.fastKind])
        let liaisons = try await logInLiaisons()
        try await history()
        try await settleJobs()
        try await checkIns(liaisons)
        try await settleJobs()
        try await redNotices(street: desks["bench.street01"]!, platform: desks["bench.dsp01"]!, liaison: liaisons[0])
        try await figures(desks["bench.leader"]!)
    }

    // MARK: people

    /// One liaison per client, of the district's departments in turn (an earlier run's get new passwords).
    func logInLiaisons() async throws -> [Liaison] {
        var departments: [(id: Int64, code: String)] = []
        for try await (id, code) in try await owner.query(
            "SELECT id, code FROM departments WHERE tenant_id = \(tenantId) AND kind = 'district' ORDER BY id", logger: logger
        ).decode((Int64, String).self) { departments.append((id, code)) }
        guard !departments.isEmpty else { throw BenchError("the district has no departments to summon") }
        let t0 = ContinuousClock.now
        let http = try MiniHTTPClient(port: UInt16(port))
        var passwords: [(login: String, password: String, department: (id: Int64, code: String))] = []
        for k in 0..<Self.clients {
            let login = String(format: "bench.lia%02d", k + 1), department = departments[k % departments.count]
            if let password = try? await cases.service.resetPassword(.operator, tenantId: tenantId, login: login) {
                passwords.append((login, password, department))
                continue
            }
            let (_, password) = try await cases.service.createUser(
                .operator, tenantId: tenantId, login: login, displayName: "\(department.code)联络员\(k + 1)", phone: nil)
            _ = try await cases.service.grant(
                .operator, tenantId: tenantId, login: login, role: .departmentLiaison, scopeCode: district.divisionCode, departmentCode: department.code)
            passwords.append((login, password, department))
        }
        var ids: [String: Int64] = [:]
        for try await (login, id) in try await owner.query(
            "SELECT login, id FROM users WHERE tenant_id = \(tenantId) AND login LIKE 'bench.lia%'", logger: logger
        ).decode((String, Int64).self) { ids[login] = id }
        let liaisons = try passwords.map { entry in
            Liaison(
                login: entry.login, userId: ids[entry.login]!, departmentId: entry.department.id, departmentCode: entry.department.code,
                desk: CasesBench.Desk(login: entry.login, token: try http.logIn(tenant: code, login: entry.login, password: entry.password), cells: []))
        }
        print("liaisons: \(liaisons.count) logged in, of \(departments.count) departments, in \(format((ContinuousClock.now - t0).seconds)) s")
        return liaisons
    }

    // MARK: the whistles' year

    /// Writes the whistles' year once (a district that has it keeps it).
    func history() async throws {
        var written: Int64 = 0
        for try await n in try await owner.query(
            "SELECT count(*)::int8 FROM whistles WHERE tenant_id = \(tenantId) AND created_login = 'bench.history'", logger: logger
        ).decode(Int64.self) { written = n }
        if written == 0 {
            let text = try String(contentsOfFile: "bench/sql/whistle-history.sql", encoding: .utf8)
            var steps: [(String, String)] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("-- step: ") {
                    steps.append((String(line.dropFirst("-- step: ".count)), ""))
                } else if !steps.isEmpty {
                    steps[steps.count - 1].1 +=
                        line.replacingOccurrences(of: ":tenant", with: String(tenantId)).replacingOccurrences(
                            of: ":whistles", with: String(Self.historyWhistles)) + "\n"
                }
            }
            let t0 = ContinuousClock.now
            try await owner.withConnection { connection in
                try await connection.query("SET work_mem = '256MB'", logger: logger)
                try await connection.query("BEGIN", logger: logger)
                for (name, sql) in steps {
                    let t = ContinuousClock.now
                    let statement = sql.trimmingCharacters(in: .whitespacesAndNewlines)
                    try await connection.query(PostgresQuery(unsafeSQL: statement.hasSuffix(";") ? String(statement.dropLast()) : statement), logger: logger)
                    print("whistle history: \(name) \(format((ContinuousClock.now - t).seconds)) s")
                }
                try await connection.query("COMMIT", logger: logger)
                try await connection.query("DISCARD TEMP", logger: logger)
            }
            for table in ["whistles", "whistle_summons", "whistle_events"] {
                try await owner.query(PostgresQuery(unsafeSQL: "VACUUM (ANALYZE) \(table)"), logger: logger)
            }
            print("whistle history written in \(format((ContinuousClock.now - t0).seconds)) s")
        }
        for try await (whistles, summoned, checkedIn, red, events) in try await owner.query(
            """
            SELECT count(DISTINCT w.id)::int8, count(s.department_id) FILTER (WHERE s.status = 'summoned')::int8, count(s.check_in_at)::int8,
                   count(s.red_at)::int8, (SELECT count(*) FROM whistle_events e WHERE e.tenant_id = \(tenantId))::int8
            FROM whistles w LEFT JOIN whistle_summons s ON s.tenant_id = w.tenant_id AND s.whistle_id = w.id
            WHERE w.tenant_id = \(tenantId) AND w.created_login = 'bench.history'
            """, logger: logger
        ).decode((Int64, Int64, Int64, Int64, Int64).self) {
            print(
                "whistle history: \(whistles) whistles of the year, \(summoned) departments summoned, \(checkedIn) check-ins, \(red) red, "
                    + "\(events) whistle events in the district (every run's)")
        }
    }

    /// Waits (at most 10 minutes) while the server's worker has due jobs, or a burst of them falls due
    /// within two minutes (the deadline clocks of an earlier run's intake), so that neither the
    /// check-ins nor the red notices share the server with that work.
    func settleJobs() async throws {
        let t0 = monotonicSeconds()
        var told = false
        while monotonicSeconds() - t0 < 600 {
            var (due, soon): (Int64, Int64) = (0, 0)
            for try await row in try await owner.query(
                """
                SELECT count(*) FILTER (WHERE run_at <= now())::int8, count(*) FILTER (WHERE run_at > now())::int8 FROM jobs
                WHERE done_at IS NULL AND kind <> 'webhook' AND run_at <= now() + interval '2 minutes'
                """, logger: logger
            ).decode((Int64, Int64).self) { (due, soon) = row }
            if due == 0 && soon < 100 { break }
            if !told {
                print("waiting for the server's job worker: \(due) jobs due, \(soon) more within 2 minutes (an earlier run's deadline clocks)")
                told = true
            }
            try await Task.sleep(for: .seconds(2))
        }
        if told { print("  the worker caught up after \(format(monotonicSeconds() - t0)) s") }
    }

    // MARK: check-ins

    func checkIns(_ liaisons: [Liaison]) async throws {
        var streets: [String: Int64] = [:]
        for try await (code, id) in try await owner.query(
            "SELECT code, id FROM org_units WHERE tenant_id = \(tenantId) AND kind = 'street'", logger: logger
        ).decode((String, Int64).self) { streets[code] = id }
        var departmentIds: [Int64] = []
        for try await id in try await owner.query(
            "SELECT id FROM departments WHERE tenant_id = \(tenantId) AND kind = 'district' ORDER BY id", logger: logger
        ).decode(Int64.self) { departmentIds.append(id) }
        let t0 = ContinuousClock.now
        let http = try await pool("bench.pool", liaisons, perClient: Self.checkInsPerClient, streets: streets, departmentIds: departmentIds, seed: 17)
        let ceilingPool = try await pool(
            "bench.ceiling", liaisons, perClient: Self.ceilingPerClient, streets: streets, departmentIds: departmentIds, seed: 71)
        print(
            "check-in pools: \(liaisons.count * (Self.checkInsPerClient + Self.ceilingPerClient)) accepted whistles summoning 2–3 departments, "
                + "each with the liaison's photo, \(http.made ? "written" : "reset") in \(format((ContinuousClock.now - t0).seconds)) s")

        let before = try await cpu()
        let unpaced = try await checkInRun(http.slots, liaisons, from: nil, rate: nil)
        let flatOut = try await cpu().since(before)
        let rate = (unpaced.perSecond / 2).rounded()
        let paced = try await checkInRun(http.slots, liaisons, from: unpaced.used, rate: rate)
        let ceiling = try self.ceiling(base: ceilingPool.base, liaisons: liaisons)
        let (u, p, c) = (unpaced.latencies, paced.latencies, ceiling.latencies)
        print(
            "check-in via HTTP (\(liaisons.count) department liaisons, each on a fresh summons, with its point and photo): saturating "
                + "\(Int(unpaced.perSecond)) check-ins/s, flat out n=\(u.sorted.count) p50=\(format(u.p50)) ms p99=\(format(u.p99)) ms max=\(format(u.max)) ms; "
                + "at half of it, \(Int(rate)) check-ins/s: n=\(p.sorted.count) p50=\(format(p.p50)) ms p99=\(format(p.p99)) ms max=\(format(p.max)) ms  "
                + "(aim p99 ≤ \(format(Self.checkInAimP99)) ms: \(format(Self.checkInAimP99 / p.p99))× headroom at half, "
                + "\(format(Self.checkInAimP99 / u.p99))× flat out)")
        print("  check-in via HTTP: \(unpaced.statuses) flat out, \(paced.statuses) paced; \(paced.slow)")
        print("  CPU flat out, \(flatOut.describe(per: unpaced.sent, of: "check-in"))")
        print(
            "  the same writes by plain SQL (pgbench, \(liaisons.count) clients, prepared; lock the whistle, check the summons in, move the whistle on, "
                + "append the event, one transaction): \(Int(ceiling.tps)) check-ins/s, n=\(c.sorted.count) p50=\(format(c.p50)) ms "
                + "p99=\(format(c.p99)) ms; HTTP saturating / ceiling = \(String(format: "%.2f", unpaced.perSecond / max(ceiling.tps, 1)))")
    }

    /// Accepted whistles (kind enforce, 30 minutes, version 4 after form, analyse, blow and accept) at
    /// random unit cells, `perClient` for each liaison, each summoning the liaison's department and
    /// one or two others, with a photo the liaison uploaded (its id is the whistle's); a liaison
    /// stands at another point of the same cell. Written once as the schema owner (told by
    /// `created_login`, with ids of their own past every earlier one), and on each later run set
    /// back to just accepted (the check-ins and their events undone), so that every run checks in
    /// on fresh summons and the tables the figures read do not grow.
    func pool(_ name: String, _ liaisons: [Liaison], perClient: Int, streets: [String: Int64], departmentIds: [Int64], seed: UInt64) async throws -> (
        base: Int64, slots: [[Slot]], made: Bool
    ) {
        var existing: (base: Int64, count: Int64) = (0, 0)
        for try await row in try await owner.query(
            "SELECT coalesce(min(id), 0)::int8, count(*)::int8 FROM whistles WHERE tenant_id = \(tenantId) AND created_login = \(name)", logger: logger
        ).decode((Int64, Int64).self) { existing = row }
        let size = liaisons.count * perClient
        guard existing.count == 0 || existing.count == size else {
            throw BenchError("the pool \(name) has \(existing.count) whistles, not \(size): delete it (and its summons, events and photos) to write it anew")
        }
        var base = existing.base
        if existing.count == 0 {
            for try await value in try await owner.query(
                """
                SELECT greatest((SELECT coalesce(max(id), 0) FROM whistles), (SELECT coalesce(max(id), 0) FROM whistle_photos))::int8 + 1000
                """, logger: logger
            ).decode(Int64.self) { base = value }
        }
        // The same cells and points for the same base, so that a reset pool's liaisons stand where they did.
        let lattice = DistrictLattice(district)
        let (columns, rows) = district.latticeSize
        var rng = SplitMix64(seed: seed &+ UInt64(base))
        var ids: [Int64] = [], streetIds: [Int64] = [], lats: [Double] = [], lngs: [Double] = [], uploaders: [Int64] = []
        var summoned: (whistles: [Int64], departments: [Int64], positions: [Int32]) = ([], [], [])
        var slots: [[Slot]] = []
        for (c, liaison) in liaisons.enumerated() {
            guard let own = departmentIds.firstIndex(of: liaison.departmentId) else { throw BenchError("\(liaison.login) has no district department") }
            var mine: [Slot] = []
            for k in 0..<perClient {
                let id = base + Int64(c * perClient + k)
                let cell = (Int(rng.next() % UInt64(columns)), Int(rng.next() % UInt64(rows)))
                let place = cases.point(cell, &rng), stand = cases.point(cell, &rng)
                guard let street = streets[lattice.chain(cell.0, cell.1)[1]] else { throw BenchError("no street for cell \(cell)") }
                ids.append(id)
                streetIds.append(street)
                lats.append(place.lat)
                lngs.append(place.lng)
                uploaders.append(liaison.userId)
                for j in 0..<(2 + k % 2) {
                    summoned.whistles.append(id)
                    summoned.departments.append(departmentIds[(own + j * 3) % departmentIds.count])
                    summoned.positions.append(Int32(j + 1))
                }
                mine.append(Slot(whistle: id, lat: stand.lat, lng: stand.lng))
            }
            slots.append(mine)
        }
        let png = ByteBuffer(bytes: Self.png)
        try await owner.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            if existing.count > 0 {
                try await connection.query(
                    """
                    DELETE FROM whistle_events e USING whistles w
                    WHERE e.tenant_id = \(tenantId) AND w.tenant_id = \(tenantId) AND w.created_login = \(name) AND e.whistle_id = w.id AND e.version > 4
                    """, logger: logger)
                try await connection.query(
                    """
                    UPDATE whistle_summons s SET summoned_at = now(), due_at = now() + interval '30 minutes', check_in_at = NULL, check_in_by = NULL,
                        check_in_login = NULL, check_in_lat = NULL, check_in_lng = NULL, distance_m = NULL, far = NULL, photo_id = NULL, client_key = NULL,
                        minutes_late = NULL, red_at = NULL
                    FROM whistles w
                    WHERE s.tenant_id = \(tenantId) AND w.tenant_id = \(tenantId) AND w.created_login = \(name) AND s.whistle_id = w.id
                    """, logger: logger)
                try await connection.query(
                    """
                    UPDATE whistles SET version = 4, state = 'accepted', created_at = now() - interval '20 minutes',
                        whistled_at = now() - interval '10 minutes', accepted_at = now(), updated_at = now()
                    WHERE tenant_id = \(tenantId) AND created_login = \(name)
                    """, logger: logger)
                try await connection.query("COMMIT", logger: logger)
                return
            }
            try await connection.query(
                """
                INSERT INTO whistles (tenant_id, id, version, state, unit_id, unit_path, street_id, level, kind, kind_name, reason, address, lat, lng,
                                      limit_minutes, radius_m, proposed, created_login, created_at, whistled_at, accepted_at, updated_at)
                SELECT \(tenantId), w.id, 4, 'accepted', s.id, s.path, s.id, 'street', 'enforce', '执法哨', '基准报到压测：占道经营联合执法',
                       s.name || '基准路', w.lat, w.lng, 30, 500, false, \(name), now() - interval '20 minutes', now() - interval '10 minutes',
                       now(), now()
                FROM unnest(\(ids)::bigint[], \(streetIds)::bigint[], \(lats)::float8[], \(lngs)::float8[]) AS w(id, street, lat, lng)
                JOIN org_units s ON s.tenant_id = \(tenantId) AND s.id = w.street
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO whistle_summons (tenant_id, whistle_id, department_id, position, status, task, summoned_at, due_at)
                SELECT \(tenantId), x.whistle, x.department, x.position, 'summoned', '现场执法', now(), now() + interval '30 minutes'
                FROM unnest(\(summoned.whistles)::bigint[], \(summoned.departments)::bigint[], \(summoned.positions)::int4[]) AS x(whistle, department, position)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO whistle_events (tenant_id, whistle_id, version, action, actor, state, at, payload)
                SELECT \(tenantId), w.id, v, (ARRAY['form', 'analyse', 'blow', 'accept'])[v], \(name),
                       (ARRAY['formed', 'analysed', 'whistled', 'accepted'])[v], now() - (5 - v) * interval '5 minutes', '{}'
                FROM unnest(\(ids)::bigint[]) AS w(id) CROSS JOIN generate_series(1, 4) AS v
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO whistle_photos (tenant_id, id, whistle_id, content_type, size, sha256, data, uploaded_by)
                SELECT \(tenantId), w.id, w.id, 'image/png', \(Int32(Self.png.count)), sha256(\(png)), \(png), w.uploader
                FROM unnest(\(ids)::bigint[], \(uploaders)::bigint[]) AS w(id, uploader)
                """, logger: logger)
            try await connection.query(
                """
                SELECT setval(pg_get_serial_sequence('whistles', 'id'), (SELECT max(id) FROM whistles)),
                       setval(pg_get_serial_sequence('whistle_photos', 'id'), (SELECT max(id) FROM whistle_photos))
                """, logger: logger)
            try await connection.query("COMMIT", logger: logger)
        }
        return (base, slots, existing.count == 0)
    }

    /// `POST /v1/whistles/{id}/departments/{code}/checkIn` from every liaison at once, each on its
    /// next fresh summons: unpaced (each sends on as soon as answered) or paced at `rate` in all
    /// (a latency counts from when the request was due); the first `warmUpSeconds` are not timed.
    func checkInRun(_ slots: [[Slot]], _ liaisons: [Liaison], from offset: [Int]?, rate: Double?) async throws -> (
        perSecond: Double, sent: Int, latencies: Percentiles, used: [Int], statuses: String, slow: String
    ) {
        let port = self.port, clients = slots.count
        let start = monotonicSeconds() + 0.3, measureFrom = start + Self.warmUpSeconds, end = measureFrom + Self.checkInSeconds
        let outcomes: [(ClientTally, Int, [Int])] = try await runClients(clients) { c in
            let http = try MiniHTTPClient(port: UInt16(port))
            let liaison = liaisons[c]
            var tally = ClientTally(), next = offset?[c] ?? 0, sent = 0, slow: [Int] = []
            let interval = rate.map { Double(clients) / $0 }
            while monotonicSeconds() < start { usleep(500) }
            while next < slots[c].count {
                let due = dueTime(start: start, sent: sent, client: c, clients: clients, interval: interval)
                if due >= end { break }
                let slot = slots[c][next]
                next += 1
                sent += 1
                let body = try JSONSerialization.data(withJSONObject: ["lat": slot.lat, "lng": slot.lng, "photo": slot.whistle])
                let t0 = interval == nil ? monotonicSeconds() : due
                let (status, answer) = try http.request(
                    "POST", "/v1/whistles/\(slot.whistle)/departments/\(liaison.departmentCode)/checkIn", headers: liaison.desk.headers, body: body)
                let milliseconds = (monotonicSeconds() - t0) * 1000
                if t0 >= measureFrom {
                    tally.record(milliseconds, status: status)
                    if milliseconds > 3 * Self.checkInAimP99 { slow.append(Int(t0 - measureFrom)) }
                }
                if status != 200 {
                    tally.fail("check-in on whistle \(slot.whistle) answered \(status): \(String(decoding: answer.prefix(1500), as: UTF8.self))")
                }
            }
            if monotonicSeconds() < end && next >= slots[c].count { tally.fail("\(liaison.login) ran out of fresh summons before the run ended") }
            return (tally, next, slow)
        }
        let all = ClientTally.merged(outcomes.map(\.0))
        if let failure = all.firstFailure { throw BenchError(failure) }
        // When the check-ins over three times the aim were sent: one stall, or spread over the run.
        var bySecond: [Int: Int] = [:]
        for second in outcomes.flatMap(\.2) { bySecond[second, default: 0] += 1 }
        let slow =
            bySecond.isEmpty
            ? "none over \(Int(3 * Self.checkInAimP99)) ms"
            : "over \(Int(3 * Self.checkInAimP99)) ms, by second of the run: "
                + bySecond.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        // Every check-in sent, the untimed ones too: what the CPU samples around the run paid for.
        let sent = zip(outcomes.map(\.1), offset ?? Array(repeating: 0, count: clients)).map { $0 - $1 }.reduce(0, +)
        return (Double(all.latencies.count) / Self.checkInSeconds, sent, Percentiles(all.latencies), outcomes.map(\.1), all.statusSummary, slow)
    }

    /// The ceiling: what a check-in writes, by pgbench with as many clients as liaisons, each on the
    /// fresh summons of its own part of the ceiling's pool (client c, its k-th transaction: whistle
    /// base + c × perClient + k), as the service role with `app.tenant_id` set (row-level security
    /// applies): lock the whistle and read its version and place, check the summons in, move the
    /// whistle on, append the event; one transaction. The session, the point's grid, the parties and
    /// the whistle read back and shown are what the service adds.
    func ceiling(base: Int64, liaisons: [Liaison]) throws -> (tps: Double, latencies: Percentiles) {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("gridgov-bench-whistle-\(getpid())")
        try? fm.removeItem(at: dir)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let login = "'bench.lia' || lpad((:client_id + 1)::text, 2, '0')", user = "(:users::bigint[])[:client_id + 1]"
        let script = """
            \\set k :k + 1
            \\set w :base + :client_id * :per + :k - 1
            BEGIN;
            SELECT set_config('app.tenant_id', :tenant::text, true);
            SELECT version, lat, lng FROM whistles WHERE tenant_id = :tenant AND id = :w FOR UPDATE \\gset w_
            UPDATE whistle_summons SET check_in_at = now(), check_in_by = \(user), check_in_login = \(login), check_in_lat = :w_lat::float8 + 0.0001, check_in_lng = :w_lng::float8, distance_m = 11.1, far = false, photo_id = :w, minutes_late = 0 WHERE tenant_id = :tenant AND whistle_id = :w AND department_id = (:depts::bigint[])[:client_id + 1] AND check_in_at IS NULL;
            UPDATE whistles SET version = version + 1, state = 'onSite', updated_at = now() WHERE tenant_id = :tenant AND id = :w AND version = :w_version;
            INSERT INTO whistle_events (tenant_id, whistle_id, version, action, actor_id, actor, state, at, payload) VALUES (:tenant, :w, :w_version + 1, 'checkIn', \(user), \(login), 'onSite', now(), jsonb_build_object('department', (:codes::text[])[:client_id + 1], 'photo', :w::bigint));
            COMMIT;

            """
        let file = dir.appendingPathComponent("check-in.sql")
        try script.write(to: file, atomically: true, encoding: .utf8)
        var arguments = [
            "-n", "-M", "prepared", "-c", String(liaisons.count), "-j", "2", "-t", String(Self.ceilingPerClient), "-l", "--log-prefix",
            dir.appendingPathComponent("tx").path, "-f", file.path,
        ]
        let variables = [
            "tenant": String(tenantId), "base": String(base), "per": String(Self.ceilingPerClient), "k": "0",
            "users": "{\(liaisons.map { String($0.userId) }.joined(separator: ","))}",
            "depts": "{\(liaisons.map { String($0.departmentId) }.joined(separator: ","))}",
            "codes": "{\(liaisons.map(\.departmentCode).joined(separator: ","))}",
        ]
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) { arguments += ["-D", "\(name)=\(value)"] }
        arguments.append(cases.bench.databaseURL)
        let run = try Pgbench.run(cases.bench.pgbench, arguments, in: dir, mode: "check-ins")
        let tps = run.tps, latencies = run.latencies
        return (tps, Percentiles(latencies))
    }

    // MARK: red notices

    /// Whistles of the one-minute kind raised, blown and accepted through HTTP a few seconds apart,
    /// nobody checking in: from each summons' due time to its first `whistleRed` notice (the
    /// notice's created_at, the start of the worker's transaction) and to when the notice could first
    /// be read (polled every 50 ms). Before them, one whistle checked in end to end through HTTP,
    /// its photo uploaded as image/png.
    func redNotices(street: CasesBench.Desk, platform: CasesBench.Desk, liaison: Liaison) async throws {
        let http = try MiniHTTPClient(port: UInt16(port))
        let lattice = DistrictLattice(district)
        let (columns, rows) = district.latticeSize
        var rng = SplitMix64(seed: UInt64(getpid()))
        var cell = (0, 0)
        repeat { cell = (Int(rng.next() % UInt64(columns)), Int(rng.next() % UInt64(rows))) } while lattice.chain(cell.0, cell.1)[1] != lattice.streetCode(0)
        func send(_ path: String, _ desk: CasesBench.Desk, _ json: [String: Any], expect: Int) throws -> [String: Any] {
            let (status, answer) = try http.request("POST", path, headers: desk.headers, body: try JSONSerialization.data(withJSONObject: json))
            guard status == expect, let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
                throw BenchError("POST \(path) answered \(status): \(String(decoding: answer.prefix(1500), as: UTF8.self))")
            }
            return object
        }
        func whistle(kind: String) throws -> Int64 {
            let place = cases.point(cell, &rng)
            let raised = try send(
                "/v1/whistles", street,
                [
                    "unit": lattice.streetCode(0), "kind": kind, "reason": "基准红灯测试：无人报到", "lat": place.lat, "lng": place.lng,
                    "departments": [["code": liaison.departmentCode, "task": "现场处置"]],
                ], expect: 201)
            guard let id = (raised["id"] as? NSNumber)?.int64Value else { throw BenchError("a raised whistle has no id: \(raised)") }
            _ = try send("/v1/whistles/\(id)/actions/analyse", street, [:], expect: 200)
            _ = try send("/v1/whistles/\(id)/actions/blow", street, [:], expect: 200)
            _ = try send("/v1/whistles/\(id)/actions/accept", platform, [:], expect: 200)
            return id
        }

        // End to end: raised, accepted, the photo uploaded, the check-in.
        let checked = try whistle(kind: "enforce")
        let (uploaded, photo) = try http.request(
            "POST", "/v1/whistles/\(checked)/photos", headers: liaison.desk.headers, body: Data(Self.png), contentType: "image/png")
        guard uploaded == 201, let photoId = ((try JSONSerialization.jsonObject(with: photo) as? [String: Any])?["id"] as? NSNumber)?.int64Value else {
            throw BenchError("the photo upload answered \(uploaded): \(String(decoding: photo.prefix(1500), as: UTF8.self))")
        }
        let stand = cases.point(cell, &rng)
        let t0 = monotonicSeconds()
        let view = try send(
            "/v1/whistles/\(checked)/departments/\(liaison.departmentCode)/checkIn", liaison.desk,
            ["lat": stand.lat, "lng": stand.lng, "photo": photoId], expect: 200)
        print(
            "a whistle through HTTP end to end (raise, analyse, blow, accept, photo upload as image/png, check-in): the check-in took "
                + "\(format((monotonicSeconds() - t0) * 1000)) ms, the whistle is \(view["state"] ?? "?")")

        var lastNotice: Int64 = 0
        for try await id in try await owner.query("SELECT coalesce(max(id), 0)::int8 FROM notifications", logger: logger).decode(Int64.self) {
            lastNotice = id
        }
        var ids: [Int64] = []
        for round in 0..<Self.redRounds {
            if round > 0 { try await Task.sleep(for: .seconds(4)) }
            ids.append(try whistle(kind: Self.fastKind.code))
        }
        var created: [Int64: Double] = [:], seen: [Int64: Double] = [:]
        let giveUp = monotonicSeconds() + Double(Self.fastKind.limitMinutes) * 60 + 150
        while seen.count < ids.count && monotonicSeconds() < giveUp {
            for try await (id, delay, now) in try await owner.query(
                """
                SELECT s.whistle_id, extract(epoch FROM min(n.created_at) - s.due_at)::float8, extract(epoch FROM clock_timestamp() - s.due_at)::float8
                FROM whistle_summons s
                LEFT JOIN notifications n ON n.tenant_id = s.tenant_id AND n.id > \(lastNotice) AND n.whistle_id = s.whistle_id AND n.kind = 'whistleRed'
                WHERE s.tenant_id = \(tenantId) AND s.whistle_id = ANY(\(ids)::bigint[])
                GROUP BY s.whistle_id, s.due_at
                """, logger: logger
            ).decode((Int64, Double?, Double).self) {
                if let delay, seen[id] == nil {
                    created[id] = delay
                    seen[id] = now
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard seen.count == ids.count else {
            throw BenchError("no red notice for whistles \(ids.filter { seen[$0] == nil }) within 150 s of their limit")
        }
        let worst = ids.map { seen[$0]! }.max()!
        print(
            "red notice of a report-in limit passing (\(ids.count) whistles of a \(Self.fastKind.limitMinutes)-minute kind, nobody checking in; "
                + "from the summons' due time): notice written after "
                + ids.map { format(created[$0]!) }.joined(separator: ", ") + " s, readable after " + ids.map { format(seen[$0]!) }.joined(separator: ", ")
                + " s  (aim ≤ \(format(Self.redAimSeconds)) s: \(format(Self.redAimSeconds / worst))× headroom)")
    }

    // MARK: figures

    /// The year's report-in figures of the whole district by department and by street through HTTP,
    /// each request beside the plain `GROUP BY` over the raw tables that counts the same.
    func figures(_ leader: CasesBench.Desk) async throws {
        let http = try MiniHTTPClient(port: UInt16(port))
        var end: Date?, root = ""
        for try await row in try await owner.query(
            """
            SELECT date_trunc('day', max(w.accepted_at)) + interval '1 day', (SELECT path FROM org_units WHERE tenant_id = \(tenantId) AND parent_id IS NULL)
            FROM whistles w WHERE w.tenant_id = \(tenantId) AND w.created_login = 'bench.history'
            """, logger: logger
        ).decode((Date?, String).self) { (end, root) = row }
        guard let to = end else { throw BenchError("the district has no whistle history") }
        let from = to.addingTimeInterval(-365 * 86400)
        let iso = ISO8601DateFormatter()
        for grouping in ["department", "street"] {
            let path = "/v1/stats/whistles?by=\(grouping)&from=\(iso.string(from: from))&to=\(iso.string(from: to))"
            var httpMs: [Double] = [], sqlMs: [Double] = []
            var check = ""
            for r in 0..<(Self.figuresRequests + 1) {
                let t0 = monotonicSeconds()
                let (status, body) = try http.request("GET", path, headers: leader.headers)
                guard status == 200 else { throw BenchError("GET \(path) answered \(status): \(String(decoding: body.prefix(1500), as: UTF8.self))") }
                if r >= 1 { httpMs.append((monotonicSeconds() - t0) * 1000) }
                let t1 = monotonicSeconds()
                let plain = try await plainGroupBy(grouping, root: root, from: from, to: to)
                if r >= 1 { sqlMs.append((monotonicSeconds() - t1) * 1000) }
                if r == 0, let rows = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["rows"] as? [[String: Any]], let total = rows.last {
                    let summoned = total["summoned"] as? Int ?? -1, checkedIn = total["checkedIn"] as? Int ?? -1
                    check =
                        "  the year: \(total["whistles"] ?? 0) whistles, \(summoned) departments summoned, \(checkedIn) in, "
                        + "\(total["late"] ?? 0) late, \(total["absent"] ?? 0) absent, on-time rate \(total["onTimeRate"] ?? "-"), \(rows.count - 1) rows; "
                        + "the plain GROUP BY: \(plain.groups) groups, \(plain.summoned) summoned, \(plain.checkedIn) in "
                        + (plain.summoned == summoned && plain.checkedIn == checkedIn && plain.groups == rows.count - 1 ? "(the same)" : "(DIFFERENT)")
                }
            }
            let h = Percentiles(httpMs), s = Percentiles(sqlMs)
            print(
                "report-in figures of the district for a year by \(grouping) via HTTP: n=\(httpMs.count) p50=\(format(h.p50)) ms p99=\(format(h.p99)) ms "
                    + "max=\(format(h.max)) ms  (aim p99 ≤ \(format(Self.figuresAimP99)) ms: \(format(Self.figuresAimP99 / h.p99))× headroom)")
            print(
                "  the plain GROUP BY over whistles ⨝ whistle_summons (the ceiling, same period and scope): p50=\(format(s.p50)) ms p99=\(format(s.p99)) ms; "
                    + "HTTP p50 / ceiling p50 = \(String(format: "%.2f", h.p50 / max(s.p50, 0.001)))")
            print(check)
        }
    }

    /// The ceiling: one `GROUP BY` over the whistles accepted in the period under `root` and their
    /// summoned departments, by department or street, with the figures' counts and sums and no
    /// names, total row or rates.
    func plainGroupBy(_ grouping: String, root: String, from: Date, to: Date) async throws -> (groups: Int, summoned: Int, checkedIn: Int) {
        let key = grouping == "street" ? "w.street_id" : "s.department_id", upper = root + "~"
        var result = (groups: 0, summoned: 0, checkedIn: 0)
        for try await row in try await owner.query(
            """
            SELECT \(unescaped: key), count(DISTINCT w.id), count(*), count(*) FILTER (WHERE s.check_in_at IS NOT NULL OR s.released_at IS NULL),
                   count(s.check_in_at), count(*) FILTER (WHERE s.minutes_late = 0), count(*) FILTER (WHERE s.minutes_late > 0),
                   count(*) FILTER (WHERE s.check_in_at IS NULL AND s.released_at IS NULL AND s.red_at IS NOT NULL), count(*) FILTER (WHERE s.far),
                   sum(extract(epoch FROM s.check_in_at - s.summoned_at) / 60)::float8, count(s.scored_at), sum(s.score_on_time)::int8,
                   sum(s.score_attitude)::int8, sum(s.score_result)::int8
            FROM whistles w JOIN whistle_summons s ON s.tenant_id = w.tenant_id AND s.whistle_id = w.id AND s.status = 'summoned'
            WHERE w.tenant_id = \(tenantId) AND w.accepted_at >= \(from) AND w.accepted_at < \(to) AND w.unit_path >= \(root) AND w.unit_path < \(upper)
            GROUP BY 1
            """, logger: logger
        ) {
            let r = row.makeRandomAccess()
            result.groups += 1
            result.summoned += Int(try r[2].decode(Int64.self))
            result.checkedIn += Int(try r[4].decode(Int64.self))
        }
        return result
    }
}

// MARK: CPU

/// Busy CPU seconds of the machine, the server under test, the PostgreSQL backends on the
/// benchmark's database and this process, read from /proc: what the load cost and what else ran.
struct CPUSample {
    var machine: Double
    var server: Double
    var postgres: [Int32: Double]
    var bench: Double

    /// Clock ticks of /proc (USER_HZ).
    static let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime of a process, in seconds (0 when it is gone).
    static func process(_ pid: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / hertz
    }

    static func machine() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = text.split(separator: "\n").first else { return 0 }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 8 else { return 0 }
        // user, nice, system, idle, iowait, irq, softirq, steal: busy is all but idle and iowait.
        return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]) / hertz
    }

    /// What was spent between `earlier` and this sample.
    func since(_ earlier: CPUSample) -> CPUSample {
        CPUSample(
            machine: machine - earlier.machine, server: server - earlier.server,
            postgres: postgres.reduce(into: [:]) { $0[$1.key] = $1.value - (earlier.postgres[$1.key] ?? 0) }, bench: bench - earlier.bench)
    }

    func describe(per count: Int, of what: String) -> String {
        let backends = postgres.values.reduce(0, +), other = max(0, machine - server - backends - bench)
        func ms(_ seconds: Double) -> String { format(seconds * 1000 / Double(max(count, 1))) }
        return "ms per \(what): server \(ms(server)), its PostgreSQL backends \(ms(backends)), the bench's clients \(ms(bench)), "
            + "everything else on the machine \(ms(other)) (\(format(other)) CPU-s beside \(format(machine)) CPU-s busy in all)"
    }
}

extension WhistleBench {
    /// A CPU sample: the backends are those on the benchmark's database now.
    func cpu() async throws -> CPUSample {
        var pids: [Int32] = []
        for try await pid in try await owner.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", logger: logger
        ).decode(Int32.self) { pids.append(pid) }
        return CPUSample(
            machine: CPUSample.machine(), server: CPUSample.process(String(serverPid)),
            postgres: pids.reduce(into: [:]) { $0[$1] = CPUSample.process(String($1)) }, bench: CPUSample.process("self"))
    }
}
