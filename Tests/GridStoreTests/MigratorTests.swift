import Foundation
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// Migrations apply once, are recorded, and an applied file that was edited is refused.
@Suite struct MigratorTests {
    @Test func reapplyingDoesNothingAndAnEditedFileIsRefused() async throws {
        try await TestDatabase.with { db in
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("sql/migrations")
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: source, to: copy)
            defer { try? FileManager.default.removeItem(at: copy) }
            let migrator = Migrator(directory: copy, logger: db.logger)
            #expect(try await migrator.migrate(db.owner).isEmpty)

            let first = try #require(try FileManager.default.contentsOfDirectory(atPath: copy.path).sorted().first)
            let file = copy.appendingPathComponent(first)
            try (try String(contentsOf: file, encoding: .utf8) + "\n-- an edit\n").write(to: file, atomically: true, encoding: .utf8)
            do {
                try await migrator.migrate(db.owner)
                Issue.record("an edited migration was accepted")
            } catch let error as StoreError {
                #expect("\(error)".contains("was changed after it was applied"))
            }

            // A new file is applied, recorded, and a failing one rolls back completely.
            try "CREATE TABLE migration_probe (tenant_id bigint NOT NULL, id bigint NOT NULL, PRIMARY KEY (tenant_id, id));"
                .write(to: copy.appendingPathComponent("9000_probe.sql"), atomically: true, encoding: .utf8)
            try (try String(contentsOf: source.appendingPathComponent(first), encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
            #expect(try await migrator.migrate(db.owner) == ["9000_probe.sql"])
            try "CREATE TABLE half_done (id bigint); SELECT no_such_function();".write(
                to: copy.appendingPathComponent("9001_broken.sql"), atomically: true, encoding: .utf8)
            await #expect(throws: StoreError.self) { try await migrator.migrate(db.owner) }
            var exists = true
            for try await found in try await db.owner.query("SELECT to_regclass('half_done') IS NOT NULL").decode(Bool.self) { exists = found }
            #expect(!exists)
        }
    }
}
