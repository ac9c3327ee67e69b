import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// Grid levels are the district's to name, within what its tree already uses.
@Suite struct TenantSettingsTests {
    @Test func gridLevelsCanBeRenamedAndExtendedButNotCutBelowTheTree() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()  // uses two grid levels
            let three = [GridLevel(key: "zone1", name: "大网格"), GridLevel(key: "basicGrid", name: "基础网格"), GridLevel(key: "unitGrid", name: "单元网格")]
            let updated = try await db.service.setGridLevels(code: d.code, levels: three)
            #expect(updated.settings.gridLevels == three)
            #expect(try await db.service.tenant(code: d.code).settings.gridLevels == three)

            let cut = try await #require(throws: GridError.self) {
                try await db.service.setGridLevels(code: d.code, levels: [GridLevel(key: "grid1", name: "网格")])
            }
            #expect(cut.fieldErrors.map(\.code.rawValue) == ["tenant.gridLevels.inUse"])

            let bad = try await #require(throws: GridError.self) {
                try await db.service.setGridLevels(code: d.code, levels: [GridLevel(key: "grid", name: "网格"), GridLevel(key: "a", name: "")])
            }
            #expect(Set(bad.fieldErrors.map(\.field)) == ["gridLevels[0].key", "gridLevels[1].name"])
            #expect(try await db.service.tenant(code: d.code).settings.gridLevels == three)
        }
    }
}
