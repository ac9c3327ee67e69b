import Foundation
import GridCore
import GridService
import GridStore
import Logging
import PostgresNIO

/// The cases benchmark (issue 4), on the 30,000-grid demo district with a year of history (about
/// 1,000,000 cases): case intake through HTTP with 32 keep-alive clients against the same SQL run
/// by pgbench (aims: ≥ 60 % of that ceiling, p99 ≤ 50 ms), a street's work lists (p99 ≤ 20 ms), the
/// whole life cycle of cases with one and with eight clients, and the server's memory. Run by
/// scripts/bench-cases.sh.
struct CasesBench {
    let bench: GridBench
    let service: GridService
    let client: PostgresClient
    let owner: PostgresClient
    let district: DemoDistrict
    let logger: Logger

    static let intakeAimRatio = 0.60
    static let intakeAimP99 = 50.0
    static let listAimP99 = 20.0
    /// Items of the national list the reports name (E0201, 非法小广告, always among them).
    static let itemCodes = ["E0201", "E0101", "E0102", "E0202", "E0301", "E0401", "E0501", "E0502", "C0101", "C0201", "C0301", "C0401"]
    static let descriptions = ["沿街发现，请尽快处理", "群众反映多次，影响通行", "巡查发现，现场拍照", "夜间存在安全隐患", "影响市容环境"]
    /// Grid workers and dispatchers taking reports in (half each), street dispatchers reading work lists.
    static let gridWorkers = 16, intakeDispatchers = 16
    /// Seconds of intake before the measured window (prepared statements, caches, the pool).
    static let warmUpSeconds = 3.0

    /// A logged-in bench user: its token, and for grid workers the unit cells of its basic grid.
    struct Desk: Sendable {
        var login: String
        var token: String
        var cells: [(Int, Int)]
        var headers: [String: String] { ["Authorization": "Bearer \(token)"] }
    }

    /// The benchmark district of an earlier run with its history, when asked to reuse it and it has one.
    func earlierDistrict() async throws -> (id: Int64, code: String)? {
        guard bench.reuseHistory else { return nil }
        for try await (id, code, cases) in try await owner.query(
            """
            SELECT t.id, t.code, (SELECT count(*) FROM cases c WHERE c.tenant_id = t.id)::int8 FROM tenants t
            WHERE t.name = '基准区' ORDER BY t.id DESC LIMIT 1
            """, logger: logger
        ).decode((Int64, String, Int64).self) where cases >= bench.historyCases {
            return (id, code)
        }
        print("no earlier benchmark district with \(bench.historyCases) cases: making one")
        return nil
    }

