import ArgumentParser
import Foundation
import GridCore
import GridService
import GridStore
import Logging
import PostgresNIO

enum CLI {
    static var language: Language {
        Settings.current.language
    }

    /// The text in the CLI's language.
    static func say(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

    static func logger(_ label: String = "gridgov") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = Settings.current.logLevel ?? .error
        return logger
    }

    /// Runs `body` with a connected client, then shuts the pool down.
    static func withClient<T: Sendable>(url: String, logger: Logger, _ body: @Sendable @escaping (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try DatabaseURL.configuration(url, maximumConnections: Settings.current.poolSize), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            do {
                let value = try await body(client)
                return value
            } catch let error as GridError {
                throw error
            } catch let error as PSQLError {
                throw CLIError(
                    message: CLI.say(
                        "数据库：\(error.serverInfo?[.message] ?? String(reflecting: error))",
                        "database: \(error.serverInfo?[.message] ?? String(reflecting: error))"))
            }
        }
    }

    static func withService<T: Sendable>(_ connection: ConnectionOptions, _ body: @Sendable @escaping (GridService) async throws -> T) async throws -> T {
        let logger = logger()
        return try await report {
            try await Caller.$operatorName.withValue(connection.operatorName) {
                try await withClient(url: try connection.url, logger: logger) { client in
                    try await body(GridService(db: Database(client: client, logger: logger), configuration: Settings.current.service))
                }
            }
        }
    }

    /// `withService` for a command on one district: the `--tenant` code resolved to its id first.
    static func withDistrict<T: Sendable>(
        _ connection: ConnectionOptions, _ tenant: TenantOption, _ body: @Sendable @escaping (GridService, Int64) async throws -> T
    ) async throws -> T {
        let code = tenant.code
        return try await withService(connection) { service in try await body(service, try await service.tenantId(code: code)) }
    }

    /// Turns domain errors into a readable message on stderr and exit code 1.
    static func report<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as GridError {
            var lines = ["error: \(error.message.localized(language)) [\(error.code)]"]
            for field in error.fieldErrors { lines.append("  \(field.field): \(field.message.localized(language))") }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(1)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch let error as StoreError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// A time as the district reads it (UTC+8).
    static func localTime(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 8 * 3600)!).year().month().day().time(includingFractionalSeconds: false))
    }

    static func printTable(_ rows: [[String]]) {
        guard let header = rows.first else { return }
        var widths = header.map { _ in 0 }
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) } }
        for row in rows {
            print(row.enumerated().map { i, cell in cell + String(repeating: " ", count: widths[i] - displayWidth(cell)) }.joined(separator: "  "))
        }
    }

    /// Terminal columns: CJK characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && $1.properties.isIdeographic || (0xFF00...0xFFEF).contains($1.value) ? 2 : 1) }
    }
}

struct CLIError: Error {
    var message: String
}

/// A one-line progress bar on stderr.
struct ProgressBar: Sendable {
    let label: String

    func update(_ done: Int, _ total: Int) {
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)\(done == total ? "\n" : "")".utf8))
    }
}
