import Foundation

/// The local limits of the levels below the street: how long a level has a case (to solve it or
/// hand it up with a slip) before it goes up by itself. The grid solves on the spot or the same
/// day (当即), the community within two working days, the zone team within three.
public enum LadderLimits {
    public static let defaults: [LadderLevel: TimeLimit] = [
        .grid: TimeLimit(amount: 4, unit: .workHours),
        .community: TimeLimit(amount: 2, unit: .workDays),
        .zone: TimeLimit(amount: 3, unit: .workDays),
    ]

    /// Whether a level has a local limit at all: the street and the district answer to their own
    /// deadlines (dispatch, handling) and to the whistle, not to the ladder's clock.
    public static func applies(to level: LadderLevel) -> Bool { level < .street }

    /// A limit as the CLI gives it: `LEVEL=AMOUNT:UNIT` (`community=2:workDays`).
    public static func parse(_ text: String) throws -> (LadderLevel, TimeLimit) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let amountUnit = parts.count == 2 ? parts[1].split(separator: ":").map(String.init) : []
        guard parts.count == 2, let level = LadderLevel(rawValue: parts[0]), amountUnit.count == 2, let amount = Int(amountUnit[0]),
            let unit = LimitUnit(rawValue: amountUnit[1])
        else {
            throw GridError.invalid([
                FieldError(
                    "limit", .fieldFormat,
                    Text(
                        zh:
                            "时限“\(text)”应写作 层级=数量:单位，如 community=2:workDays（层级：\(LadderLevel.allowedList)；单位：\(LimitUnit.allCases.map(\.rawValue).joined(separator: ", "))）",
                        en:
                            "limit '\(text)' should read LEVEL=AMOUNT:UNIT, e.g. community=2:workDays (levels: \(LadderLevel.allowedList); units: \(LimitUnit.allCases.map(\.rawValue).joined(separator: ", ")))"
                    ))
            ])
        }
        return (level, TimeLimit(amount: amount, unit: unit))
    }

    /// Every problem of a district's limits named: a level at or above the street (they have none),
    /// an amount out of range.
    public static func check(_ limits: [LadderLevel: TimeLimit]) throws {
        var errors: [FieldError] = []
        for (level, limit) in limits.sorted(by: { $0.key < $1.key }) {
            if !applies(to: level) {
                errors.append(
                    FieldError(
                        "limit.\(level.rawValue)", .fieldNotAllowed,
                        Text(
                            zh: "\(level.label.zh)层级没有本级时限（只有网格、社区、片区有）",
                            en: "the \(level.rawValue) level has no local limit (only grid, community and zone have one)")))
            }
            if !(1...TimeLimit.maxAmount).contains(limit.amount) {
                errors.append(
                    FieldError(
                        "limit.\(level.rawValue)", .fieldOutOfRange,
                        Text(zh: "时限应在 1–\(TimeLimit.maxAmount) 之间，实际为 \(limit.amount)", en: "a limit is 1–\(TimeLimit.maxAmount) long, got \(limit.amount)")))
            }
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
    }
}

/// Why a level hands a case up: a closed list for the figures (hand-ups per community and reason),
/// with the slip's own words beside it.
public enum HandUpReason: String, Sendable, Codable, CaseIterable {
    /// Beyond the level's powers (超出职权).
    case beyondAuthority
    /// Needs enforcement the level does not have (需执法力量).
    case needsEnforcement
    /// Crosses the level's area or several departments (跨区域、跨部门).
    case crossArea
    /// Needs money the level does not have (需资金).
    case needsFunds
    /// The parties could not be brought to agree (协调不成).
    case partiesDisagree
    /// The local limit passed (超时自动上报): only the system writes it.
    case limitPassed
    case other

    public var label: Text {
        switch self {
        case .beyondAuthority: Text(zh: "超出职权", en: "beyond the level's powers")
        case .needsEnforcement: Text(zh: "需执法力量", en: "needs enforcement")
        case .crossArea: Text(zh: "跨区域或跨部门", en: "crosses areas or departments")
        case .needsFunds: Text(zh: "需资金", en: "needs funds")
        case .partiesDisagree: Text(zh: "协调不成", en: "the parties disagree")
        case .limitPassed: Text(zh: "超时自动上报", en: "the local limit passed")
        case .other: Text(zh: "其他", en: "other")
        }
    }

    public static var allowedList: String { allCases.filter { $0 != .limitPassed }.map(\.rawValue).joined(separator: ", ") }
}

/// A unit of the district's tree as the ladder sees it: the holder of one level on a case's path.
public struct LadderUnit: Sendable, Equatable, Codable {
    public var id: Int64
    public var code: String
    public var name: String
    public var level: LadderLevel

    public init(id: Int64, code: String, name: String, level: LadderLevel) {
        self.id = id
        self.code = code
        self.name = name
        self.level = level
    }

