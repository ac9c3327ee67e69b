import Foundation
import GridCore
import PostgresNIO

/// A district's outbound event subscriptions.
public enum WebhookStore {

    static let select = """
        SELECT w.id, w.url, w.secret, w.event_types, w.department_id, d.code, w.active, w.created_by, w.created_at
        FROM webhook_subscriptions w LEFT JOIN departments d ON d.tenant_id = w.tenant_id AND d.id = w.department_id
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [WebhookSubscription] {
        var result: [WebhookSubscription] = []
        for try await (id, url, secret, types, departmentId, code, active, createdBy, createdAt) in rows.decode(
            (Int64, String, String, [String], Int64?, String?, Bool, String, Date).self)
        {
            result.append(
                WebhookSubscription(
                    id: id, url: url, secret: secret, eventTypes: types, departmentId: departmentId, departmentCode: code,
                    active: active, createdBy: createdBy, createdAt: createdAt))
        }
        return result
    }

    public static func insert(_ tx: Tx, url: String, secret: String, eventTypes: [String], departmentId: Int64?, createdBy: String) async throws -> Int64 {
        for try await id in try await tx.query(
            """
            INSERT INTO webhook_subscriptions (tenant_id, url, secret, event_types, department_id, created_by)
            VALUES (\(tx.tenant), \(url), \(secret), \(eventTypes)::text[], \(departmentId), \(createdBy)) RETURNING id
            """
        ).decode(Int64.self) {
            return id
        }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    public static func find(_ tx: Tx, id: Int64) async throws -> WebhookSubscription? {
        try await decode(tx.query("\(unescaped: select) WHERE w.tenant_id = \(tx.tenant) AND w.id = \(id)")).first
    }

    public static func list(_ tx: Tx) async throws -> [WebhookSubscription] {
        try await decode(tx.query("\(unescaped: select) WHERE w.tenant_id = \(tx.tenant) AND w.active ORDER BY w.id"))
    }

    /// Ends a subscription; false when there is no active one with that id.
    public static func deactivate(_ tx: Tx, id: Int64) async throws -> Bool {
        for try await _ in try await tx.query(
            "UPDATE webhook_subscriptions SET active = false WHERE tenant_id = \(tx.tenant) AND id = \(id) AND active RETURNING 1"
        ).decode(Int32.self) {
            return true
        }
        return false
    }

    /// The active subscriptions that want `eventType` about a case led by `departmentId`.
    public static func matching(_ tx: Tx, eventType: String, departmentId: Int64?) async throws -> [WebhookSubscription] {
        try await decode(
            tx.query(
                """
                \(unescaped: select)
                WHERE w.tenant_id = \(tx.tenant) AND w.active AND (\(eventType) = ANY(w.event_types) OR '*' = ANY(w.event_types))
                  AND (w.department_id IS NULL OR w.department_id = \(departmentId))
                """))
    }

    /// The district's webhook allow-list: hosts, addresses and networks inside its own network
    /// that deliveries may reach.
    public static func allowList(_ tx: Tx) async throws -> [String] {
        var entries: [String] = []
        for try await entry in try await tx.query(
            "SELECT entry FROM webhook_allowed_targets WHERE tenant_id = \(tx.tenant) ORDER BY entry"
        ).decode(String.self) {
            entries.append(entry)
        }
        return entries
    }

    /// Replaces the allow-list as a whole.
    public static func replaceAllowList(_ tx: Tx, entries: [String], createdBy: String) async throws {
        try await tx.query("DELETE FROM webhook_allowed_targets WHERE tenant_id = \(tx.tenant)")
        guard !entries.isEmpty else { return }
        try await tx.query(
            """
            INSERT INTO webhook_allowed_targets (tenant_id, entry, created_by)
            SELECT \(tx.tenant), e, \(createdBy) FROM unnest(\(entries)::text[]) e
            """)
    }
}
