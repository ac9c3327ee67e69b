import Foundation
import GridCore
import GridStore
import GridTestSupport
import Logging
import PostgresNIO
import Testing

/// What the service's door to PostgreSQL does when the database fails it: every wait is bounded,
/// nothing half-done commits, and every failure becomes 503 `db.unavailable` with a Retry-After,
/// saying so when a COMMIT got no answer.
@Suite struct DatabaseFaultTests {
    func expectUnavailable(_ error: (any Error)?, sourceLocation: SourceLocation = #_sourceLocation) -> GridError? {
        let grid = error as? GridError
        #expect(grid?.code == .dbUnavailable, "got \(String(describing: error))", sourceLocation: sourceLocation)
        #expect(grid?.kind == .unavailable, sourceLocation: sourceLocation)
        #expect(grid?.retryAfter != nil, sourceLocation: sourceLocation)
        return grid
    }

    func departmentExists(_ db: TestDatabase, tenantId: Int64, code: String) async throws -> Bool {
        try await db.db.withTenant(tenantId) { tx in try await DepartmentStore.find(tx, code: code) != nil }
    }

    /// Inserts a department in `tx`'s district (what the tests then look for).
    func insertDepartment(_ tx: Tx, code: String) async throws {
        try await tx.query(
            """
            INSERT INTO departments (tenant_id, code, name, kind, org_unit_id)
            SELECT \(tx.tenant), \(code), '测试部门', 'district', id FROM org_units WHERE tenant_id = \(tx.tenant) AND parent_id IS NULL
            """)
    }

    @Test func aCallWaitingForAConnectionGivesUpAtTheLimit() async throws {
        try await TestDatabase.with { db in
            try await db.withOwnPool(connections: 1, waitLimit: .seconds(1)) { database in
                let holding = AsyncStream<Void>.makeStream()
                let release = AsyncStream<Void>.makeStream()
                // The holder has no limit of its own.
                let unbounded = Database(client: database.client, logger: db.logger)
                async let held: Void = unbounded.withoutTenant { _ in
                    holding.continuation.yield()
                    for await _ in release.stream { break }
                }
                for await _ in holding.stream { break }
                // The only connection is taken: the next call waits for it, and stops waiting after a second.
                var failure: (any Error)?
                do { try await database.ping() } catch { failure = error }
                let error = expectUnavailable(failure)
                #expect(error?.message.en.contains("no connection") == true, "\(String(describing: error))")
                release.continuation.yield()
                try await held
                // The pool is whole again: the connection came back.
                try await database.ping()
            }
        }
    }

    @Test func aStatementPastTheLimitIsAbandonedAndItsTransactionDoesNotCommit() async throws {
        try await TestDatabase.with { db in
            let district = try await db.seedSmallDistrict()
            try await db.withOwnPool(connections: 2, waitLimit: .seconds(1)) { database in
                var failure: (any Error)?
                do {
                    try await database.withTenant(district.tenantId) { tx in
                        try await insertDepartment(tx, code: "SLOW")
                        try await tx.query("SELECT pg_sleep(5)")
                    }
                } catch { failure = error }
                let error = expectUnavailable(failure)
                #expect(error?.message.en.contains("not committed") == true, "\(String(describing: error))")
                // The service goes on with a fresh connection.
                try await database.ping()
            }
            #expect(try await !departmentExists(db, tenantId: district.tenantId, code: "SLOW"))
        }
    }

    /// A COMMIT whose connection is gone gets no answer: the caller cannot know whether it
    /// committed, and is told so.
    @Test func aCommitWithoutAnAnswerSaysTheOutcomeIsUnknown() async throws {
        try await TestDatabase.with { db in
            let district = try await db.seedSmallDistrict()
            try await db.withOwnPool(connections: 1, waitLimit: .seconds(5)) { database in
                var failure: (any Error)?
                do {
                    try await database.withTenant(district.tenantId) { tx in
                        try await insertDepartment(tx, code: "LOST")
                        var pid: Int32 = 0
                        for try await value in try await tx.query("SELECT pg_backend_pid()").decode(Int32.self) { pid = value }
                        // The service role may end its own sessions: the backend goes away before COMMIT is sent.
                        try await db.app.query("SELECT pg_terminate_backend(\(pid), 5000)", logger: db.logger)
                    }
                } catch { failure = error }
                let error = expectUnavailable(failure)
                #expect(error?.message.en.contains("outcome is unknown") == true, "\(String(describing: error))")
                #expect(error?.message.zh.contains("Idempotency-Key") == true)
            }
            #expect(try await !departmentExists(db, tenantId: district.tenantId, code: "LOST"))
        }
    }

    /// A statement on a connection whose backend was ended answers 503, wherever it fails: in
    /// BEGIN, in the district's setting, in a statement, in a call outside a transaction.
    @Test func aLostConnectionIsUnavailableNotAnInternalError() async throws {
        try await TestDatabase.with { db in
            let district = try await db.seedSmallDistrict()
            try await db.withOwnPool(connections: 1, waitLimit: .seconds(5)) { database in
                for stage in ["statement", "outside"] {
                    var failure: (any Error)?
                    do {
                        let pid = try await database.query("SELECT pg_backend_pid()") { try $0.decode(Int32.self) }.first!
                        try await db.app.query("SELECT pg_terminate_backend(\(pid), 5000)", logger: db.logger)
                        if stage == "statement" {
                            try await database.withTenant(district.tenantId) { tx in try await insertDepartment(tx, code: "GONE") }
                        } else {
                            try await database.ping()
                        }
                    } catch { failure = error }
                    // The pool may notice the closed connection before it is leased again and open another: then the
                    // call succeeds, which is right too; what it must never be is an error other than 503.
                    if let failure { _ = expectUnavailable(failure) }
                }
            }
        }
    }

    @Test func anUnreachableDatabaseIsUnavailable() async throws {
        try await TestDatabase.with { db in
            try await db.withOwnPool(waitLimit: .milliseconds(500), reachable: false) { database in
                var failure: (any Error)?
                do { try await database.ping() } catch { failure = error }
                _ = expectUnavailable(failure)
                failure = nil
                do { _ = try await database.withTenant(1) { _ in 1 } } catch { failure = error }
                _ = expectUnavailable(failure)
            }
        }
    }
}
