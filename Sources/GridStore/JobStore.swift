import Foundation
import GridCore
import Logging
import PostgresNIO

/// The job table: work that happens later (deadline lights, escalation, webhooks), claimed by
/// workers with SKIP LOCKED and finished in the district's transaction together with its effect.
public enum JobStore {
    /// A job a worker holds for its lease.
    public struct Claimed: Sendable, Equatable {
        public var tenantId: Int64
        public var id: Int64
        public var kind: JobKind
        public var attempts: Int
    }

    public struct Job: Sendable, Equatable {
        public var id: Int64
        public var kind: JobKind
        public var caseId: Int64?
        public var runAt: Date
        public var attempts: Int
        public var payload: String
        public var done: Bool
    }

    /// When the next unclaimed job of `kinds` falls due in any district (nil: none waits).
    public static func nextDue(_ db: Database, kinds: [JobKind]) async throws -> Date? {
        try await db.query("SELECT next_job_at(\(kinds.map(\.rawValue))::text[])") { row in try row.decode(Date?.self) }.first ?? nil
    }

    /// Claims up to `limit` due jobs of `kinds` of every district for `lease` seconds.
    public static func claim(_ db: Database, kinds: [JobKind], now: Date, limit: Int, lease: Int) async throws -> [Claimed] {
        try await db.query(
            """
            SELECT tenant_id, id, kind, attempts FROM claim_jobs(\(now), \(Int32(limit)), make_interval(secs => \(Double(lease))), \(kinds.map(\.rawValue))::text[])
            """
        ) { row in try row.decode((Int64, Int64, String, Int32).self) }
        .compactMap { tenantId, id, kind, attempts in
            JobKind(rawValue: kind).map { Claimed(tenantId: tenantId, id: id, kind: $0, attempts: Int(attempts)) }
        }
    }

    /// The job, locked for this transaction.
    public static func lock(_ tx: Tx, id: Int64) async throws -> Job? {
        for try await (id, kind, caseId, runAt, attempts, payload, done) in try await tx.query(
            """
            SELECT id, kind, case_id, run_at, attempts, payload::text, done_at IS NOT NULL FROM jobs
            WHERE tenant_id = \(tx.tenant) AND id = \(id) FOR UPDATE
            """
        ).decode((Int64, String, Int64?, Date, Int32, String, Bool).self) {
            guard let kind = JobKind(rawValue: kind) else { return nil }
            return Job(id: id, kind: kind, caseId: caseId, runAt: runAt, attempts: Int(attempts), payload: payload, done: done)
        }
        return nil
    }

    public static func schedule(_ tx: Tx, _ kind: JobKind, caseId: Int64?, at runAt: Date, payload: String = "{}") async throws {
        try await tx.query(
            "INSERT INTO jobs (tenant_id, kind, case_id, run_at, payload) VALUES (\(tx.tenant), \(kind.rawValue), \(caseId), \(runAt), \(payload)::jsonb)")
    }

    /// Ends the case's pending deadline jobs (the deadlines moved, or the clock stopped).
    public static func cancelCaseJobs(_ tx: Tx, caseId: Int64, kinds: [JobKind] = [.caseYellow, .caseRed]) async throws {
        try await tx.query(
            """
            UPDATE jobs SET done_at = now(), outcome = 'cancelled: the deadline moved'
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND done_at IS NULL AND kind = ANY(\(kinds.map(\.rawValue))::text[])
            """)
    }

    public static func finish(_ tx: Tx, id: Int64, outcome: String) async throws {
        try await tx.query("UPDATE jobs SET done_at = now(), outcome = \(String(outcome.prefix(1000))) WHERE tenant_id = \(tx.tenant) AND id = \(id)")
    }

    /// Puts a failed job back for another try at `runAt`.
    public static func retry(_ tx: Tx, id: Int64, at runAt: Date, outcome: String) async throws {
        try await tx.query(
            """
            UPDATE jobs SET run_at = \(runAt), locked_until = NULL, outcome = \(String(outcome.prefix(1000)))
            WHERE tenant_id = \(tx.tenant) AND id = \(id)
            """)
    }

    /// Puts a job back untried until `runAt` (its endpoint's breaker is open): the attempt its claim
    /// counted is given back.
    public static func postpone(_ tx: Tx, id: Int64, until runAt: Date, outcome: String) async throws {
        try await tx.query(
            """
            UPDATE jobs SET run_at = \(runAt), locked_until = NULL, attempts = greatest(attempts - 1, 0), outcome = \(String(outcome.prefix(1000)))
            WHERE tenant_id = \(tx.tenant) AND id = \(id)
            """)
    }

    /// The case's jobs, oldest first, for inspection.
    public static func caseJobs(_ tx: Tx, caseId: Int64) async throws -> [Job] {
        var result: [Job] = []
        for try await (id, kind, caseId, runAt, attempts, payload, done) in try await tx.query(
            """
            SELECT id, kind, case_id, run_at, attempts, payload::text, done_at IS NOT NULL FROM jobs
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) ORDER BY id
            """
        ).decode((Int64, String, Int64?, Date, Int32, String, Bool).self) {
            if let kind = JobKind(rawValue: kind) {
                result.append(Job(id: id, kind: kind, caseId: caseId, runAt: runAt, attempts: Int(attempts), payload: payload, done: done))
            }
        }
        return result
    }
}
