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
            let local = Int64(end.timeIntervalSince1970.rounded(.down)) + Int64(utcOffsetSeconds)
            let day = LocalDate(dayNumber: Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400))
            let monday = day.dayNumber - (day.weekday - 1)
            return (0..<count).reversed().map { back in
                let first = monday - 7 * back
                return (
                    Date(timeIntervalSince1970: Double(first * 86_400 - utcOffsetSeconds)),
                    Date(timeIntervalSince1970: Double((first + 7) * 86_400 - utcOffsetSeconds))
                )
            }
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
