import Foundation
import Logging
import PostgresNIO

/// A year of history for the cases benchmark: bench/sql/case-history.sql run as the schema owner on
/// several connections at once (each writes every `sessions`-th case), then the case id sequence
/// moved past them and the tables vacuumed and analysed, as a district that has run for a year is.
struct CaseHistory {
    let owner: PostgresClient
    let logger: Logger
    let sqlPath: String
    let tenantId: Int64
    let tenantCode: String

    /// The most events a path of the script has (its longest path).
    static let maxEvents = 12
    /// The tables the history fills, vacuumed and analysed afterwards.
    static let tables = ["cases", "case_events", "case_tasks", "case_numbers", "case_checks"]

    /// The script's statements by step name, in order.
    func steps() throws -> [(name: String, sql: String)] {
        let text = try String(contentsOfFile: sqlPath, encoding: .utf8)
        var steps: [(String, String)] = []
        var name: String?, body: [Substring] = []
        func flush() {
            if let name { steps.append((name, body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))) }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- step: ") {
                flush()
                name = String(line.dropFirst("-- step: ".count))
                body = []
            } else {
                body.append(line)
            }
        }
        flush()
        guard steps.contains(where: { $0.0 == "events" }) else { throw BenchError("\(sqlPath) has no 'events' step") }
        return steps.map { (name: $0.0, sql: $0.1.hasSuffix(";") ? String($0.1.dropLast()) : $0.1) }
    }

    /// Writes `cases` cases with their events, tasks and numbers; prints what it took.
    func generate(cases: Int, sessions: Int) async throws {
        let steps = try steps()
        let t0 = ContinuousClock.now
        var start: (baseId: Int64, firstDay: String) = (0, "")
        for try await row in try await owner.query(
            """
            SELECT coalesce(max(id), 0), (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') - interval '365 days')::text FROM cases
            """, logger: logger
        ).decode((Int64, String).self) {
            start = (row.0, row.1)
        }
        let origin = start
        let timings = try await withThrowingTaskGroup(of: [String: Double].self) { group in
            for part in 0..<sessions {
                group.addTask { try await self.write(part: part, of: sessions, cases: cases, start: origin, steps: steps) }
            }
            var slowest: [String: Double] = [:]
            for try await timing in group { slowest.merge(timing, uniquingKeysWith: max) }
            return slowest
        }
        try await owner.query("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(c.id) FROM cases c))", logger: logger)
        let written = (ContinuousClock.now - t0).seconds
        let t1 = ContinuousClock.now
        for table in Self.tables { try await owner.query(PostgresQuery(unsafeSQL: "VACUUM (ANALYZE) \(table)"), logger: logger) }
        let vacuumed = (ContinuousClock.now - t1).seconds
        let order = steps.map(\.name)
        let detail = order.compactMap { name in timings[name].flatMap { $0 >= 1 ? "\(name) \(format($0)) s" : nil } }.joined(separator: ", ")
        print("history: \(cases) cases written by \(sessions) sessions in \(format(written)) s (\(detail)); VACUUM (ANALYZE) \(format(vacuumed)) s")
        try await summarise()
    }

    /// One session's share: every step of the script, the events step once per sequence number.
    private func write(part: Int, of sessions: Int, cases: Int, start: (baseId: Int64, firstDay: String), steps: [(name: String, sql: String)])
        async throws -> [String: Double]
    {
        try await owner.withConnection { connection in
            var timings: [String: Double] = [:]
            try await connection.query("SET jit = off", logger: logger)
            try await connection.query("SET work_mem = '256MB'", logger: logger)
            try await connection.query(
                "CREATE TEMP TABLE bench_params (tenant bigint, cases int, code text, part int, parts int, base_id bigint, first_day timestamp)",
                logger: logger)
            try await connection.query(
                """
                INSERT INTO bench_params VALUES (\(tenantId), \(Int32(cases)), \(tenantCode), \(Int32(part)), \(Int32(sessions)), \(start.baseId),
                                                 \(start.firstDay)::timestamp)
                """, logger: logger)
            for step in steps {
                let t0 = ContinuousClock.now
                if step.name == "events" {
                    for seq in 1...Self.maxEvents {
                        // The previous pass's rows are the join partner: without fresh statistics the planner may scan them per row.
                        try await connection.query("ANALYZE case_events", logger: logger)
                        var binds = PostgresBindings()
                        binds.append(Int32(seq))
                        try await connection.query(PostgresQuery(unsafeSQL: step.sql, binds: binds), logger: logger)
                    }
                } else {
                    try await connection.query(PostgresQuery(unsafeSQL: step.sql), logger: logger)
                }
                timings[step.name] = (ContinuousClock.now - t0).seconds
            }
            try await connection.query("DISCARD TEMP", logger: logger)
            try await connection.query("RESET ALL", logger: logger)
            return timings
        }
    }

    /// What the district's history looks like now: cases, events, open ones, by state group.
    func summarise() async throws {
        let rows = try await owner.query(
            """
            SELECT count(*)::int8, sum(version)::int8,
                   count(*) FILTER (WHERE state NOT IN ('invalid', 'notFiled', 'voided', 'merged', 'closed', 'evaluated'))::int8,
                   count(*) FILTER (WHERE state = 'closed')::int8, count(*) FILTER (WHERE light = 'red' AND state NOT IN ('invalid', 'notFiled', 'voided',
                   'merged', 'closed', 'evaluated'))::int8,
                   pg_total_relation_size('cases')::int8, pg_total_relation_size('case_events')::int8
            FROM cases WHERE tenant_id = \(tenantId)
            """, logger: logger)
        for try await (cases, events, open, closed, red, casesBytes, eventsBytes) in rows.decode((Int64, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            print(
                "history: \(cases) cases, \(events) events; \(open) open (\(red) of them red), \(closed) closed awaiting evaluation; "
                    + "cases \(casesBytes >> 20) MiB, case_events \(eventsBytes >> 20) MiB with indexes")
        }
    }
}
