import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// Row-level security on the problem list, duty list, calendars, rule sets and the audit log, and
/// the reference tables every district reads.
@Suite struct RoutingIsolationTests {
    static let tenantTables = ["categories", "category_assists", "duties", "work_calendars", "rule_sets", "audit_log"]

    func count(_ tx: Tx, _ sql: String) async throws -> Int {
        for try await n in try await tx.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return Int(n) }
        return -1
    }

    /// Gives tenant `d` a row in every routing table: an item with an assisting department, a duty
    /// row, a saved calendar, a draft rule set, and (through those) audit rows.
    func fill(_ db: TestDatabase, _ d: SmallDistrict) async throws {
        for code in ["CGW", "SWJ"] {
            _ = try await db.service.createDepartment(.operator, tenantId: d.tenantId, code: code, name: code, kind: .district, unitCode: nil)
        }
        let item = CategoryEntry(
            code: "E0199", parentCode: "E01", name: "测试事项", kind: .event,
            grades: [Grade(key: "general", name: "一般", limit: TimeLimit(amount: 2, unit: .workDays))],
            leadDepartment: "CGW", assistingDepartments: ["SWJ"])
        _ = try await db.service.importCatalog(.operator, tenantId: d.tenantId, document: CatalogDocument(categories: [item]))
        _ = try await db.service.importDuties(
            .operator, tenantId: d.tenantId, entries: [DutyEntry(categoryCode: "E01", areaCode: d.division, department: "CGW")])
        _ = try await db.service.loadNationalHolidays(.operator, tenantId: d.tenantId, year: 2026)
        let rules = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"rules": [{"id": "r", "name": "规则", "then": {"level": "street"}}]}"#.utf8))
        _ = try await db.service.saveDraft(.operator, tenantId: d.tenantId, document: rules, note: nil, ifVersion: nil)
    }

    @Test func oneDistrictsListsAndRulesAreInvisibleToAnother() async throws {
        try await TestDatabase.with { db in
            let a = try await db.seedSmallDistrict(code: "HD", division: "110108")
            let b = try await db.seedSmallDistrict(code: "CY", division: "110105")
            try await fill(db, a)
            try await fill(db, b)
            try await db.db.withTenant(b.tenantId) { (tx: Tx) async throws in
                for table in Self.tenantTables {
                    #expect(try await count(tx, "SELECT count(*) FROM \(table)") > 0, "tenant B has rows in \(table)")
                }
            }
            try await db.db.withTenant(a.tenantId) { (tx: Tx) async throws in
                for table in Self.tenantTables {
                    #expect(try await count(tx, "SELECT count(*) FROM \(table) WHERE tenant_id = \(b.tenantId)") == 0, "\(table) leaks tenant B's rows")
                    #expect(
                        try await count(tx, "SELECT count(*) FROM \(table)")
                            == (try await count(tx, "SELECT count(*) FROM \(table) WHERE tenant_id = \(a.tenantId)")))
                }
                #expect(
                    try await count(tx, "WITH u AS (UPDATE categories SET name = 'x' WHERE tenant_id = \(b.tenantId) RETURNING 1) SELECT count(*) FROM u") == 0)
                #expect(
                    try await count(tx, "WITH u AS (UPDATE rule_sets SET note = 'x' WHERE tenant_id = \(b.tenantId) RETURNING 1) SELECT count(*) FROM u") == 0)
                #expect(try await count(tx, "WITH u AS (DELETE FROM duties WHERE tenant_id = \(b.tenantId) RETURNING 1) SELECT count(*) FROM u") == 0)
                #expect(try await CatalogStore.all(tx).allSatisfy { $0.entry.code != "X" })
            }
            // A duty row of tenant B, with B's own ids (foreign keys satisfied), written from tenant A's
            // transaction is refused by the policy alone.
            let ids = try await db.db.withTenant(b.tenantId) { (tx: Tx) async throws -> (Int64, Int64, Int64) in
                let rows = try await tx.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT (SELECT id FROM categories WHERE code = 'E02'), (SELECT id FROM org_units WHERE code = '\(b.street1)'),
                                   (SELECT id FROM departments WHERE code = 'SWJ')
                            """))
                for try await row in rows.decode((Int64, Int64, Int64).self) { return row }
                throw GridError(.internal, Text(zh: "无", en: "none"))
            }
            await #expect(throws: (any Error).self) {
                try await db.db.withTenant(a.tenantId) { (tx: Tx) async throws in
                    try await tx.query(
                        PostgresQuery(
                            unsafeSQL: """
                                INSERT INTO duties (tenant_id, category_id, org_unit_id, department_id) VALUES (\(b.tenantId), \(ids.0), \(ids.1), \(ids.2))
                                """))
                }
            }
            // The same row from tenant B's own transaction is fine (and removed again).
            try await db.db.withTenant(b.tenantId) { (tx: Tx) async throws in
                try await tx.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO duties (tenant_id, category_id, org_unit_id, department_id) VALUES (\(b.tenantId), \(ids.0), \(ids.1), \(ids.2))
                            """))
                #expect(try await count(tx, "SELECT count(*) FROM duties") == 2)
                try await tx.query(PostgresQuery(unsafeSQL: "DELETE FROM duties WHERE category_id = \(ids.0)"))
            }
            try await db.db.withoutTenant { (tx: Tx) async throws in
                for table in Self.tenantTables {
                    #expect(try await count(tx, "SELECT count(*) FROM \(table)") == 0, "\(table) is visible without a tenant")
                }
            }
        }
    }

    @Test func theAuditLogAndTheReferenceTablesCannotBeRewritten() async throws {
        try await TestDatabase.with { db in
            let a = try await db.seedSmallDistrict()
            try await fill(db, a)
            for statement in [
                "UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "DELETE FROM rule_sets", "DELETE FROM categories",
                "UPDATE ref_catalog_profiles SET title = 'x'", "DELETE FROM ref_calendar_days",
                "INSERT INTO ref_calendar_days (day, kind, name) VALUES ('2030-01-01', 'holiday', 'x')",
            ] {
                await #expect(throws: (any Error).self, "\(statement) must be refused") {
                    try await db.db.withTenant(a.tenantId) { (tx: Tx) async throws in try await tx.query(PostgresQuery(unsafeSQL: statement)) }
                }
            }
            try await db.db.withTenant(a.tenantId) { (tx: Tx) async throws in
                #expect(try await count(tx, "SELECT count(*) FROM audit_log") > 0)
                #expect(try await count(tx, "SELECT count(*) FROM ref_catalog_profiles") >= 1, "every district reads the national profile")
                #expect(try await count(tx, "SELECT count(*) FROM ref_calendar_days WHERE day BETWEEN '2026-01-01' AND '2026-12-31'") > 20)
            }
        }
    }
}
