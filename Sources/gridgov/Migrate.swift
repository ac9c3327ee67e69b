import ArgumentParser
import Foundation
import GridStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the SQL migrations in sql/migrations as the schema owner.")

    @Option(name: .customLong("owner-url"), help: "PostgreSQL URL of the schema owner (default: $GRIDGOV_OWNER_URL, else $DATABASE_URL).")
    var ownerURL: String?

    @Option(help: "Directory of the migration files (default: $GRIDGOV_MIGRATIONS or ./sql/migrations).")
    var directory: String?

    func run() async throws {
        let applied = try await Self.migrate(ownerURL: ownerURL, directory: directory)
        let names = applied.joined(separator: ", ")
        print(applied.isEmpty ? CLI.say("数据库结构已是最新", "schema is up to date") : CLI.say("已执行迁移：\(names)", "applied: \(names)"))
    }

    static func migrate(ownerURL: String?, directory: String?) async throws -> [String] {
        let settings = Settings.current
        guard let url = ownerURL ?? settings.ownerURL else {
            throw ValidationError(CLI.say("未指定属主数据库：请设置 GRIDGOV_OWNER_URL 或传 --owner-url", "no owner database URL: set GRIDGOV_OWNER_URL or pass --owner-url"))
        }
        let logger = CLI.logger()
        let migrator = Migrator(
            directory: directory.map { URL(fileURLWithPath: $0) } ?? Migrator.defaultDirectory(configured: settings.migrationsDirectory), logger: logger)
        return try await CLI.report {
            try await CLI.withClient(url: url, logger: logger) { client in try await migrator.migrate(client) }
        }
    }
}
