import Foundation
import GridCore
import PostgresNIO

public enum DepartmentStore {
    /// The columns and join `decode` reads. A constant.
    static let select = """
        SELECT d.id, d.code, d.name, d.kind, d.org_unit_id, u.path, d.version, d.receives_territorial
        FROM departments d JOIN org_units u ON u.tenant_id = d.tenant_id AND u.id = d.org_unit_id
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [DepartmentRecord] {
        var result: [DepartmentRecord] = []
        for try await row in rows { result.append(try record(row)) }
        return result
    }

    static func record(_ row: PostgresRow) throws -> DepartmentRecord {
        let (id, code, name, kind, unitId, path, version, receives) = try row.decode((Int64, String, String, String, Int64, String, Int64, Bool).self)
        return DepartmentRecord(
            id: id, code: code, name: name, kind: .init(rawValue: kind) ?? .district, orgUnitId: unitId,
            orgUnitPath: ScopePath(path) ?? .root(unitId), version: version, receivesTerritorial: receives)
    }

    /// A department by code, as routing names it.
    struct ByCodeStatement: PostgresPreparedStatement {
        static let sql = select + " WHERE d.tenant_id = $1 AND d.code = $2"
        let tenantId: Int64
        let code: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(tenantId)
            bindings.append(code)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> DepartmentRecord { try DepartmentStore.record(row) }
    }

    public static func insert(_ tx: Tx, code: String, name: String, kind: DepartmentRecord.Kind, orgUnitId: Int64) async throws -> Int64 {
        let rows = try await tx.query(
            """
            INSERT INTO departments (tenant_id, code, name, kind, org_unit_id)
            VALUES (\(tx.tenant), \(code), \(name), \(kind.rawValue), \(orgUnitId)) RETURNING id
            """)
        for try await id in rows.decode(Int64.self) { return id }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    public static func rename(_ tx: Tx, id: Int64, name: String) async throws {
        try await tx.query(
            "UPDATE departments SET name = \(name), version = version + 1, updated_at = now() WHERE tenant_id = \(tx.tenant) AND id = \(id)")
    }

    public static func find(_ tx: Tx, id: Int64) async throws -> DepartmentRecord? {
        try await decode(
            tx.query(
                """
                \(unescaped: select)
                WHERE d.tenant_id = \(tx.tenant) AND d.id = \(id)
                """)
        ).first
    }

    public static func find(_ tx: Tx, code: String) async throws -> DepartmentRecord? {
        try await tx.execute(ByCodeStatement(tenantId: tx.tenant, code: code)).first
    }

    /// The office (科室) of a street that leads cases the territorial street owns: the one the
    /// street designated, else its first by code.
    public static func streetOffice(_ tx: Tx, unitId: Int64) async throws -> DepartmentRecord? {
        try await decode(
            tx.query(
                """
                \(unescaped: select)
                WHERE d.tenant_id = \(tx.tenant) AND d.org_unit_id = \(unitId) AND d.kind = 'streetOffice'
                ORDER BY d.receives_territorial DESC, d.code LIMIT 1
                """)
        ).first
    }

    /// Makes `office` its street's receiving office and every other office of the street not;
    /// the versions of the offices that changed move on.
    public static func designateReceiver(_ tx: Tx, office: DepartmentRecord) async throws {
        try await tx.query(
            """
            UPDATE departments SET receives_territorial = false, version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND org_unit_id = \(office.orgUnitId) AND receives_territorial AND id <> \(office.id)
            """)
        try await tx.query(
            """
            UPDATE departments SET receives_territorial = true, version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND id = \(office.id) AND NOT receives_territorial
            """)
    }

    /// Departments attached to units under any of `scopes` or to `includeUnit` itself, in code order after `after`.
    public static func list(_ tx: Tx, scopes: [ScopePath], includeUnit: ScopePath, after: String?, limit: Int) async throws -> [DepartmentRecord] {
        let lows = scopes.map(\.raw), highs = scopes.map(\.upperBound)
        return try await decode(
            tx.query(
                """
                \(unescaped: select)
                WHERE d.tenant_id = \(tx.tenant) AND d.code > \(after ?? "")
                  AND (u.path = \(includeUnit.raw)
                       OR EXISTS (SELECT 1 FROM unnest(\(lows)::text[], \(highs)::text[]) s(lo, hi) WHERE u.path >= s.lo AND u.path < s.hi))
                ORDER BY d.code LIMIT \(limit)
                """))
    }

    /// The ids of the departments of `codes` that exist, in the order given.
    public static func ids(_ tx: Tx, codes: [String]) async throws -> [Int64] {
        guard !codes.isEmpty else { return [] }
        var byCode: [String: Int64] = [:]
        for try await (id, code) in try await tx.query(
            "SELECT id, code FROM departments WHERE tenant_id = \(tx.tenant) AND code = ANY(\(codes)::text[])"
        ).decode((Int64, String).self) {
            byCode[code] = id
        }
        return codes.compactMap { byCode[$0] }
    }

    /// Every department code of the district.
    public static func codes(_ tx: Tx) async throws -> [String] {
        var result: [String] = []
        for try await code in try await tx.query("SELECT code FROM departments WHERE tenant_id = \(tx.tenant)").decode(String.self) { result.append(code) }
        return result
    }
}
