/// What an import of the tree changes, as a person checks it before and after: units added,
/// changed (which fields), moved (from which parent to which), retired, and how many stay.
public struct OrgImportDiff: Sendable, Equatable {
    public struct Unit: Sendable, Equatable {
        public var code: String
        public var name: String
        public var kind: OrgUnitKind
    }

    public struct Change: Sendable, Equatable {
        public var unit: Unit
        public var fields: [UnitUpdate.Field]
    }

    public struct Move: Sendable, Equatable {
        public var unit: Unit
        public var from: String?
        public var to: String?
    }

    public struct Retirement: Sendable, Equatable {
        public var unit: Unit
        /// Open cases in its area: they keep it, and still need finishing.
        public var openCases: Int
    }

    public var added: [Unit] = []
    /// Units whose name or geometry changes or that come back from retirement (moves are apart).
    public var changed: [Change] = []
    public var moved: [Move] = []
    public var retired: [Retirement] = []
    public var unchanged = 0

    public var openCasesInRetired: Int { retired.reduce(0) { $0 + $1.openCases } }

    public init() {}

    /// The diff of a plan; `openCases` gives each retired unit's open cases, in the plan's order.
    public init(_ plan: OrgImportPlan, openCases: [Int] = []) {
        added = plan.added.map { Unit(code: $0.draft.code, name: $0.draft.name, kind: $0.draft.kind) }
        for update in plan.updated {
            let unit = Unit(code: update.draft.code, name: update.draft.name, kind: update.draft.kind)
            let fields = update.fields.filter { $0 != .parent }
            if !fields.isEmpty { changed.append(Change(unit: unit, fields: fields)) }
            if update.isMove {
                let to: String? =
                    switch update.parent {
                    case .existing(let node)?: node.code
                    case .planned(let position)?: plan.added[position].draft.code
                    case nil: nil
                    }
                moved.append(Move(unit: unit, from: update.oldParentCode, to: to))
            }
        }
        retired = plan.retired.enumerated().map { i, node in
            Retirement(unit: Unit(code: node.code, name: node.name, kind: node.kind), openCases: i < openCases.count ? openCases[i] : 0)
        }
        unchanged = plan.unchanged
    }

    /// The report, one line per unit after a line of counts, in Chinese or English.
    public func lines(chinese: Bool) -> [String] {
        func name(_ unit: Unit) -> String { "\(unit.code) \(unit.name)" }
        var lines: [String] = [
            chinese
                ? "新增 \(added.count)，修改 \(changed.count)，移动 \(moved.count)，撤销 \(retired.count)，不变 \(unchanged)"
                : "added \(added.count), changed \(changed.count), moved \(moved.count), retired \(retired.count), unchanged \(unchanged)"
        ]
        for unit in added { lines.append(chinese ? "+ 新增 \(name(unit))（\(unit.kind.label.zh)）" : "+ add \(name(unit)) (\(unit.kind.rawValue))") }
        for change in changed {
            let fields = change.fields.map { chinese ? $0.label.zh : $0.label.en }.joined(separator: chinese ? "、" : ", ")
            lines.append(chinese ? "~ 修改 \(name(change.unit))：\(fields)" : "~ change \(name(change.unit)): \(fields)")
        }
        for move in moved {
            let from = move.from ?? "-", to = move.to ?? "-"
            lines.append(chinese ? "> 移动 \(name(move.unit))：\(from) → \(to)" : "> move \(name(move.unit)): \(from) → \(to)")
        }
        for retirement in retired {
            let cases = retirement.openCases
            let note = cases == 0 ? "" : (chinese ? "（\(cases) 件未办结案件）" : " (\(cases) open cases)")
            lines.append(chinese ? "- 撤销 \(name(retirement.unit))\(note)" : "- retire \(name(retirement.unit))\(note)")
        }
        return lines
    }
}
