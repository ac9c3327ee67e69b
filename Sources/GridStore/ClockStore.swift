import Foundation
import GridCore
import PostgresNIO

/// The stage clocks of cases (`case_clocks`) and the jobs that turn their lights.
public enum ClockStore {
    static let columns = "id, stage, started_at, due, warn_at, red_at, light, stopped_at, late_seconds, calendar_gap"

    static func decode(_ rows: PostgresRowSequence) async throws -> [(clock: StageClock, calendarGap: Bool)] {
        var result: [(StageClock, Bool)] = []
        for try await (id, stage, started, due, warn, red, light, stopped, late, gap) in rows.decode(
            (Int64, String, Date, Date, Date, Date, String, Date?, Int64?, Bool).self)
        {
            guard let stage = Stage(rawValue: stage) else { continue }
            result.append(
                (
                    StageClock(
                        id: id, stage: stage, startedAt: started, due: due, warnAt: warn, redAt: red,
                        light: TrafficLight(rawValue: light) ?? .green, stoppedAt: stopped, lateSeconds: late), gap
                ))
        }
        return result
    }

    /// Opens the stage's clock and, for every stage but handling (whose jobs are the case's own),
    /// plans the jobs that turn its light at the thresholds still ahead; one statement, prepared
    /// once per connection (intake opens the filing clock of every case).
    @discardableResult
    public static func start(
        _ tx: Tx, caseId: Int64, stage: Stage, startedAt: Date, due: Date, warnAt: Date, redAt: Date, light: TrafficLight = .green,
        calendarGap: Bool = false, now: Date
    ) async throws -> Int64 {
        let rows = try await tx.execute(
            StartStatement(
                tenantId: tx.tenant, caseId: caseId, stage: stage, startedAt: startedAt, due: due, warnAt: warnAt,
                redAt: redAt, light: light, calendarGap: calendarGap, now: now))
        guard let id = rows.first else { preconditionFailure("INSERT … RETURNING returned no row") }
        return id
    }

    /// The statement of `start` (public for the benchmark's pgbench ceiling, which sends the same SQL).
    public static let startSQL = """
        WITH clock AS (
            INSERT INTO case_clocks (tenant_id, case_id, stage, started_at, due, warn_at, red_at, light, calendar_gap)
            VALUES ($1::bigint, $2::bigint, $3::text, $4::timestamptz, $5::timestamptz, $6::timestamptz, $7::timestamptz, $8::text, $9::boolean)
            RETURNING id
        ), planned AS (
            INSERT INTO jobs (tenant_id, kind, case_id, run_at, payload)
            SELECT $1::bigint, j.kind, $2::bigint, j.run_at, jsonb_build_object('clock', clock.id)
            FROM clock, (VALUES ('stageYellow', $6::timestamptz), ('stageRed', $7::timestamptz)) j(kind, run_at)
            WHERE $3::text <> 'handle' AND j.run_at > $10::timestamptz
        )
        SELECT id FROM clock
        """

