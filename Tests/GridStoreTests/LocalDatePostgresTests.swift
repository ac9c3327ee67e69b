import GridCore
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// Calendar dates bound as PostgreSQL `date` and `date[]` are read back by the database as the
/// text they came from (before and after 2000-01-01, on a leap day).
@Suite struct LocalDatePostgresTests {
    @Test func theDatabaseReadsTheDatesBoundAsTheTextTheyCameFrom() async throws {
        try await TestDatabase.with { db in
            let days = ["2026-09-01", "2024-02-29", "1999-12-31", "2000-01-01", "2026-12-31"]
            var bindings = PostgresBindings()
            bindings.append(days.compactMap(LocalDate.init))
            bindings.append(LocalDate("2026-11-01")!)
            var read: (String, String)?
            for try await row in try await db.owner.query(
                PostgresQuery(unsafeSQL: "SELECT array_to_string($1, ','), $2::text", binds: bindings), logger: db.logger
            ).decode((String, String).self) { read = row }
            #expect(read?.0 == days.joined(separator: ",") && read?.1 == "2026-11-01")
        }
    }
}
