/// A unit to be created or updated: from an import feature or an API request.
public struct UnitDraft: Sendable, Equatable {
    /// Where it came from, for error messages: `features[12]` or `body`.
    public var source: String
    public var code: String
    public var name: String
    public var kind: OrgUnitKind
    /// Given for grids, or inferred from the parent.
    public var gridLevel: Int?
    /// Nil for a unit that hangs under the district itself (and for the district).
    public var parentCode: String?
    public var area: Area?

    public init(source: String, code: String, name: String, kind: OrgUnitKind, gridLevel: Int?, parentCode: String?, area: Area?) {
        self.source = source
        self.code = code
        self.name = name
        self.kind = kind
        self.gridLevel = gridLevel
        self.parentCode = parentCode
        self.area = area
    }
}

/// A unit already in the tree, as the planner needs to see it.
public struct TreeNode: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var kind: OrgUnitKind
    public var gridLevel: Int?
    public var path: ScopePath
    public var parentId: Int64?
    public var name: String
    public var retired: Bool

    public init(
        id: Int64, code: String, kind: OrgUnitKind, gridLevel: Int?, path: ScopePath, parentId: Int64?, name: String = "",
        retired: Bool = false
    ) {
        self.id = id
        self.code = code
        self.kind = kind
        self.gridLevel = gridLevel
        self.path = path
        self.parentId = parentId
        self.name = name
        self.retired = retired
    }
}

/// A checked draft, in an order where every parent comes before its children.
public struct PlannedUnit: Sendable, Equatable {
    public enum Parent: Sendable, Equatable {
        case existing(TreeNode)
        /// Position in the plan of a unit created by the same plan.
        case planned(Int)
    }

    public var draft: UnitDraft
    public var parent: Parent
    public var gridLevel: Int?
}

/// A unit the file names that the tree has already, and what about it changes.
public struct UnitUpdate: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case name, geometry, parent, restored

        public var label: Text {
            switch self {
            case .name: Text(zh: "名称", en: "name")
            case .geometry: Text(zh: "边界", en: "geometry")
            case .parent: Text(zh: "上级", en: "parent")
            case .restored: Text(zh: "恢复", en: "restored")
            }
        }
    }

    public var node: TreeNode
    public var draft: UnitDraft
    public var fields: [Field]
    /// Where it hangs after the import; nil for the district itself.
    public var parent: PlannedUnit.Parent?
    /// The code of the parent it hangs under now, for a move's report.
    public var oldParentCode: String?

    public var isMove: Bool { fields.contains(.parent) }
}

/// What a re-import does: the units to add (parent-first), the existing ones to update
/// (parent-first, after the additions), the units of the file's subtrees that the file no longer
/// has (to retire, never delete), and how many stay exactly as they are.
public struct OrgImportPlan: Sendable, Equatable {
    public var added: [PlannedUnit] = []
    public var updated: [UnitUpdate] = []
    public var retired: [TreeNode] = []
    public var unchanged = 0
}

/// Checks drafts against the tree and each other: kinds, grid levels, the national code chain,
/// duplicate and unknown codes, cycles. `plan` creates units only; `reconcile` matches the file
/// to the tree by code. Either returns every problem found, or a plan parent-first.
public enum OrgPlanner {
    public static let maxErrors = 100

    /// New units only: a code the tree has already is an error (a unit created by hand).
    public static func plan(_ drafts: [UnitDraft], existing: [TreeNode], maxGridLevels: Int) throws(GridError) -> [PlannedUnit] {
        var planning = OrgPlanning(drafts: drafts, existing: existing, maxGridLevels: maxGridLevels, upsert: false)
        let plan = planning.place(planning.parentFirstOrder(), geometryChanged: [])
        try planning.finish()
        return plan.added
    }

    /// A re-import: units whose code the tree has are updated (name, geometry, parent; a retired
    /// one comes back), the others added, and units under the file's top units that the file no
    /// longer names are retired. `geometryChanged` holds the codes of existing units whose stored
    /// geometry differs from the file's. A file that names the district itself covers the whole tree.
    public static func reconcile(_ drafts: [UnitDraft], existing: [TreeNode], maxGridLevels: Int, geometryChanged: Set<String>) throws(GridError)
        -> OrgImportPlan
    {
        var planning = OrgPlanning(drafts: drafts, existing: existing, maxGridLevels: maxGridLevels, upsert: true)
        var plan = planning.place(planning.parentFirstOrder(), geometryChanged: geometryChanged)
        plan.retired = planning.retirements()
        try planning.finish()
        return plan
    }
}

