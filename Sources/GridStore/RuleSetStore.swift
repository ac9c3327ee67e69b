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

/// The work calendar document of a district.
public enum CalendarStore {
    public static func find(_ tx: Tx) async throws -> (document: String, version: Int64)? {
        for try await (document, version) in try await tx.query(
            "SELECT document::text, version FROM work_calendars WHERE tenant_id = \(tx.tenant)"
        ).decode((String, Int64).self) {
            return (document, version)
        }
        return nil
    }

    /// The version of the stored document; nil when the district runs on the default.
    public static func version(_ tx: Tx) async throws -> Int64? {
        for try await version in try await tx.query("SELECT version FROM work_calendars WHERE tenant_id = \(tx.tenant)").decode(Int64.self) {
            return version
        }
        return nil
    }

    /// Writes the document; false when `expectedVersion` no longer matches.
    public static func save(_ tx: Tx, document: String, expectedVersion: Int64?) async throws -> Bool {
        let rows = try await tx.query(
            """
            INSERT INTO work_calendars (tenant_id, document) VALUES (\(tx.tenant), \(document)::jsonb)
            ON CONFLICT (tenant_id) DO UPDATE SET document = EXCLUDED.document, version = work_calendars.version + 1, updated_at = now()
            WHERE \(expectedVersion)::bigint IS NULL OR work_calendars.version = \(expectedVersion)
            RETURNING version
            """)
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// National holidays and make-up days (reference data) of `years`, in date order.
    public static func nationalDays(_ tx: Tx, years: ClosedRange<Int>) async throws -> [(day: String, kind: String, name: String)] {
        var result: [(String, String, String)] = []
        for try await row in try await tx.query(
            """
            SELECT to_char(day, 'YYYY-MM-DD'), kind, name FROM ref_calendar_days
            WHERE day >= make_date(\(Int32(clamping: years.lowerBound)), 1, 1) AND day < make_date(\(Int32(clamping: years.upperBound + 1)), 1, 1)
            ORDER BY day
            """
        ).decode((String, String, String).self) {
            result.append(row)
        }
        return result
    }

    /// The years within `years` for which the national reference table holds holiday data (read outside any district).
    public static func nationalYears(_ db: Database, years: ClosedRange<Int>) async throws -> Set<Int> {
        Set(
            try await db.query(
                """
                SELECT DISTINCT extract(year FROM day)::int FROM ref_calendar_days
                WHERE day >= make_date(\(Int32(clamping: years.lowerBound)), 1, 1) AND day < make_date(\(Int32(clamping: years.upperBound + 1)), 1, 1)
                """
            ) { row in Int(try row.decode(Int32.self)) })
    }
}

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
