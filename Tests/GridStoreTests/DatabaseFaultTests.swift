import Foundation
import GridCore
import GridTestSupport
import Logging
import PostgresNIO
import Testing

@testable import GridStore

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

    /// A session ended under the service, with no wait limit (the CLI's, the tests'): every statement
    /// sent on it afterwards is answered 503, however soon after the end it is sent. PostgresNIO drops a
    /// statement written as its channel closes, and without a limit its caller waited for good (this
    /// test's loop did within a few rounds; a CI run that hung at its end most likely did so).
    @Test func aStatementSentAsItsSessionEndsIsAnsweredWithoutAWaitLimit() async throws {
        try await TestDatabase.with { db in
            // A pool of the test's own, run in a task it can walk away from: a statement left
            // unanswered holds its connection, and the pool would never shut down.
            var configuration = db.appConfiguration
            configuration.options.maximumConnections = 2
            let client = PostgresClient(configuration: configuration, backgroundLogger: db.logger)
            let pool = Task { await client.run() }
            let database = Database(client: client, logger: db.logger)
            let rounds = 200
            let work = Task { () async -> (failures: [String], connections: [PostgresConnection]) in
                var failures: [String] = []
                var connections: [PostgresConnection] = []
                for round in 0..<rounds {
                    do {
                        try await database.withoutTenant { tx in
                            connections.append(tx.connection)
                            var pid: Int32 = 0
                            for try await value in try await tx.query("SELECT pg_backend_pid()").decode(Int32.self) { pid = value }
                            // Ended without waiting for it to go: the next statements race the close.
                            try await db.app.query("SELECT pg_terminate_backend(\(pid))", logger: db.logger)
                            for _ in 0..<1000 { try await tx.query("SELECT 1") }
                        }
                        failures.append("round \(round): the session outlived its end")
                    } catch let error as GridError where error.code == .dbUnavailable {
                    } catch {
                        failures.append("round \(round): \(error)")
                    }
                }
                return (failures, connections)
            }
            // Each round takes milliseconds; a minute means a statement was left waiting.
            let outcome = await Self.first(of: work, orAfter: .seconds(60))
            guard let outcome else {
                Issue.record("a statement sent on an ended session was never answered")
                return
            }
            #expect(outcome.failures.isEmpty, "\(outcome.failures.prefix(5))")
            // The service goes on, once the pool has let go of the ended sessions.
            var answered = false
            for _ in 0..<100 where !answered {
                do {
                    try await database.ping()
                    answered = true
                } catch { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(answered)
            pool.cancel()
            await pool.value
            // Each closed connection's watch is gone with it.
            for _ in 0..<100 where outcome.connections.contains(where: ClosingWatch.isWatched) {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(!outcome.connections.isEmpty && !outcome.connections.contains(where: ClosingWatch.isWatched))
        }
    }

    /// The task's value, or nil when `limit` passes first (the task is left running).
    static func first<T: Sendable>(of task: Task<T, Never>, orAfter limit: Duration) async -> T? {
        let answer = AsyncStream<T?>.makeStream()
        let timer = Task {
            try? await Task.sleep(for: limit)
            answer.continuation.yield(nil)
        }
        let waiter = Task { answer.continuation.yield(await task.value) }
        defer {
            timer.cancel()
            waiter.cancel()
        }
        for await value in answer.stream { return value }
        return nil
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
