import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// Imports are all or nothing and say what is wrong where; exports read back the same tree.
@Suite struct OrgImportTests {
    static func feature(_ code: String, _ name: String, _ kind: String, _ parent: String, ring: [[Double]]? = nil) -> String {
        let geometry = ring.map { r in #"{"type":"Polygon","coordinates":[[\#(r.map { "[\($0[0]),\($0[1])]" }.joined(separator: ","))]]}"# }
        return
            #"{"type":"Feature","properties":{"code":"\#(code)","name":"\#(name)","kind":"\#(kind)","parentCode":"\#(parent)"},"geometry":\#(geometry ?? "null")}"#
    }

    static func collection(_ features: [String]) -> Data { Data(#"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#.utf8) }

    static let square: [[Double]] = [[116.3, 39.9], [116.31, 39.9], [116.31, 39.91], [116.3, 39.91], [116.3, 39.9]]
    static let bowTie: [[Double]] = [[116.3, 39.9], [116.31, 39.91], [116.31, 39.9], [116.3, 39.91], [116.3, 39.9]]

    func units(_ db: TestDatabase, _ tenant: Int64) async throws -> Int { try await db.db.withTenant(tenant) { tx in try await OrgUnitStore.count(tx) } }

    @Test func aBadFeatureAnywhereWritesNothingAndIsNamed() async throws {
        try await TestDatabase.with { db in
            let t = try await db.service.createTenant(code: "HD", name: "海淀区", divisionCode: "110108", adminLogin: "admin").tenant.id
            let cases: [(features: [String], field: String, code: String)] = [
                (
                    [
                        Self.feature("110108001", "学院路街道", "street", "110108"), Self.feature("110108001001", "x", "community", "110108001"),
                        Self.feature("110108002001", "错社区", "community", "110108001"),
                    ], "features[2].code", "org.unit.badCode"
                ),
                (
                    [Self.feature("110108001", "学院路街道", "street", "110108"), Self.feature("110108001", "重复", "street", "110108")], "features[1].code",
                    "org.unit.duplicateCode"
                ),
                ([Self.feature("110108001", "学院路街道", "street", "999999")], "features[0].parentCode", "org.unit.unknownParent"),
                (
                    [
                        Self.feature("110108001", "学院路街道", "street", "110108"), Self.feature("110108001001", "社区", "community", "110108001"),
                        Self.feature("110108001001001", "网格", "grid", "110108001001", ring: Self.bowTie),
                    ], "features[2].geometry", "geojson.geometry.invalid"
                ),
                (
                    [
                        Self.feature("110108001", "学院路街道", "street", "110108"), Self.feature("110108001001", "社区", "community", "110108001"),
                        Self.feature("110108001001001", "网格", "grid", "110108001001"),
                    ], "features[2].geometry", "org.unit.gridNeedsGeometry"
                ),
                ([Self.feature("110108101", "镇", "street", "110108")], "features[0].code", "org.unit.badCode"),
                ([Self.feature("110108001", "街道", "plaza", "110108")], "features[0].properties.kind", "org.unit.unknownKind"),
                ([Self.feature("110108001001", "社区", "community", "110108")], "features[0].kind", "org.unit.kindNotAllowed"),
            ]
            for (features, field, code) in cases {
                do {
                    _ = try await db.service.importOrg(tenantId: t, geoJSON: Self.collection(features))
                    Issue.record("import of \(field) problem succeeded")
                } catch let error as GridError {
                    #expect(
                        error.fieldErrors.contains { $0.field == field && $0.code.rawValue == code }, "expected \(code) at \(field), got \(error.fieldErrors)")
                }
                #expect(try await units(db, t) == 1, "a failed import left rows behind")
            }
        }
    }

    @Test func cyclesInParentCodesAreReported() async throws {
        try await TestDatabase.with { db in
            let t = try await db.service.createTenant(code: "HD", name: "海淀区", divisionCode: "110108", adminLogin: "admin").tenant.id
            let features = [Self.feature("110108001001", "甲", "community", "110108001002"), Self.feature("110108001002", "乙", "community", "110108001001")]
            let error = try await #require(throws: GridError.self) { try await db.service.importOrg(tenantId: t, geoJSON: Self.collection(features)) }
            #expect(error.fieldErrors.contains { $0.code == .orgUnitCycle })
        }
    }

    @Test func malformedJSONIsABadRequest() async throws {
        try await TestDatabase.with { db in
            let t = try await db.service.createTenant(code: "HD", name: "海淀区", divisionCode: "110108", adminLogin: "admin").tenant.id
            let error = try await #require(throws: GridError.self) { try await db.service.importOrg(tenantId: t, geoJSON: Data("{\"type\":".utf8)) }
            #expect(error.kind == .badRequest && error.fieldErrors.first?.code == .geojsonMalformed)
            let notCollection = try await #require(throws: GridError.self) {
                try await db.service.importOrg(tenantId: t, geoJSON: Data(#"{"type":"Feature"}"#.utf8))
            }
            #expect(notCollection.fieldErrors.first?.code == .geojsonNotFeatureCollection)
        }
    }

    @Test func exportThenImportReproducesTheTree() async throws {
        try await TestDatabase.with { db in
            let source = try await db.seedSmallDistrict(code: "HD", division: "110108")
            let exported = ExportBuffer()
            try await db.service.exportOrg(tenantId: source.tenantId) { text in await exported.append(text) }
            let data = await exported.data
            let copy = try await db.service.createTenant(code: "HDCOPY", name: "副本", divisionCode: "110108", adminLogin: "admin").tenant.id
            let summary = try await db.service.importOrg(tenantId: copy, geoJSON: data)
            #expect(summary.created == (try await units(db, source.tenantId)) - 1)
            func snapshot(_ tenant: Int64) async throws -> [String] {
                try await db.db.withTenant(tenant) { (tx: Tx) async throws in
                    var result: [String] = []
                    for try await (code, name, kind, level, area) in try await tx.query(
                        "SELECT code, name, kind, coalesce(grid_level, 0)::int, round(coalesce(ST_Area(geom), 0)::numeric, 12)::text FROM org_units WHERE tenant_id = \(tenant) ORDER BY code"
                    ).decode((String, String, String, Int, String).self) { result.append("\(code) \(name) \(kind) \(level) \(area)") }
                    return result.filter { !$0.hasPrefix("110108 ") }
                }
            }
            #expect(try await snapshot(copy) == (try await snapshot(source.tenantId)))
        }
    }
}

actor ExportBuffer {
    var data = Data()
    func append(_ text: String) { data.append(contentsOf: text.utf8) }
}
