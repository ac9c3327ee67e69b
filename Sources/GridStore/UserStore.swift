import Foundation
import GridCore
import PostgresNIO

/// What login needs: the hash and the throttling counters.
public struct Credentials: Sendable {
    public var userId: Int64
    public var passwordHash: String
    public var status: String
    public var failedLogins: Int
    public var lastFailedLoginAt: Date?
}

public enum UserStore {
    /// The columns `decode` reads. A constant.
    static let columns = "id, login, display_name, phone, status, must_change_password, version, created_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [UserRecord] {
        var result: [UserRecord] = []
        for try await (id, login, name, phone, status, mustChange, version, created) in rows.decode(
            (Int64, String, String, String?, String, Bool, Int64, Date).self)
        {
            result.append(
                UserRecord(
                    id: id, login: login, displayName: name, phone: phone, status: status,
                    mustChangePassword: mustChange, version: version, createdAt: created))
        }
        return result
    }

    public static func insert(_ tx: Tx, login: String, displayName: String, phone: String?, passwordHash: String, mustChangePassword: Bool) async throws
        -> Int64
    {
        let rows = try await tx.query(
            """
            INSERT INTO users (tenant_id, login, display_name, phone, password_hash, must_change_password)
            VALUES (\(tx.tenant), \(login), \(displayName), \(phone), \(passwordHash), \(mustChangePassword)) RETURNING id
            """)
        for try await id in rows.decode(Int64.self) { return id }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    /// Gives a user a new display name and phone number.
    public static func update(_ tx: Tx, id: Int64, displayName: String, phone: String?) async throws {
        try await tx.query(
            """
            UPDATE users SET display_name = \(displayName), phone = \(phone), version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND id = \(id)
            """)
    }

    public static func find(_ tx: Tx, id: Int64) async throws -> UserRecord? {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns) FROM users WHERE tenant_id = \(tx.tenant) AND id = \(id)
                """)
        ).first
    }

    public static func find(_ tx: Tx, login: String) async throws -> UserRecord? {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns) FROM users WHERE tenant_id = \(tx.tenant) AND login = \(login)
                """)
        ).first
    }

    /// Users holding at least one binding inside one of `scopes`, in id order after `after`.
    public static func list(_ tx: Tx, scopes: [ScopePath], after: Int64?, limit: Int) async throws -> [UserRecord] {
        let lows = scopes.map(\.raw), highs = scopes.map(\.upperBound)
        return try await decode(
            tx.query(
                """
                SELECT u.id, u.login, u.display_name, u.phone, u.status, u.must_change_password, u.version, u.created_at
                FROM users u
                WHERE u.tenant_id = \(tx.tenant) AND u.id > \(after ?? 0)
                  AND u.id = ANY(ARRAY(
                    SELECT b.user_id FROM role_bindings b
                    JOIN org_units o ON o.tenant_id = b.tenant_id AND o.id = b.scope_org_unit_id
                    JOIN unnest(\(lows)::text[], \(highs)::text[]) s(lo, hi) ON o.path >= s.lo AND o.path < s.hi
                    WHERE b.tenant_id = \(tx.tenant)))
                ORDER BY u.id LIMIT \(limit)
                """))
    }

    public static func credentials(_ tx: Tx, login: String) async throws -> Credentials? {
        let rows = try await tx.query(
            """
            SELECT id, password_hash, status, failed_logins, last_failed_login_at
            FROM users WHERE tenant_id = \(tx.tenant) AND login = \(login) FOR UPDATE
            """)
        for try await (id, hash, status, failed, last) in rows.decode((Int64, String, String, Int, Date?).self) {
            return Credentials(userId: id, passwordHash: hash, status: status, failedLogins: failed, lastFailedLoginAt: last)
        }
        return nil
    }

    public static func recordLogin(_ tx: Tx, userId: Int64, succeeded: Bool) async throws {
        if succeeded {
            try await tx.query("UPDATE users SET failed_logins = 0, last_failed_login_at = NULL WHERE tenant_id = \(tx.tenant) AND id = \(userId)")
        } else {
            try await tx.query(
                "UPDATE users SET failed_logins = failed_logins + 1, last_failed_login_at = now() WHERE tenant_id = \(tx.tenant) AND id = \(userId)")
        }
    }

    public static func setPassword(_ tx: Tx, userId: Int64, hash: String, mustChange: Bool) async throws {
        try await tx.query(
            """
            UPDATE users SET password_hash = \(hash), must_change_password = \(mustChange), failed_logins = 0,
                   last_failed_login_at = NULL, version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND id = \(userId)
            """)
    }

    public static func bindings(_ tx: Tx, userId: Int64) async throws -> [RoleBinding] {
        var result: [RoleBinding] = []
        let rows = try await tx.query(
            """
            SELECT b.id, b.role, b.scope_org_unit_id, o.path, b.department_id
            FROM role_bindings b JOIN org_units o ON o.tenant_id = b.tenant_id AND o.id = b.scope_org_unit_id
            WHERE b.tenant_id = \(tx.tenant) AND b.user_id = \(userId) ORDER BY b.id
            """)
        for try await (id, role, unitId, path, department) in rows.decode((Int64, String, Int64, String, Int64?).self) {
            guard let role = Role(rawValue: role), let scope = ScopePath(path) else { continue }
            result.append(RoleBinding(id: id, role: role, scopeUnitId: unitId, scope: scope, departmentId: department))
        }
        return result
    }

    /// Adds a binding; returns its id, or nil when the same binding already exists.
    public static func grant(_ tx: Tx, userId: Int64, role: Role, scopeUnitId: Int64, departmentId: Int64?) async throws -> Int64? {
        let rows = try await tx.query(
            """
            INSERT INTO role_bindings (tenant_id, user_id, role, scope_org_unit_id, department_id)
            VALUES (\(tx.tenant), \(userId), \(role.rawValue), \(scopeUnitId), \(departmentId))
            ON CONFLICT DO NOTHING RETURNING id
            """)
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }

    public static func revoke(_ tx: Tx, userId: Int64, role: Role, scopeUnitId: Int64) async throws -> Int {
        var count = 0
        let rows = try await tx.query(
            """
            DELETE FROM role_bindings
            WHERE tenant_id = \(tx.tenant) AND user_id = \(userId) AND role = \(role.rawValue) AND scope_org_unit_id = \(scopeUnitId)
            RETURNING id
            """)
        for try await _ in rows { count += 1 }
        return count
    }
}