    func run() async throws {
        let earlier = try await earlierDistrict()
        let code = earlier?.code ?? "C\(Int.random(in: 100_000...999_999))"
        let t0 = ContinuousClock.now
        let tenantId: Int64
        var demoPasswords: [String: String] = [:]
        if let earlier {
            tenantId = earlier.id
            for login in ["admin", "shift.leader", "liaison.cgw"] {
                demoPasswords[login] = try await service.resetPassword(.operator, tenantId: tenantId, login: login)
            }
            print("district: \(code) of an earlier run, with its history")
        } else {
            let seeded = try await service.seedDemo(code: code, name: "基准区", district: district)
            tenantId = seeded.tenant.id
            for user in seeded.users { demoPasswords[user.login] = user.password }
            print(
                "district: \(seeded.units?.created ?? 0) units (\(district.unitGridCount) unit grids), demo departments, duties, rules and users "
                    + "in \(format((ContinuousClock.now - t0).seconds)) s")
        }

        // The people: grid workers of one basic grid each, district dispatchers, a dispatcher per street.
        let lattice = DistrictLattice(district)
        let (columns, rows) = district.latticeSize
        var cellsByBasicGrid: [String: [(Int, Int)]] = [:]
        for i in 0..<columns { for j in 0..<rows { cellsByBasicGrid[lattice.chain(i, j)[3], default: []].append((i, j)) } }
        let t1 = ContinuousClock.now
        var accounts: [(login: String, password: String, cells: [(Int, Int)])] = []
        for k in 0..<Self.gridWorkers {
            let st = k % district.streets, co = (k * 7) % district.communitiesPerStreet
            let basic = lattice.communityCode(st, co) + "001"
            let login = String(format: "bench.gw%02d", k + 1)
            accounts.append(
                (
                    login, try await person(tenantId, login, "基准网格员\(k + 1)", .gridWorker, scope: basic, again: earlier != nil),
                    cellsByBasicGrid[basic] ?? []
                ))
        }
        for k in 0..<Self.intakeDispatchers {
            let login = String(format: "bench.dsp%02d", k + 1)
            accounts.append((login, try await person(tenantId, login, "基准派遣员\(k + 1)", .dispatcher, scope: district.divisionCode, again: earlier != nil), []))
        }
        for st in 0..<district.streets {
            let login = String(format: "bench.street%02d", st + 1)
            accounts.append((login, try await person(tenantId, login, "街道派遣员\(st + 1)", .dispatcher, scope: lattice.streetCode(st), again: earlier != nil), []))
        }
        // The ladder's people: each grid worker's community chief, and a district leader reading the figures.
        for k in 0..<Self.gridWorkers {
            let st = k % district.streets, co = (k * 7) % district.communitiesPerStreet
            let login = String(format: "bench.cc%02d", k + 1)
            accounts.append(
                (login, try await person(tenantId, login, "社区大格长\(k + 1)", .communityChief, scope: lattice.communityCode(st, co), again: earlier != nil), [])
            )
        }
        accounts.append(("bench.leader", try await person(tenantId, "bench.leader", "区领导", .leader, scope: district.divisionCode, again: earlier != nil), []))
        for login in ["shift.leader", "liaison.cgw"] { accounts.append((login, demoPasswords[login]!, [])) }
        guard accounts.allSatisfy({ !$0.cells.isEmpty || !$0.login.hasPrefix("bench.gw") }) else { throw BenchError("a grid worker's basic grid has no cells") }
        print("people: \(accounts.count) bench logins made in \(format((ContinuousClock.now - t1).seconds)) s")

        let history = CaseHistory(owner: owner, logger: logger, sqlPath: bench.historySql, tenantId: tenantId, tenantCode: code)
        if earlier == nil {
            try await history.generate(cases: bench.historyCases, sessions: bench.historySessions)
        } else {
            try await history.summarise()
        }

        let server = try ServerUnderTest(bench, port: bench.port, databaseURL: bench.databaseURL, tenant: code, password: demoPasswords["admin"]!)
        defer { server.process.terminate() }
        var desks: [String: Desk] = [:]
        for account in accounts {
            desks[account.login] = Desk(login: account.login, token: try login(server.http, code, account.login, account.password), cells: account.cells)
        }
        if bench.ladderOnly {
            try await LadderBench(cases: self, tenantId: tenantId, code: code, district: district).run(desks: desks)
            print("server resident memory after the run: \(bench.residentMegabytes(pid: server.process.processIdentifier)) MiB")
            return
        }
        if bench.assessmentOnly {
            try await AssessmentBench(cases: self, tenantId: tenantId, district: district, serverPid: server.process.processIdentifier).run(desks: desks)
            print("server resident memory after the run: \(bench.residentMegabytes(pid: server.process.processIdentifier)) MiB")
            return
        }
        if bench.whistleOnly {
            try await WhistleBench(cases: self, tenantId: tenantId, code: code, district: district, serverPid: server.process.processIdentifier).run(
                desks: desks)
            print("server resident memory after the run: \(bench.residentMegabytes(pid: server.process.processIdentifier)) MiB")
            return
        }
        // Grid workers and dispatchers alternate.
        var intakeDesks: [Desk] = []
        for k in 0..<bench.intakeClients {
            let login =
                k % 2 == 0 ? String(format: "bench.gw%02d", k / 2 % Self.gridWorkers + 1) : String(format: "bench.dsp%02d", k / 2 % Self.intakeDispatchers + 1)
            intakeDesks.append(desks[login]!)
        }

        let http = try await intakeRounds(intakeDesks, tenantId: tenantId, code: code, dispatcher: desks["bench.dsp01"]!)
        // The same clients below saturation: the latency a desk sees while the server has room.
        for share in Self.pacedShares { _ = try await intakeHTTP(intakeDesks, rate: (http.perSecond * share).rounded()) }
        if bench.intakeOnly { return }
        try workLists(server.http, streets: (0..<district.streets).map { (lattice.streetCode($0), desks[String(format: "bench.street%02d", $0 + 1)]!) })
        try await lifecycle(clients: 1, desks: desks)
        try await lifecycle(clients: 8, desks: desks)
        print("server resident memory after the run: \(bench.residentMegabytes(pid: server.process.processIdentifier)) MiB")
    }

