import Foundation
import OpenAPIRuntime

/// RFC 3339 timestamps with the offset of China Standard Time (`2026-11-22T09:30:00+08:00`), the
/// time the users read; any RFC 3339 offset is accepted on input.
struct ShanghaiDateTranscoder: DateTranscoder {
    private static let zone = TimeZone(identifier: "Asia/Shanghai")!

    func encode(_ date: Date) throws -> String {
        ISO8601DateFormatter.string(from: date, timeZone: Self.zone, formatOptions: [.withInternetDateTime])
    }

    func decode(_ string: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: string) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: string) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(string)' is not an RFC 3339 date-time"))
    }
}