    struct StartStatement: PostgresPreparedStatement {
        static let sql = startSQL
        typealias Row = Int64
        let tenantId: Int64, caseId: Int64, stage: Stage, startedAt: Date, due: Date, warnAt: Date, redAt: Date, light: TrafficLight, calendarGap: Bool
        let now: Date

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 10)
            bindings.append(tenantId)
            bindings.append(caseId)
            bindings.append(stage.rawValue)
            bindings.append(startedAt)
            bindings.append(due)
            bindings.append(warnAt)
            bindings.append(redAt)
            bindings.append(light.rawValue)
            bindings.append(calendarGap)
            bindings.append(now)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
    }

    /// Stops the case's open clock of `stage` with its lateness and the light it had; its pending
    /// light jobs end. False when no clock of the stage was open.
    @discardableResult
    public static func stop(_ tx: Tx, caseId: Int64, stage: Stage, at stoppedAt: Date, lateSeconds: Int64, light: TrafficLight) async throws -> Bool {
        let rows = try await tx.query(
            """
            WITH stopped AS (
                UPDATE case_clocks SET stopped_at = \(stoppedAt), late_seconds = \(lateSeconds), light = \(light.rawValue)
                WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND stage = \(stage.rawValue) AND stopped_at IS NULL
                RETURNING id
            ), cancelled AS (
                UPDATE jobs j SET done_at = now(), outcome = 'cancelled: the stage ended'
                FROM stopped
                WHERE j.tenant_id = \(tx.tenant) AND j.case_id = \(caseId) AND j.done_at IS NULL
                  AND j.kind IN ('stageYellow', 'stageRed') AND j.payload ->> 'clock' = stopped.id::text
            )
            SELECT id FROM stopped
            """)
        for try await _ in rows { return true }
        return false
    }

    /// Moves the open handling clock's times with the case's (an extension, a resumption) and the light with them.
    public static func moveHandling(_ tx: Tx, caseId: Int64, due: Date, warnAt: Date, redAt: Date, light: TrafficLight) async throws {
        try await tx.query(
            """
            UPDATE case_clocks SET due = \(due), warn_at = \(warnAt), red_at = \(redAt), light = \(light.rawValue)
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND stage = 'handle' AND stopped_at IS NULL
            """)
    }

    /// Moves an open clock's deadline (routing at filing named a profile with another limit) and
    /// plans its jobs again.
    public static func replan(_ tx: Tx, clock: StageClock, caseId: Int64, due: Date, warnAt: Date, redAt: Date, now: Date) async throws {
        try await tx.query(
            """
            WITH moved AS (
                UPDATE case_clocks SET due = \(due), warn_at = \(warnAt), red_at = \(redAt)
                WHERE tenant_id = \(tx.tenant) AND id = \(clock.id) AND stopped_at IS NULL
                RETURNING id
            ), cancelled AS (
                UPDATE jobs j SET done_at = now(), outcome = 'cancelled: the deadline moved'
                FROM moved
                WHERE j.tenant_id = \(tx.tenant) AND j.case_id = \(caseId) AND j.done_at IS NULL
                  AND j.kind IN ('stageYellow', 'stageRed') AND j.payload ->> 'clock' = moved.id::text
            )
            INSERT INTO jobs (tenant_id, kind, case_id, run_at, payload)
            SELECT \(tx.tenant), j.kind, \(caseId), j.run_at, jsonb_build_object('clock', moved.id)
            FROM moved, (VALUES ('stageYellow', \(warnAt)::timestamptz), ('stageRed', \(redAt)::timestamptz)) j(kind, run_at)
            WHERE j.run_at > \(now)
            """)
    }

    /// The case's clocks, oldest first.
    public static func clocks(_ tx: Tx, caseId: Int64) async throws -> [(clock: StageClock, calendarGap: Bool)] {
        try await decode(
            tx.query(
                "SELECT \(unescaped: columns) FROM case_clocks WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) ORDER BY id"))
    }

    /// One clock, locked for the transaction.
    public static func lock(_ tx: Tx, id: Int64) async throws -> StageClock? {
        try await decode(
            tx.query(
                "SELECT \(unescaped: columns) FROM case_clocks WHERE tenant_id = \(tx.tenant) AND id = \(id) FOR UPDATE")
        ).first?.clock
    }

    public static func setLight(_ tx: Tx, id: Int64, light: TrafficLight) async throws {
        try await tx.query("UPDATE case_clocks SET light = \(light.rawValue) WHERE tenant_id = \(tx.tenant) AND id = \(id)")
    }

    /// The open handling clock's light, as the case's handling jobs turn it.
    public static func setHandlingLight(_ tx: Tx, caseId: Int64, light: TrafficLight) async throws {
        try await tx.query(
            """
            UPDATE case_clocks SET light = \(light.rawValue)
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND stage = 'handle' AND stopped_at IS NULL
            """)
    }
}
