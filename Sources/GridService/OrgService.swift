import Foundation
import GridCore
import GridStore

/// What an import did (or, dry, would do): the diff, and the units created by kind.
public struct ImportSummary: Sendable, Equatable {
    public var created: Int
    public var byKind: [String: Int]
    public var diff: OrgImportDiff
    /// Nothing was written: the diff says what the import would do.
    public var dryRun: Bool
}

/// A located point: the grid and its chain of ancestors, root first.
public struct Location: Sendable {
    public var grid: OrgUnitRecord
    public var chain: [OrgUnitRecord]
}

extension GridService {
    /// Loads a GeoJSON FeatureCollection of org units, matched to the tree by code: new codes are
    /// added, known ones renamed, redrawn, moved or brought back from retirement, and units under
    /// the file's top units that it no longer names are retired (never deleted). All of it, or
    /// nothing and every problem; `dryRun` checks everything and writes nothing.
    public func importOrg(tenantId: Int64, geoJSON data: Data, dryRun: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws
        -> ImportSummary
    {
        let collection: JSONValue
        do {
            collection = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw Errors.field("body", .geojsonMalformed, zh: "不是有效的 JSON：\(Self.describe(error))", en: "not valid JSON: \(Self.describe(error))")
        }
        return try await withActiveTenant(tenantId) { tx, tenant in
            let drafts = try OrgGeoJSON.drafts(from: collection, gridLevels: tenant.settings.gridLevels)
            try await OrgUnitStore.lockTree(tx)
            let existing = try await OrgUnitStore.treeNodes(tx)
            try await OrgUnitStore.stage(tx, drafts, progress: progress)
            let plan = try OrgPlanner.reconcile(
                drafts, existing: existing, maxGridLevels: tenant.settings.gridLevels.count,
                geometryChanged: try await OrgUnitStore.changedGeometries(tx))
            try await Self.refuseMovesWithCases(tx, plan.updated.filter(\.isMove).map(\.node))
            let openCases = try await CaseStore.countUnder(tx, plan.retired.map(\.path), openOnly: true)
            let diff = OrgImportDiff(plan, openCases: openCases)
            var byKind: [String: Int] = [:]
            for unit in plan.added { byKind[unit.draft.kind.rawValue, default: 0] += 1 }
            let summary = ImportSummary(created: plan.added.count, byKind: byKind, diff: diff, dryRun: dryRun)
            if dryRun { return summary }
            try await Self.write(tx, plan)
            try await Self.audit(
                tx, .operator, "import", .orgUnit, key: "import", before: nil,
                after: [
                    "created": plan.added.count, "byKind": byKind, "changed": diff.changed.map(\.unit.code),
                    "moved": diff.moved.map { "\($0.unit.code): \($0.from ?? "-") → \($0.to ?? "-")" },
                    "retired": diff.retired.map(\.unit.code), "openCasesInRetired": diff.openCasesInRetired, "unchanged": diff.unchanged,
                ])
            return summary
        }
    }

    /// Carries out a checked import plan whose drafts are staged: additions first (under parents
    /// as they stand), then names, polygons and returns from retirement, then moves parent-first
    /// (each under its parent's path of the moment, its subtree's paths rewritten), then retirements.
    static func write(_ tx: Tx, _ plan: OrgImportPlan) async throws {
        let added = try await OrgUnitStore.insertStaged(tx, plan: plan.added)
        let edits = plan.updated.filter { $0.fields.contains { $0 != .parent } }
        try await OrgUnitStore.update(
            tx, ids: edits.map(\.node.id), names: edits.map(\.draft.name), redraw: edits.map { $0.fields.contains(.geometry) })
        for update in plan.updated where update.isMove {
            let parentId: Int64? =
                switch update.parent {
                case .existing(let node)?: node.id
                case .planned(let position)?: added[position].id
                case nil: nil
                }
            guard let parentId, let parent = try await OrgUnitStore.find(tx, id: parentId),
                let unit = try await OrgUnitStore.find(tx, id: update.node.id)
            else { throw Errors.unitNotFound(update.node.code) }
            _ = try await OrgUnitStore.move(tx, id: unit.id, from: unit.path, toParent: parent.id, newPath: parent.path.child(unit.id), expectedVersion: nil)
        }
        try await OrgUnitStore.retire(tx, ids: plan.retired.map(\.id))
    }

    /// A case keeps the path of its grid (`grid_path`, what scopes and work lists read), so a
    /// unit with cases in its area does not move: 409 naming the unit and how many.
    static func refuseMovesWithCases(_ tx: Tx, _ units: [TreeNode]) async throws {
        let counts = try await CaseStore.countUnder(tx, units.map(\.path), openOnly: false)
        guard let i = counts.firstIndex(where: { $0 > 0 }) else { return }
        let unit = units[i]
        throw GridError(
            .orgUnitMoveHasCases,
            Text(
                zh: "“\(unit.code) \(unit.name)”范围内已有 \(counts[i]) 件案件，案件记录着它的位置，不能移动：请保留原位置，或为新位置编新码并让原单元撤销",
                en:
                    "'\(unit.code) \(unit.name)' cannot move: \(counts[i]) cases lie in its area and keep its place; leave it where it is, or give the new place a new code and let this unit retire"
            ))
    }

    /// Writes the tenant's tree (below the root) as a GeoJSON FeatureCollection.
    public func exportOrg(tenantId: Int64, write: @escaping (String) async throws -> Void) async throws {
        try await withActiveTenant(tenantId) { tx, _ in
            try await write("{\"type\":\"FeatureCollection\",\"features\":[\n")
            var first = true
            try await OrgUnitStore.export(tx) { line in
                try await write(first ? line : ",\n" + line)
                first = false
            }
            try await write("\n]}\n")
        }
    }

    public func unit(_ caller: Caller, tenantId: Int64, id: Int64, geometry: Bool = false) async throws -> OrgUnitRecord {
        try await withTenant(for: caller, tenantId) { tx in
            guard let unit = try await OrgUnitStore.find(tx, id: id, geometry: geometry) else { throw Errors.unitNotFound("\(id)") }
            try caller.authorize(.orgRead, at: unit.path)
            return unit
        }
    }

    public func unit(_ caller: Caller, tenantId: Int64, code: String, geometry: Bool = false) async throws -> OrgUnitRecord {
        try await withTenant(for: caller, tenantId) { tx in
            guard let unit = try await OrgUnitStore.find(tx, code: code, geometry: geometry) else { throw Errors.unitNotFound(code) }
            try caller.authorize(.orgRead, at: unit.path)
            return unit
        }
    }

    /// The unit and its ancestors, root first.
    public func ancestors(_ caller: Caller, tenantId: Int64, id: Int64) async throws -> [OrgUnitRecord] {
        try await withTenant(for: caller, tenantId) { tx in
            guard let unit = try await OrgUnitStore.find(tx, id: id) else { throw Errors.unitNotFound("\(id)") }
            try caller.authorize(.orgRead, at: unit.path)
            return try await OrgUnitStore.chain(tx, ids: unit.path.ids)
        }
    }

    public func children(_ caller: Caller, tenantId: Int64, id: Int64, page: PageRequest) async throws -> Page<OrgUnitRecord> {
        try await withTenant(for: caller, tenantId) { tx in
            guard let unit = try await OrgUnitStore.find(tx, id: id) else { throw Errors.unitNotFound("\(id)") }
            try caller.authorize(.orgRead, at: unit.path)
            let rows = try await OrgUnitStore.children(tx, of: id, after: page.after, limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { $0.code }
        }
    }

    public func subtree(_ caller: Caller, tenantId: Int64, id: Int64, kind: OrgUnitKind?, page: PageRequest) async throws -> Page<OrgUnitRecord> {
        try await withTenant(for: caller, tenantId) { tx in
            guard let unit = try await OrgUnitStore.find(tx, id: id) else { throw Errors.unitNotFound("\(id)") }
            try caller.authorize(.orgRead, at: unit.path)
            let rows = try await OrgUnitStore.subtree(tx, of: unit.path, kind: kind, after: page.after, limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { $0.path.raw }
        }
    }

    /// Creates one unit under `parentId`, checked like an imported feature.
    public func createUnit(
        _ caller: Caller, tenantId: Int64, parentId: Int64, kind: OrgUnitKind, code: String, name: String,
        gridLevel: Int?, geometry: JSONValue?
    ) async throws -> OrgUnitRecord {
        try await withActiveTenant(tenantId) { tx, tenant in
            guard let parent = try await OrgUnitStore.find(tx, id: parentId) else { throw Errors.unitNotFound("\(parentId)") }
            try caller.authorize(.orgWrite, at: parent.path)
            try Self.refuseRetired(parent)
            let area = try geometry.map { value throws(GridError) in try Area.parse(geoJSON: value, at: "geometry") }
            let draft = UnitDraft(
                source: "body", code: code.trimmingCharacters(in: .whitespaces), name: name.trimmingCharacters(in: .whitespaces),
                kind: kind, gridLevel: gridLevel, parentCode: parent.code, area: area)
            try await OrgUnitStore.lockTree(tx)
            let plan = try OrgPlanner.plan([draft], existing: try await OrgUnitStore.treeNodes(tx), maxGridLevels: tenant.settings.gridLevels.count)
            let placed = try await OrgUnitStore.insert(tx, plan: plan)
            guard let created = try await OrgUnitStore.find(tx, id: placed[0].id, geometry: true) else { throw Errors.unitNotFound(code) }
            try await Self.audit(
                tx, caller, "create", .orgUnit, key: created.code, before: nil,
                after: ["code": created.code, "name": created.name, "kind": created.kind.rawValue, "parent": parent.code])
            return created
        }
    }

    /// Renames and/or moves a unit in one transaction: either every change is made or none.
    /// A move takes the unit (with its subtree) under a parent of a fitting kind within the same
    /// coded ancestor, so that every code stays true. `ifVersion` guards against lost updates.
    public func updateUnit(
        _ caller: Caller, tenantId: Int64, id: Int64, name rawName: String?, newParentId: Int64?,
        ifVersion: Int64?
    ) async throws -> OrgUnitRecord {
        let name = rawName?.trimmingCharacters(in: .whitespaces)
        if let name, name.isEmpty || name.count > 100 {
            throw Errors.field("name", .orgUnitBadName, zh: "名称应为 1–100 个字符", en: "name must be 1–100 characters")
        }
        guard name != nil || newParentId != nil else {
            throw Errors.field("body", .fieldRequired, zh: "请提供 name 或 parentId", en: "give name and/or parentId")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            try await OrgUnitStore.lockTree(tx)
            guard let unit = try await OrgUnitStore.find(tx, id: id) else { throw Errors.unitNotFound("\(id)") }
            try caller.authorize(.orgWrite, at: unit.path)
            if let ifVersion, ifVersion != unit.version { throw Errors.versionMismatch("org unit \(id)") }
            if let newParentId {
                guard let parent = try await OrgUnitStore.find(tx, id: newParentId) else { throw Errors.unitNotFound("\(newParentId)") }
                try caller.authorize(.orgWrite, at: parent.path)
                try Self.refuseRetired(parent)
                try await Self.checkMove(tx, unit, under: parent)
                try await Self.refuseMovesWithCases(
                    tx,
                    [
                        TreeNode(
                            id: unit.id, code: unit.code, kind: unit.kind, gridLevel: unit.gridLevel, path: unit.path, parentId: unit.parentId, name: unit.name)
                    ])
                _ = try await OrgUnitStore.move(tx, id: id, from: unit.path, toParent: parent.id, newPath: parent.path.child(id), expectedVersion: unit.version)
            }
            if let name {
                _ = try await OrgUnitStore.rename(tx, id: id, name: name, expectedVersion: nil)
            }
            let updated = try await OrgUnitStore.find(tx, id: id) ?? unit
            try await Self.audit(
                tx, caller, "update", .orgUnit, key: unit.code, before: ["name": unit.name, "parentPath": unit.path.raw],
                after: ["name": updated.name, "parentPath": updated.path.raw])
            return updated
        }
    }

    /// Nothing new hangs under a retired unit.
    static func refuseRetired(_ parent: OrgUnitRecord) throws(GridError) {
        guard parent.retiredAt != nil else { return }
        throw GridError(
            .orgUnitRetired,
            Text(
                zh: "“\(parent.code) \(parent.name)”已撤销，不能在其下添加或移入单元", en: "'\(parent.code) \(parent.name)' is retired: nothing may be added or moved under it")
        )
    }

    static func checkMove(_ tx: Tx, _ unit: OrgUnitRecord, under parent: OrgUnitRecord) async throws {
        if unit.path.covers(parent.path) {
            throw Errors.field(
                "parentId", .orgUnitMoveCycle, zh: "不能把“\(unit.name)”移到它自己或其下级“\(parent.name)”之下",
                en: "cannot move '\(unit.code)' under itself or its descendant '\(parent.code)'")
        }
        guard unit.kind.canHang(gridLevel: unit.gridLevel, under: parent.kind, parentGridLevel: parent.gridLevel) else {
            throw Errors.field(
                "parentId", .orgUnitKindNotAllowed, zh: "\(unit.kind.label.zh)不能位于\(parent.kind.label.zh)之下",
                en: "a \(unit.kind.rawValue) cannot be placed under a \(parent.kind.rawValue)")
        }
        if UnitCode.isNational(unit.kind) {
            let chain = try await OrgUnitStore.chain(tx, ids: parent.path.ids)
            let ancestorCode = chain.last { UnitCode.isNational($0.kind) && UnitCode.digits(for: $0.kind) == UnitCode.digits(for: unit.kind) - 3 }?.code
            if let problem = UnitCode.problem(kind: unit.kind, code: unit.code, ancestorCode: ancestorCode) {
                throw GridError.invalid([FieldError("parentId", .orgUnitBadCode, problem)])
            }
        }
    }

    /// The grid under a WGS84 point and its chain; 404 when the point lies in no grid.
    public func locate(_ caller: Caller, tenantId: Int64, lat: Double, lng: Double) async throws -> Location {
        guard let point = Coordinate(lng: lng, lat: lat) else {
            throw Errors.field(
                "lat,lng", .geoBadCoordinate, zh: "坐标 (\(lat), \(lng)) 不是有效的 WGS84 经纬度", en: "(\(lat), \(lng)) is not a valid WGS84 latitude/longitude")
        }
        if case .operator = caller { _ = try await withActiveTenant(tenantId) { _, tenant in tenant } }
        let chain = try await OrgUnitStore.locateChain(db, tenantId: tenantId, point)
        guard let grid = chain.last else {
            throw GridError(
                .locateOutsideDistrict,
                Text(zh: "点 (\(lat), \(lng)) 不在本区任何网格内", en: "point (\(lat), \(lng)) is not inside any grid of this district"))
        }
        try caller.authorize(.locate, at: grid.path)
        return Location(grid: grid, chain: chain)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        default: "\(error)"
        }
    }
}
