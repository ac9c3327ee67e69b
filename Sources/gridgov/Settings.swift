import Foundation
import GridCore
import GridService
import Logging

/// Every setting the process takes from its environment, read in one place. The libraries below
/// read none: they are handed these values (the pool size, the migrations directory, the bcrypt
/// cost). Command-line options, where a command has them, win over the environment.
struct Settings: Sendable {
    /// `DATABASE_URL`: the service role's database.
    var databaseURL: String?
    /// `GRIDGOV_OWNER_URL`: the schema owner's, for migrations (falls back to `DATABASE_URL`).
    var ownerURL: String?
    /// `GRIDGOV_READ_URL`: a streaming standby of the same database (the service role), where
    /// figures, briefs and exports are read; unset, they are read on the primary.
    var readURL: String?
    /// `GRIDGOV_MIGRATIONS`: the migrations directory (else `sql/migrations` found near the binary).
    var migrationsDirectory: String?
    /// `GRIDGOV_MIGRATE=1`: `serve` migrates before serving.
    var migrateOnStart: Bool
    /// `GRIDGOV_HOST`, `GRIDGOV_PORT`.
    var host: String
    var port: Int
    /// `GRIDGOV_MAX_BODY_BYTES`: the largest request body (1 MiB).
    var maxBodyBytes: Int
    /// `GRIDGOV_IDLE_SECONDS`: how long a kept-alive connection may stay idle (the server's default when unset).
    var idleSeconds: Int?
    /// `GRIDGOV_DB_POOL`: connections in the pool (20).
    var poolSize: Int
    /// `GRIDGOV_DB_WAIT_SECONDS`: how long a database call may wait before the request answers 503 (10).
    var databaseWaitSeconds: Int
    /// `GRIDGOV_STATEMENT_TIMEOUT`: PostgreSQL's statement_timeout for the service's sessions (30s).
    var statementTimeout: String
    /// `GRIDGOV_BCRYPT_COST` (4–31; 11).
    var bcryptCost: Int?
    /// `LOG_LEVEL`: nil when unset or unknown (each command has its own default).
    var logLevel: Logger.Level?
    /// `LANG`: Chinese under zh_*, else English.
    var language: Language

    init(environment: [String: String]) {
        func int(_ key: String) -> Int? { environment[key].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        databaseURL = environment["DATABASE_URL"]
        ownerURL = environment["GRIDGOV_OWNER_URL"] ?? environment["DATABASE_URL"]
        readURL = environment["GRIDGOV_READ_URL"].flatMap { $0.isEmpty ? nil : $0 }
        migrationsDirectory = environment["GRIDGOV_MIGRATIONS"]
        migrateOnStart = environment["GRIDGOV_MIGRATE"] == "1"
        host = environment["GRIDGOV_HOST"] ?? "127.0.0.1"
        port = int("GRIDGOV_PORT") ?? 8080
        maxBodyBytes = int("GRIDGOV_MAX_BODY_BYTES") ?? 1 << 20
        idleSeconds = int("GRIDGOV_IDLE_SECONDS").map { max(1, $0) }
        poolSize = int("GRIDGOV_DB_POOL").map { max(1, $0) } ?? 20
        databaseWaitSeconds = int("GRIDGOV_DB_WAIT_SECONDS").map { max(1, $0) } ?? 10
        statementTimeout = environment["GRIDGOV_STATEMENT_TIMEOUT"] ?? "30s"
        bcryptCost = int("GRIDGOV_BCRYPT_COST").flatMap { (4...31).contains($0) ? $0 : nil }
        logLevel = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        language = (environment["LANG"] ?? "").lowercased().hasPrefix("zh") ? .zh : .en
    }

    /// The process's settings, read once.
    static let current = Settings(environment: ProcessInfo.processInfo.environment)

    /// What the services take from the settings.
    var service: GridService.Configuration {
        var configuration = GridService.Configuration()
        if let bcryptCost { configuration.bcryptCost = bcryptCost }
        return configuration
    }
}
