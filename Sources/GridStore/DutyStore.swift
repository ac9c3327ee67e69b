import Foundation
import GridCore
import PostgresNIO

/// The duty list (职责清单) of a district, replaced as a whole on import.
public enum DutyStore {
    static let select = """
        SELECT c.code, u.code, d.code, t.note
        FROM duties t
        JOIN categories c ON c.tenant_id = t.tenant_id AND c.id = t.category_id
        JOIN org_units u ON u.tenant_id = t.tenant_id AND u.id = t.org_unit_id
        JOIN departments d ON d.tenant_id = t.tenant_id AND d.id = t.department_id
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [DutyEntry] {
        var result: [DutyEntry] = []
        for try await (category, area, department, note) in rows.decode((String, String, String, String?).self) {
            result.append(DutyEntry(categoryCode: category, areaCode: area, department: department, note: note))
        }
        return result
    }

    /// The whole list, or one department's part of it ("what we own").
    public static func all(_ tx: Tx, department: String? = nil) async throws -> [DutyEntry] {
        try await decode(
            tx.query(
                """
                \(unescaped: select)
                WHERE t.tenant_id = \(tx.tenant) AND (\(department)::text IS NULL OR d.code = \(department))
                ORDER BY c.code, u.path, d.code
                """))
    }

    /// The rows that can apply to a report, by the ids of its category chain and area chain: one
    /// table, so that planning it costs little (routing asks it for every report).
    struct CandidatesStatement: PostgresPreparedStatement {
        static let sql = """
            SELECT t.category_id, t.org_unit_id,
                   (SELECT d.code FROM departments d WHERE d.tenant_id = t.tenant_id AND d.id = t.department_id), t.note
            FROM duties t
            WHERE t.tenant_id = $1 AND t.category_id = ANY($2::bigint[]) AND t.org_unit_id = ANY($3::bigint[])
            """
        let tenantId: Int64
        let categoryIds: [Int64]
        let areaIds: [Int64]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(tenantId)
            bindings.append(categoryIds)
            bindings.append(areaIds)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> (Int64, Int64, String, String?) { try row.decode((Int64, Int64, String, String?).self) }
    }

    /// The rows for a report whose category chain and area chain are given as id → code.
    public static func candidates(_ tx: Tx, categories: [Int64: String], areas: [Int64: String]) async throws -> [DutyEntry] {
        let rows = try await tx.execute(CandidatesStatement(tenantId: tx.tenant, categoryIds: Array(categories.keys), areaIds: Array(areas.keys)))
        return rows.compactMap { category, area, department, note in
            guard let categoryCode = categories[category], let areaCode = areas[area] else { return nil }
            return DutyEntry(categoryCode: categoryCode, areaCode: areaCode, department: department, note: note)
        }
    }

    /// Replaces the list with `entries`, whose codes the caller has checked; returns the rows written.
    public static func replace(_ tx: Tx, with entries: [DutyEntry]) async throws -> Int {
        try await tx.query("DELETE FROM duties WHERE tenant_id = \(tx.tenant)")
        let rows = try await tx.query(
            """
            WITH inserted AS (
                INSERT INTO duties (tenant_id, category_id, org_unit_id, department_id, note)
                SELECT \(tx.tenant), c.id, u.id, d.id, NULLIF(r.note, '')
                FROM unnest(\(entries.map(\.categoryCode))::text[], \(entries.map(\.areaCode))::text[],
                            \(entries.map(\.department))::text[], \(entries.map { $0.note ?? "" })::text[]) AS r(category, area, department, note)
                JOIN categories c ON c.tenant_id = \(tx.tenant) AND c.code = r.category
                JOIN org_units u ON u.tenant_id = \(tx.tenant) AND u.code = r.area
                JOIN departments d ON d.tenant_id = \(tx.tenant) AND d.code = r.department
                RETURNING 1
            )
            SELECT count(*)::bigint FROM inserted
            """)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