/// The steps of one planning run and what they share: the tree by code and id, the file's codes,
/// and the errors found so far.
struct OrgPlanning {
    let drafts: [UnitDraft]
    let maxGridLevels: Int
    /// Whether a code the tree has means "update that unit" rather than an error.
    let upsert: Bool
    let existingByCode: [String: TreeNode]
    let existingById: [Int64: TreeNode]
    let root: TreeNode?
    /// The first draft of each code (in a plan of new units only, codes the tree lacks).
    var draftIndexByCode: [String: Int] = [:]
    var errors: [FieldError] = []
    var nationalCodeCache: [Int64: [Int: String]] = [:]

    /// What the units placed so far tell their children.
    struct Placed {
        var parent: PlannedUnit.Parent
        var kind: OrgUnitKind
        var level: Int?
        /// The national codes along its chain, by length.
        var codes: [Int: String]
    }

    init(drafts: [UnitDraft], existing: [TreeNode], maxGridLevels: Int, upsert: Bool) {
        self.drafts = drafts
        self.maxGridLevels = maxGridLevels
        self.upsert = upsert
        var byCode: [String: TreeNode] = [:]
        var byId: [Int64: TreeNode] = [:]
        for node in existing {
            byCode[node.code] = node
            byId[node.id] = node
        }
        existingByCode = byCode
        existingById = byId
        root = existing.first { $0.parentId == nil }
        indexCodes()
    }

    mutating func add(_ source: String, _ field: String, _ code: ErrorCode, _ text: Text) {
        if errors.count < OrgPlanner.maxErrors { errors.append(FieldError("\(source).\(field)", code, text)) }
    }

    func finish() throws(GridError) {
        if !errors.isEmpty { throw GridError.invalid(errors) }
    }

    /// Step 1: every code once in the file, and (creating only) not yet in the tree.
    mutating func indexCodes() {
        for (i, draft) in drafts.enumerated() {
            if !upsert && existingByCode[draft.code] != nil {
                add(draft.source, "code", .orgUnitDuplicateCode, Text(zh: "编码“\(draft.code)”已存在", en: "code '\(draft.code)' already exists"))
            } else if let first = draftIndexByCode[draft.code] {
                add(
                    draft.source, "code", .orgUnitDuplicateCode,
                    Text(zh: "编码“\(draft.code)”与 \(drafts[first].source) 重复", en: "code '\(draft.code)' repeats \(drafts[first].source)"))
            } else {
                draftIndexByCode[draft.code] = i
            }
        }
    }

    /// The code of the unit a draft hangs under: its parent code, else the district's own unit
    /// (nil for the district itself).
    func parentCode(of draft: UnitDraft) -> String? {
        draft.parentCode ?? (draft.kind == .district ? nil : root?.code)
    }

    /// Step 2: the drafts parent-first, found by walking each draft's parent chain; a chain that
    /// returns to itself is a cycle, one that ends at an unknown code is reported there.
    mutating func parentFirstOrder() -> [Int] {
        var order: [Int] = []
        var state = [UInt8](repeating: 0, count: drafts.count)  // 0 new, 1 on the walk, 2 placed, 3 broken
        for start in drafts.indices where state[start] == 0 {
            var chain: [Int] = []
            var current = start
            var broken = false
            while true {
                if state[current] == 2 { break }
                if state[current] == 3 {
                    broken = true
                    break
                }
                if state[current] == 1 {
                    let cycle = drafts[current].code
                    add(
                        drafts[current].source, "parentCode", .orgUnitCycle,
                        Text(zh: "上级编码形成循环（经过“\(cycle)”）", en: "parent codes form a cycle through '\(cycle)'"))
                    broken = true
                    break
                }
                state[current] = 1
                chain.append(current)
                guard let parentCode = parentCode(of: drafts[current]) else { break }
                if parentCode == drafts[current].code {
                    add(
                        drafts[current].source, "parentCode", .orgUnitCycle,
                        Text(zh: "“\(parentCode)”不能是自己的上级", en: "'\(parentCode)' cannot be its own parent"))
                    broken = true
                    break
                }
                if let next = draftIndexByCode[parentCode] {
                    current = next
                    continue
                }
                if existingByCode[parentCode] != nil { break }
                add(
                    drafts[current].source, "parentCode", .orgUnitUnknownParent,
                    Text(zh: "上级编码“\(parentCode)”不存在", en: "parent code '\(parentCode)' does not exist"))
                broken = true
                break
            }
            for index in chain.reversed() {
                state[index] = broken ? 3 : 2
                if !broken { order.append(index) }
            }
        }
        return order
    }

