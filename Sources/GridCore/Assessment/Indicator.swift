import Foundation

/// What an indicator counts in: cases, a share of them, or a mean score.
public enum IndicatorUnit: String, Sendable, Codable {
    case count, rate, score
}

/// What assessment figures are grouped by: the units a case lies in (a township is a street, a
/// village a community), the department leading it, or the grid worker (who reported the case, did
/// or owes the check round, or patrols the grid).
public enum IndicatorGrouping: String, Sendable, CaseIterable, Codable {
    case street, zone, community, grid, department, person

    /// The kinds of unit a row stands for; none for a department or a person.
    public var kinds: [OrgUnitKind] {
        switch self {
        case .street: [.street, .township]
        case .zone: [.zone]
        case .community: [.community, .village]
        case .grid: [.grid]
        case .department, .person: []
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The assessment's indicators (issue 18) as named, documented definitions: CJ/T 292's region,
/// department and post rates, the open overdue cases counted against their holder, 12345's three
/// rates from call-backs, the ladder's front-line share, the whistles' report-in and scores, and
/// the patrollers' four rates (on-time discovery, discovery accuracy, patrol coverage, on-time
/// checks). Each says what its numerator and denominator are, which
/// events and times count and what is left out, so that the figure and its definition are shown
/// together (`definition`).
public enum Indicator: String, Sendable, Codable, CaseIterable {
    /// 立案数: cases filed in the period.
    case filed
    /// 按期处置率: of the cases whose handling fell due in the period, those handled by their
    /// deadline in work time.
    case onTimeHandlingRate
    /// 处置率: of the cases whose handling fell due in the period, those handled at all (by now).
    case handlingRate
    /// 结案率: of the cases filed in the period, those closed.
    case closureRate
    /// 返工率: of the cases handled in the period, those sent back for rework at least once.
    case reworkRate
    /// 延期率: of the cases handled in the period, those granted an extension.
    case extensionRate
    /// 超期未结: cases open at the period's end past their handling deadline (work time), counted
    /// against the department holding them.
    case openOverdue
    /// 响应率 (12345): of the cases called back in the period, those whose caller was reached.
    case responseRate
    /// 解决率 (12345): of the cases called back in the period, those the caller says are solved.
    case resolutionRate
    /// 满意率 (12345): satisfied plus 0.9 × basically satisfied, over the cases called back.
    case satisfactionRate
    /// 一线解决率: of the cases closed in the period, those solved below the street.
    case frontLineShare
    /// 报到及时率: of the departments summoned by whistles due in the period, those in on time.
    case reportInOnTimeRate
    /// 吹哨评价: the street's mean score of the departments it summoned (on time, attitude, result).
    case whistleScore
    /// 发现准确率 (四率): of a grid worker's reports decided, those filed as real problems.
    case discoveryAccuracy
    /// 案件核查及时率 (四率; CJ/T 292's 按时核查率): of the check rounds due in the period, those
    /// done (passed or failed) by their deadline in work time.
    case onTimeCheckRate
    /// 案件发现及时率 (四率): of the grid workers' reports made in the period, those made within the
    /// district's limit after their round passed the grid (their check-in there that day).
    case onTimeDiscoveryRate
    /// 发现覆盖率 (四率): of the grid-days due a round in the period (every finest grid, every day),
    /// those a grid worker checked in on; by person, the grids in their scope covered by them.
    case patrolCoverage

    public var unit: IndicatorUnit {
        switch self {
        case .filed, .openOverdue: .count
        case .whistleScore: .score
        default: .rate
        }
    }

    /// Whether a higher figure is better (a rework rate or overdue cases count against).
    public var higherIsBetter: Bool {
        switch self {
        case .reworkRate, .extensionRate, .openOverdue: false
        default: true
        }
    }

    /// Whether it counts cases by their own times (so the cases behind a figure can be listed):
    /// not the figures counted from call-backs or whistles.
    public var countsCases: Bool {
        switch self {
        case .responseRate, .resolutionRate, .satisfactionRate, .reportInOnTimeRate, .whistleScore, .patrolCoverage: false
        default: true
        }
    }

    /// The groupings it is counted for: case figures by unit and department, front-line share by
    /// unit, the patrollers' rates by person and unit, whistle figures by department and unit.
    public func applies(to grouping: IndicatorGrouping) -> Bool {
        switch self {
        case .frontLineShare: grouping.kinds.isEmpty == false
        case .discoveryAccuracy, .onTimeCheckRate, .onTimeDiscoveryRate, .patrolCoverage: grouping != .department
        default: grouping != .person
        }
    }

    public var label: Text {
        switch self {
        case .filed: Text(zh: "立案数", en: "cases filed")
        case .onTimeHandlingRate: Text(zh: "按期处置率", en: "on-time handling rate")
        case .handlingRate: Text(zh: "处置率", en: "handling rate")
        case .closureRate: Text(zh: "结案率", en: "closure rate")
        case .reworkRate: Text(zh: "返工率", en: "rework rate")
        case .extensionRate: Text(zh: "延期率", en: "extension rate")
        case .openOverdue: Text(zh: "超期未结", en: "open and overdue")
        case .responseRate: Text(zh: "响应率", en: "response rate")
        case .resolutionRate: Text(zh: "解决率", en: "resolution rate")
        case .satisfactionRate: Text(zh: "满意率", en: "satisfaction rate")
        case .frontLineShare: Text(zh: "一线解决率", en: "front-line share")
        case .reportInOnTimeRate: Text(zh: "报到及时率", en: "report-in on-time rate")
        case .whistleScore: Text(zh: "吹哨评价均分", en: "whistle score")
        case .discoveryAccuracy: Text(zh: "发现准确率", en: "discovery accuracy")
        case .onTimeCheckRate: Text(zh: "案件核查及时率", en: "on-time check rate")
        case .onTimeDiscoveryRate: Text(zh: "案件发现及时率", en: "on-time discovery rate")
        case .patrolCoverage: Text(zh: "发现覆盖率", en: "patrol coverage")
        }
    }

    /// The definition shown beside the figure: numerator, denominator, times, what is left out.
    public var definition: Text {
        switch self {
        case .filed:
            Text(zh: "期间内立案的案件数（不含作废、并案）", en: "cases filed in the period (not those voided or merged)")
        case .onTimeHandlingRate:
            Text(
                zh: "分子：处置期限在期间内、且在期限内（按工作时间）办结的案件；分母：处置期限在期间内的案件（挂账期间不计时）。17:30 办结与次日 08:30 办结是同一工作时刻；被返工的以最后一次办结为准",
                en:
                    "numerator: cases whose handling deadline fell in the period and that were handled by it in work time; denominator: cases whose handling deadline fell in the period (suspensions stop the clock). Handling at 17:30 and at 08:30 the next working day are the same work instant; a reworked case counts by its last handling"
            )
        case .handlingRate:
            Text(zh: "分子：处置期限在期间内、且已办结的案件；分母：处置期限在期间内的案件", en: "numerator: of those due in the period, the handled ones; denominator: cases due in the period")
        case .closureRate:
            Text(zh: "分子：期间内立案、且已结案的案件；分母：期间内立案的案件", en: "numerator: of the cases filed in the period, the closed ones; denominator: cases filed in the period")
        case .reworkRate:
            Text(
                zh: "分子：期间内办结、且被返工过的案件；分母：期间内办结的案件",
                en: "numerator: of the cases handled in the period, those reworked; denominator: cases handled in the period")
        case .extensionRate:
            Text(
                zh: "分子：期间内办结、且获批延期的案件；分母：期间内办结的案件",
                en: "numerator: of the cases handled in the period, those extended; denominator: cases handled in the period")
        case .openOverdue:
            Text(
                zh: "期末仍未办结、已超过处置期限（按工作时间）的案件数，计入持有部门；挂账中的不计",
                en: "cases still open at the period's end and past their handling deadline in work time, counted against their holder; suspended cases are not"
            )
        case .responseRate:
            Text(
                zh: "分子：期间内回访、且联系上诉求人的案件；分母：期间内回访的案件（每案以期间内最后一次回访为准）",
                en:
                    "numerator: of the cases called back in the period, those whose caller was reached; denominator: cases called back in the period (each by its last call-back in the period)"
            )
        case .resolutionRate:
            Text(
                zh: "分子：期间内回访、诉求人表示已解决的案件；分母：期间内回访的案件",
                en: "numerator: of the cases called back in the period, those the caller says are solved; denominator: cases called back in the period")
        case .satisfactionRate:
            Text(
                zh: "分子：满意数 + 0.9 × 基本满意数；分母：期间内回访的案件",
                en: "numerator: satisfied + 0.9 × basically satisfied; denominator: cases called back in the period")
        case .frontLineShare:
            Text(
                zh: "分子：期间内结案、由网格、社区（村）或片区解决的案件；分母：期间内结案的案件（按结案时持有层级）",
                en:
                    "numerator: of the cases closed in the period, those solved by the grid, community or zone; denominator: cases closed in the period (by the level holding them at the close)"
            )
        case .reportInOnTimeRate:
            Text(
                zh: "分子：报到时限在期间内、且按时报到的被召部门；分母：报到时限在期间内的被召部门（不含被撤下的）",
                en:
                    "numerator: of the departments summoned whose report-in limit fell in the period, those in on time; denominator: those summoned (not those dropped)"
            )
        case .whistleScore:
            Text(
                zh: "报到时限在期间内的被召部门所得评分（及时、态度、效果）的平均分",
                en: "the mean of the scores (on time, attitude, result) given to the departments summoned whose limit fell in the period")
        case .discoveryAccuracy:
            Text(
                zh: "分子：期间内网格员上报、已立案（或并入他案）的；分母：期间内网格员上报、已有受理结论的（立案、并案、不予立案、无效）",
                en:
                    "numerator: of the grid workers' reports made in the period, those filed (or merged into another case); denominator: those decided (filed, merged, not filed, invalid)"
            )
        case .onTimeCheckRate:
            Text(
                zh: "分子：核查期限在期间内、且在期限内（按工作时间）完成核查（通过或不通过）的核查轮次；分母：核查期限在期间内的核查轮次。每次派发核查为一轮，返工后再次核查另计一轮；按人统计时计入完成核查的网格员，尚未完成的计入上报该案的网格员",
                en:
                    "numerator: the check rounds due in the period that were done (passed or failed) by their deadline in work time; denominator: the check rounds due in the period. Each request for a check is a round, so a reworked case checked again counts again; by person, a round counts for the grid worker who did it, one not yet done for the grid worker who reported the case"
            )
        case .onTimeDiscoveryRate:
            Text(
                zh: "分子：期间内网格员上报、且在本人巡查打卡经过该网格后本区时限内（默认 120 分钟）上报的问题；分母：期间内网格员上报的问题。以上报前当天本人在该网格的最后一次打卡为准，当天未在该网格打卡即上报的不计入分子；时限以上报时本区的设置为准",
                en:
                    "numerator: of the grid workers' reports made in the period, those made within the district's limit (120 minutes unless set) after the reporter's round passed the grid; denominator: the grid workers' reports made in the period. The round is the reporter's last check-in in that grid that day before the report; a report with none is not on time; the limit is the one set when the report was made"
            )
        case .patrolCoverage:
            Text(
                zh: "分子：期间内有网格员巡查打卡的网格日；分母：期间内应巡查的网格日（每个最小网格每天至少巡查一轮，当天开始即计入，已撤销的网格自撤销时起不计）。按人统计时，分母为本人作为网格员负责范围内网格在其负责期间（当天任一时刻在任即计）的网格日，分子为其中本人在任时打卡的",
                en:
                    "numerator: the grid-days of the period on which a grid worker checked in; denominator: the grid-days due a round (every finest grid at least one round a day; a day counts once it has begun; a retired grid not once retired). By person: the grid-days of the grids within their grid worker scopes on the days they held them (at any time of the day), and of those the ones they checked in on themselves while they held them"
            )
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The indicator `key` names, or a 400 naming the field, the key and the known ones.
    public static func parse(_ key: String, field: String) throws -> Indicator {
        guard let indicator = Indicator(rawValue: key) else {
            throw GridError.invalid([
                FieldError(
                    field, .assessmentIndicatorUnknown,
                    Text(zh: "指标“\(key)”不存在（可选：\(allowedList)）", en: "unknown indicator '\(key)' (one of: \(allowedList))"))
            ])
        }
        return indicator
    }
}

/// What the indicators read of one case, as of a time: when it was filed, its handling deadline,
/// when it was handled and closed (nil: not by the time asked), its reworks and extensions, and
/// whether it was suspended then.
public struct IndicatorFact: Sendable, Equatable {
    public var filedAt: Date
    public var handleDue: Date?
    public var handledAt: Date?
    public var closedAt: Date?
    public var reworked: Bool
    public var extended: Bool
    public var suspended: Bool

    public init(
        filedAt: Date, handleDue: Date?, handledAt: Date?, closedAt: Date?, reworked: Bool = false, extended: Bool = false, suspended: Bool = false
    ) {
        self.filedAt = filedAt
        self.handleDue = handleDue
        self.handledAt = handledAt
        self.closedAt = closedAt
        self.reworked = reworked
        self.extended = extended
        self.suspended = suspended
    }
}

/// What the on-time check rate reads of one check round: when it was asked for, its deadline and
/// when it was done (nil: not yet).
public struct CheckRoundFact: Sendable, Equatable {
    public var requestedAt: Date
    public var due: Date
    public var doneAt: Date?

    public init(requestedAt: Date, due: Date, doneAt: Date?) {
        self.requestedAt = requestedAt
        self.due = due
        self.doneAt = doneAt
    }
}

/// The counts every indicator is a ratio of, for one group: what the database sums in one pass
/// (`IndicatorStore`) and what `Indicators.tally` counts from facts, so both meet in `value`.
public struct IndicatorTally: Sendable, Equatable {
    public var filed = 0, filedClosed = 0
    public var due = 0, dueHandled = 0, dueOnTime = 0
    public var handled = 0, handledReworked = 0, handledExtended = 0
    public var openOverdue = 0
    public var calledBack = 0, contacted = 0, resolved = 0, satisfied = 0, basicallySatisfied = 0
    public var closed = 0, closedFrontLine = 0
    public var summoned = 0, summonedOnTime = 0, scored = 0, scoreSum = 0
    public var reportsDecided = 0, reportsFiled = 0
    public var checksDue = 0, checksOnTime = 0
    public var reportsMade = 0, reportsOnRound = 0, gridDaysDue = 0, gridDaysCovered = 0

    public init() {}

    public static func + (a: IndicatorTally, b: IndicatorTally) -> IndicatorTally {
        var sum = a
        for path in counters { sum[keyPath: path] += b[keyPath: path] }
        return sum
    }

    /// Every counter, in a fixed order (the order the database returns them in).
    public static var counters: [WritableKeyPath<IndicatorTally, Int>] {
        [
            \.filed, \.filedClosed, \.due, \.dueHandled, \.dueOnTime, \.handled, \.handledReworked, \.handledExtended, \.openOverdue,
            \.calledBack, \.contacted, \.resolved, \.satisfied, \.basicallySatisfied, \.closed, \.closedFrontLine, \.summoned,
            \.summonedOnTime, \.scored, \.scoreSum, \.reportsDecided, \.reportsFiled, \.checksDue, \.checksOnTime,
            \.reportsMade, \.reportsOnRound, \.gridDaysDue, \.gridDaysCovered,
        ]
    }

    public func value(_ indicator: Indicator) -> IndicatorValue {
        func of(_ numerator: Int, _ denominator: Int?) -> IndicatorValue {
            IndicatorValue(indicator: indicator, numerator: Double(numerator), denominator: denominator)
        }
        return switch indicator {
        case .filed: of(filed, nil)
        case .onTimeHandlingRate: of(dueOnTime, due)
        case .handlingRate: of(dueHandled, due)
        case .closureRate: of(filedClosed, filed)
        case .reworkRate: of(handledReworked, handled)
        case .extensionRate: of(handledExtended, handled)
        case .openOverdue: of(openOverdue, nil)
        case .responseRate: of(contacted, calledBack)
        case .resolutionRate: of(resolved, calledBack)
        case .satisfactionRate:
            IndicatorValue(indicator: indicator, numerator: Double(satisfied) + 0.9 * Double(basicallySatisfied), denominator: calledBack)
        case .frontLineShare: of(closedFrontLine, closed)
        case .reportInOnTimeRate: of(summonedOnTime, summoned)
        case .whistleScore: of(scoreSum, scored)
        case .discoveryAccuracy: of(reportsFiled, reportsDecided)
        case .onTimeCheckRate: of(checksOnTime, checksDue)
        case .onTimeDiscoveryRate: of(reportsOnRound, reportsMade)
        case .patrolCoverage: of(gridDaysCovered, gridDaysDue)
        }
    }
}

/// One indicator's figure: numerator and denominator (a count has no denominator) and the value.
public struct IndicatorValue: Sendable, Equatable {
    public var indicator: Indicator
    public var numerator: Double
    public var denominator: Int?

    public init(indicator: Indicator, numerator: Double, denominator: Int?) {
        self.indicator = indicator
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The count, the rate or the mean score (nil with nothing to rate).
    public var value: Double? {
        guard let denominator else { return numerator }
        return denominator == 0 ? nil : numerator / Double(denominator)
    }
}

/// The case indicators counted from facts, for a period [from, to) as of `asOf` (re-running a past
/// period with the same `asOf` gives the same figures: what happened after it is not seen). This
/// is the reference the database's sums are tested against.
public enum Indicators {
    /// Whether a completion at `done` met `due` in work time: no working time passed between the
    /// deadline and the completion (17:30 and the next working day's 08:30 are the same instant).
    public static func onTime(_ done: Date, due: Date, calendar: WorkCalendar) -> Bool {
        done <= due || calendar.workSeconds(from: due, to: done) == 0
    }

    /// The case counters of `facts` (call-backs, whistles and reports are counted by the database).
    public static func tally(_ facts: [IndicatorFact], from: Date, to: Date, asOf: Date, calendar: WorkCalendar) -> IndicatorTally {
        func seen(_ date: Date?) -> Date? { date.flatMap { $0 <= asOf ? $0 : nil } }
        func within(_ date: Date?) -> Bool { date.map { $0 >= from && $0 < to } ?? false }
        let end = min(to, asOf)
        var tally = IndicatorTally()
        for fact in facts where fact.filedAt <= asOf {
            let handled = seen(fact.handledAt)
            if within(fact.filedAt) {
                tally.filed += 1
                if seen(fact.closedAt) != nil { tally.filedClosed += 1 }
            }
            if let due = fact.handleDue, within(due) {
                tally.due += 1
                if let handled {
                    tally.dueHandled += 1
                    if onTime(handled, due: due, calendar: calendar) { tally.dueOnTime += 1 }
                }
            }
            if within(handled) {
                tally.handled += 1
                if fact.reworked { tally.handledReworked += 1 }
                if fact.extended { tally.handledExtended += 1 }
            }
            let open = (handled.map { $0 >= end } ?? true) && (seen(fact.closedAt).map { $0 >= end } ?? true)
            if fact.filedAt < end, open, !fact.suspended, let due = fact.handleDue, !onTime(end, due: due, calendar: calendar) {
                tally.openOverdue += 1
            }
        }
        return tally
    }

    /// The check counters of `rounds`: those asked for by `asOf` whose deadline lies in the period,
    /// and of them those done by `asOf` and on time.
    public static func tally(checks rounds: [CheckRoundFact], from: Date, to: Date, asOf: Date, calendar: WorkCalendar) -> IndicatorTally {
        var tally = IndicatorTally()
        for round in rounds where round.requestedAt <= asOf && round.due >= from && round.due < to {
            tally.checksDue += 1
            if let done = round.doneAt, done <= asOf, onTime(done, due: round.due, calendar: calendar) { tally.checksOnTime += 1 }
        }
        return tally
    }

    public static func compute(
        _ indicator: Indicator, _ facts: [IndicatorFact], checks: [CheckRoundFact] = [], from: Date, to: Date, asOf: Date, calendar: WorkCalendar
    ) -> IndicatorValue {
        (tally(facts, from: from, to: to, asOf: asOf, calendar: calendar) + tally(checks: checks, from: from, to: to, asOf: asOf, calendar: calendar))
            .value(indicator)
    }
}
