import Foundation
import GridCore
import Logging
import PostgresNIO

/// Login sessions, found by the SHA-256 of their bearer token; the token itself is never stored.
public enum SessionStore {
    public static func insert(_ tx: Tx, userId: Int64, tokenHash: [UInt8], expiresAt: Date) async throws {
        try await tx.query(
            "INSERT INTO sessions (tenant_id, user_id, token_hash, expires_at) VALUES (\(tx.tenant), \(userId), \(ByteBuffer(bytes: tokenHash)), \(expiresAt))")
    }

    /// Everything a request needs about its bearer in one round trip and no transaction of its
    /// own (definer function): the tenant's code and status, and the live session's user with its
    /// bindings and whether it still holds a one-time password. Nil when the session is unknown,
    /// expired or revoked, or its user disabled.
    public static func authenticate(_ db: Database, tenantId: Int64, tokenHash: [UInt8]) async throws
        -> (tenantCode: String, tenantStatus: String, mustChangePassword: Bool, principal: Principal)?
    {
        let rows = try await db.execute(PrincipalStatement(tenantId: tenantId, tokenHash: tokenHash))
        var result: (String, String, Bool, Principal)?
        for (code, status, userId, login, mustChange, bindingId, role, scopeId, path, department) in rows {
            if result == nil { result = (code, status, mustChange, Principal(tenantId: tenantId, userId: userId, login: login, bindings: [])) }
            if let bindingId, let role = role.flatMap(Role.init(rawValue:)), let scopeId, let scope = path.flatMap(ScopePath.init) {
                result?.3.bindings.append(RoleBinding(id: bindingId, role: role, scopeUnitId: scopeId, scope: scope, departmentId: department))
            }
        }
        return result
    }

    /// Prepared once per connection: every request with a bearer asks it.
    struct PrincipalStatement: PostgresPreparedStatement {
        typealias Row = (String, String, Int64, String, Bool, Int64?, String?, Int64?, String?, Int64?)
        static let sql = "SELECT * FROM session_principal($1, $2)"
        let tenantId: Int64
        let tokenHash: [UInt8]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(tenantId)
            bindings.append(ByteBuffer(bytes: tokenHash))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    public static func revoke(_ tx: Tx, tokenHash: [UInt8]) async throws {
        try await tx.query(
            "UPDATE sessions SET revoked_at = now() WHERE tenant_id = \(tx.tenant) AND token_hash = \(ByteBuffer(bytes: tokenHash)) AND revoked_at IS NULL")
    }

    /// Ends the user's sessions, but for the one whose token hash is `keeping`.
    public static func revokeAll(_ tx: Tx, userId: Int64, keeping: [UInt8]? = nil) async throws {
        try await tx.query(
            """
            UPDATE sessions SET revoked_at = now()
            WHERE tenant_id = \(tx.tenant) AND user_id = \(userId) AND revoked_at IS NULL
              AND token_hash IS DISTINCT FROM \(keeping.map { ByteBuffer(bytes: $0) })
            """)
    }
}
