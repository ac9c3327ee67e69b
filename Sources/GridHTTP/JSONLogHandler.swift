import Foundation
import Logging

/// One JSON object per log line on stdout: time, level, label, message and metadata (request id,
/// tenant, user …), for log collectors.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    static let lock = NSLock()
    static let time = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let data = Data(render(event, at: Date()).utf8)
        Self.lock.withLock { FileHandle.standardOutput.write(data) }
    }

    /// The event's line, newline included.
    func render(_ event: LogEvent, at time: Date) -> String {
        // Written by hand: JSONSerialization of a dictionary cost as much as encoding a whole response.
        var line = "{\"time\":\"\(Self.time.format(time))\",\"level\":\"\(event.level.rawValue)\",\"label\":"
        Self.appendQuoted(label, to: &line)
        line += ",\"message\":"
        Self.appendQuoted("\(event.message)", to: &line)
        let fields = event.metadata.map { metadata.merging($0, uniquingKeysWith: { $1 }) } ?? metadata
        for key in fields.keys.sorted() where !["time", "level", "label", "message"].contains(key) {
            line += ","
            Self.appendQuoted(key, to: &line)
            line += ":"
            Self.appendQuoted("\(fields[key]!)", to: &line)
        }
        line += "}\n"
        return line
    }

    /// `text` as a JSON string literal (RFC 8259 escapes; everything else, Chinese included, as is).
    static func appendQuoted(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20: line += String(format: "\\u%04x", scalar.value)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}