    /// The level a unit of `kind` holds cases at: a township is a street's level, a village a community's.
    public static func level(of kind: OrgUnitKind) -> LadderLevel {
        switch kind {
        case .district: .district
        case .street, .township: .street
        case .zone: .zone
        case .community, .village: .community
        case .grid: .grid
        }
    }

    /// The holder of each level on a grid's path (its chain, root first): the grid itself, the
    /// nearest community, zone, street and the district.
    public static func holders(onPath chain: [OrgUnitRecord]) -> [LadderLevel: LadderUnit] {
        var holders: [LadderLevel: LadderUnit] = [:]
        for unit in chain {
            let level = level(of: unit.kind)
            // Nested grids: the case's own (the deepest) grid holds it.
            holders[level] = LadderUnit(id: unit.id, code: unit.code, name: unit.name, level: level)
        }
        return holders
    }
}

/// Who the caller is to a case on the ladder: a member of the unit holding it, a member of the unit
/// a waiting slip is addressed to, or the system's job. A member of the street's or the district's
/// unit (its command centre) holding the case is the centre that may delegate it down.
public struct LadderMembership: Sendable, Equatable {
    public var holder: Bool
    public var upper: Bool
    public var system: Bool

    public init(holder: Bool = false, upper: Bool = false, system: Bool = false) {
        self.holder = holder
        self.upper = upper
        self.system = system
    }

    /// The actor the ladder sees for `move` at a case held at `level`.
    public func actor(for move: LadderMove, at level: LadderLevel) -> LadderActor {
        switch move {
        case .handUp: holder ? .holder : .other
        case .accept, .refuse: upper ? .upper : .other
        case .delegate: holder && level >= .street ? .centre : .other
        case .autoHandUp: system ? .system : .other
        }
    }
}

/// What the ladder's actions need read: the district's ladder as it applies to the case (a level
/// whose unit the case's path lacks, a zone in a street without zones, is skipped), the holder of
/// each level on the path, who the caller is to the case, the local limits, and the slip's photos
/// that are not the case's.
public struct LadderFacts: Sendable, Equatable {
    public var ladder: LevelLadder
    public var holders: [LadderLevel: LadderUnit]
    public var membership: LadderMembership
    public var limits: [LadderLevel: TimeLimit]
    /// The photos the slip names that are not the case's attachments.
    public var foreignPhotos: [Int64]

    public init(
        ladder: LevelLadder, holders: [LadderLevel: LadderUnit], membership: LadderMembership, limits: [LadderLevel: TimeLimit] = LadderLimits.defaults,
        foreignPhotos: [Int64] = []
    ) {
        self.ladder = ladder.restricted(to: Set(holders.keys))
        self.holders = holders
        self.membership = membership
        self.limits = limits
        self.foreignPhotos = foreignPhotos
    }

    /// The level a case routed to `level` is held at: that level if the case's ladder has it, else
    /// the next one up it has (a zone case in a street without zones goes to the street); the
    /// street when routing named none.
    public func holdingLevel(for level: LadderLevel?) -> LadderLevel {
        guard let level else { return .street }
        return ladder.levels.first { $0 >= level } ?? .district
    }
}

extension LevelLadder {
    /// The ladder without the levels not in `available` (the street and the district stay).
    public func restricted(to available: Set<LadderLevel>) -> LevelLadder {
        LevelLadder(checked: levels.filter { available.contains($0) || $0 >= .street })
    }
}

/// A handover slip (问题交接单) as written (`HandoverDraft`: from whom to whom, why, what was tried,
/// the photos) and as its case shows it: who wrote it when, and what the level above decided.
public struct HandoverSlip: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case pending, accepted, refused, superseded }

    public var id: Int64
    public var content: HandoverDraft
    public var createdBy: String?
    public var createdAt: Date
    public var status: Status
    public var decidedBy: String?
    public var decidedAt: Date?
    public var decisionReason: String?
    /// A refused slip: the lower level's new deadline.
    public var newDue: Date?

    public init(
        id: Int64, content: HandoverDraft, createdBy: String? = nil, createdAt: Date, status: Status = .pending, decidedBy: String? = nil,
        decidedAt: Date? = nil, decisionReason: String? = nil, newDue: Date? = nil
    ) {
        self.id = id
        self.content = content
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.status = status
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.decisionReason = decisionReason
        self.newDue = newDue
    }
}

/// One level's turn with a case (the chain of custody): which unit held it, from when to when, what
/// began and what ended the turn.
public struct CustodyTurn: Sendable, Equatable {
    public var unit: LadderUnit
    public var startedAt: Date
    public var startedBy: String
    public var endedAt: Date?
    public var endedBy: String?

    public init(unit: LadderUnit, startedAt: Date, startedBy: String, endedAt: Date? = nil, endedBy: String? = nil) {
        self.unit = unit
        self.startedAt = startedAt
        self.startedBy = startedBy
        self.endedAt = endedAt
        self.endedBy = endedBy
    }

    /// Seconds held, up to `now` for the open turn.
    public func heldSeconds(at now: Date) -> Double { (endedAt ?? now).timeIntervalSince(startedAt) }
}
