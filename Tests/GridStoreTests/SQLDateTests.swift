import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// Calendar dates bound as PostgreSQL `date` and `date[]`: their days since 2000-01-01, checked by
/// hand and read back by the database as the text they came from.
@Suite struct SQLDateTests {
    @Test func aDateIsItsDaysSince2000AndOnlyARealDateIsOne() {
        #expect(SQLDate("2000-01-01")?.daysSince2000 == 0)
        #expect(SQLDate("1999-12-31")?.daysSince2000 == -1)
        #expect(SQLDate("2026-09-01")?.daysSince2000 == 9740)
        #expect(SQLDate("2024-03-01")?.daysSince2000 == 8826, "2024 is a leap year")
        #expect(SQLDate("2024-02-29") != nil && SQLDate("2026-02-29") == nil && SQLDate("1900-02-29") == nil && SQLDate("2000-02-29") != nil)
        for bad in ["2026-9-01", "2026-13-01", "2026-04-31", "2026-00-10", "20260901", "", "2026-09-01T00:00"] { #expect(SQLDate(bad) == nil, "\(bad)") }
    }

    @Test func theDatabaseReadsTheDatesBoundAsTheTextTheyCameFrom() async throws {
        try await TestDatabase.with { db in
            let days = ["2026-09-01", "2024-02-29", "1999-12-31", "2026-12-31"]
            var bindings = PostgresBindings()
            bindings.append(days.compactMap(SQLDate.init))
            bindings.append(SQLDate("2026-11-01")!)
            var read: (String, String)?
            for try await row in try await db.owner.query(
                PostgresQuery(unsafeSQL: "SELECT array_to_string($1, ','), $2::text", binds: bindings), logger: db.logger
            ).decode((String, String).self) { read = row }
            #expect(read?.0 == days.joined(separator: ",") && read?.1 == "2026-11-01")
        }
    }
}
