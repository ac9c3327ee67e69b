import Foundation

/// The periods of a series (周报、月报): weeks from Monday 00:00 or months from the 1st, in the
/// district's local time; the last one is the period that holds the series' end.
public enum SeriesInterval: String, Sendable, CaseIterable {
    case week, month

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The most periods one series holds (a year of weeks, two years of months).
    public var maxCount: Int { self == .week ? 53 : 24 }

    /// `count` periods, oldest first, the last holding `end`.
    public func periods(ending end: Date, count: Int, utcOffsetSeconds: Int) -> [(from: Date, to: Date)] {
        switch self {
        case .week:
            var week = AssessmentWeek(containing: LocalDate.containing(end, utcOffsetSeconds: utcOffsetSeconds))
            var result: [(from: Date, to: Date)] = []
            for _ in 0..<count {
                result.append(week.period(utcOffsetSeconds: utcOffsetSeconds))
                week = week.previous
            }
            return result.reversed()
        case .month:
            var month = AssessmentMonth(containing: end, utcOffsetSeconds: utcOffsetSeconds)
            var result: [(from: Date, to: Date)] = []
            for _ in 0..<count {
                result.append(month.period(utcOffsetSeconds: utcOffsetSeconds))
                month = month.previous
            }
            return result.reversed()
        }
    }

    /// The same period a year before (同比): the week 52 weeks earlier, the same month last year.
    public func yearBefore(_ period: (from: Date, to: Date), utcOffsetSeconds: Int) -> (from: Date, to: Date) {
        switch self {
        case .week:
            return (period.from.addingTimeInterval(-364 * 86_400), period.to.addingTimeInterval(-364 * 86_400))
        case .month:
            let month = AssessmentMonth(containing: period.from, utcOffsetSeconds: utcOffsetSeconds)
            return AssessmentMonth(year: month.year - 1, month: month.month)!.period(utcOffsetSeconds: utcOffsetSeconds)
        }
    }
}
