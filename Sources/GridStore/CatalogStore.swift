import Foundation
import GridCore
import PostgresNIO

/// The problem list (问题清单) of a district and the national profiles it starts from.
public enum CatalogStore {
    /// The columns and joins `decode` reads. A constant (public for the benchmark's pgbench ceiling).
    public static let select = """
        SELECT c.id, c.code, p.code, c.name, c.kind, c.path, c.is_public, c.filing_standard, c.closing_standard, c.grades::text,
               ld.code, c.default_level, c.version, c.updated_at,
               ARRAY(SELECT d.code FROM category_assists a JOIN departments d ON d.tenant_id = a.tenant_id AND d.id = a.department_id
                     WHERE a.tenant_id = c.tenant_id AND a.category_id = c.id ORDER BY a.position),
               c.placeholder_standards, c.must_report, c.powers
        FROM categories c
        LEFT JOIN categories p ON p.tenant_id = c.tenant_id AND p.id = c.parent_id
        LEFT JOIN departments ld ON ld.tenant_id = c.tenant_id AND ld.id = c.lead_department_id
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [CategoryRecord] {
        var result: [CategoryRecord] = []
        for try await row in rows { result.append(try record(row)) }
        return result
    }

    /// One row of `select`.
    static func record(_ row: PostgresRow) throws -> CategoryRecord { try record(row.makeRandomAccess(), from: 0) }

    static let decodedGrades = DecodedJSON<[Grade]>()

    /// The columns of `select` in `row` from column `start` on (a statement that reads more than the node).
    /// `intake_context` ends before the last column, `placeholder_standards`: intake has no use for it.
    static func record(_ row: PostgresRandomAccessRow, from start: Int) throws -> CategoryRecord {
        func column<T: PostgresDecodable>(_ i: Int) throws -> T { try row[start + i].decode(T.self) }
        let placeholders: Bool = row.count > start + 15 ? try column(15) : false
        let mustReport: [String] = row.count > start + 16 ? try column(16) : []
        let powers: String? = row.count > start + 17 ? try column(17) : nil
        let id: Int64 = try column(0), path: String = try column(5), grades: String = try column(9)
        let kind: String = try column(4), level: String? = try column(11)
        let entry = CategoryEntry(
            code: try column(1), parentCode: try column(2), name: try column(3), kind: CategoryKind(rawValue: kind) ?? .event,
            isPublic: try column(6), filingStandard: try column(7), closingStandard: try column(8),
            grades: try decodedGrades.decode(grades), leadDepartment: try column(10),
            assistingDepartments: try column(14), defaultLevel: level.flatMap(LadderLevel.init), placeholderStandards: placeholders,
            mustReport: mustReport, powers: powers)
        return CategoryRecord(id: id, path: ScopePath(path) ?? .root(id), entry: entry, version: try column(12), updatedAt: try column(13))
    }

    /// The node `code` and its ancestors, root first: what routing reads for every report.
    struct ChainStatement: PostgresPreparedStatement {
        static let sql =
            select + """

