/// How a handling time limit is counted: natural minutes, hours or days of the work calendar,
/// or calendar days.
public enum LimitUnit: String, Sendable, Codable, CaseIterable {
    case minutes, workHours, workDays, calendarDays

    public var label: Text {
        switch self {
        case .minutes: Text(zh: "分钟", en: "minutes")
        case .workHours: Text(zh: "工作小时", en: "work hours")
        case .workDays: Text(zh: "工作日", en: "work days")
        case .calendarDays: Text(zh: "自然日", en: "calendar days")
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A time limit such as "4 work hours" or "15 work days".
public struct TimeLimit: Sendable, Hashable, Codable, CustomStringConvertible {
    public var amount: Int
    public var unit: LimitUnit

    public init(amount: Int, unit: LimitUnit) {
        self.amount = amount
        self.unit = unit
    }

    /// The longest limit anyone could mean: a year of calendar days.
    public static let maxAmount = 525_600

    public var description: String { "\(amount) \(unit.rawValue)" }
}
