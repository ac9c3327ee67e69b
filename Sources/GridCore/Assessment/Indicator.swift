import Foundation

/// What an indicator counts in: cases, or a share of them.
public enum IndicatorUnit: String, Sendable, Codable {
    case count, rate
}

/// The assessment's indicators (issue 18) as named, documented definitions: CJ/T 292's region,
/// department and post rates, the open overdue cases counted against their holder. Each says
/// what its numerator and denominator are, which events and times count and what is left out, so
/// that the figure and its definition are shown together (`definition`).
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

    public var unit: IndicatorUnit {
        switch self {
        case .filed, .openOverdue: .count
        default: .rate
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
        }
    }

    /// The definition shown beside the figure: numerator, denominator, times, what is left out.
    public var definition: Text {
        switch self {
        case .filed:
            Text(zh: "期间内立案的案件数（不含不予立案、作废）", en: "cases filed in the period (not those refused or voided)")
        case .onTimeHandlingRate:
            Text(
                zh: "分子：处置期限在期间内、且在期限内（按工作时间）办结的案件；分母：处置期限在期间内的案件（挂账期间不计时）。17:30 办结与次日 08:30 办结是同一工作时刻",
                en:
                    "numerator: cases whose handling deadline fell in the period and that were handled by it in work time; denominator: cases whose handling deadline fell in the period (suspensions stop the clock). Handling at 17:30 and at 08:30 the next working day are the same work instant"
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
                zh: "期末仍未办结、已超过处置期限（按工作时间）的案件数，计入持有部门",
                en: "cases still open at the period's end and past their handling deadline in work time, counted against their holder")
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What the indicators read of one case, as of a time: when it was filed, its handling deadline,
/// when it was handled and closed (nil: not by the time asked), its reworks and extensions.
public struct IndicatorFact: Sendable, Equatable {
    public var filedAt: Date
    public var handleDue: Date?
    public var handledAt: Date?
    public var closedAt: Date?
    public var reworked: Bool
    public var extended: Bool

    public init(filedAt: Date, handleDue: Date?, handledAt: Date?, closedAt: Date?, reworked: Bool = false, extended: Bool = false) {
        self.filedAt = filedAt
        self.handleDue = handleDue
        self.handledAt = handledAt
        self.closedAt = closedAt
        self.reworked = reworked
        self.extended = extended
    }
}

/// One indicator's figure: numerator and denominator (a count has no denominator) and the value.
public struct IndicatorValue: Sendable, Equatable {
    public var indicator: Indicator
    public var numerator: Int
    public var denominator: Int?

    /// The count, or the rate (nil with nothing to rate).
    public var value: Double? {
        guard let denominator else { return Double(numerator) }
        return denominator == 0 ? nil : Double(numerator) / Double(denominator)
    }
}

/// The indicators computed from facts, for a period [from, to) as of `asOf` (re-running a past
/// period with the same `asOf` gives the same figures: what happened after it is not seen).
public enum Indicators {
    /// Whether a completion at `done` met `due` in work time: no working time passed between the
    /// deadline and the completion (17:30 and the next working day's 08:30 are the same instant).
    public static func onTime(_ done: Date, due: Date, calendar: WorkCalendar) -> Bool {
        done <= due || calendar.workSeconds(from: due, to: done) == 0
    }

    public static func compute(
        _ indicator: Indicator, _ facts: [IndicatorFact], from: Date, to: Date, asOf: Date, calendar: WorkCalendar
    ) -> IndicatorValue {
        func seen(_ date: Date?) -> Date? { date.flatMap { $0 <= asOf ? $0 : nil } }
        func within(_ date: Date?) -> Bool { date.map { $0 >= from && $0 < to } ?? false }
        let filed = facts.filter { within($0.filedAt) && $0.filedAt <= asOf }
        let due = facts.filter { within($0.handleDue) && $0.filedAt <= asOf }
        let handled = facts.filter { within(seen($0.handledAt)) }
        switch indicator {
        case .filed:
            return IndicatorValue(indicator: indicator, numerator: filed.count, denominator: nil)
        case .onTimeHandlingRate:
            let met = due.filter { f in seen(f.handledAt).map { onTime($0, due: f.handleDue!, calendar: calendar) } ?? false }
            return IndicatorValue(indicator: indicator, numerator: met.count, denominator: due.count)
        case .handlingRate:
            return IndicatorValue(indicator: indicator, numerator: due.filter { seen($0.handledAt) != nil }.count, denominator: due.count)
        case .closureRate:
            return IndicatorValue(indicator: indicator, numerator: filed.filter { seen($0.closedAt) != nil }.count, denominator: filed.count)
        case .reworkRate:
            return IndicatorValue(indicator: indicator, numerator: handled.filter(\.reworked).count, denominator: handled.count)
        case .extensionRate:
            return IndicatorValue(indicator: indicator, numerator: handled.filter(\.extended).count, denominator: handled.count)
        case .openOverdue:
            let end = min(to, asOf)
            let overdue = facts.filter { f in
                guard f.filedAt < end, let due = f.handleDue, seen(f.handledAt).map({ $0 >= end }) ?? true else { return false }
                return !onTime(end, due: due, calendar: calendar)
            }
            return IndicatorValue(indicator: indicator, numerator: overdue.count, denominator: nil)
        }
    }
}
