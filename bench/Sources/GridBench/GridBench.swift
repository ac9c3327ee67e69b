import ArgumentParser
import Foundation
import GridCore
import GridService
import GridStore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

@main
enum Entry {
    static func main() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        Task {
            await GridBench.main()
            exit(0)
        }
        dispatchMain()
    }
}

/// The benchmarks: import a generated district, then time locate through the SQL function and through
/// HTTP (issue 2), and routing, by the pure matcher and through HTTP explain (issue 3, RoutingBench), and
/// read the server's memory. Run by scripts/bench.sh (all) and scripts/bench-routing.sh (routing).
/// Cases (issue 4, CasesBench) need the owner's URL and a year of history: scripts/bench-cases.sh, not `all`.
struct GridBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gridgov-bench")

    enum Suite: String, ExpressibleByArgument, CaseIterable {
        case locate, routing, all, cases
    }

    @Option(help: "PostgreSQL URL of the service role on the benchmark database.") var databaseURL: String
    @Option(help: "Streets.") var streets = 20
    @Option(help: "Communities per street.") var communities = 15
    @Option(help: "Lookups per measurement.") var lookups = 10_000
    @Option(help: "Port for the server under test.") var port = 18_080
    @Option(help: "Which benchmarks to run: locate, routing, all (those two) or cases.") var suite: Suite = .all
    @Option(help: "Routing requests the pure matcher decides per round.") var routingRequests = 100_000
    @Option(help: "Rounds of the pure matcher.") var routingRounds = 7
    @Option(help: "Explain requests per measurement (in process and through HTTP).") var explains = 2_000
    @Option(help: "Cases: PostgreSQL URL of the schema owner on the benchmark database (writes the history).") var ownerURL: String?
    @Option(help: "Cases: historical cases to generate.") var historyCases = 1_000_000
    @Option(help: "Cases: connections writing the history at once.") var historySessions = 2
    @Option(help: "Cases: the history script.") var historySql = "bench/sql/case-history.sql"
    @Option(help: "Cases: concurrent intake clients (HTTP and pgbench).") var intakeClients = 32
    @Option(help: "Cases: seconds of each intake measurement.") var intakeSeconds = 20.0
    @Option(help: "Cases: requests per work list.") var listRequests = 1_000
    @Option(help: "Cases: cases each life-cycle client works through.") var lifecycleCases = 30
    @Option(help: "Cases: the pgbench binary.") var pgbench = "/usr/lib/postgresql/15/bin/pgbench"
    @Flag(help: "Cases: measure on the district an earlier run left, with its history, when it has one.") var reuseHistory = false
    @Flag(help: "Cases: measure intake only (through HTTP, the pgbench ceilings, the paced runs).") var intakeOnly = false
    @Flag(help: "Cases: measure the ladder only (its year of slips and turns added once; level figures, hand-ups).") var ladderOnly = false
    @Flag(help: "Cases: measure the assessment only (indicators of a street's month, the district's rankings by month and year).")
    var assessmentOnly = false
    @Flag(help: "Cases: measure the whistle only (its year of whistles added once; check-ins, red notices, report-in figures).") var whistleOnly = false

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let district = DemoDistrict(
            divisionCode: "110108", streets: streets, communitiesPerStreet: communities, basicGridsPerCommunity: 4, unitGridsPerBasicGrid: 25)
        let client = PostgresClient(configuration: try DatabaseURL.configuration(databaseURL), backgroundLogger: logger)
        let (lookups, port, databaseURL, suite) = (lookups, port, databaseURL, suite)
        if suite == .cases {
            guard let ownerURL else { throw BenchError("the cases suite needs --owner-url (the schema owner writes the history)") }
            let owner = PostgresClient(configuration: try DatabaseURL.configuration(ownerURL), backgroundLogger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                group.addTask { await owner.run() }
                let service = GridService(db: Database(client: client, logger: logger))
                try await CasesBench(bench: self, service: service, client: client, owner: owner, district: district, logger: logger).run()
                group.cancelAll()
            }
            return
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let service = GridService(db: Database(client: client, logger: logger))
            let code = "B\(Int.random(in: 100_000...999_999))"
            let tenant = try await service.createTenant(code: code, name: "基准区", divisionCode: district.divisionCode, adminLogin: "admin")
            let data = try JSONEncoder().encode(district.featureCollection())
            let started = ContinuousClock.now
            let summary = try await service.importOrg(tenantId: tenant.tenant.id, geoJSON: data)
            let importSeconds = (ContinuousClock.now - started).seconds
            let grids = summary.byKind["grid"] ?? 0
            print(
                "import: \(summary.created) units (\(district.unitGridCount) unit grids, \(grids) grids in all, \(data.count / 1024) KiB GeoJSON) in \(format(importSeconds)) s  (aim ≤ 10 s: \(format(10 / importSeconds))× headroom)"
            )

            var server: ServerUnderTest?
            defer { server?.process.terminate() }
            if suite != .routing {
                let points = randomPoints(district, count: lookups)
                // Through the SQL function, on one connection.
                let sqlLatencies = try await client.withConnection { connection in
                    var latencies: [Double] = []
                    latencies.reserveCapacity(points.count)
                    for _ in 0..<200 {
                        try await connection.query("SELECT id FROM locate_grid(\(tenant.tenant.id), \(points[0].lng), \(points[0].lat))", logger: logger)
                    }
                    var found = 0
                    for point in points {
                        let t0 = ContinuousClock.now
                        for try await _ in try await connection.query(
                            "SELECT id FROM locate_grid(\(tenant.tenant.id), \(point.lng), \(point.lat))", logger: logger
                        ).decode(Int64.self) { found += 1 }
                        latencies.append((ContinuousClock.now - t0).milliseconds)
                    }
                    guard found == points.count else { throw BenchError("only \(found) of \(points.count) points were located") }
                    return latencies
                }
                report("locate via SQL function", sqlLatencies, aimP99: 0.5)

                // Through the service, in process: what HTTP adds is the difference to the next figure.
                let principal = Principal(
                    tenantId: tenant.tenant.id, userId: 0, login: "bench",
                    bindings: [RoleBinding(id: 0, role: .dispatcher, scopeUnitId: tenant.rootUnitId, scope: .root(tenant.rootUnitId))])
                var serviceLatencies: [Double] = []
                for point in points {
                    let t0 = ContinuousClock.now
                    _ = try await service.locate(.user(principal), tenantId: tenant.tenant.id, lat: point.lat, lng: point.lng)
                    serviceLatencies.append((ContinuousClock.now - t0).milliseconds)
                }
                report("locate via GridService (in process)", serviceLatencies, aimP99: 5)

                // Through HTTP: a separate server process, one client, keep-alive.
                let running = try ServerUnderTest(self, port: port, databaseURL: databaseURL, tenant: code, password: tenant.adminPassword)
                server = running
                let (http, headers) = (running.http, running.headers)
                for point in points.prefix(500) { _ = try http.request("GET", "/v1/locate?lat=\(point.lat)&lng=\(point.lng)", headers: headers) }
                var httpLatencies: [Double] = []
                for point in points {
                    let t0 = ContinuousClock.now
                    let (status, _) = try http.request("GET", "/v1/locate?lat=\(point.lat)&lng=\(point.lng)", headers: headers)
                    httpLatencies.append((ContinuousClock.now - t0).milliseconds)
                    guard status == 200 else { throw BenchError("locate answered \(status)") }
                }
                report("locate via HTTP (1 client)", httpLatencies, aimP99: 5)
                print("server resident memory after the run: \(residentMegabytes(pid: running.process.processIdentifier)) MiB")
            }

            if suite != .locate {
                let routing = RoutingBench(
                    workload: RoutingWorkload(district: district), service: service, tenantId: tenant.tenant.id,
                    rootUnitId: tenant.rootUnitId)
                try await routing.load()
                try await routing.settleStatistics(client, logger: logger)
                routing.matcher(requests: routingRequests, rounds: routingRounds)
                let probes = try routing.probes(count: explains, seed: 11), warmUp = try routing.probes(count: 200, seed: 13)
                try await routing.explainInProcess(probes, bench: self)
                let running = try server ?? ServerUnderTest(self, port: port, databaseURL: databaseURL, tenant: code, password: tenant.adminPassword)
                server = running
                try routing.explainHTTP(probes, warmUp: warmUp, http: running.http, headers: running.headers, bench: self)
                print("server resident memory after the routing run: \(residentMegabytes(pid: running.process.processIdentifier)) MiB")
            }
            group.cancelAll()
        }
    }

    func randomPoints(_ district: DemoDistrict, count: Int) -> [Coordinate] {
        var generator = SystemRandomNumberGenerator()
        let (columns, rows) = district.latticeSize
        return (0..<count).map { _ in
            let i = Int.random(in: 0..<columns, using: &generator), j = Int.random(in: 0..<rows, using: &generator)
            let c = district.cellCentre(i, j)!
            // Anywhere in the middle 40 % of the cell: surely inside its jittered polygon.
            return Coordinate(lng: c.lng + Double.random(in: -0.2...0.2) * district.cell.lng, lat: c.lat + Double.random(in: -0.2...0.2) * district.cell.lat)!
        }
    }

    func report(_ label: String, _ latencies: [Double], aimP99: Double) {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        let p99 = percentile(0.99)
        print(
            "\(label): n=\(sorted.count) p50=\(format(percentile(0.5))) ms p90=\(format(percentile(0.9))) ms p99=\(format(p99)) ms max=\(format(sorted.last ?? 0)) ms  (aim p99 ≤ \(aimP99) ms: \(format(aimP99 / p99))× headroom)"
        )
    }

    func startServer(port: Int, databaseURL: String) throws -> Process {
        let process = Process()
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("gridgov")
        process.executableURL = binary
        process.arguments = ["serve", "--port", String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["LOG_LEVEL"] = "error"
        process.environment = environment
        try process.run()
        return process
    }

    func waitForServer(port: Int) throws -> MiniHTTPClient {
        for _ in 0..<100 {
            if let client = try? MiniHTTPClient(port: UInt16(port)), let (status, _) = try? client.request("GET", "/readyz"), status == 200 { return client }
            usleep(100_000)
        }
        throw BenchError("the server did not become ready on port \(port)")
    }

    func residentMegabytes(pid: Int32) -> String { Self.residentMegabytesValue(pid: pid).map(format) ?? "?" }

    /// The process's resident memory in MiB (VmRSS), if it runs.
    static func residentMegabytesValue(pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb / 1024
    }
}

