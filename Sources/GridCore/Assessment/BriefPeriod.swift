import Foundation

/// An ISO week ("2026-W48"): Monday to Sunday in the district's local time, numbered within the
/// year that holds its Thursday (ISO 8601), as the weekly meetings count them.
public struct AssessmentWeek: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Its Monday.
    public let monday: LocalDate

    /// The week holding `day`.
    public init(containing day: LocalDate) {
        monday = day.advanced(by: 1 - day.weekday)
    }

    /// Exactly "YYYY-Www", a week the year has (W53 only in a year with 53).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 8, parts.count == 2, parts[0].count == 4, parts[1].count == 3, parts[1].first == "W", let year = Int(parts[0]),
            (1949...2199).contains(year), let week = Int(parts[1].dropFirst()), week >= 1
        else { return nil }
        // Week 1 holds 4 January.
        let fourth = LocalDate(year: year, month: 1, day: 4)!
        let candidate = AssessmentWeek(containing: fourth.advanced(by: 7 * (week - 1)))
        guard candidate.year == year else { return nil }
        self = candidate
    }

    /// `text` as a week, or a 400 naming the field and the value.
    public static func parse(_ text: String, field: String = "week") throws -> AssessmentWeek {
        guard let week = AssessmentWeek(text) else {
            throw GridError.invalid([
                FieldError(field, .fieldFormat, Text(zh: "周“\(text)”应为 YYYY-Www，如 2026-W48", en: "week '\(text)' must be YYYY-Www, such as 2026-W48"))
            ])
        }
        return week
    }

    /// The ISO year: that of its Thursday.
    public var year: Int { monday.advanced(by: 3).year }
    /// Its number in the ISO year (1…53).
    public var number: Int { (monday.advanced(by: 3).dayNumber - LocalDate(year: year, month: 1, day: 1)!.dayNumber) / 7 + 1 }
    public var description: String { String(format: "%04d-W%02d", year, number) }
    public var next: AssessmentWeek { AssessmentWeek(containing: monday.advanced(by: 7)) }
    public var previous: AssessmentWeek { AssessmentWeek(containing: monday.advanced(by: -7)) }

    /// [its Monday's first instant, the next Monday's) at `utcOffsetSeconds`.
    public func period(utcOffsetSeconds: Int) -> (from: Date, to: Date) {
        func start(_ day: LocalDate) -> Date { Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 - utcOffsetSeconds)) }
        return (start(monday), start(monday.advanced(by: 7)))
    }

    public static func < (a: AssessmentWeek, b: AssessmentWeek) -> Bool { a.monday < b.monday }
}

/// How often a brief comes out: monthly (月报) or weekly (周报).
public enum BriefCadence: String, Sendable, CaseIterable, Codable {
    case month, week

    public var label: Text {
        switch self {
        case .month: Text(zh: "月报", en: "monthly brief")
        case .week: Text(zh: "周报", en: "weekly brief")
        }
    }
}

/// A user's subscription to the monthly or weekly brief of the district or a street.
public struct BriefSubscription: Sendable {
    public var id: Int64
    public var userId: Int64
    public var cadence: BriefCadence
    public var scopeId: Int64
    public var scopeCode: String
    public var scopeName: String
    public var createdAt: Date

    public init(id: Int64, userId: Int64, cadence: BriefCadence, scopeId: Int64, scopeCode: String, scopeName: String, createdAt: Date) {
        self.id = id
        self.userId = userId
        self.cadence = cadence
        self.scopeId = scopeId
        self.scopeCode = scopeCode
        self.scopeName = scopeName
        self.createdAt = createdAt
    }
}

/// The period of a brief: a month ("2026-11") or an ISO week ("2026-W48").
public enum BriefPeriod: Hashable, Sendable, CustomStringConvertible {
    case month(AssessmentMonth)
    case week(AssessmentWeek)

    /// "YYYY-MM" or "YYYY-Www", or a 400 naming the field and the value.
    public static func parse(_ text: String, field: String = "period") throws -> BriefPeriod {
        if let month = AssessmentMonth(text) { return .month(month) }
        if let week = AssessmentWeek(text) { return .week(week) }
        throw GridError.invalid([
            FieldError(
                field, .fieldFormat,
                Text(
                    zh: "简报期间“\(text)”应为月份 YYYY-MM（如 2026-11）或周 YYYY-Www（如 2026-W48）",
                    en: "brief period '\(text)' must be a month YYYY-MM (such as 2026-11) or a week YYYY-Www (such as 2026-W48)"))
        ])
    }

    /// The last period of `cadence` that has ended by `now`.
    public static func lastEnded(_ cadence: BriefCadence, before now: Date, utcOffsetSeconds: Int) -> BriefPeriod {
        switch cadence {
        case .month: .month(AssessmentMonth(containing: now, utcOffsetSeconds: utcOffsetSeconds).previous)
        case .week: .week(AssessmentWeek(containing: LocalDate.containing(now, utcOffsetSeconds: utcOffsetSeconds)).previous)
        }
    }

    public var cadence: BriefCadence {
        switch self {
        case .month: .month
        case .week: .week
        }
    }

    public var description: String {
        switch self {
        case .month(let month): month.description
        case .week(let week): week.description
        }
    }

    public var previous: BriefPeriod {
        switch self {
        case .month(let month): .month(month.previous)
        case .week(let week): .week(week.previous)
        }
    }

    public var next: BriefPeriod {
        switch self {
        case .month(let month): .month(month.next)
        case .week(let week): .week(week.next)
        }
    }

    public func period(utcOffsetSeconds: Int) -> (from: Date, to: Date) {
        switch self {
        case .month(let month): month.period(utcOffsetSeconds: utcOffsetSeconds)
        case .week(let week): week.period(utcOffsetSeconds: utcOffsetSeconds)
        }
    }

    /// "2026年11月", "2026年第48周（11月23日—11月29日）".
    public var label: String {
        switch self {
        case .month(let month): "\(month.year)年\(month.month)月"
        case .week(let week):
            "\(week.year)年第\(week.number)周（\(week.monday.month)月\(week.monday.day)日—\(week.monday.advanced(by: 6).month)月\(week.monday.advanced(by: 6).day)日）"
        }
    }

    /// "本月" or "本周", "上月" or "上周".
    public var thisLabel: String { cadence == .month ? "本月" : "本周" }
    public var previousLabel: String { cadence == .month ? "上月" : "上周" }
}

extension LocalDate {
    /// The local day `date` falls on at `utcOffsetSeconds`.
    public static func containing(_ date: Date, utcOffsetSeconds: Int) -> LocalDate {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(utcOffsetSeconds)
        return LocalDate(dayNumber: Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400))
    }
}
