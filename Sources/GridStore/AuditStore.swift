import Foundation
import GridCore
import PostgresNIO

/// The audit log: who changed a list, the calendar or the rules, with the before and after.
public enum AuditStore {

    public static func record(
        _ tx: Tx, actor: String, userId: Int64?, action: String, entity: String, key: String,
        before: String?, after: String?
    ) async throws {
        try await tx.query(
            """
            INSERT INTO audit_log (tenant_id, actor, user_id, action, entity, entity_key, before, after)
            VALUES (\(tx.tenant), \(actor), \(userId), \(action), \(entity), \(key), \(before)::jsonb, \(after)::jsonb)
            """)
    }

    /// Several entries of one actor in one statement (an import's changes).
    public static func recordMany(
        _ tx: Tx, actor: String, userId: Int64?, entity: String,
        changes: [(action: String, key: String, before: String?, after: String?)]
    ) async throws {
        guard !changes.isEmpty else { return }
        try await tx.query(
            """
            INSERT INTO audit_log (tenant_id, actor, user_id, action, entity, entity_key, before, after)
            SELECT \(tx.tenant), \(actor), \(userId), r.action, \(entity), r.key, NULLIF(r.before, '')::jsonb, NULLIF(r.after, '')::jsonb
            FROM unnest(\(changes.map(\.action))::text[], \(changes.map(\.key))::text[], \(changes.map { $0.before ?? "" })::text[],
                        \(changes.map { $0.after ?? "" })::text[]) AS r(action, key, before, after)
            """)
    }

    /// Entries newest first, of one entity kind when given, before id `before` when paging.
    public static func list(_ tx: Tx, entity: String?, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        var result: [AuditEntry] = []
        for try await (id, at, actor, action, entity, key, before, after) in try await tx.query(
            """
            SELECT id, at, actor, action, entity, entity_key, before::text, after::text FROM audit_log
            WHERE tenant_id = \(tx.tenant) AND (\(entity)::text IS NULL OR entity = \(entity)) AND id < \(before ?? Int64.max)
            ORDER BY id DESC LIMIT \(limit)
            """
        ).decode((Int64, Date, String, String, String, String, String?, String?).self) {
            result.append(AuditEntry(id: id, at: at, actor: actor, action: action, entity: entity, entityKey: key, before: before, after: after))
        }
        return result
    }
}
