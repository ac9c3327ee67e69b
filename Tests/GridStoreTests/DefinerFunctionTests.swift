import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// The SECURITY DEFINER lookups bypass row-level security, so the database itself keeps them to
/// the transaction's district: called by the service role inside one district's transaction they
/// refuse another, and the service's own calls outside any transaction still answer each district.
@Suite struct DefinerFunctionTests {
    /// Two districts over the same ground, each with a signed-in admin and an open case at the point.
    struct Pair {
        var a: SmallDistrict
        var b: SmallDistrict
        var tokenA: String
        var tokenB: String
        var caseA: CaseIntakeResult
        var caseB: CaseIntakeResult
        var categoryA: Int64
        var categoryB: Int64
    }

    static func pair(_ db: TestDatabase) async throws -> Pair {
        let a = try await db.seedSmallDistrict(code: "HD", division: "110108")
        let b = try await db.seedSmallDistrict(code: "CY", division: "110105")
        let point = a.pointInStreet1
        let intake = CaseIntake(category: "E0101", description: "占道经营", lat: point.lat, lng: point.lng, source: .hotline)
        let caseA = try await db.service.takeIn(.operator, tenantId: a.tenantId, intake, idempotencyKey: nil)
        let caseB = try await db.service.takeIn(.operator, tenantId: b.tenantId, intake, idempotencyKey: nil)
        return Pair(
            a: a, b: b,
            tokenA: try await db.service.login(tenantCode: "HD", login: "admin", password: a.adminPassword).token,
            tokenB: try await db.service.login(tenantCode: "CY", login: "admin", password: b.adminPassword).token,
            caseA: caseA, caseB: caseB,
            categoryA: try #require(caseA.view.record.categoryId), categoryB: try #require(caseB.view.record.categoryId))
    }

    /// Each lookup as the service role names the district `tenant`: its rows come back as text, one per row.
    static func lookups(_ p: Pair, tenant: Int64, code: String, categoryId: Int64, token: String) -> [(name: String, sql: PostgresQuery)] {
        let point = p.a.pointInStreet1
        let hash = ByteBuffer(bytes: Secrets.tokenHash(token))
        return [
            ("locate_grid", "SELECT id::text FROM locate_grid(\(tenant), \(point.lng), \(point.lat))"),
            ("locate_chain", "SELECT code FROM locate_chain(\(tenant), \(point.lng), \(point.lat))"),
            (
                "nearby_open_cases",
                "SELECT number FROM nearby_open_cases(\(tenant), \(categoryId), \(point.lng), \(point.lat), 500, now() - interval '1 day', 5)"
            ),
            ("session_principal", "SELECT tenant_code || ' ' || login FROM session_principal(\(tenant), \(hash))"),
            ("tenant_by_code", "SELECT id::text FROM tenant_by_code(\(code))"),
        ]
    }

    static func rows(_ sequence: PostgresRowSequence) async throws -> [String] {
        var rows: [String] = []
        for try await row in sequence.decode(String.self) { rows.append(row) }
        return rows
    }

    @Test func insideADistrictsTransactionEachLookupRefusesAnotherDistrict() async throws {
        try await TestDatabase.with { db in
            let p = try await Self.pair(db)
            let askB = Self.lookups(p, tenant: p.b.tenantId, code: "CY", categoryId: p.categoryB, token: p.tokenB)
            let askA = Self.lookups(p, tenant: p.a.tenantId, code: "HD", categoryId: p.categoryA, token: p.tokenA)
            for (name, sql) in askB {
                do {
                    let rows = try await db.db.withTenant(p.a.tenantId) { tx in try await Self.rows(try await tx.query(sql)) }
                    Issue.record("\(name) for district B inside district A's transaction answered \(rows)")
                } catch let error as PSQLError {
                    #expect(error.serverInfo?[.sqlState] == "42501", "\(name): \(String(reflecting: error))")
                    #expect(error.serverInfo?[.message]?.hasPrefix("\(name): ") == true, "\(name): \(String(reflecting: error))")
                    #expect(error.serverInfo?[.message]?.hasSuffix("inside a transaction of tenant \(p.a.tenantId)") == true)
                }
            }
            // The same lookups naming district A answer A's rows.
            let answers = try await db.db.withTenant(p.a.tenantId) { tx in
                var answers: [String: [String]] = [:]
                for (name, sql) in askA { answers[name] = try await Self.rows(try await tx.query(sql)) }
                return answers
            }
            let gridA = try await db.db.withTenant(p.a.tenantId) { tx in try #require(try await OrgUnitStore.find(tx, code: p.a.unitGrid1)) }
            #expect(answers["locate_grid"] == ["\(gridA.id)"])
            #expect(answers["locate_chain"]?.last == p.a.unitGrid1 && answers["locate_chain"]?.first == p.a.division)
            #expect(answers["nearby_open_cases"] == [p.caseA.view.record.number])
            #expect(answers["session_principal"]?.first == "HD admin")
            #expect(answers["tenant_by_code"] == ["\(p.a.tenantId)"])
        }
    }

    /// Intake, locate and authentication call the lookups outside any transaction: each call sets
    /// its district for its own statement only, so one connection answers one district, then another.
    @Test func outsideATransactionTheServicesCallsAnswerEachDistrict() async throws {
        try await TestDatabase.with { db in
            let p = try await Self.pair(db)
            let point = p.a.pointInStreet1
            for (district, token, category, found) in [(p.a, p.tokenA, p.categoryA, p.caseA), (p.b, p.tokenB, p.categoryB, p.caseB)] {
                let grid = try await db.db.withTenant(district.tenantId) { tx in try #require(try await OrgUnitStore.find(tx, code: district.unitGrid1)) }
                #expect(try await OrgUnitStore.locate(db.db, tenantId: district.tenantId, point)?.id == grid.id)
                #expect(try await OrgUnitStore.locateChain(db.db, tenantId: district.tenantId, point).last?.id == grid.id)
                let nearby = try await CaseStore.nearbyOpen(
                    db.db, tenantId: district.tenantId, categoryId: category, lat: point.lat, lng: point.lng,
                    meters: 500, since: Date().addingTimeInterval(-3600), limit: 5)
                #expect(nearby.map(\.id) == [found.view.record.id])
                #expect(try await db.service.authenticate(token: token).tenantId == district.tenantId)
                #expect(try await db.service.tenantId(code: district.code) == district.tenantId)
            }
            // On one connection: A's lookups, then B's, and nothing stays behind.
            try await db.app.withConnection { connection in
                for (district, code, category, token) in [(p.a, "HD", p.categoryA, p.tokenA), (p.b, "CY", p.categoryB, p.tokenB)] {
                    for (name, sql) in Self.lookups(p, tenant: district.tenantId, code: code, categoryId: category, token: token) {
                        let rows = try await Self.rows(try await connection.query(sql, logger: db.logger))
                        #expect(!rows.isEmpty, "\(name) for \(code) found nothing")
                        #expect(try await TenantIsolationTests.tenantSetting(connection, db) == "", "\(name) left a district set")
                    }
                }
            }
        }
    }

    /// In a transaction begun without a district, the first lookup's district is the transaction's:
    /// a later lookup naming another is refused.
    @Test func aTransactionWithoutADistrictTakesTheFirstLookupsOne() async throws {
        try await TestDatabase.with { db in
            let p = try await Self.pair(db)
            let point = p.a.pointInStreet1
            do {
                try await db.db.withoutTenant { (tx: Tx) async throws in
                    #expect(try await Self.rows(try await tx.query("SELECT id::text FROM locate_grid(\(p.a.tenantId), \(point.lng), \(point.lat))")).count == 1)
                    #expect(try await Self.rows(try await tx.query("SELECT coalesce(current_setting('app.tenant_id', true), '')")) == ["\(p.a.tenantId)"])
                    _ = try await Self.rows(try await tx.query("SELECT code FROM locate_chain(\(p.b.tenantId), \(point.lng), \(point.lat))"))
                }
                Issue.record("locate_chain for district B answered in a transaction that had located in district A")
            } catch let error as PSQLError {
                #expect(error.serverInfo?[.sqlState] == "42501", "\(String(reflecting: error))")
            }
            // tenant_by_code sets no district: a login's lookup leaves its transaction without one.
            try await db.db.withoutTenant { (tx: Tx) async throws in
                #expect(try await Self.rows(try await tx.query("SELECT id::text FROM tenant_by_code('cy')")) == ["\(p.b.tenantId)"])
                #expect(try await Self.rows(try await tx.query("SELECT id::text FROM tenant_by_code('HD')")) == ["\(p.a.tenantId)"])
                #expect(try await Self.rows(try await tx.query("SELECT coalesce(current_setting('app.tenant_id', true), '')")) == [""])
            }
        }
    }
}
