import GridCore
import Logging
import PostgresNIO

/// The service's door to PostgreSQL. Every tenant transaction goes through `withTenant`, which
/// sets `app.tenant_id` for the transaction only, so row-level security sees the tenant and a
/// connection returned to the pool carries nothing over. Every call is bounded by `waitLimit`
/// (when set), and every error a call raises is translated in one place (`StoreErrors.translate`).
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// How long one call may wait for a connection and its statements: past it the call fails with
    /// 503 `db.unavailable` (nil: no limit, for the CLI's long imports and migrations).
    public let waitLimit: Duration?

    public init(client: PostgresClient, logger: Logger, waitLimit: Duration? = nil) {
        self.client = client
        self.logger = logger
        self.waitLimit = waitLimit
    }

    /// The same database with another bound on each call (a long export's).
    public func limited(to waitLimit: Duration?) -> Database { Database(client: client, logger: logger, waitLimit: waitLimit) }

    /// Runs `body` in one transaction of `tenantId`: committed when it returns, rolled back when it
    /// throws (the error passes through, translated).
    public func withTenant<T: Sendable>(_ tenantId: Int64, _ body: (Tx) async throws -> T) async throws -> T {
        try await transaction { tx in
            try await tx.query("SELECT set_config('app.tenant_id', \(String(tenantId)), true)")
            return try await body(Tx(connection: tx.connection, tenantId: tenantId, logger: logger, lease: tx.lease))
        }
    }

    /// Runs `body` in one platform-administration transaction: tenant rows may be created and
    /// changed; tenant-owned tables stay invisible until `Tx.enter(tenant:)` is called.
    public func withPlatform<T: Sendable>(_ body: (Tx) async throws -> T) async throws -> T {
        try await transaction { tx in
            try await tx.query("SELECT set_config('app.platform', 'on', true)")
            return try await body(tx)
        }
    }

    /// A transaction with no tenant: what it may see is what RLS shows to nobody, plus definer
    /// functions such as `tenant_by_code`.
    public func withoutTenant<T: Sendable>(_ body: (Tx) async throws -> T) async throws -> T {
        try await transaction(body)
    }

    /// BEGIN, the body, COMMIT. A COMMIT that gets no answer leaves the outcome unknown (the server
    /// may have committed before the connection went): the caller is told so, and to retry with the
    /// same Idempotency-Key.
    private func transaction<T: Sendable>(_ body: (Tx) async throws -> T) async throws -> T {
        try await withSession { tx in
            try await tx.query("BEGIN")
            let result: T
            do {
                result = try await body(tx)
            } catch {
                _ = try? await tx.query("ROLLBACK")
                throw error
            }
            do {
                try await tx.query("COMMIT")
            } catch let error as GridError where error.kind == .unavailable {
                throw StoreErrors.commitUnknown
            }
            return result
        }
    }

    /// Runs `body` on a pooled connection (no transaction, no tenant) within the wait limit, its
    /// errors translated. A connection that turns out closed before anything was sent on it (the
    /// database restarted and the pool has not noticed yet) is exchanged for another, once.
    func withSession<T>(_ body: (Tx) async throws -> T) async throws -> T {
        do {
            return try await session(body)
        } catch let error as DatabaseConnectionClosed where error.firstStatement {
            do {
                return try await session(body)
            } catch let error as DatabaseConnectionClosed {
                throw StoreErrors.translate(error)
            }
        }
    }

    /// One session: the lease is taken by a child task and handed over, so that the wait for it can
    /// be given up at the limit; statements go through the lease, so that one left unanswered is too.
    private func session<T>(_ body: (Tx) async throws -> T) async throws -> T {
        let deadline = waitLimit.map { ContinuousClock.now + $0 }
        let lease = ConnectionLease()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await client.withConnection { connection in await lease.hold(connection) }
                } catch {
                    lease.fail(error)
                }
            }
            if let deadline {
                group.addTask {
                    try await Task.sleep(until: deadline)
                    lease.expire()
                }
            }
            defer {
                lease.release()
                group.cancelAll()
            }
            do {
                return try await body(Tx(connection: try await lease.connection(), tenantId: nil, logger: logger, lease: lease))
            } catch let error as DatabaseConnectionClosed where error.firstStatement {
                throw error
            } catch {
                if let waitLimit, let stage = lease.expired { throw StoreErrors.waitExpired(waitLimit, stage: stage) }
                throw StoreErrors.translate(error, waitLimit: waitLimit)
            }
        }
    }

    /// Runs a statement prepared once per connection outside any transaction (definer functions
    /// and single-statement calls), its rows collected.
    public func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] where Statement.Row: Sendable {
        try await withSession { tx in try await tx.execute(statement) }
    }

    /// Runs one statement outside any transaction and decodes its rows.
    public func query<Row: Sendable>(_ query: PostgresQuery, _ decode: @escaping @Sendable (PostgresRow) throws -> Row) async throws -> [Row] {
        try await withSession { tx in
            var rows: [Row] = []
            for try await row in try await tx.query(query) { rows.append(try decode(row)) }
            return rows
        }
    }

    /// Whether the database answers.
    public func ping() async throws {
        _ = try await query("SELECT 1") { _ in () }
    }
}

/// A transaction handed out by `Database`. Stores take one and say `tenant_id = $1` in their
/// queries as well, for the planner and for a future Citus.
public struct Tx: Sendable {
    public let connection: PostgresConnection
    public private(set) var tenantId: Int64?
    public let logger: Logger
    /// Sends every statement: bounded by the wait limit, abandoned when unanswered.
    let lease: ConnectionLease

    @discardableResult
    public func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        try await send { [logger] connection in try await connection.query(query, logger: logger, file: file, line: line) }
    }

    /// Runs a statement prepared once per connection: the hot reads of routing and intake, whose
    /// planning (joins under row-level security) costs more than their execution.
    public func execute<Statement: PostgresPreparedStatement>(_ statement: Statement, file: String = #fileID, line: Int = #line)
        async throws -> [Statement.Row] where Statement.Row: Sendable
    {
        try await send { [logger] connection in
            var rows: [Statement.Row] = []
            for try await row in try await connection.execute(statement, logger: logger, file: file, line: line) { rows.append(row) }
            return rows
        }
    }

    /// Sends a statement through the lease (bounded, and left behind when unanswered); errors
    /// translated, but for a closed connection's first statement, which the session retries.
    private func send<R: Sendable>(_ operation: @escaping @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        do {
            return try await lease.run(on: connection) { [connection] in try await operation(connection) }
        } catch let error as DatabaseConnectionClosed where error.firstStatement {
            throw error
        } catch {
            throw StoreErrors.translate(error)
        }
    }

    /// The tenant of a platform transaction from here on (after provisioning it).
    public mutating func enter(tenant id: Int64) async throws {
        try await query("SELECT set_config('app.tenant_id', \(String(id)), true)")
        tenantId = id
    }

    /// The tenant this transaction is in; a programming error to ask outside one.
    public var tenant: Int64 {
        guard let tenantId else { preconditionFailure("tenant query outside a tenant transaction") }
        return tenantId
    }
}
