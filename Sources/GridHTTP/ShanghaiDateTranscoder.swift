import Foundation
import OpenAPIRuntime

/// RFC 3339 timestamps with the offset of China Standard Time (`2026-11-22T09:30:00+08:00`), the
/// time the users read; any RFC 3339 offset is accepted on input. Format styles are values, built
/// once: a formatter object per date costs more than the rest of a response.
struct ShanghaiDateTranscoder: DateTranscoder {
    static let output = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    static let input = Date.ISO8601FormatStyle(timeZoneSeparator: .colon)
    static let inputFractional = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, includingFractionalSeconds: true)

    func encode(_ date: Date) throws -> String { Self.output.format(date) }

    func decode(_ string: String) throws -> Date {
        if let date = try? Self.input.parse(string) { return date }
        if let date = try? Self.inputFractional.parse(string) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(string)' is not an RFC 3339 date-time"))
    }
}
