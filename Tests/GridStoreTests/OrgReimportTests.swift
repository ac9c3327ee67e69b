import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// A district's GIS export imported again: matched by code, renamed, redrawn, moved, retired and
/// brought back, with dry runs that write nothing and moves that would strand cases refused.
@Suite struct OrgReimportTests {
    static let west: [[Double]] = [[116.3, 39.9], [116.31, 39.9], [116.31, 39.91], [116.3, 39.91], [116.3, 39.9]]
    static let east: [[Double]] = west.map { [$0[0] + 0.01, $0[1]] }
    static let wider: [[Double]] = [[116.3, 39.9], [116.31, 39.9], [116.31, 39.92], [116.3, 39.92], [116.3, 39.9]]
    static let eastCentre = Coordinate(lng: 116.315, lat: 39.905)!

    /// A feature as districts export them: Chinese kinds, a null parent for the top unit.
    static func feature(_ code: String, _ name: String, _ kind: String, _ parent: String?, _ ring: [[Double]]? = nil) -> String {
        let geometry = ring.map { r in #"{"type":"Polygon","coordinates":[[\#(r.map { "[\($0[0]),\($0[1])]" }.joined(separator: ","))]]}"# }
        let parentCode = parent.map { "\"\($0)\"" } ?? "null"
        return
            #"{"type":"Feature","properties":{"code":"\#(code)","name":"\#(name)","kind":"\#(kind)","parentCode":\#(parentCode)},"geometry":\#(geometry ?? "null")}"#
    }

    static func collection(_ features: [String]) -> Data { Data(#"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#.utf8) }

    /// Street 110108001 with community A (one grid, west) and community B (one grid, east).
    static let first = collection([
        feature("110108001", "学院路街道", "街道", nil), feature("110108001001", "甲社区", "社区", "110108001"),
        feature("110108001001001", "甲一网格", "网格", "110108001001", west), feature("110108001002", "乙社区", "居委会", "110108001"),
        feature("110108001002001", "乙一网格", "网格", "110108001002", east),
    ])

    /// The street renamed, A's grid redrawn, a zone added with B moved into it, B's grid gone and
    /// a new grid in A.
    static let second = collection([
        feature("110108001", "学院路街道（新）", "街道", nil), feature("110108001001", "甲社区", "社区", "110108001"),
        feature("110108001001001", "甲一网格", "网格", "110108001001", wider), feature("north", "北片", "片区", "110108001"),
        feature("110108001002", "乙社区", "社区", "north"), feature("110108001001002", "甲二网格", "网格", "110108001001", east),
    ])

    static func tenant(_ db: TestDatabase) async throws -> Int64 {
        try await db.service.createTenant(code: "HD", name: "海淀区", divisionCode: "110108", adminLogin: "admin").tenant.id
    }

    /// Every unit as one line: code, name, parent's code, depth, whether its path is its parent's
    /// plus itself, retired or not, and its area.
    static func snapshot(_ db: TestDatabase, _ tenant: Int64) async throws -> [String] {
        try await db.db.withTenant(tenant) { (tx: Tx) async throws in
            var lines: [String] = []
            for try await (code, name, parent, depth, pathOK, retired, area) in try await tx.query(
                """
                SELECT u.code, u.name, coalesce(p.code, '-'), u.depth::int, coalesce(u.path = p.path || u.id || '.', true),
                       u.retired_at IS NOT NULL, round(coalesce(ST_Area(u.geom), 0)::numeric, 8)::text
                FROM org_units u LEFT JOIN org_units p ON p.tenant_id = u.tenant_id AND p.id = u.parent_id
                WHERE u.tenant_id = \(tenant) ORDER BY u.code
                """
            ).decode((String, String, String, Int, Bool, Bool, String).self) {
                lines.append("\(code) \(name) ^\(parent) d\(depth)\(pathOK ? "" : " BADPATH")\(retired ? " retired" : "") \(area)")
            }
            return lines
        }
    }

    @Test func aSecondImportUpdatesByCodeAndRetiresWhatIsGone() async throws {
        try await TestDatabase.with { db in
            let t = try await Self.tenant(db)
            let created = try await db.service.importOrg(tenantId: t, geoJSON: Self.first)
            #expect(created.created == 5 && created.diff.added.count == 5)
            #expect(try await db.service.locate(.operator, tenantId: t, lat: Self.eastCentre.lat, lng: Self.eastCentre.lng).grid.code == "110108001002001")

            let again = try await db.service.importOrg(tenantId: t, geoJSON: Self.first)
            #expect(
                again.diff
                    == {
                        var d = OrgImportDiff()
                        d.unchanged = 5
                        return d
                    }(), "the same file again changes nothing")

            let summary = try await db.service.importOrg(tenantId: t, geoJSON: Self.second)
            let diff = summary.diff
            #expect(diff.added.map(\.code) == ["north", "110108001001002"])
            #expect(diff.changed.map { "\($0.unit.code) \($0.fields.map(\.rawValue))" } == [#"110108001 ["name"]"#, #"110108001001001 ["geometry"]"#])
            #expect(diff.moved.map { "\($0.unit.code) \($0.from ?? "-")→\($0.to ?? "-")" } == ["110108001002 110108001→north"])
            #expect(diff.retired.map(\.unit.code) == ["110108001002001"])
            #expect(diff.unchanged == 1)

            let snapshot = try await Self.snapshot(db, t)
            #expect(snapshot.allSatisfy { !$0.contains("BADPATH") }, "\(snapshot)")
            #expect(snapshot.contains { $0.hasPrefix("110108001 学院路街道（新） ^110108 d2") })
            #expect(snapshot.contains { $0.hasPrefix("110108001002 乙社区 ^north d4") })
            #expect(snapshot.contains { $0.hasPrefix("110108001002001 乙一网格 ^110108001002 d5 retired") }, "kept under its community, retired")
            #expect(snapshot.contains { $0.hasPrefix("110108001001001 甲一网格 ^110108001001 d4 0.0002") }, "redrawn wider")

            // The east point now lies in the new grid of A; the retired grid stays readable.
            #expect(try await db.service.locate(.operator, tenantId: t, lat: Self.eastCentre.lat, lng: Self.eastCentre.lng).grid.code == "110108001001002")
            let retired = try await db.service.unit(.operator, tenantId: t, code: "110108001002001")
            #expect(retired.retiredAt != nil)
            let community = try await db.service.unit(.operator, tenantId: t, code: "110108001002")
            let children = try await db.service.children(.operator, tenantId: t, id: community.id, page: PageRequest(limit: 50))
            #expect(children.items.isEmpty, "retired units leave default lists")

            // It comes back when a later file has it again.
            let back = try await db.service.importOrg(tenantId: t, geoJSON: Self.first)
            #expect(back.diff.changed.contains { $0.unit.code == "110108001002001" && $0.fields == [.restored] })
            #expect(back.diff.moved.map(\.unit.code) == ["110108001002"])
            #expect(Set(back.diff.retired.map(\.unit.code)) == ["north", "110108001001002"])
            #expect(try await db.service.unit(.operator, tenantId: t, code: "110108001002001").retiredAt == nil)
            #expect(try await db.service.locate(.operator, tenantId: t, lat: Self.eastCentre.lat, lng: Self.eastCentre.lng).grid.code == "110108001002001")
        }
    }

    @Test func aDryRunReportsTheDiffAndWritesNothing() async throws {
        try await TestDatabase.with { db in
            let t = try await Self.tenant(db)
            _ = try await db.service.importOrg(tenantId: t, geoJSON: Self.first)
            let before = try await Self.snapshot(db, t)
            let dry = try await db.service.importOrg(tenantId: t, geoJSON: Self.second, dryRun: true)
            #expect(dry.dryRun)
            #expect(dry.diff.added.count == 2 && dry.diff.changed.count == 2 && dry.diff.moved.count == 1 && dry.diff.retired.count == 1)
            #expect(try await Self.snapshot(db, t) == before)
            let bad = Self.collection([Self.feature("110108001", "学院路街道", "街道", nil, OrgImportTests.bowTie)])
            let error = try await #require(throws: GridError.self) { try await db.service.importOrg(tenantId: t, geoJSON: bad, dryRun: true) }
            #expect(error.fieldErrors.map(\.code.rawValue) == ["geojson.geometry.invalid"], "a dry run checks polygons as the import does")
        }
    }

    @Test func aUnitWithCasesDoesNotMoveAndRetiringOneCountsItsOpenCases() async throws {
        try await TestDatabase.with { db in
            let t = try await Self.tenant(db)
            _ = try await db.service.importOrg(tenantId: t, geoJSON: Self.first)
            let intake = CaseIntake(category: "E0101", description: "占道经营", lat: Self.eastCentre.lat, lng: Self.eastCentre.lng, source: .hotline)
            _ = try await db.service.takeIn(.operator, tenantId: t, intake, idempotencyKey: nil)
            let before = try await Self.snapshot(db, t)

            let error = try await #require(throws: GridError.self) { try await db.service.importOrg(tenantId: t, geoJSON: Self.second) }
            #expect(error.kind == .conflict && error.code == .orgUnitMoveHasCases)
            #expect(error.message.en.contains("'110108001002 乙社区'") && error.message.en.contains("1 cases"))
            #expect(try await Self.snapshot(db, t) == before, "a refused import writes nothing")

            let community = try await db.service.unit(.operator, tenantId: t, code: "110108001002")
            let zone = try await db.service.createUnit(
                .operator, tenantId: t, parentId: community.parentId!, kind: .zone, code: "south", name: "南片", gridLevel: nil, geometry: nil)
            let patch = try await #require(throws: GridError.self) {
                try await db.service.updateUnit(.operator, tenantId: t, id: community.id, name: nil, newParentId: zone.id, ifVersion: nil)
            }
            #expect(patch.code == .orgUnitMoveHasCases, "moving by hand is refused the same way")

            // B stays, its grid is dropped: retired with its open case counted, the case still readable.
            let dropGrid = Self.collection([
                Self.feature("110108001", "学院路街道", "街道", nil), Self.feature("110108001001", "甲社区", "社区", "110108001"),
                Self.feature("110108001001001", "甲一网格", "网格", "110108001001", Self.west), Self.feature("110108001002", "乙社区", "社区", "110108001"),
                Self.feature("south", "南片", "片区", "110108001"),
            ])
            let summary = try await db.service.importOrg(tenantId: t, geoJSON: dropGrid)
            #expect(summary.diff.retired.map { "\($0.unit.code) \($0.openCases)" } == ["110108001002001 1"])
            #expect(summary.diff.openCasesInRetired == 1)
            let located = try? await db.service.locate(.operator, tenantId: t, lat: Self.eastCentre.lat, lng: Self.eastCentre.lng)
            #expect(located == nil, "a retired grid takes no new reports")
        }
    }

    @Test func aSpreadsheetCodeWritesNothingAndSaysWhatToDo() async throws {
        try await TestDatabase.with { db in
            let t = try await Self.tenant(db)
            let data = Self.collection([Self.feature("110108001", "学院路街道", "街道", nil), Self.feature("1.10108E+11", "甲社区", "社区", "110108001")])
            let error = try await #require(throws: GridError.self) { try await db.service.importOrg(tenantId: t, geoJSON: data) }
            #expect(error.fieldErrors.map(\.field) == ["features[1].properties.code"])
            #expect(error.fieldErrors.first?.message.en.contains("format the column as text") == true)
            #expect(try await db.db.withTenant(t) { tx in try await OrgUnitStore.count(tx) } == 1)
        }
    }
}
