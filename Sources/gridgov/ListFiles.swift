import ArgumentParser
import Foundation
import GridCore
import GridService

/// A list file's format, from `--format` or the file's extension.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json

    static func of(_ file: String, _ explicit: ListFormat?) -> ListFormat {
        explicit ?? (file.lowercased().hasSuffix(".json") ? .json : .csv)
    }
}

enum Files {
    static func read(_ file: String) throws -> Data {
        do {
            return file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError(CLI.say("无法读取 \(file)：\(error.localizedDescription)", "cannot read \(file): \(error.localizedDescription)"))
        }
    }

    static func json(_ data: Data, file: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw CLIError(message: CLI.say("\(file) 不是有效的 JSON：\(describe(error))", "\(file) is not valid JSON: \(describe(error))"))
        }
    }

    /// A list's entries read from `file` as CSV or JSON (by `--format` or the extension), each with
    /// the place it came from (`line 3`, `duties[2]`), for errors that name it.
    static func list<Entry: Sendable>(
        _ file: String, format: ListFormat?, key: String, csv: @escaping @Sendable (Data) throws -> ([Entry], [String]),
        json: @escaping @Sendable (JSONValue) throws -> [Entry]
    ) async throws -> (entries: [Entry], sources: [String]) {
        let data = try read(file)
        switch ListFormat.of(file, format) {
        case .csv:
            return try await CLI.report { try csv(data) }
        case .json:
            let document = try await CLI.report { try Files.json(data, file: file) }
            let entries = try await CLI.report { try json(document) }
            return (entries, entries.indices.map { "\(key)[\($0)]" })
        }
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        }
        return "\(error)"
    }

    static func write(_ data: Data, to output: String?) throws {
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        guard FileManager.default.createFile(atPath: output, contents: data) else { throw ValidationError(CLI.say("无法写入 \(output)", "cannot write \(output)")) }
    }
}