    /// Makes a user with one binding (gives an earlier run's user a new password); returns the one-time password.
    func person(_ tenantId: Int64, _ login: String, _ name: String, _ role: Role, scope: String, again: Bool) async throws -> String {
        if again, let password = try? await service.resetPassword(.operator, tenantId: tenantId, login: login) { return password }
        let (_, password) = try await service.createUser(.operator, tenantId: tenantId, login: login, displayName: name, phone: nil)
        _ = try await service.grant(.operator, tenantId: tenantId, login: login, role: role, scopeCode: scope, departmentCode: nil)
        return password
    }

    func login(_ http: MiniHTTPClient, _ tenant: String, _ login: String, _ password: String) throws -> String {
        try http.logIn(tenant: tenant, login: login, password: password)
    }

    /// A point in the middle 40 % of a unit cell: surely inside its jittered polygon.
    func point(_ cell: (Int, Int), _ rng: inout SplitMix64) -> Coordinate {
        let c = district.cellCentre(cell.0, cell.1)!
        func jitter() -> Double { Double(rng.next() % 1_000_001) / 1_000_000 * 0.4 - 0.2 }
        return Coordinate(lng: c.lng + jitter() * district.cell.lng, lat: c.lat + jitter() * district.cell.lat)!
    }

    /// An intake body at a random place of the desk's area (a grid worker's basic grid, else the district).
    func intakeBody(_ desk: Desk, category: String, _ rng: inout SplitMix64) throws -> Data {
        let (columns, rows) = district.latticeSize
        let cell =
            desk.cells.isEmpty ? (Int(rng.next() % UInt64(columns)), Int(rng.next() % UInt64(rows))) : desk.cells[Int(rng.next() % UInt64(desk.cells.count))]
        let at = point(cell, &rng)
        var json: [String: Any] = [
            "category": category, "description": Self.descriptions[Int(rng.next() % UInt64(Self.descriptions.count))],
            "lat": at.lat, "lng": at.lng,
        ]
        if rng.next() % 3 != 0 { json["address"] = "基准路 \(rng.next() % 300 + 1) 号" }
        return try JSONSerialization.data(withJSONObject: json)
    }

    // MARK: a. intake

    struct IntakeFigures {
        var perSecond: Double
        var count: Int
        var latencies: Percentiles
    }

