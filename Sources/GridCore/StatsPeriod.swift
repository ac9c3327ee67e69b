import Foundation

/// The period a figure is asked for, [from, to): its end after its start, at most two years long.
public enum StatsPeriod {
    public static let maxSeconds: TimeInterval = 366 * 86400 * 2

    public static func check(from: Date, to: Date) throws {
        guard from < to else {
            throw GridError.invalid([
                FieldError("to", .periodReversed, Text(zh: "统计区间的结束应晚于开始", en: "the period's end must come after its start"))
            ])
        }
        guard to.timeIntervalSince(from) <= maxSeconds else {
            throw GridError.invalid([FieldError("to", .periodTooLong, Text(zh: "统计区间最长两年", en: "a period is at most two years long"))])
        }
    }
}