/// The server process under test, ready, with a logged-in client: the district's administrator.
final class ServerUnderTest {
    let process: Process
    let http: MiniHTTPClient
    let headers: [String: String]

    init(_ bench: GridBench, port: Int, databaseURL: String, tenant code: String, password: String) throws {
        process = try bench.startServer(port: port, databaseURL: databaseURL)
        do {
            http = try bench.waitForServer(port: port)
            headers = ["Authorization": "Bearer \(try http.logIn(tenant: code, login: "admin", password: password))"]
        } catch {
            process.terminate()
            throw error
        }
    }
}

extension MiniHTTPClient {
    /// Logs in and returns the bearer token; a one-time password (what the bench's users are given)
    /// is changed first, as the server asks of a first session before anything else.
    func logIn(tenant: String, login: String, password: String) throws -> String {
        let (status, body) = try request(
            "POST", "/v1/auth/login", body: try JSONSerialization.data(withJSONObject: ["tenant": tenant, "login": login, "password": password]))
        let answer = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        guard status == 200, let token = answer?["token"] as? String else {
            throw BenchError("login of \(login) failed with \(status): \(String(decoding: body, as: UTF8.self))")
        }
        if answer?["mustChangePassword"] as? Bool == true {
            let change = try JSONSerialization.data(withJSONObject: ["currentPassword": password, "newPassword": "bench-\(password)"])
            let (changed, reply) = try request("POST", "/v1/auth/password", headers: ["Authorization": "Bearer \(token)"], body: change)
            guard changed == 204 else {
                throw BenchError("changing the one-time password of \(login) failed with \(changed): \(String(decoding: reply, as: UTF8.self))")
            }
        }
        return token
    }
}

func format(_ value: Double) -> String { String(format: value < 10 ? "%.3f" : "%.1f", value) }

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}
