import GridCore
import PostgresNIO

/// A calendar date bound as PostgreSQL's `date`, and an array of them as `date[]` (binary: days
/// since 2000-01-01).
///
/// Typed so, the planner sees the values: a `text[]` cast to `date[]` in the statement is not
/// folded when it plans, and `= ANY` of it was estimated at half the table (a scan of every
/// month's patrol counts of the district, 70 ms, instead of one month's from the index).
extension LocalDate: PostgresNonThrowingEncodable, PostgresArrayEncodable {
    public static var psqlType: PostgresDataType { .date }
    public static var psqlFormat: PostgresFormat { .binary }
    public static var psqlArrayType: PostgresDataType { .dateArray }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(Int32(dayNumber - 10_957))  // 1970-01-01 to 2000-01-01
    }
}
