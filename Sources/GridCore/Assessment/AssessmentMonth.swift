import Foundation

/// A month of the assessment ("2026-11"): the period a version of the weights takes effect from
/// and the period most figures and rankings are asked for, in the district's local time.
public struct AssessmentMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1949...2199).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// Exactly "YYYY-MM".
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The month `date` falls in, at `utcOffsetSeconds`.
    public init(containing date: Date, utcOffsetSeconds: Int) {
        let day = LocalDate.containing(date, utcOffsetSeconds: utcOffsetSeconds)
        self.init(year: day.year, month: day.month)!
    }

    /// `text` as a month, or a 400 naming the field and the value.
    public static func parse(_ text: String, field: String = "month") throws -> AssessmentMonth {
        guard let month = AssessmentMonth(text) else {
            throw GridError.invalid([
                FieldError(field, .fieldFormat, Text(zh: "月份“\(text)”应为 YYYY-MM，如 2026-11", en: "month '\(text)' must be YYYY-MM, such as 2026-11"))
            ])
        }
        return month
    }

    public var description: String { String(format: "%04d-%02d", year, month) }
    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1)! }
    public var next: AssessmentMonth { month == 12 ? AssessmentMonth(year: year + 1, month: 1)! : AssessmentMonth(year: year, month: month + 1)! }
    public var previous: AssessmentMonth { month == 1 ? AssessmentMonth(year: year - 1, month: 12)! : AssessmentMonth(year: year, month: month - 1)! }

    /// Its first instant at `utcOffsetSeconds`.
    public func start(utcOffsetSeconds: Int) -> Date {
        Date(timeIntervalSince1970: Double(firstDay.dayNumber * 86_400 - utcOffsetSeconds))
    }

    /// [its first instant, the next month's).
    public func period(utcOffsetSeconds: Int) -> (from: Date, to: Date) {
        (start(utcOffsetSeconds: utcOffsetSeconds), next.start(utcOffsetSeconds: utcOffsetSeconds))
    }

    public static func < (a: AssessmentMonth, b: AssessmentMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
}
