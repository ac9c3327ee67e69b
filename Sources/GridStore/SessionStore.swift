import Foundation
import GridCore
import PostgresNIO

/// Login sessions, found by the SHA-256 of their bearer token; the token itself is never stored.
public enum SessionStore {
    public static func insert(_ tx: Tx, userId: Int64, tokenHash: [UInt8], expiresAt: Date) async throws {
        try await tx.query(
            "INSERT INTO sessions (tenant_id, user_id, token_hash, expires_at) VALUES (\(tx.tenant), \(userId), \(ByteBuffer(bytes: tokenHash)), \(expiresAt))")
    }

    /// Everything a request needs about its bearer in one round trip: the tenant's code and
    /// status, and the live session's user with its bindings. Nil when the session is unknown,
    /// expired or revoked, or its user disabled.
    public static func authenticate(_ tx: Tx, tokenHash: [UInt8]) async throws -> (tenantCode: String, tenantStatus: String, principal: Principal)? {
        let rows = try await tx.query(
            """
            SELECT t.code, t.status, u.id, u.login, b.id, b.role, b.scope_org_unit_id, o.path, b.department_id
            FROM sessions s
            JOIN tenants t ON t.id = s.tenant_id
            JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.status = 'active'
            LEFT JOIN role_bindings b ON b.tenant_id = s.tenant_id AND b.user_id = s.user_id
            LEFT JOIN org_units o ON o.tenant_id = b.tenant_id AND o.id = b.scope_org_unit_id
            WHERE s.tenant_id = \(tx.tenant) AND s.token_hash = \(ByteBuffer(bytes: tokenHash))
              AND s.revoked_at IS NULL AND s.expires_at > now()
            ORDER BY b.id
            """)
        var result: (String, String, Principal)?
        for try await (code, status, userId, login, bindingId, role, scopeId, path, department) in rows.decode(
            (String, String, Int64, String, Int64?, String?, Int64?, String?, Int64?).self)
        {
            if result == nil { result = (code, status, Principal(tenantId: tx.tenant, userId: userId, login: login, bindings: [])) }
            if let bindingId, let role = role.flatMap(Role.init(rawValue:)), let scopeId, let scope = path.flatMap(ScopePath.init) {
                result?.2.bindings.append(RoleBinding(id: bindingId, role: role, scopeUnitId: scopeId, scope: scope, departmentId: department))
            }
        }
        return result
    }

    public static func revoke(_ tx: Tx, tokenHash: [UInt8]) async throws {
        try await tx.query(
            "UPDATE sessions SET revoked_at = now() WHERE tenant_id = \(tx.tenant) AND token_hash = \(ByteBuffer(bytes: tokenHash)) AND revoked_at IS NULL")
    }

    public static func revokeAll(_ tx: Tx, userId: Int64) async throws {
        try await tx.query(
            "UPDATE sessions SET revoked_at = now() WHERE tenant_id = \(tx.tenant) AND user_id = \(userId) AND revoked_at IS NULL")
    }
}