    /// Step 3: each draft in order, checked under its parent; new ones become `added`, known
    /// codes `updated` (or `unchanged`). A draft whose parent failed is left out, already reported.
    mutating func place(_ order: [Int], geometryChanged: Set<String>) -> OrgImportPlan {
        var plan = OrgImportPlan()
        var placed: [Int: Placed] = [:]
        let scopes = upsert ? retireScopes() : []
        for index in order {
            let draft = drafts[index]
            if draft.kind == .district {
                if let update = checkDistrict(draft, geometryChanged: geometryChanged), let root {
                    if update.fields.isEmpty { plan.unchanged += 1 } else { plan.updated.append(update) }
                    placed[index] = Placed(parent: .existing(root), kind: .district, level: nil, codes: [root.code.count: root.code])
                }
                continue
            }
            guard let under = parent(of: draft, placed: placed, scopes: scopes) else { continue }
            let level = gridLevel(of: draft, under: under)
            let node = upsert ? existingByCode[draft.code] : nil
            if let node, !checkSameUnit(draft, level: level, as: node) { continue }
            guard checkPlacement(draft, level: level, under: under) else { continue }
            var codes = under.codes
            if UnitCode.isNational(draft.kind) && draft.kind != .grid { codes[draft.code.count] = draft.code }
            if let node {
                // Kinds only hang under higher kinds, so no move puts a unit under its own descendant.
                let update = self.update(node, to: draft, under: under.parent, geometryChanged: geometryChanged)
                if update.fields.isEmpty { plan.unchanged += 1 } else { plan.updated.append(update) }
                placed[index] = Placed(parent: .existing(node), kind: draft.kind, level: level, codes: codes)
            } else {
                placed[index] = Placed(parent: .planned(plan.added.count), kind: draft.kind, level: level, codes: codes)
                plan.added.append(PlannedUnit(draft: draft, parent: under.parent, gridLevel: level))
            }
        }
        return plan
    }

    /// The district's own feature: it must be this district, and hangs under nothing.
    mutating func checkDistrict(_ draft: UnitDraft, geometryChanged: Set<String>) -> UnitUpdate? {
        if let parentCode = draft.parentCode {
            add(
                draft.source, "kind", .orgUnitKindNotAllowed,
                Text(zh: "区不能位于“\(parentCode)”之下", en: "a district cannot be placed under '\(parentCode)'"))
            return nil
        }
        guard let root, draft.code == root.code else {
            let own = root?.code ?? "?"
            add(
                draft.source, "code", .orgUnitNotThisDistrict,
                Text(zh: "区划代码“\(draft.code)”不是本区的“\(own)”", en: "division code '\(draft.code)' is not this district's '\(own)'"))
            return nil
        }
        guard checkName(draft), upsert else { return nil }
        return update(root, to: draft, under: nil, geometryChanged: geometryChanged)
    }

    /// The parent a draft hangs under, placed earlier in this plan or already in the tree.
    mutating func parent(of draft: UnitDraft, placed: [Int: Placed], scopes: [ScopePath]) -> Placed? {
        guard let code = parentCode(of: draft) else { return nil }
        if let index = draftIndexByCode[code] { return placed[index] }
        guard let node = existingByCode[code] else { return nil }
        if upsert && (node.retired || scopes.contains { $0.covers(node.path) }) {
            add(
                draft.source, "parentCode", .orgUnitParentRetired,
                Text(
                    zh: "上级“\(code)”\(node.retired ? "已撤销" : "不在文件中，将被撤销")：请把它也列入文件",
                    en: "parent '\(code)' \(node.retired ? "is retired" : "is not in the file and would be retired"): list it in the file too"))
            return nil
        }
        return Placed(parent: .existing(node), kind: node.kind, level: node.gridLevel, codes: nationalCodes(of: node))
    }

    func gridLevel(of draft: UnitDraft, under parent: Placed) -> Int? {
        guard draft.kind == .grid, draft.gridLevel == nil else { return draft.gridLevel }
        return parent.kind == .grid ? (parent.level ?? 0) + 1 : 1
    }

