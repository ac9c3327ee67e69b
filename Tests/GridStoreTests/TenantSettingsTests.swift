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

    @Test func theHandUpLadderIsTheDistrictsToSetWithTheStreetAndTheDistrictAlwaysOnIt() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            #expect(try await db.service.tenant(code: d.code).settings.ladder == .standard, "a district starts on the standard ladder")
            let zones = try await db.service.setLadder(code: d.code, levels: [.district, .street, .zone, .community, .grid])
            #expect(zones.settings.ladder.levels == [.grid, .community, .zone, .street, .district])
            #expect(try await db.service.tenant(code: d.code).settings.ladder.above(.community) == .zone)
            #expect(try await db.service.tenant(code: d.code).settings.gridLevels == GridLevel.defaults, "the other settings stay")

            let noStreet = try await #require(throws: GridError.self) { try await db.service.setLadder(code: d.code, levels: [.community, .district]) }
            #expect(noStreet.fieldErrors.map(\.code) == [.ladderLevelsInvalid])
            #expect(try await db.service.tenant(code: d.code).settings.ladder == zones.settings.ladder, "a refused ladder changes nothing")

            let tenantId = try await db.service.tenantId(code: d.code)
            let entries = try await db.service.audit(.operator, tenantId: tenantId, entity: "tenant", page: PageRequest(limit: 50)).items
            #expect(entries.contains { $0.action == "setLadder" && $0.after?.contains("zone") == true })

            // The local limits: defaults, one changed, the others kept; a limit at the street or out of range refused.
            #expect(zones.settings.ladderLimits == LadderLimits.defaults)
            let faster = try await db.service.setLadder(
                code: d.code, levels: zones.settings.ladder.levels, limits: [.community: TimeLimit(amount: 1, unit: .workDays)])
            #expect(faster.settings.ladderLimits[.community] == TimeLimit(amount: 1, unit: .workDays))
            #expect(faster.settings.ladderLimits[.zone] == LadderLimits.defaults[.zone])
            #expect(try await db.service.tenant(code: d.code).settings.ladderLimits == faster.settings.ladderLimits, "stored")
            let bad = try await #require(throws: GridError.self) {
                try await db.service.setLadder(
                    code: d.code, levels: zones.settings.ladder.levels,
                    limits: [.street: TimeLimit(amount: 1, unit: .workDays), .grid: TimeLimit(amount: 0, unit: .workHours)])
            }
            #expect(bad.fieldErrors.map(\.field) == ["limit.grid", "limit.street"])
            #expect(try await db.service.tenant(code: d.code).settings.ladderLimits == faster.settings.ladderLimits, "a refused change changes nothing")
        }
    }
}
