import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// Row-level security as the safety net: the service role, whatever id it names, sees and
/// changes only the rows of the tenant its transaction set, and nothing without one.
@Suite struct TenantIsolationTests {
    func count(_ tx: Tx, _ sql: String) async throws -> Int {
        for try await n in try await tx.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return Int(n) }
        return -1
    }

    @Test func tenantACannotReadOrChangeTenantBRowsByAnyId() async throws {
        try await TestDatabase.with { db in
            let a = try await db.seedSmallDistrict(code: "HD", division: "110108")
            let b = try await db.seedSmallDistrict(code: "CY", division: "110105")
            let bUnit = try await db.db.withTenant(b.tenantId) { tx in try #require(try await OrgUnitStore.find(tx, code: b.unitGrid1)) }
            let bAdmin = try await db.db.withTenant(b.tenantId) { tx in try #require(try await UserStore.find(tx, login: "admin")) }

            try await db.db.withTenant(a.tenantId) { (tx: Tx) async throws in
                // Reads by id, with or without the tenant filter in the query.
                #expect(try await OrgUnitStore.find(tx, id: bUnit.id) == nil)
                #expect(try await count(tx, "SELECT count(*) FROM org_units WHERE id = \(bUnit.id)") == 0)
                #expect(try await count(tx, "SELECT count(*) FROM users WHERE id = \(bAdmin.id)") == 0)
                #expect(try await count(tx, "SELECT count(*) FROM tenants WHERE id = \(b.tenantId)") == 0)
                #expect(try await count(tx, "SELECT count(*) FROM role_bindings WHERE tenant_id = \(b.tenantId)") == 0)
                #expect(
                    try await count(tx, "SELECT count(*) FROM org_units")
                        == (try await count(tx, "SELECT count(*) FROM org_units WHERE tenant_id = \(a.tenantId)")))
                // Writes by id change nothing.
                #expect(try await count(tx, "WITH u AS (UPDATE org_units SET name = 'x' WHERE id = \(bUnit.id) RETURNING 1) SELECT count(*) FROM u") == 0)
                #expect(try await count(tx, "WITH u AS (UPDATE users SET display_name = 'x' WHERE id = \(bAdmin.id) RETURNING 1) SELECT count(*) FROM u") == 0)
                #expect(try await count(tx, "WITH u AS (UPDATE tenants SET name = 'x' WHERE id = \(b.tenantId) RETURNING 1) SELECT count(*) FROM u") == 0)
            }
            // Writing a row into tenant B from tenant A's transaction is refused by the policy.
            await #expect(throws: (any Error).self) {
                try await db.db.withTenant(a.tenantId) { (tx: Tx) async throws in
                    try await tx.query(
                        PostgresQuery(
                            unsafeSQL:
                                "INSERT INTO departments (tenant_id, code, name, kind, org_unit_id) VALUES (\(b.tenantId), 'X', 'x', 'district', \(bUnit.id))"))
                }
            }
            // Tenant B is untouched.
            let after = try await db.db.withTenant(b.tenantId) { tx in try #require(try await OrgUnitStore.find(tx, id: bUnit.id)) }
            #expect(after.name == bUnit.name)
        }
    }

    @Test func aTransactionWithoutATenantSeesNothing() async throws {
        try await TestDatabase.with { db in
            _ = try await db.seedSmallDistrict()
            try await db.db.withoutTenant { (tx: Tx) async throws in
                for table in ["tenants", "org_units", "departments", "users", "role_bindings", "sessions"] {
                    #expect(try await count(tx, "SELECT count(*) FROM \(table)") == 0, "\(table) is visible without a tenant")
                }
            }
        }
    }

    @Test func theTenantSettingDoesNotOutliveItsTransaction() async throws {
        try await TestDatabase.with { db in
            let a = try await db.seedSmallDistrict()
            // One pooled connection: a tenant transaction, then a transaction without a tenant on the same connection.
            try await db.app.withConnection { connection in
                try await connection.query("BEGIN", logger: db.logger)
                try await connection.query("SELECT set_config('app.tenant_id', \(String(a.tenantId)), true)", logger: db.logger)
                try await connection.query("COMMIT", logger: db.logger)
                var seen = -1
                for try await n in try await connection.query("SELECT count(*) FROM org_units", logger: db.logger).decode(Int64.self) { seen = Int(n) }
                #expect(seen == 0)
            }
        }
    }

    /// The connection's `app.tenant_id` now ('' when none is set).
    static func tenantSetting(_ connection: PostgresConnection, _ db: TestDatabase) async throws -> String? {
        var setting: String?
        for try await value in try await connection.query("SELECT coalesce(current_setting('app.tenant_id', true), '')", logger: db.logger)
            .decode(String.self)
        { setting = value }
        return setting
    }

    /// `take_case_number` sets the tenant for its own statement only, counts each district and day
    /// apart, and refuses to number for another district inside a tenant's transaction.
    @Test func caseNumbersAreTakenPerTenantAndDayInACallOfTheirOwn() async throws {
        try await TestDatabase.with { db in
            let a = try await db.seedSmallDistrict(code: "HD", division: "110108")
            let b = try await db.seedSmallDistrict(code: "CY", division: "110105")
            let day = try #require(LocalDate(year: 2026, month: 11, day: 23))
            let next = try #require(LocalDate(year: 2026, month: 11, day: 24))
            #expect(try await CaseStore.takeNumber(db.db, tenantId: a.tenantId, tenantCode: "HD", day: day) == "HD-20261123-000001")
            #expect(try await CaseStore.takeNumber(db.db, tenantId: a.tenantId, tenantCode: "HD", day: day) == "HD-20261123-000002")
            #expect(try await CaseStore.takeNumber(db.db, tenantId: b.tenantId, tenantCode: "CY", day: day) == "CY-20261123-000001")
            #expect(try await CaseStore.takeNumber(db.db, tenantId: a.tenantId, tenantCode: "HD", day: next) == "HD-20261124-000001")
            // The call's tenant does not stay on the pooled connection.
            try await db.app.withConnection { connection in
                var seen: String?
                for try await value in try await connection.query(
                    "SELECT take_case_number(\(a.tenantId), '2026-11-23')::text || ':' || coalesce(current_setting('app.tenant_id', true), '')",
                    logger: db.logger
                ).decode(String.self) { seen = value }
                #expect(seen == "3:\(a.tenantId)")
                #expect(try await Self.tenantSetting(connection, db) == "")
            }
            // Inside tenant A's transaction, numbering for tenant B is refused and nothing is counted.
            await #expect(throws: (any Error).self) {
                try await db.db.withTenant(a.tenantId) { tx in
                    for try await _ in try await tx.query("SELECT take_case_number(\(b.tenantId), '2026-11-23')") {}
                }
            }
            #expect(try await CaseStore.takeNumber(db.db, tenantId: b.tenantId, tenantCode: "CY", day: day) == "CY-20261123-000002")
        }
    }

    /// `intake_context` reads the asked district's own rows (its category chain, not another's of
    /// the same code), sets the tenant for its own statement only, and refuses another district
    /// inside a tenant's transaction.
    @Test func intakeContextReadsTheAskedDistrictInACallOfItsOwn() async throws {
        try await TestDatabase.with { db in
            let a = try await db.seedSmallDistrict(code: "HD", division: "110108")
            let b = try await db.seedSmallDistrict(code: "CY", division: "110105")
            let inA = try #require(try await CaseStore.intakeContext(db.db, tenantId: a.tenantId, userId: nil, key: nil, categoryCode: "E0101"))
            let inB = try #require(try await CaseStore.intakeContext(db.db, tenantId: b.tenantId, userId: nil, key: nil, categoryCode: "E0101"))
            #expect(inA.tenant.code == "HD" && inB.tenant.code == "CY")
            #expect(inA.categoryChain.map(\.entry.code) == ["E", "E01", "E0101"], "\(inA.categoryChain.map(\.entry.code))")
            #expect(inB.categoryChain.map(\.entry.code) == ["E", "E01", "E0101"])
            #expect(Set(inA.categoryChain.map(\.id)).isDisjoint(with: inB.categoryChain.map(\.id)))
            let unknown = try await CaseStore.intakeContext(db.db, tenantId: a.tenantId, userId: nil, key: nil, categoryCode: "Z9999")
            #expect(unknown?.tenant.code == "HD" && unknown?.categoryChain.isEmpty == true)
            try await db.app.withConnection { connection in
                var rows = 0
                for try await _ in try await connection.query("SELECT * FROM intake_context(\(a.tenantId), NULL, NULL, 'E0101')", logger: db.logger) {
                    rows += 1
                }
                #expect(rows == 3)
                #expect(try await Self.tenantSetting(connection, db) == "")
            }
            await #expect(throws: (any Error).self) {
                try await db.db.withTenant(a.tenantId) { tx in
                    for try await _ in try await tx.query("SELECT * FROM intake_context(\(b.tenantId), NULL, NULL, 'E0101')") {}
                }
            }
        }
    }

    @Test func locateFindsOnlyTheCurrentTenantsGrids() async throws {
        try await TestDatabase.with { db in
            // Two districts drawn over the same ground.
            let a = try await db.seedSmallDistrict(code: "HD", division: "110108")
            let b = try await db.seedSmallDistrict(code: "CY", division: "110105")
            let point = a.pointInStreet1
            let inA = try await OrgUnitStore.locate(db.db, tenantId: a.tenantId, point)
            let inB = try await OrgUnitStore.locate(db.db, tenantId: b.tenantId, point)
            let inNone = try await OrgUnitStore.locate(db.db, tenantId: max(a.tenantId, b.tenantId) + 1, point)
            #expect(inNone == nil)
            let aGrid = try await db.db.withTenant(a.tenantId) { tx in try #require(try await OrgUnitStore.find(tx, code: a.unitGrid1)) }
            let bGrid = try await db.db.withTenant(b.tenantId) { tx in try #require(try await OrgUnitStore.find(tx, code: b.unitGrid1)) }
            #expect(inA?.id == aGrid.id)
            #expect(inB?.id == bGrid.id)
        }
    }

    @Test func theServiceRoleCannotRewriteOrBypass() async throws {
        try await TestDatabase.with { db in
            let a = try await db.seedSmallDistrict()
            for statement in [
                "DELETE FROM org_units", "DELETE FROM users", "SET LOCAL row_security = off; SELECT count(*) FROM org_units",
                "ALTER TABLE org_units DISABLE ROW LEVEL SECURITY",
                "SELECT count(*) FROM schema_migrations",
            ] {
                await #expect(throws: (any Error).self, "\(statement) should be refused") {
                    try await db.db.withTenant(a.tenantId) { (tx: Tx) async throws in
                        for part in statement.split(separator: ";") { try await tx.query(PostgresQuery(unsafeSQL: String(part))) }
                    }
                }
            }
        }
    }
}
