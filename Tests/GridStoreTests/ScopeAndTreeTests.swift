import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// Role bindings cover a subtree and nothing beside it; tree edits keep paths and codes true.
@Suite struct ScopeAndTreeTests {
    func principal(_ db: TestDatabase, tenant: Int64, login: String, role: Role, scope: String) async throws -> Caller {
        _ = try await db.service.createUser(.operator, tenantId: tenant, login: login, displayName: login, phone: nil)
        _ = try await db.service.grant(.operator, tenantId: tenant, login: login, role: role, scopeCode: scope, departmentCode: nil)
        let bindings = try await db.db.withTenant(tenant) { (tx: Tx) async throws in
            let user = try #require(try await UserStore.find(tx, login: login))
            return (user.id, try await UserStore.bindings(tx, userId: user.id))
        }
        return .user(Principal(tenantId: tenant, userId: bindings.0, login: login, bindings: bindings.1))
    }

    @Test func aStreetDispatcherSeesItsStreetAndNothingBesideIt() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let caller = try await principal(db, tenant: d.tenantId, login: "street.dispatcher", role: .dispatcher, scope: d.street1)
            let street1 = try await db.service.unit(caller, tenantId: d.tenantId, code: d.street1)
            let subtree = try await db.service.subtree(caller, tenantId: d.tenantId, id: street1.id, kind: nil, page: PageRequest(limit: 200))
            #expect(subtree.items.count == 5)  // street, community, basic grid, two unit grids
            #expect(subtree.items.allSatisfy { street1.path.covers($0.path) })
            for code in [d.street2, d.community2, d.division] {
                let error = try await #require(throws: GridError.self) { try await db.service.unit(caller, tenantId: d.tenantId, code: code) }
                #expect(error.code == .authOutOfScope)
            }
            let root = try await db.service.unit(.operator, tenantId: d.tenantId, code: d.division)
            let children = try await #require(throws: GridError.self) {
                try await db.service.children(caller, tenantId: d.tenantId, id: root.id, page: PageRequest())
            }
            #expect(children.kind == .forbidden)
            // A viewer may read but not write, even inside its scope.
            let viewer = try await principal(db, tenant: d.tenantId, login: "viewer", role: .viewer, scope: d.street1)
            let write = try await #require(throws: GridError.self) {
                try await db.service.updateUnit(viewer, tenantId: d.tenantId, id: street1.id, name: "改名", newParentId: nil, ifVersion: nil)
            }
            #expect(write.code == .authActionNotAllowed)
        }
    }

    @Test func pagesFollowEachOtherWithoutGapsOrRepeats() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let root = try await db.service.unit(.operator, tenantId: d.tenantId, code: d.division)
            var seen: [String] = []
            var page = PageRequest(limit: 2)
            while true {
                let result = try await db.service.subtree(.operator, tenantId: d.tenantId, id: root.id, kind: nil, page: page)
                seen += result.items.map(\.code)
                guard let next = result.nextCursor else { break }
                page = try PageRequest.parse(cursor: next, limit: 2)
            }
            let all = try await db.service.subtree(.operator, tenantId: d.tenantId, id: root.id, kind: nil, page: PageRequest(limit: 200))
            #expect(seen == all.items.map(\.code))
            #expect(Set(seen).count == 11)
            let grids = try await db.service.subtree(.operator, tenantId: d.tenantId, id: root.id, kind: .grid, page: PageRequest(limit: 200))
            #expect(grids.items.count == 6 && grids.items.allSatisfy { $0.kind == .grid })
        }
    }

    @Test func movesRewriteSubtreePathsAndRefuseCyclesAndBrokenCodes() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let street1 = try await db.service.unit(.operator, tenantId: d.tenantId, code: d.street1)
            let community1 = try await db.service.unit(.operator, tenantId: d.tenantId, code: d.community1)
            let community2 = try await db.service.unit(.operator, tenantId: d.tenantId, code: d.community2)
            let basic = try await db.service.unit(.operator, tenantId: d.tenantId, code: d.basicGrid1)

            let cycle = try await #require(throws: GridError.self) {
                try await db.service.updateUnit(.operator, tenantId: d.tenantId, id: street1.id, name: nil, newParentId: community1.id, ifVersion: nil)
            }
            #expect(cycle.fieldErrors.first?.code == .orgUnitMoveCycle)
            // A basic grid of community 1 cannot join community 2: its code names community 1.
            let code = try await #require(throws: GridError.self) {
                try await db.service.updateUnit(.operator, tenantId: d.tenantId, id: basic.id, name: nil, newParentId: community2.id, ifVersion: nil)
            }
            #expect(code.fieldErrors.first?.code == .orgUnitBadCode)

            // Through a zone: create a zone in street 1 and move community 1 into it.
            let zone = try await db.service.createUnit(
                .operator, tenantId: d.tenantId, parentId: street1.id, kind: .zone, code: "Z-NORTH", name: "北片区", gridLevel: nil, geometry: nil)
            let moved = try await db.service.updateUnit(
                .operator, tenantId: d.tenantId, id: community1.id, name: nil, newParentId: zone.id, ifVersion: community1.version)
            #expect(moved.path == zone.path.child(community1.id))
            #expect(moved.version == community1.version + 1)
            let grid = try await db.service.unit(.operator, tenantId: d.tenantId, code: d.unitGrid1)
            #expect(grid.path.raw.hasPrefix(moved.path.raw))
            #expect(grid.path.depth == 6)
            // Locate still finds the grid, through its new chain.
            let location = try await db.service.locate(.operator, tenantId: d.tenantId, lat: d.pointInStreet1.lat, lng: d.pointInStreet1.lng)
            #expect(location.chain.map(\.kind) == [.district, .street, .zone, .community, .grid, .grid])
            // A stale version is refused.
            let stale = try await #require(throws: GridError.self) {
                try await db.service.updateUnit(.operator, tenantId: d.tenantId, id: community1.id, name: "新名", newParentId: nil, ifVersion: community1.version)
            }
            #expect(stale.kind == .preconditionFailed)
        }
    }

    @Test func suspendedDistrictsRefuseWork() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            _ = try await db.service.setTenantStatus(code: d.code, active: false)
            let error = try await #require(throws: GridError.self) { try await db.service.unit(.operator, tenantId: d.tenantId, code: d.street1) }
            #expect(error.code == .tenantSuspended)
            _ = try await db.service.setTenantStatus(code: d.code, active: true)
            #expect(try await db.service.unit(.operator, tenantId: d.tenantId, code: d.street1).code == d.street1)
        }
    }
}