                WHERE c.tenant_id = $1
                  AND c.id = ANY(ARRAY(SELECT unnest(string_to_array(rtrim(x.path, '.'), '.')::bigint[]) FROM categories x WHERE x.tenant_id = $1 AND x.code = $2))
                ORDER BY c.path
                """
        let tenantId: Int64
        let code: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(tenantId)
            bindings.append(code)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> CategoryRecord { try CatalogStore.record(row) }
    }

    /// `code` and its ancestors, root first; empty when there is no such node.
    public static func chain(_ tx: Tx, code: String) async throws -> [CategoryRecord] {
        try await tx.execute(ChainStatement(tenantId: tx.tenant, code: code))
    }

    /// The whole list, parents before children.
    public static func all(_ tx: Tx) async throws -> [CategoryRecord] {
        try await decode(tx.query("\(unescaped: select) WHERE c.tenant_id = \(tx.tenant) ORDER BY c.path"))
    }

    public static func find(_ tx: Tx, code: String) async throws -> CategoryRecord? {
        try await decode(tx.query("\(unescaped: select) WHERE c.tenant_id = \(tx.tenant) AND c.code = \(code)")).first
    }

    /// Children of `parentCode` (roots when nil) in code order after `after`.
    public static func children(_ tx: Tx, of parentId: Int64?, after: String?, limit: Int) async throws -> [CategoryRecord] {
        try await decode(
            tx.query(
                """
                \(unescaped: select)
                WHERE c.tenant_id = \(tx.tenant) AND c.parent_id IS NOT DISTINCT FROM \(parentId) AND c.code > \(after ?? "")
                ORDER BY c.code LIMIT \(limit)
                """))
    }

    /// Serialises imports of one district's list.
    public static func lock(_ tx: Tx) async throws {
        try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('categories', \(tx.tenant)))")
    }

    /// Writes `entries` (parents before children), one statement per tree level, then recomputes
    /// every path of the list.
    public static func upsert(_ tx: Tx, _ entries: [CategoryEntry]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var levels: [[CategoryEntry]] = []
        var level: [String: Int] = [:]
        for entry in entries {
            let depth = entry.parentCode.flatMap { level[$0].map { $0 + 1 } } ?? 0
            level[entry.code] = depth
            while levels.count <= depth { levels.append([]) }
            levels[depth].append(entry)
        }
        for batch in levels where !batch.isEmpty {
            let rows = String(decoding: try encoder.encode(batch), as: UTF8.self)
            try await tx.query(
                """
                INSERT INTO categories AS c (tenant_id, parent_id, code, name, kind, is_public, filing_standard, closing_standard, grades,
                                             lead_department_id, default_level, placeholder_standards, must_report, powers)
                SELECT \(tx.tenant), p.id, r.code, r.name, r.kind, coalesce(r.public, false), r."filingStandard", r."closingStandard",
                       coalesce(r.grades, '[]'::jsonb), d.id, r."defaultLevel", coalesce(r."placeholderStandards", false),
                       coalesce(r."mustReport", '{}'), r.powers
                FROM jsonb_to_recordset(\(rows)::jsonb) AS r(code text, "parentCode" text, name text, kind text, public boolean,
                     "filingStandard" text, "closingStandard" text, grades jsonb, "leadDepartment" text, "defaultLevel" text,
                     "placeholderStandards" boolean, "mustReport" text[], powers text)
                LEFT JOIN categories p ON p.tenant_id = \(tx.tenant) AND p.code = r."parentCode"
                LEFT JOIN departments d ON d.tenant_id = \(tx.tenant) AND d.code = r."leadDepartment"
                ON CONFLICT (tenant_id, code) DO UPDATE SET
                    parent_id = EXCLUDED.parent_id, name = EXCLUDED.name, kind = EXCLUDED.kind, is_public = EXCLUDED.is_public,
                    filing_standard = EXCLUDED.filing_standard, closing_standard = EXCLUDED.closing_standard, grades = EXCLUDED.grades,
                    lead_department_id = EXCLUDED.lead_department_id, default_level = EXCLUDED.default_level,
                    placeholder_standards = EXCLUDED.placeholder_standards, must_report = EXCLUDED.must_report, powers = EXCLUDED.powers,
                    version = c.version + 1, updated_at = now()
                """)
        }
        let codes = entries.map(\.code)
        try await tx.query(
            """
            DELETE FROM category_assists a USING categories c
            WHERE a.tenant_id = \(tx.tenant) AND c.tenant_id = \(tx.tenant) AND c.id = a.category_id AND c.code = ANY(\(codes)::text[])
            """)
        var assistCategory: [String] = [], assistDepartment: [String] = [], assistPosition: [Int32] = []
        for entry in entries {
            for (i, department) in entry.assistingDepartments.enumerated() {
                assistCategory.append(entry.code)
                assistDepartment.append(department)
                assistPosition.append(Int32(i + 1))
            }
        }
        if !assistCategory.isEmpty {
            try await tx.query(
                """
                INSERT INTO category_assists (tenant_id, category_id, department_id, position)
                SELECT \(tx.tenant), c.id, d.id, r.position
                FROM unnest(\(assistCategory)::text[], \(assistDepartment)::text[], \(assistPosition)::int2[]) AS r(category, department, position)
                JOIN categories c ON c.tenant_id = \(tx.tenant) AND c.code = r.category
                JOIN departments d ON d.tenant_id = \(tx.tenant) AND d.code = r.department
                """)
        }
        try await tx.query(
            """
            WITH RECURSIVE tree AS (
                SELECT id, id::text || '.' AS path FROM categories WHERE tenant_id = \(tx.tenant) AND parent_id IS NULL
                UNION ALL
                SELECT c.id, tree.path || c.id::text || '.' FROM categories c JOIN tree ON c.parent_id = tree.id
                WHERE c.tenant_id = \(tx.tenant)
            )
            UPDATE categories c SET path = tree.path FROM tree
            WHERE c.tenant_id = \(tx.tenant) AND c.id = tree.id AND c.path IS DISTINCT FROM tree.path
            """)
    }

    /// A national profile's document (reference data), or nil for an unknown name.
    public static func profile(_ tx: Tx, name: String) async throws -> String? {
        for try await document in try await tx.query("SELECT document::text FROM ref_catalog_profiles WHERE name = \(name)").decode(String.self) {
            return document
        }
        return nil
    }

    public static func profileNames(_ tx: Tx) async throws -> [String] {
        var names: [String] = []
        for try await name in try await tx.query("SELECT name FROM ref_catalog_profiles ORDER BY name").decode(String.self) { names.append(name) }
        return names
    }
}
