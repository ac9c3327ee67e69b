import Foundation
import GridCore
import GridService
import GridStore
import Logging
import PostgresNIO

/// A fresh, migrated database cloned from the local cluster's PostGIS template, with pools for the
/// schema owner and for the service role. Made by `scripts/test.sh`'s environment
/// (GRIDGOV_TEST_OWNER_URL, GRIDGOV_TEST_APP_PASSWORD); dropped when the test ends.
public struct TestDatabase: Sendable {
    public let name: String
    public let owner: PostgresClient
    public let app: PostgresClient
    public let service: GridService
    public let logger: Logger
    /// How to connect to this database as the service role (for a pool of a test's own).
    public let appConfiguration: PostgresClient.Configuration

    public var db: Database { service.db }

    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// How many test databases exist at once. Swift Testing starts every test together; unbounded,
    /// their pools asked the server for more connections than it allows ("too many clients"), and a
    /// pool whose connection attempts had failed was seen to leave a lease waiting for good.
    static let openAtOnce = 6
    static let gate = Gate(slots: openAtOnce)

    /// Runs `body` against a new database, then drops it.
    public static func with<T: Sendable>(_ body: @Sendable (TestDatabase) async throws -> T) async throws -> T {
        await gate.enter()
        do {
            let result = try await withOpen(body)
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }

    static func withOpen<T: Sendable>(_ body: @Sendable (TestDatabase) async throws -> T) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        guard let adminURL = environment["GRIDGOV_TEST_OWNER_URL"], let appPassword = environment["GRIDGOV_TEST_APP_PASSWORD"] else {
            fatalError("GRIDGOV_TEST_OWNER_URL and GRIDGOV_TEST_APP_PASSWORD are not set: run the tests with scripts/test.sh")
        }
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let name = "gridgov_test_\(UInt32.random(in: .min ... .max))_\(UInt16.random(in: .min ... .max))"
        var adminConfiguration = try DatabaseURL.configuration(adminURL)
        adminConfiguration.options.maximumConnections = 1
        let admin = PostgresClient(configuration: adminConfiguration, backgroundLogger: logger)
        var ownerConfiguration = adminConfiguration
        ownerConfiguration.database = name
        ownerConfiguration.options.maximumConnections = 4
        var appConfiguration = ownerConfiguration
        appConfiguration.options.maximumConnections = 8
        appConfiguration.username = "gridgov_app"
        appConfiguration.password = appPassword
        let owner = PostgresClient(configuration: ownerConfiguration, backgroundLogger: logger)
        let app = PostgresClient(configuration: appConfiguration, backgroundLogger: logger)

        return try await withThrowingTaskGroup(of: Void.self) { outer in
            outer.addTask { await admin.run() }
            try await described {
                try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE gridgov_template OWNER gridgov_owner"), logger: logger)
            }
            // The test's pools run in a group of their own, which ends only when they have shut down: the database is
            // dropped after that, never under a pool still closing its connections (a pool whose connections were
            // killed by DROP … WITH (FORCE) while it shut down was seen never to finish).
            let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { pools in
                pools.addTask { await owner.run() }
                pools.addTask { await app.run() }
                defer { pools.cancelAll() }
                do {
                    try await Migrator(directory: repositoryRoot.appendingPathComponent("sql/migrations"), logger: logger).migrate(owner)
                    let service = GridService(
                        db: Database(client: app, logger: logger),
                        configuration: .init(bcryptCost: 4, loginFailuresAllowed: 3, loginLockSeconds: 60))
                    return .success(
                        try await body(
                            TestDatabase(
                                name: name, owner: owner, app: app, service: service, logger: logger,
                                appConfiguration: appConfiguration)))
                } catch let error as PSQLError {
                    // PSQLError describes itself vaguely on purpose; a failing test needs the server's message.
                    return .failure(DatabaseTestError(detail: String(reflecting: error)))
                } catch {
                    return .failure(error)
                }
            }
            try await drop(name, admin, logger: logger)
            outer.cancelAll()
            return try result.get()
        }
    }

    /// Drops the database once the server has let go of the closed pools' sessions (the owner may
    /// not terminate the service role's backends, so FORCE alone fails while they are exiting).
    static func drop(_ name: String, _ admin: PostgresClient, logger: Logger) async throws {
        for attempt in 1... {
            do {
                try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
                return
            } catch let error as PSQLError where attempt < 100 && ["42501", "55006"].contains(error.serverInfo?[.sqlState] ?? "") {
                try await Task.sleep(for: .milliseconds(50))
            } catch let error as PSQLError {
                throw DatabaseTestError(detail: String(reflecting: error))
            }
        }
    }

