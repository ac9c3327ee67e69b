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
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
    }

    static func json(_ data: Data, file: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw CLIError(message: "\(file) is not valid JSON: \(describe(error))")
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
        guard FileManager.default.createFile(atPath: output, contents: data) else { throw ValidationError("cannot write \(output)") }
    }
}