    /// Kind, grid level, code, geometry and name of a draft under its parent; false after reporting.
    mutating func checkPlacement(_ draft: UnitDraft, level: Int?, under parent: Placed) -> Bool {
        let parentCode = parentCode(of: draft) ?? ""
        var ok = true
        if draft.kind != .grid && draft.gridLevel != nil {
            add(draft.source, "gridLevel", .orgUnitGridLevelNotGrid, Text(zh: "只有网格才有网格层级", en: "only grids have a grid level"))
            ok = false
        }
        if let level, level < 1 || level > maxGridLevels {
            add(
                draft.source, "gridLevel", .orgUnitGridLevelOutOfRange,
                Text(zh: "网格层级 \(level) 超出本区设置的 1–\(maxGridLevels) 级", en: "grid level \(level) is outside this district's levels 1–\(maxGridLevels)"))
            ok = false
        } else if !draft.kind.canHang(gridLevel: level, under: parent.kind, parentGridLevel: parent.level) {
            let what = draft.kind == .grid ? "\(draft.kind.rawValue) (level \(level ?? 0))" : draft.kind.rawValue
            let parentWhat = parent.kind == .grid ? "grid (level \(parent.level ?? 0))" : parent.kind.rawValue
            add(
                draft.source, "kind", .orgUnitKindNotAllowed,
                Text(
                    zh: "\(draft.kind.label.zh)不能位于\(parent.kind.label.zh)“\(parentCode)”之下",
                    en: "a \(what) cannot be placed under the \(parentWhat) '\(parentCode)'"))
            ok = false
        }
        let ancestorCode = parent.codes[UnitCode.digits(for: draft.kind) - 3]
        if let problem = UnitCode.problem(kind: draft.kind, code: draft.code, ancestorCode: ancestorCode) {
            add(draft.source, "code", .orgUnitBadCode, problem)
            ok = false
        }
        if draft.kind == .grid && draft.area == nil {
            add(draft.source, "geometry", .orgUnitGridNeedsGeometry, Text(zh: "网格必须有多边形边界", en: "a grid needs a polygon geometry"))
            ok = false
        }
        return checkName(draft) && ok
    }

    mutating func checkName(_ draft: UnitDraft) -> Bool {
        guard draft.name.isEmpty || draft.name.count > 100 else { return true }
        add(draft.source, "name", .orgUnitBadName, Text(zh: "名称应为 1–100 个字符", en: "name must be 1–100 characters"))
        return false
    }

    /// A known code stays the same kind of unit at the same grid level: an import renames,
    /// redraws and moves units, it does not turn a street into a community.
    mutating func checkSameUnit(_ draft: UnitDraft, level: Int?, as node: TreeNode) -> Bool {
        if draft.kind != node.kind {
            add(
                draft.source, "kind", .orgUnitKindChanged,
                Text(
                    zh: "“\(draft.code)”在本区是\(node.kind.label.zh)，文件中为\(draft.kind.label.zh)：导入不改变类型",
                    en: "'\(draft.code)' is a \(node.kind.rawValue) in this district, the file says \(draft.kind.rawValue): an import does not change kinds"))
            return false
        }
        if level != node.gridLevel {
            add(
                draft.source, "gridLevel", .orgUnitGridLevelChanged,
                Text(
                    zh: "网格“\(draft.code)”在本区为第 \(node.gridLevel ?? 0) 级，文件中为第 \(level ?? 0) 级",
                    en: "grid '\(draft.code)' is level \(node.gridLevel ?? 0) in this district, the file makes it level \(level ?? 0)"))
            return false
        }
        return true
    }

    /// What changes when `node` takes the file's `draft`, hanging under `parent`.
    func update(_ node: TreeNode, to draft: UnitDraft, under parent: PlannedUnit.Parent?, geometryChanged: Set<String>) -> UnitUpdate {
        var fields: [UnitUpdate.Field] = []
        if draft.name != node.name { fields.append(.name) }
        if geometryChanged.contains(node.code) { fields.append(.geometry) }
        switch parent {
        case .existing(let newParent)? where newParent.id == node.parentId: break
        case nil: break
        default: fields.append(.parent)
        }
        if node.retired { fields.append(.restored) }
        let oldParentCode = node.parentId.flatMap { existingById[$0] }?.code
        return UnitUpdate(node: node, draft: draft, fields: fields, parent: parent, oldParentCode: oldParentCode)
    }

    /// The national codes along an existing unit's chain, by length.
    mutating func nationalCodes(of node: TreeNode) -> [Int: String] {
        if let known = nationalCodeCache[node.id] { return known }
        var codes: [Int: String] = [:]
        if let parent = node.parentId.flatMap({ existingById[$0] }) { codes = nationalCodes(of: parent) }
        if UnitCode.isNational(node.kind) { codes[node.code.count] = node.code }
        nationalCodeCache[node.id] = codes
        return codes
    }

    /// The subtrees the file covers: those of its top units (the ones whose parent it does not
    /// list) as they stand in the tree; the whole tree when it lists the district.
    func retireScopes() -> [ScopePath] {
        drafts.compactMap { draft in
            guard draftIndexByCode[draft.code].map({ drafts[$0] == draft }) ?? false else { return nil }
            if let parent = parentCode(of: draft), draftIndexByCode[parent] != nil { return nil }
            return existingByCode[draft.code]?.path
        }
    }

    /// Step 4: the units of the file's subtrees that it no longer names and that are not retired yet.
    func retirements() -> [TreeNode] {
        let scopes = retireScopes()
        guard !scopes.isEmpty else { return [] }
        return existingById.values
            .filter { node in !node.retired && draftIndexByCode[node.code] == nil && scopes.contains { $0.covers(node.path) } }
            .sorted { $0.path < $1.path }
    }
}
