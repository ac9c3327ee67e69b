import Foundation

/// The levels a case can be held at, lowest first: the grid head (网格长), the community (社区微循环),
/// the zone team (片区联合执法队, the middle-micro cycle, where a district has zones), the street
/// (街道小循环, its command centre) and the district. A case is solved at the lowest level that can;
/// what it cannot solve goes up one level at a time on a handover slip (问题交接单).
public enum LadderLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case grid, community, zone, street, district

    public var label: Text {
        switch self {
        case .grid: Text(zh: "网格", en: "grid")
        case .community: Text(zh: "社区", en: "community")
        case .zone: Text(zh: "片区", en: "zone")
        case .street: Text(zh: "街道", en: "street")
        case .district: Text(zh: "区级", en: "district")
        }
    }

    /// Its place on the ladder, lowest first.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: LadderLevel, rhs: LadderLevel) -> Bool { lhs.rank < rhs.rank }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The roles that act for a level's unit without being named its members: the grid's workers,
    /// the community's (and zone's) chiefs, the street's and the district's command centres, each
    /// by a binding that covers the unit.
    public var actingRoles: Set<Role> {
        switch self {
        case .grid: [.gridWorker]
        case .community, .zone: [.communityChief]
        case .street, .district: [.dispatcher, .shiftLeader]
        }
    }
}

/// A district's ladder: the levels it uses, lowest first. The street and the district are always
/// on it; the grid, the community and the zone are the district's choice (most use the grid and
/// the community; a district with zone teams adds the zone).
public struct LevelLadder: Sendable, Equatable {
    public let levels: [LadderLevel]

    /// The usual ladder: grid → community → street → district.
    public static let standard = LevelLadder(checked: [.grid, .community, .street, .district])

    init(checked levels: [LadderLevel]) { self.levels = levels }

