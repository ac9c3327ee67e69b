import PostgresNIO

/// A calendar date (`yyyy-MM-dd`) bound as PostgreSQL's `date`, and an array of them as `date[]`.
///
/// Typed so, the planner sees the values: a `text[]` cast to `date[]` in the statement is not
/// folded when it plans, and `= ANY` of it was estimated at half the table (a scan of every
/// month's patrol counts of the district, 70 ms, instead of one month's from the index).
public struct SQLDate: PostgresNonThrowingEncodable, PostgresArrayEncodable, Sendable, Equatable {
    public static var psqlType: PostgresDataType { .date }
    public static var psqlFormat: PostgresFormat { .binary }
    public static var psqlArrayType: PostgresDataType { .dateArray }

    /// Days since 2000-01-01, PostgreSQL's binary form of a date.
    public let daysSince2000: Int32

    /// The date of `yyyy-MM-dd` in the proleptic Gregorian calendar; nil unless it is one.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), day >= 1,
            day <= Self.length(month, of: year)
        else { return nil }
        // Days from the civil date (H. Hinnant's algorithm), counted from 1970-01-01, then from 2000-01-01.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        daysSince2000 = Int32(era * 146_097 + dayOfEra - 719_468 - 10_957)
    }

    static func length(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(daysSince2000)
    }
}
