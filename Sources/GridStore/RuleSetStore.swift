import Foundation
import GridCore
import PostgresNIO

/// Versioned routing rule sets: one draft and one published set at most per district.
public enum RuleSetStore {
    static func columns(withDocument: Bool) -> String {
        (withDocument ? "document::text" : "NULL::text")
            + ", id, number, status, rule_count, note, created_by, published_by, published_at, version, updated_at"
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [RuleSetRecord] {
        var result: [RuleSetRecord] = []
        for try await row in rows { result.append(try record(row)) }
        return result
    }

    static func record(_ row: PostgresRow) throws -> RuleSetRecord { try record(row.makeRandomAccess(), from: 0) }

    /// The columns of `columns` in `row` from column `start` on (a statement that reads more than the rule set).
    static func record(_ row: PostgresRandomAccessRow, from start: Int) throws -> RuleSetRecord {
        RuleSetRecord(
            id: try row[start + 1].decode(Int64.self), number: Int(try row[start + 2].decode(Int32.self)),
            status: .init(rawValue: try row[start + 3].decode(String.self)) ?? .retired, document: try row[start].decode(String?.self),
            ruleCount: Int(try row[start + 4].decode(Int32.self)), note: try row[start + 5].decode(String?.self),
            createdBy: try row[start + 6].decode(String.self), publishedBy: try row[start + 7].decode(String?.self),
            publishedAt: try row[start + 8].decode(Date?.self), version: try row[start + 9].decode(Int64.self),
            updatedAt: try row[start + 10].decode(Date.self))
    }

    /// The newest set of a status without its document: what routing asks for every report.
    struct HeaderStatement: PostgresPreparedStatement {
        static let sql =
            "SELECT " + columns(withDocument: false) + """
                 FROM rule_sets WHERE tenant_id = $1 AND status = $2 ORDER BY number DESC LIMIT 1
                """
        let tenantId: Int64
        let status: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(tenantId)
            bindings.append(status)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> RuleSetRecord { try RuleSetStore.record(row) }
    }

    public static func find(_ tx: Tx, status: RuleSetRecord.Status, withDocument: Bool = true) async throws -> RuleSetRecord? {
        if !withDocument { return try await tx.execute(HeaderStatement(tenantId: tx.tenant, status: status.rawValue)).first }
        return try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns(withDocument: true)) FROM rule_sets
                WHERE tenant_id = \(tx.tenant) AND status = \(status.rawValue) ORDER BY number DESC LIMIT 1
                """)
        ).first
    }

    public static func find(_ tx: Tx, number: Int, withDocument: Bool = true) async throws -> RuleSetRecord? {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns(withDocument: withDocument)) FROM rule_sets
                WHERE tenant_id = \(tx.tenant) AND number = \(Int32(clamping: number))
                """)
        ).first
    }

    /// The document of version `id`.
    public static func document(_ tx: Tx, id: Int64) async throws -> String? {
        for try await text in try await tx.query("SELECT document::text FROM rule_sets WHERE tenant_id = \(tx.tenant) AND id = \(id)").decode(String.self) {
            return text
        }
        return nil
    }

    /// All versions, newest first, before `beforeNumber` when paging.
    public static func list(_ tx: Tx, before beforeNumber: Int?, limit: Int) async throws -> [RuleSetRecord] {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns(withDocument: false)) FROM rule_sets
                WHERE tenant_id = \(tx.tenant) AND number < \(Int32(clamping: beforeNumber ?? Int(Int32.max)))
                ORDER BY number DESC LIMIT \(limit)
                """))
    }

    /// Serialises draft edits and publishing within a district.
    public static func lock(_ tx: Tx) async throws {
        try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('rule_sets', \(tx.tenant)))")
    }

    public static func insertDraft(_ tx: Tx, document: String, note: String?, createdBy: String) async throws -> Int64 {
        let rows = try await tx.query(
            """
            INSERT INTO rule_sets (tenant_id, number, status, document, note, created_by)
            SELECT \(tx.tenant), coalesce(max(number), 0) + 1, 'draft', \(document)::jsonb, \(note), \(createdBy)
            FROM rule_sets WHERE tenant_id = \(tx.tenant)
            RETURNING id
            """)
        for try await id in rows.decode(Int64.self) { return id }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    /// Replaces the draft's document; false when `expectedVersion` no longer matches.
    public static func updateDraft(_ tx: Tx, id: Int64, document: String, note: String?, expectedVersion: Int64?) async throws -> Bool {
        let rows = try await tx.query(
            """
            UPDATE rule_sets SET document = \(document)::jsonb, note = \(note), version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND id = \(id) AND status = 'draft' AND (\(expectedVersion)::bigint IS NULL OR version = \(expectedVersion))
            RETURNING id
            """)
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// Retires the published set and publishes the draft `id`.
    public static func publish(_ tx: Tx, id: Int64, by actor: String) async throws {
        try await tx.query(
            "UPDATE rule_sets SET status = 'retired', updated_at = now() WHERE tenant_id = \(tx.tenant) AND status = 'published'")
        try await tx.query(
            """
            UPDATE rule_sets SET status = 'published', published_by = \(actor), published_at = now(), version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND id = \(id) AND status = 'draft'
            """)
    }

}