    /// A ladder from the levels a district names, in any order; every problem named.
    public init(_ levels: [LadderLevel], field: String = "levels") throws {
        var errors: [FieldError] = []
        let distinct = Set(levels)
        if distinct.count != levels.count {
            errors.append(FieldError(field, .ladderLevelsInvalid, Text(zh: "层级不能重复", en: "a level may be named once")))
        }
        for required in [LadderLevel.street, .district] where !distinct.contains(required) {
            errors.append(
                FieldError(
                    field, .ladderLevelsInvalid,
                    Text(zh: "层级必须包括\(required.label.zh)（\(required.rawValue)）", en: "the levels must include \(required.rawValue)")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        self.levels = distinct.sorted()
    }

    public func uses(_ level: LadderLevel) -> Bool { levels.contains(level) }

    /// The next level up the district uses; nil at the top.
    public func above(_ level: LadderLevel) -> LadderLevel? { levels.first { $0 > level } }

    /// The levels below `level` the district uses, nearest first.
    public func below(_ level: LadderLevel) -> [LadderLevel] { levels.filter { $0 < level }.reversed() }
}

/// What can happen to a case's custody on the ladder.
public enum LadderMove: String, Sendable, Codable, CaseIterable {
    /// The holder hands the case to the next level up on a slip (上报/移交).
    case handUp
    /// The upper level takes the slip: the case is its case.
    case accept
    /// The upper level refuses the slip with a reason: the case stays below, with a new deadline.
    case refuse
    /// The command centre gives the case to a level below it (下派).
    case delegate
    /// The local limit passed with the case neither solved nor handed up: it goes up by itself.
    case autoHandUp

    public var label: Text {
        switch self {
        case .handUp: Text(zh: "上报", en: "hand up")
        case .accept: Text(zh: "接收", en: "accept")
        case .refuse: Text(zh: "退回", en: "refuse")
        case .delegate: Text(zh: "下派", en: "delegate")
        case .autoHandUp: Text(zh: "超时自动上报", en: "hand up automatically")
        }
    }
}

/// Who acts, as the ladder sees them: the service decides from the caller's bindings and the
/// holder's members (a grid head, a community's staff, a zone team's real-name members, a command
/// centre's desk) which of these the caller is for this case.
public enum LadderActor: Sendable, Equatable {
    /// A member of the unit or team that holds the case now.
    case holder
    /// A member of the level a pending slip is addressed to.
    case upper
    /// A dispatcher or shift leader of a command centre above the case's level (street or district).
    case centre
    /// The job that hands up a case past its local limit.
    case system
    /// Anyone else.
    case other
}

/// Where a case stands on the ladder: the level holding it and, while a slip waits, the level it
/// was handed to.
public struct LadderCustody: Sendable, Equatable {
    public var level: LadderLevel
    public var pendingTo: LadderLevel?

    public init(level: LadderLevel, pendingTo: LadderLevel? = nil) {
        self.level = level
        self.pendingTo = pendingTo
    }
}

/// The ladder's transitions: one pure function says whether a move is allowed from where the case
/// stands, by whom and to which level, and where the case stands after it.
public enum LadderRules {
    /// The custody after `move`; `target` is the level a delegation names (other moves find theirs).
    /// A slip (hand-up) needs a reason; a refusal too.
    public static func apply(
        _ move: LadderMove, to custody: LadderCustody, by actor: LadderActor, target: LadderLevel? = nil, reason: String? = nil,
        on ladder: LevelLadder
    ) throws -> LadderCustody {
        switch move {
        case .handUp, .autoHandUp:
            guard actor == (move == .handUp ? .holder : .system) else { throw notAllowed(move, actor) }
            try noPendingSlip(custody)
            guard let next = ladder.above(custody.level) else {
                throw GridError(
                    .ladderTopReached,
                    Text(zh: "案件已在最高层级（\(custody.level.label.zh)），不能再上报", en: "the case is at the top level (\(custody.level.rawValue)); it cannot go higher"))
            }
            if let target, target != next { throw notNextLevel(target, next: next, ladder) }
            if move == .handUp { try requireReason(reason, field: "reason") }
            return LadderCustody(level: custody.level, pendingTo: next)
        case .accept:
            guard let upper = custody.pendingTo else { throw noSlip() }
            guard actor == .upper else { throw notAllowed(move, actor) }
            return LadderCustody(level: upper)
        case .refuse:
            guard custody.pendingTo != nil else { throw noSlip() }
            guard actor == .upper else { throw notAllowed(move, actor) }
            try requireReason(reason, field: "reason")
            return LadderCustody(level: custody.level)
        case .delegate:
            guard actor == .centre else { throw notAllowed(move, actor) }
            try noPendingSlip(custody)
            guard let target else {
                throw GridError.invalid([FieldError("level", .fieldRequired, Text(zh: "请指定下派到的层级", en: "name the level to delegate to"))])
            }
            guard ladder.uses(target) else { throw levelNotUsed(target, ladder) }
            guard target < custody.level else {
                throw GridError.invalid([
                    FieldError(
                        "level", .ladderDelegateNotBelow,
                        Text(
                            zh: "只能下派到\(custody.level.label.zh)以下的层级，不能到\(target.label.zh)",
                            en: "a case at \(custody.level.rawValue) is delegated below it, not to \(target.rawValue)"))
                ])
            }
            return LadderCustody(level: target)
        }
    }

    /// Whether `move` is open to `actor` where the case stands (what the case's view offers), the
    /// reason and the target aside.
    public static func permits(_ move: LadderMove, _ custody: LadderCustody, by actor: LadderActor, on ladder: LevelLadder) -> Bool {
        switch move {
        case .handUp: actor == .holder && custody.pendingTo == nil && ladder.above(custody.level) != nil
        case .autoHandUp: actor == .system && custody.pendingTo == nil && ladder.above(custody.level) != nil
        case .accept, .refuse: actor == .upper && custody.pendingTo != nil
        case .delegate: actor == .centre && custody.pendingTo == nil && !ladder.below(custody.level).isEmpty
        }
    }

    static func noPendingSlip(_ custody: LadderCustody) throws {
        guard let pending = custody.pendingTo else { return }
        throw GridError(
            .ladderSlipPending,
            Text(zh: "已有交接单等待\(pending.label.zh)接收", en: "a handover slip is already waiting for the \(pending.rawValue) level"))
    }

    static func noSlip() -> GridError {
        GridError(.ladderNoSlip, Text(zh: "没有等待接收的交接单（可能已被接收或退回）", en: "no handover slip is waiting (it may have been accepted or refused)"))
    }

    static func notAllowed(_ move: LadderMove, _ actor: LadderActor) -> GridError {
        let who: Text =
            switch move {
            case .handUp: Text(zh: "持有该案件的单位成员", en: "a member of the unit holding the case")
            case .accept, .refuse: Text(zh: "交接单所送层级的成员", en: "a member of the level the slip is addressed to")
            case .delegate: Text(zh: "指挥中心的派遣员或值班长", en: "a command centre's dispatcher or shift leader")
            case .autoHandUp: Text(zh: "系统", en: "the system")
            }
        return GridError(.ladderNotAllowed, Text(zh: "只有\(who.zh)可以\(move.label.zh)", en: "only \(who.en) may \(move.label.en)"))
    }

    static func levelNotUsed(_ level: LadderLevel, _ ladder: LevelLadder) -> GridError {
        let used = ladder.levels.map(\.rawValue).joined(separator: ", ")
        return GridError.invalid([
            FieldError(
                "level", .ladderLevelNotUsed,
                Text(zh: "本区不设\(level.label.zh)层级（本区层级：\(used)）", en: "this district does not use the \(level.rawValue) level (it uses: \(used))"))
        ])
    }

    static func notNextLevel(_ target: LadderLevel, next: LadderLevel, _ ladder: LevelLadder) -> GridError {
        guard ladder.uses(target) else { return levelNotUsed(target, ladder) }
        return GridError.invalid([
            FieldError(
                "level", .ladderNotNextLevel,
                Text(
                    zh: "逐级上报：下一级是\(next.label.zh)，不能直接到\(target.label.zh)",
                    en: "a case goes up one level at a time: the next is \(next.rawValue), not \(target.rawValue)"))
        ])
    }

    static func requireReason(_ reason: String?, field: String) throws {
        guard reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == false else {
            throw GridError.invalid([FieldError(field, .fieldRequired, Text(zh: "请写明原因", en: "give the reason"))])
        }
    }
}
