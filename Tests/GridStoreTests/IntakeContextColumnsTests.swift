import GridTestSupport
import PostgresNIO
import Testing

@testable import GridStore

/// Intake decodes `intake_context`'s row by named columns; their places must be the function's.
@Suite struct IntakeContextColumnsTests {
    @Test func theNamedColumnsAreTheFunctionsResultInOrder() async throws {
        try await TestDatabase.with { db in
            let names = try await db.db.query(
                """
                SELECT unnest(proargnames[5:]) FROM pg_proc
                WHERE proname = 'intake_context' AND pronamespace = 'public'::regnamespace
                """
            ) { try $0.decode(String.self) }
            #expect(names == CaseStore.IntakeContextStatement.Column.allCases.map(\.sqlName))
            #expect(CaseStore.IntakeContextStatement.Column.tDivisionCode.sqlName == "t_division_code")
        }
    }
}
