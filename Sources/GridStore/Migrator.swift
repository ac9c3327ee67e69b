import Crypto
import Foundation
import Logging
import PostgresNIO

/// Applies the ordered SQL files of `sql/migrations` as the schema owner: under an advisory lock,
/// each file in its own transaction, recorded with its SHA-256. An applied file that was edited
/// afterwards is refused: history is changed by a new file, never by rewriting an old one.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var sql: String
        public var checksum: String
    }

    static let lockKey: Int64 = 0x6772_6964_676F_76  // "gridgov"

    public let directory: URL
    public let logger: Logger

    public init(directory: URL, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// The migrations directory: `configured` when given, else `sql/migrations` under the working
    /// directory or next to the executable's package checkout.
    public static func defaultDirectory(configured: String? = nil) -> URL {
        if let configured { return URL(fileURLWithPath: configured) }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(executable)
            executable.deleteLastPathComponent()
        }
        for base in candidates {
            let url = base.appendingPathComponent("sql/migrations")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: "sql/migrations")
    }

    public func load() throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        var seen: Set<Int> = []
        return try files.map { file in
            guard let version = Int(file.prefix { $0.isNumber }), file.first?.isNumber == true else {
                throw StoreError.migration("migration file '\(file)' must start with its version number, e.g. 0002_cases.sql")
            }
            guard seen.insert(version).inserted else { throw StoreError.migration("two migration files have version \(version)") }
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            let checksum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            return Migration(version: version, name: file, sql: String(decoding: data, as: UTF8.self), checksum: checksum)
        }
    }

    /// Applies what is missing; returns the names of the files applied now.
    @discardableResult
    public func migrate(_ client: PostgresClient) async throws -> [String] {
        let migrations = try load()
        return try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(migrations, on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], on connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        var recorded: [Int: (String, String)] = [:]
        for try await (version, name, checksum) in try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations", logger: logger
        ).decode((Int, String, String).self) {
            recorded[version] = (name, checksum)
        }
        var applied: [String] = []
        for migration in migrations {
            if let (name, checksum) = recorded[migration.version] {
                guard checksum == migration.checksum else {
                    throw StoreError.migration(
                        "migration \(migration.name) was changed after it was applied as \(name) "
                            + "(checksum \(checksum.prefix(12))… now \(migration.checksum.prefix(12))…): "
                            + "restore the file and put the change in a new migration")
                }
                continue
            }
            try await connection.query("BEGIN", logger: logger)
            do {
                for statement in SQLScript.statements(migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                let reason = (error as? PSQLError)?.serverInfo?[.message] ?? "\(error)"
                throw StoreError.migration("migration \(migration.name) failed and was rolled back: \(reason)")
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            applied.append(migration.name)
        }
        return applied
    }
}
