import Foundation

/// How the level figures are grouped: by the street, community or zone a case lies in, or by the
/// ladder's level itself.
public enum LadderGrouping: String, Sendable, CaseIterable {
    case street, community, zone, level

    /// The kinds of unit a row stands for (a township is a street, a village a community).
    public var kinds: [OrgUnitKind] {
        switch self {
        case .street: [.street, .township]
        case .community: [.community, .village]
        case .zone: [.zone]
        case .level: []
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// One counted fact the database returns for the figures, already summed: a group (a unit, or none
/// when grouped by level), what it is, at which level, and how many (with seconds for turns).
public struct LadderFact: Sendable, Equatable {
    public enum Kind: String, Sendable { case solved, slip, turn }

    public var unitId: Int64?
    public var kind: Kind
    public var level: LadderLevel
    public var reason: HandUpReason?
    public var automatic: Bool
    public var refused: Bool
    public var count: Int
    public var seconds: Double

    public init(
        unitId: Int64? = nil, kind: Kind, level: LadderLevel, reason: HandUpReason? = nil, automatic: Bool = false, refused: Bool = false, count: Int,
        seconds: Double = 0
    ) {
        self.unitId = unitId
        self.kind = kind
        self.level = level
        self.reason = reason
        self.automatic = automatic
        self.refused = refused
        self.count = count
        self.seconds = seconds
    }
}

/// The level figures of one group over a period (分级处置统计). Definitions:
/// - `solved[level]`: cases closed in the period, by the level that held them when they closed (a
///   case self-handled at the report is the grid's); `frontLineShare` is the share solved below the
///   street (grid, community, zone), nil with nothing solved.
/// - `handUps`: handover slips written in the period (by the level handing up; `byReason` by the
///   slip's reason kind), of which `automatic` the system wrote at the local limit and `refused`
///   the upper level refused.
/// - `held[level]`: the turns that began in the period at that level, and their mean hours held
///   (up to now for a turn still open).
/// A case is counted in the group its grid lies in.
public struct LadderFigureRow: Sendable, Equatable {
    public var unit: LadderUnit?
    public var level: LadderLevel?
    public var solved: [LadderLevel: Int] = [:]
    public var handUps = 0
    public var byReason: [HandUpReason: Int] = [:]
    public var automatic = 0
    public var refused = 0
    public var turns: [LadderLevel: Int] = [:]
    public var heldSeconds: [LadderLevel: Double] = [:]

    public init(unit: LadderUnit? = nil, level: LadderLevel? = nil) {
        self.unit = unit
        self.level = level
    }

    public var solvedTotal: Int { solved.values.reduce(0, +) }

    public var frontLineShare: Double? {
        let total = solvedTotal
        guard total > 0 else { return nil }
        return Double(solved.filter { $0.key < .street }.values.reduce(0, +)) / Double(total)
    }

    /// Mean hours a turn at `level` lasted.
    public func meanHoursHeld(_ level: LadderLevel) -> Double? {
        guard let n = turns[level], n > 0 else { return nil }
        return (heldSeconds[level] ?? 0) / Double(n) / 3600
    }

    mutating func add(_ fact: LadderFact) {
        switch fact.kind {
        case .solved:
            solved[fact.level, default: 0] += fact.count
        case .slip:
            handUps += fact.count
            byReason[fact.reason ?? .other, default: 0] += fact.count
            if fact.automatic { automatic += fact.count }
            if fact.refused { refused += fact.count }
        case .turn:
            turns[fact.level, default: 0] += fact.count
            heldSeconds[fact.level, default: 0] += fact.seconds
        }
    }
}

public enum LadderFigures {
    /// The rows: one per unit of the grouping (in the order given, those without a fact too), or one
    /// per level of the district's ladder when grouped by level; then the total row (unit and level nil).
    public static func rows(_ facts: [LadderFact], grouping: LadderGrouping, units: [LadderUnit], ladder: LevelLadder) -> [LadderFigureRow] {
        var total = LadderFigureRow()
        var rows: [LadderFigureRow]
        var place: [Int64: Int] = [:]
        if grouping == .level {
            rows = ladder.levels.map { LadderFigureRow(level: $0) }
        } else {
            rows = units.map { LadderFigureRow(unit: $0) }
            for (i, unit) in units.enumerated() { place[unit.id] = i }
        }
        for fact in facts {
            if grouping == .level {
                if let i = rows.firstIndex(where: { $0.level == fact.level }) {
                    rows[i].add(fact)
                } else {
                    rows.append(LadderFigureRow(level: fact.level))
                    rows[rows.count - 1].add(fact)
                }
                total.add(fact)
            } else if let id = fact.unitId, let i = place[id] {
                rows[i].add(fact)
                total.add(fact)
            }
        }
        if grouping == .level { rows.sort { ($0.level ?? .district) < ($1.level ?? .district) } }
        return rows + [total]
    }

    /// The CSV header (Chinese, as the assessment office reads it).
    public static func csvHeader(_ ladder: LevelLadder) -> [String] {
        ["编码", "名称", "层级"] + ladder.levels.map { "\($0.label.zh)解决" } + ["解决合计", "一线解决率", "上报", "其中自动上报", "被退回"]
            + HandUpReason.allCases.map { "上报原因：\($0.label.zh)" } + ladder.levels.map { "\($0.label.zh)平均持有小时" }
    }

    public static func csvRow(_ row: LadderFigureRow, _ ladder: LevelLadder) -> [String] {
        func number(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "" }
        let name = row.unit?.name ?? row.level.map(\.label.zh) ?? "合计"
        return [row.unit?.code ?? "", name, (row.unit?.level ?? row.level)?.label.zh ?? ""]
            + ladder.levels.map { String(row.solved[$0] ?? 0) }
            + [
                String(row.solvedTotal), row.frontLineShare.map { String(format: "%.4f", $0) } ?? "", String(row.handUps), String(row.automatic),
                String(row.refused),
            ]
            + HandUpReason.allCases.map { String(row.byReason[$0] ?? 0) } + ladder.levels.map { number(row.meanHoursHeld($0)) }
    }
}