    /// `POST /v1/cases` from every desk at once for the measured window; a quarter of the requests
    /// carry a fresh Idempotency-Key and one in twenty of those is sent again (a phone's retry).
    /// Without a rate each client sends its next request when the answer to the last arrives (the
    /// most the server can take); with `rate` (requests/s for all clients together) each client
    /// keeps to its own schedule, and a latency counts from when the request was due, so a client
    /// that fell behind its schedule counts the wait too.
    func intakeHTTP(_ desks: [Desk], rate: Double? = nil, seconds: Double? = nil) async throws -> IntakeFigures {
        let bodies = try desks.enumerated().map { index, desk in
            var rng = SplitMix64(seed: UInt64(1000 + index))
            return try (0..<400).map { _ in try intakeBody(desk, category: Self.itemCodes[Int(rng.next() % UInt64(Self.itemCodes.count))], &rng) }
        }
        let (port, seconds, run) = (bench.port, seconds ?? bench.intakeSeconds, UInt64.random(in: 0...UInt64.max) % 1_000_000)
        let start = monotonicSeconds() + 0.5, measureFrom = start + Self.warmUpSeconds, end = measureFrom + seconds
        let tallies = try await runClients(desks.count) { index in
            let http = try MiniHTTPClient(port: UInt16(port))
            let desk = desks[index], mine = bodies[index]
            var rng = SplitMix64(seed: UInt64(index) &* 7919 &+ run)
            var tally = ClientTally(), sent = 0, lastKeyed: (key: String, body: Data)?
            // Paced: this client's requests are due every `interval` seconds, the clients staggered within it.
            let interval = rate.map { Double(desks.count) / $0 }
            while monotonicSeconds() < start { usleep(1000) }
            while true {
                let due = dueTime(start: start, sent: sent, client: index, clients: desks.count, interval: interval)
                if due >= end { break }
                var headers = desk.headers, body = mine[sent % mine.count]
                let roll = rng.next() % 100
                var replay = false
                if roll < UInt64(IntakeCeiling.keyedPercent) {
                    if let last = lastKeyed, roll < Self.retryPercent {
                        headers["Idempotency-Key"] = last.key
                        body = last.body
                        replay = true
                    } else {
                        let key = "bench-\(run)-\(index)-\(sent)"
                        headers["Idempotency-Key"] = key
                        lastKeyed = (key, body)
                    }
                }
                sent += 1
                let t0 = interval == nil ? monotonicSeconds() : due
                let (status, answer) = try http.request("POST", "/v1/cases", headers: headers, body: body)
                let t1 = monotonicSeconds()
                if t0 >= measureFrom { tally.record((t1 - t0) * 1000, status: status) }
                if status != 201 { tally.fail("\(status): \(String(decoding: answer.prefix(1500), as: UTF8.self))") }
                if replay && status == 201 && String(decoding: answer.suffix(200), as: UTF8.self).contains("\"replayed\":true") { tally.replays += 1 }
            }
            return tally
        }
        let all = ClientTally.merged(tallies)
        let ok = all.statuses[201] ?? 0
        let latencies = Percentiles(all.latencies)
        let perSecond = Double(all.latencies.count) / seconds
        let pace = rate.map { "paced at \(Int($0)) requests/s in all, latency from when each was due" } ?? "each sending on as soon as answered"
        print(
            "case intake via HTTP (\(desks.count) keep-alive clients, \(pace): \(Self.gridWorkers) grid workers, \(Self.intakeDispatchers) dispatchers; "
                + "\(Self.keyedPercent) % with an Idempotency-Key, \(Self.retryPercent) % retries under the previous one): \(Int(perSecond)) requests/s over \(format(seconds)) s; n=\(latencies.sorted.count) "
                + "p50=\(format(latencies.p50)) ms p90=\(format(latencies.p90)) ms p99=\(format(latencies.p99)) ms max=\(format(latencies.max)) ms  "
                + "(aim p99 ≤ \(Self.intakeAimP99) ms: \(format(Self.intakeAimP99 / latencies.p99))× headroom)")
        print("case intake via HTTP: \(all.statusSummary); \(all.replays) retries under an earlier key answered replayed")
        if let failure = all.firstFailure {
            print("first failed intake answered \(failure)")
            throw BenchError("\(all.latencies.count - ok) of \(all.latencies.count) intake requests failed")
        }
        return IntakeFigures(perSecond: perSecond, count: all.latencies.count, latencies: latencies)
    }

    /// The paced intake runs, as shares of the requests/s the clients reached unpaced.
    static let pacedShares = [0.5, 0.75]
    static let keyedPercent = IntakeCeiling.keyedPercent
    /// Of all requests, the share that resends the client's previous keyed request (a retry).
    static let retryPercent: UInt64 = 2

