import Logging
import PostgresNIO

/// The service's door to PostgreSQL. Every tenant transaction goes through `withTenant`, which
/// sets `app.tenant_id` for the transaction only, so row-level security sees the tenant and a
/// connection returned to the pool carries nothing over.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Runs `body` in one transaction of `tenantId`: committed when it returns, rolled back when it
    /// throws (the error passes through unchanged).
    public func withTenant<T: Sendable>(_ tenantId: Int64, _ body: (Tx) async throws -> T) async throws -> T {
        try await transaction { connection in
            try await connection.query("SELECT set_config('app.tenant_id', \(String(tenantId)), true)", logger: logger)
            return try await body(Tx(connection: connection, tenantId: tenantId, logger: logger))
        }
    }

    /// Runs `body` in one platform-administration transaction: tenant rows may be created and
    /// changed; tenant-owned tables stay invisible until `Tx.enter(tenant:)` is called.
    public func withPlatform<T: Sendable>(_ body: (Tx) async throws -> T) async throws -> T {
        try await transaction { connection in
            try await connection.query("SELECT set_config('app.platform', 'on', true)", logger: logger)
            return try await body(Tx(connection: connection, tenantId: nil, logger: logger))
        }
    }

    /// A transaction with no tenant: what it may see is what RLS shows to nobody, plus definer
    /// functions such as `tenant_by_code`.
    public func withoutTenant<T: Sendable>(_ body: (Tx) async throws -> T) async throws -> T {
        try await transaction { connection in
            try await body(Tx(connection: connection, tenantId: nil, logger: logger))
        }
    }

    private func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Whether the database answers.
    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger)
    }
}

extension PostgresClient {
    /// Runs a statement prepared once per connection outside any transaction (definer functions
    /// and single-statement calls), its rows collected and its errors translated as `Tx`'s are.
    func executeAll<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger) async throws -> [Statement.Row] {
        do {
            var rows: [Statement.Row] = []
            for try await row in try await execute(statement, logger: logger) { rows.append(row) }
            return rows
        } catch let error as PSQLError {
            throw StoreErrors.translate(error)
        }
    }
}

/// A transaction handed out by `Database`. Stores take one and say `tenant_id = $1` in their
/// queries as well, for the planner and for a future Citus.
public struct Tx: Sendable {
    public let connection: PostgresConnection
    public private(set) var tenantId: Int64?
    public let logger: Logger

    @discardableResult
    public func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        do {
            return try await connection.query(query, logger: logger, file: file, line: line)
        } catch let error as PSQLError {
            throw StoreErrors.translate(error)
        }
    }

    /// Runs a statement prepared once per connection: the hot reads of routing and intake, whose
    /// planning (joins under row-level security) costs more than their execution.
    public func execute<Statement: PostgresPreparedStatement>(_ statement: Statement, file: String = #fileID, line: Int = #line)
        async throws -> [Statement.Row]
    {
        do {
            var rows: [Statement.Row] = []
            for try await row in try await connection.execute(statement, logger: logger, file: file, line: line) { rows.append(row) }
            return rows
        } catch let error as PSQLError {
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