    /// Runs `body`, turning a PSQLError into one that says what the server said.
    static func described(_ body: () async throws -> Void) async throws {
        do { try await body() } catch let error as PSQLError { throw DatabaseTestError(detail: String(reflecting: error)) }
    }

    /// Runs `body` with a `Database` of its own that waits at most `waitLimit`, over a pool of at
    /// most `connections` to this database, or (`reachable: false`) to a port where nothing listens.
    ///
    /// `standby`: to this database on the local cluster's streaming standby
    /// (`scripts/db.sh standby`, which `scripts/test.sh` starts: `GRIDGOV_TEST_STANDBY_PORT`).
    public func withOwnPool<T: Sendable>(
        connections: Int = 2, waitLimit: Duration?, reachable: Bool = true, standby: Bool = false,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        var configuration = appConfiguration
        if standby {
            guard let port = ProcessInfo.processInfo.environment["GRIDGOV_TEST_STANDBY_PORT"].flatMap(Int.init) else {
                fatalError("GRIDGOV_TEST_STANDBY_PORT is not set: run the tests with scripts/test.sh (it starts the standby)")
            }
            configuration = PostgresClient.Configuration(
                host: "127.0.0.1", port: port, username: "gridgov_app", password: appConfiguration.password, database: name, tls: .disable)
        }
        if !reachable {
            // Port 9 (discard): nothing listens.
            configuration = PostgresClient.Configuration(host: "127.0.0.1", port: 9, username: "gridgov_app", password: "x", database: name, tls: .disable)
        }
        configuration.options.maximumConnections = connections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(Database(client: client, logger: logger, waitLimit: waitLimit))
        }
    }

    /// A district with a small tree: two streets, a community under each, two unit grids under the
    /// first community, and an admin who has replaced the one-time password. Returns what the tests
    /// need to refer to.
    public func seedSmallDistrict(code: String = "HD", division: String = "110108") async throws -> SmallDistrict {
        let provisioned = try await service.createTenant(code: code, name: "\(code)测试区", divisionCode: division, adminLogin: "admin")
        let district = DemoDistrict(
            divisionCode: division, streets: 2, communitiesPerStreet: 1, basicGridsPerCommunity: 1, unitGridsPerBasicGrid: 2,
            origin: (116.30, 39.95))
        _ = try await service.importOrg(tenantId: provisioned.tenant.id, geoJSON: try JSONEncoder().encode(district.featureCollection()))
        let password = try await settlePassword(tenant: provisioned.tenant.code, login: provisioned.adminLogin, oneTimePassword: provisioned.adminPassword)
        return SmallDistrict(tenantId: provisioned.tenant.id, code: provisioned.tenant.code, division: division, district: district, adminPassword: password)
    }

    /// The demo district (`gridgov demo seed`) with every demo user past the one-time password.
    public func seedDemo(code: String, name: String, district: DemoDistrict) async throws -> DemoSeedResult {
        var seeded = try await service.seedDemo(code: code, name: name, district: district)
        for (i, user) in seeded.users.enumerated() {
            seeded.users[i].password = try await settlePassword(tenant: code, login: user.login, oneTimePassword: user.password)
        }
        return seeded
    }

    /// Does what a user does on the first login with a one-time password: logs in and changes it,
    /// through the service's own login and change-password paths. Returns the password they now have.
    public func settlePassword(tenant: String, login: String, oneTimePassword: String) async throws -> String {
        let session = try await service.login(tenantCode: tenant, login: login, password: oneTimePassword)
        let password = "settled-\(oneTimePassword)"
        try await service.changePassword(session.principal, token: session.token, current: oneTimePassword, new: password)
        return password
    }
}

/// A counting semaphore for async code: `enter` waits while every slot is taken.
actor Gate {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the slot to the longest waiter, or frees it.
    func leave() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

/// A database error of a test, with everything the server said.
public struct DatabaseTestError: Error, CustomStringConvertible {
    public var detail: String
    public var description: String { detail }
}

/// Codes of the small district: street `division+001`, its community `+001`, basic grid `+001`,
/// unit grids `+002`, `+003`.
public struct SmallDistrict: Sendable {
    public var tenantId: Int64
    public var code: String
    public var division: String
    public var district: DemoDistrict
    /// The admin's password (no longer the one-time password the district was created with).
    public var adminPassword: String

    public var street1: String { division + "001" }
    public var street2: String { division + "002" }
    public var community1: String { street1 + "001" }
    public var community2: String { street2 + "001" }
    public var basicGrid1: String { community1 + "001" }
    public var unitGrid1: String { community1 + "002" }

    /// A point inside the first unit grid of street 1.
    public var pointInStreet1: Coordinate { district.cellCentre(0, 0)! }
}