    /// Rounds of intake: the HTTP clients for a while, then the same SQL by pgbench with as many
    /// clients, every statement prepared (the ceiling), as many intakes as the HTTP round made;
    /// `intakeRounds` times. This shared machine's speed drifts by tens of percent within
    /// minutes, so the ratio is taken round by round (HTTP and pgbench next to each other) and the
    /// median round's is the figure. Then pgbench once more with every statement planned anew.
    static let intakeRounds = 3

    func intakeRounds(_ desks: [Desk], tenantId: Int64, code: String, dispatcher: Desk) async throws -> IntakeFigures {
        var day = ""
        for try await text in try await client.query("SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')", logger: logger).decode(String.self) {
            day = text
        }
        var categories: [(String, String)] = []
        for try await (code, grade) in try await owner.query(
            """
            SELECT code, grades -> 0 ->> 'key' FROM categories WHERE tenant_id = \(tenantId) AND code = ANY(\(Self.itemCodes)::text[]) ORDER BY code
            """, logger: logger
        ).decode((String, String).self) {
            categories.append((code, grade))
        }
        let settings = TenantSettings()
        let (columns, rows) = district.latticeSize
        let hash = Secrets.tokenHash(dispatcher.token).map { String(format: "%02x", $0) }.joined()
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gridgov-bench-cases-\(getpid())")
        let ceiling = IntakeCeiling(
            inputs: .init(
                pgbench: bench.pgbench, url: bench.databaseURL, tenantId: tenantId, tenantCode: code, tokenHash: hash, day: day, categories: categories,
                origin: district.origin, extent: (Double(columns) * district.cell.lng, Double(rows) * district.cell.lat),
                duplicateRadiusMeters: settings.duplicateRadiusMeters, duplicateWindowHours: settings.duplicateWindowHours, directory: directory))
        defer { try? FileManager.default.removeItem(at: directory) }
        let clients = bench.intakeClients, seconds = bench.intakeSeconds / 2
        var rounds: [(http: IntakeFigures, sql: IntakeCeiling.Outcome)] = []
        for round in 1...Self.intakeRounds {
            print("intake round \(round) of \(Self.intakeRounds):")
            let http = try await intakeHTTP(desks, seconds: seconds)
            let sql = try ceiling.run(mode: "prepared", clients: clients, transactions: max(50, http.count / clients))
            print(ceilingLine(sql, mode: "prepared") + "; HTTP / this = \(String(format: "%.2f", http.perSecond / max(sql.tps, 1)))")
            rounds.append((http, sql))
        }
        let ratios = rounds.map { $0.http.perSecond / max($0.sql.tps, 1) }.sorted()
        let ratio = ratios[ratios.count / 2]
        let http = IntakeFigures(
            perSecond: rounds.map(\.http.perSecond).reduce(0, +) / Double(rounds.count), count: rounds.map(\.http.count).reduce(0, +),
            latencies: Percentiles(rounds.flatMap(\.http.latencies.sorted)))
        let sql = Percentiles(rounds.flatMap(\.sql.latencies.sorted)), sqlRate = rounds.map(\.sql.tps).reduce(0, +) / Double(rounds.count)
        let l = http.latencies
        print(
            "case intake via HTTP, \(Self.intakeRounds) rounds of \(format(seconds)) s, \(clients) clients each sending on as soon as answered: "
                + "\(Int(http.perSecond)) requests/s; n=\(http.count) p50=\(format(l.p50)) ms p90=\(format(l.p90)) ms p99=\(format(l.p99)) ms max=\(format(l.max)) ms  "
                + "(aim p99 ≤ \(Self.intakeAimP99) ms: \(format(Self.intakeAimP99 / l.p99))× headroom)")
        print(
            "intake SQL via pgbench -M prepared -c \(clients) in the same rounds (the ceiling): \(Int(sqlRate)) intakes/s; "
                + "p50=\(format(sql.p50)) ms p90=\(format(sql.p90)) ms p99=\(format(sql.p99)) ms max=\(format(sql.max)) ms")
        print(
            "HTTP / ceiling by round: \(ratios.map { String(format: "%.2f", $0) }.joined(separator: ", ")); median \(String(format: "%.2f", ratio))  "
                + "(aim ≥ \(String(format: "%.2f", Self.intakeAimRatio)): ratio \(String(format: "%.2f", ratio / Self.intakeAimRatio)))")
        let extended = try ceiling.run(mode: "extended", clients: clients, transactions: max(50, rounds.last!.http.count / clients))
        print(
            ceilingLine(extended, mode: "extended") + " (every statement planned anew); HTTP / this = "
                + String(format: "%.2f", rounds.last!.http.perSecond / max(extended.tps, 1)))
        return http
    }

