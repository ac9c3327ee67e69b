/// A unit to be created: from an import feature or an API request.
public struct UnitDraft: Sendable, Equatable {
    /// Where it came from, for error messages: `features[12]` or `body`.
    public var source: String
    public var code: String
    public var name: String
    public var kind: OrgUnitKind
    /// Given for grids, or inferred from the parent.
    public var gridLevel: Int?
    public var parentCode: String
    public var area: Area?

    public init(source: String, code: String, name: String, kind: OrgUnitKind, gridLevel: Int?, parentCode: String, area: Area?) {
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

    public init(id: Int64, code: String, kind: OrgUnitKind, gridLevel: Int?, path: ScopePath, parentId: Int64?) {
        self.id = id
        self.code = code
        self.kind = kind
        self.gridLevel = gridLevel
        self.path = path
        self.parentId = parentId
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

/// Checks drafts against the tree and each other: kinds, grid levels, the national code chain,
/// duplicate and unknown codes, cycles. Returns the units parent-first, or every problem found.
public enum OrgPlanner {
    public static let maxErrors = 100

    public static func plan(_ drafts: [UnitDraft], existing: [TreeNode], maxGridLevels: Int) throws(GridError) -> [PlannedUnit] {
        var errors: [FieldError] = []
        func add(_ source: String, _ field: String, _ code: ErrorCode, _ text: Text) {
            if errors.count < maxErrors { errors.append(FieldError("\(source).\(field)", code, text)) }
        }
        var existingByCode: [String: TreeNode] = [:]
        var existingById: [Int64: TreeNode] = [:]
        for node in existing {
            existingByCode[node.code] = node
            existingById[node.id] = node
        }
        var draftIndexByCode: [String: Int] = [:]
        for (i, draft) in drafts.enumerated() {
            if existingByCode[draft.code] != nil {
                add(draft.source, "code", .orgUnitDuplicateCode, Text(zh: "编码“\(draft.code)”已存在", en: "code '\(draft.code)' already exists"))
            } else if let first = draftIndexByCode[draft.code] {
                add(
                    draft.source, "code", .orgUnitDuplicateCode,
                    Text(zh: "编码“\(draft.code)”与 \(drafts[first].source) 重复", en: "code '\(draft.code)' repeats \(drafts[first].source)"))
            } else {
                draftIndexByCode[draft.code] = i
            }
        }

        // Order parent-first by walking each draft's parent chain; a chain that returns to itself is a cycle.
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
                let parentCode = drafts[current].parentCode
                if existingByCode[parentCode] != nil { break }
                if parentCode == drafts[current].code {
                    add(
                        drafts[current].source, "parentCode", .orgUnitCycle,
                        Text(zh: "“\(parentCode)”不能是自己的上级", en: "'\(parentCode)' cannot be its own parent"))
                    broken = true
                    break
                }
                guard let next = draftIndexByCode[parentCode] else {
                    add(
                        drafts[current].source, "parentCode", .orgUnitUnknownParent,
                        Text(zh: "上级编码“\(parentCode)”不存在", en: "parent code '\(parentCode)' does not exist"))
                    broken = true
                    break
                }
                current = next
            }
            for index in chain.reversed() {
                state[index] = broken ? 3 : 2
                if !broken { order.append(index) }
            }
        }

        var positionOfDraft: [Int: Int] = [:]
        var planned: [PlannedUnit] = []
        planned.reserveCapacity(order.count)
        // Kind and level of each placed unit, and the national codes along its chain by length.
        var placed: [(kind: OrgUnitKind, level: Int?, codes: [Int: String])] = []
        var existingCodes: [Int64: [Int: String]] = [:]
        func nationalCodes(of node: TreeNode) -> [Int: String] {
            if let known = existingCodes[node.id] { return known }
            var codes = node.parentId.flatMap { existingById[$0] }.map(nationalCodes) ?? [:]
            if UnitCode.isNational(node.kind) { codes[node.code.count] = node.code }
            existingCodes[node.id] = codes
            return codes
        }
        for index in order {
            let draft = drafts[index]
            let parent: PlannedUnit.Parent
            let parentKind: OrgUnitKind
            let parentLevel: Int?
            let chainCodes: [Int: String]
            if let node = existingByCode[draft.parentCode] {
                parent = .existing(node)
                parentKind = node.kind
                parentLevel = node.gridLevel
                chainCodes = nationalCodes(of: node)
            } else {
                let position = positionOfDraft[draftIndexByCode[draft.parentCode]!]
                guard let position else { continue }  // the parent failed its own checks
                parent = .planned(position)
                parentKind = placed[position].kind
                parentLevel = placed[position].level
                chainCodes = placed[position].codes
            }
            let ancestorCode = chainCodes[UnitCode.digits(for: draft.kind) - 3]
            var level = draft.gridLevel
            if draft.kind == .grid && level == nil {
                level = parentKind == .grid ? (parentLevel ?? 0) + 1 : 1
            }
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
            } else if !draft.kind.canHang(gridLevel: level, under: parentKind, parentGridLevel: parentLevel) {
                let what = draft.kind == .grid ? "\(draft.kind.rawValue) (level \(level ?? 0))" : draft.kind.rawValue
                let parentWhat = parentKind == .grid ? "grid (level \(parentLevel ?? 0))" : parentKind.rawValue
                add(
                    draft.source, "kind", .orgUnitKindNotAllowed,
                    Text(
                        zh: "\(draft.kind.label.zh)不能位于\(parentKind.label.zh)“\(draft.parentCode)”之下",
                        en: "a \(what) cannot be placed under the \(parentWhat) '\(draft.parentCode)'"))
                ok = false
            }
            if let problem = UnitCode.problem(kind: draft.kind, code: draft.code, ancestorCode: ancestorCode) {
                add(draft.source, "code", .orgUnitBadCode, problem)
                ok = false
            }
            if draft.kind == .grid && draft.area == nil {
                add(draft.source, "geometry", .orgUnitGridNeedsGeometry, Text(zh: "网格必须有多边形边界", en: "a grid needs a polygon geometry"))
                ok = false
            }
            if draft.name.isEmpty || draft.name.count > 100 {
                add(draft.source, "name", .orgUnitBadName, Text(zh: "名称应为 1–100 个字符", en: "name must be 1–100 characters"))
                ok = false
            }
            guard ok else { continue }
            positionOfDraft[index] = planned.count
            planned.append(PlannedUnit(draft: draft, parent: parent, gridLevel: level))
            var codes = chainCodes
            if UnitCode.isNational(draft.kind) && draft.kind != .grid { codes[draft.code.count] = draft.code }
            placed.append((draft.kind, level, codes))
        }
        if !errors.isEmpty { throw GridError.invalid(errors) }
        return planned
    }
}