    func ceilingLine(_ outcome: IntakeCeiling.Outcome, mode: String) -> String {
        let l = outcome.latencies
        return "intake SQL via pgbench -M \(mode) -c \(bench.intakeClients), every statement of an intake: \(Int(outcome.tps)) intakes/s; "
            + "n=\(outcome.transactions) p50=\(format(l.p50)) ms p90=\(format(l.p90)) ms p99=\(format(l.p99)) ms max=\(format(l.max)) ms; \(outcome.failed) failed"
    }

    // MARK: b. work lists

    /// A street dispatcher's dispatch queue and the street's scope list, first pages, one client.
    func workLists(_ http: MiniHTTPClient, streets: [(code: String, desk: Desk)]) throws {
        let requests = bench.listRequests
        for (label, path) in [
            ("queue=dispatch", { (_: String) in "/v1/cases?queue=dispatch" }), ("scope=<street>", { (code: String) in "/v1/cases?scope=\(code)" }),
        ] {
            for street in streets.prefix(5) { _ = try http.request("GET", path(street.code), headers: street.desk.headers) }
            var latencies: [Double] = [], items = 0, bytes = 0
            for r in 0..<requests {
                let street = streets[r % streets.count]
                let t0 = monotonicSeconds()
                let (status, body) = try http.request("GET", path(street.code), headers: street.desk.headers)
                latencies.append((monotonicSeconds() - t0) * 1000)
                guard status == 200 else {
                    throw BenchError(
                        "GET \(path(street.code)) as \(street.desk.login) answered \(status): \(String(decoding: body.prefix(1500), as: UTF8.self))")
                }
                bytes += body.count
                if r < streets.count { items += ((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["items"] as? [Any])?.count ?? 0 }
            }
            bench.report("work list \(label) via HTTP (a street dispatcher, 1 client, \(streets.count) streets)", latencies, aimP99: Self.listAimP99)
            print(
                "  \(format(Double(items) / Double(min(requests, streets.count)))) cases on a first page, \(format(Double(bytes) / Double(requests) / 1024)) KiB a response"
            )
        }
    }

    // MARK: c. life cycle

    /// The main path with one rework, actor by actor: file, dispatch (dispatcher), sign, reportHandled (CGW's
    /// liaison), requestCheck (dispatcher), failCheck (grid worker), reportHandled, requestCheck, passCheck,
    /// close (shift leader), evaluate (dispatcher).
    static let path: [(action: String, actor: String, body: [String: String])] = [
        ("file", "dispatcher", [:]), ("dispatch", "dispatcher", [:]), ("sign", "liaison", [:]),
        ("reportHandled", "liaison", ["note": "已清理违规小广告"]), ("requestCheck", "dispatcher", [:]),
        ("failCheck", "gridworker", ["reason": "仍有残留，需返工"]), ("reportHandled", "liaison", ["note": "已复查并彻底清理"]),
        ("requestCheck", "dispatcher", [:]), ("passCheck", "gridworker", [:]), ("close", "leader", [:]), ("evaluate", "dispatcher", ["rating": "satisfied"]),
    ]

    /// Cases reported by grid workers (E0201, routed to CGW by the duty list), then worked to evaluation by
    /// `clients` clients at once; actions per second over the whole phase.
    func lifecycle(clients: Int, desks: [String: Desk]) async throws {
        let port = bench.port, perClient = bench.lifecycleCases
        let leader = desks["shift.leader"]!, liaison = desks["liaison.cgw"]!
        let bodies = try (0..<clients).map { c -> [Data] in
            var rng = SplitMix64(seed: UInt64(50_000 + clients * 100 + c))
            let worker = desks[String(format: "bench.gw%02d", c % Self.gridWorkers + 1)]!
            return try (0..<perClient).map { _ in try intakeBody(worker, category: "E0201", &rng) }
        }
        let cases: [[Int64]] = try await runClients(clients) { c in
            let http = try MiniHTTPClient(port: UInt16(port))
            let worker = desks[String(format: "bench.gw%02d", c % Self.gridWorkers + 1)]!
            return try bodies[c].map { body in
                let (status, answer) = try http.request("POST", "/v1/cases", headers: worker.headers, body: body)
                guard status == 201,
                    let id = ((try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["case"] as? [String: Any])?["id"] as? NSNumber
                else { throw BenchError("intake for the life cycle answered \(status): \(String(decoding: answer.prefix(1500), as: UTF8.self))") }
                return id.int64Value
            }
        }

        let started = monotonicSeconds()
        let tallies = try await runClients(clients) { c in
            let http = try MiniHTTPClient(port: UInt16(port))
            let actors = [
                "dispatcher": desks[String(format: "bench.dsp%02d", c % Self.intakeDispatchers + 1)]!, "liaison": liaison, "leader": leader,
                "gridworker": desks[String(format: "bench.gw%02d", c % Self.gridWorkers + 1)]!,
            ]
            var tally = ClientTally()
            for id in cases[c] {
                for (index, step) in Self.path.enumerated() {
                    let body = try JSONSerialization.data(withJSONObject: step.body)
                    let t0 = monotonicSeconds()
                    let (status, answer) = try http.request("POST", "/v1/cases/\(id)/actions/\(step.action)", headers: actors[step.actor]!.headers, body: body)
                    tally.record((monotonicSeconds() - t0) * 1000, status: status)
                    if status != 200 { tally.fail("\(step.action) on case \(id) answered \(status): \(String(decoding: answer.prefix(1500), as: UTF8.self))") }
                    if index == Self.path.count - 1, status == 200,
                        (try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["state"] as? String != "evaluated"
                    {
                        tally.fail("case \(id) did not end evaluated")
                    }
                }
            }
            return tally
        }
        let elapsed = monotonicSeconds() - started
        let all = ClientTally.merged(tallies)
        let l = Percentiles(all.latencies)
        print(
            "case life cycle via HTTP (\(clients) client\(clients == 1 ? "" : "s"), \(clients * perClient) cases × \(Self.path.count) actions): "
                + "\(Int(Double(all.latencies.count) / elapsed)) actions/s, \(format(Double(clients * perClient) / elapsed)) cases/s; "
                + "per action p50=\(format(l.p50)) ms p90=\(format(l.p90)) ms p99=\(format(l.p99)) ms max=\(format(l.max)) ms; \(all.statusSummary)")
        if clients == 1 {
            // Which actions cost what, from the single client (no queueing).
            var byAction: [String: [Double]] = [:]
            for (n, latency) in all.latencies.enumerated() { byAction[Self.path[n % Self.path.count].action, default: []].append(latency) }
            let parts = Self.path.map(\.action).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                .map { "\($0) \(format(Percentiles(byAction[$0] ?? []).p50))" }
            print("  p50 by action (ms): \(parts.joined(separator: ", "))")
        }
        if let failure = all.firstFailure {
            print("first failed action: \(failure)")
            throw BenchError("the life cycle run had failures")
        }
    }
}
