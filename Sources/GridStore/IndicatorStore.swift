import Foundation
import GridCore
import PostgresNIO

/// The assessment's counts (`IndicatorTally`), summed by the database in one statement over the
/// cases, call-backs and whistle summonses of a scope and period, as of a time.
///
/// A case is read as it stood at `asOf`: from its row when its facts have not changed since
/// (`facts_at`, 0028, with two seconds' margin for the event written just after the row), else
/// from its history up to `asOf` (the events record every handling, check, close, rework,
/// extension and suspension, since migration 0027 the deadline and lead department each action
/// set, and later the level as `caseLevel`; an older event that moved them leaves the row's
/// value). So a past month re-run as of its end gives the figures it gave then.
public enum IndicatorStore {
    /// The key a row's counts are summed under.
    public enum Key: Sendable {
        /// The ids on the case's (or whistle's) path at these depths: the caller keeps those that
        /// are its units (the depths where the grouping's units lie).
        case units(depths: [Int])
        case department
        case person
    }

    /// One group's counts: the key's ids (unit ids at the depths, or the department or person id;
    /// empty: a case with none, such as one not yet dispatched) and the tally.
    public struct Row: Sendable {
        public var ids: [Int64]
        public var tally: IndicatorTally
    }

    /// The conditions of the case counters, in `IndicatorTally.counters` order (nil: counted from
    /// call-backs or whistles), over `f`, a case as it stood at $5, for the period [$3, $4) ending
    /// (open and overdue) at $6, with the idle stretches $7.
    static let caseConditions: [String?] = {
        let inPeriod = { (column: String) in "\(column) >= $3 AND \(column) < $4" }
        let onTime = "(f.handled <= f.due OR tstzrange(date_trunc('second', f.due), date_trunc('second', f.handled), '[]') <@ (SELECT $7::tstzmultirange))"
        return [
            "f.live AND \(inPeriod("f.filed"))",
            "f.live AND \(inPeriod("f.filed")) AND f.closed IS NOT NULL",
            "\(inPeriod("f.due")) AND f.live",
            "\(inPeriod("f.due")) AND f.live AND f.handled IS NOT NULL",
            "\(inPeriod("f.due")) AND f.live AND f.handled IS NOT NULL AND \(onTime)",
            "\(inPeriod("f.handled")) AND f.live",
            "\(inPeriod("f.handled")) AND f.live AND f.reworked",
            "\(inPeriod("f.handled")) AND f.live AND f.extended",
            """
            f.due < $6 AND f.filed < $6 AND f.live AND NOT f.suspended AND (f.handled IS NULL OR f.handled >= $6) AND (f.closed IS NULL OR f.closed >= $6)
              AND NOT tstzrange(date_trunc('second', f.due), date_trunc('second', $6::timestamptz), '[]') <@ (SELECT $7::tstzmultirange)
            """,
            nil, nil, nil, nil, nil,
            inPeriod("f.closed"),
            "\(inPeriod("f.closed")) AND coalesce(f.level, 'street') IN ('grid', 'community', 'zone')",
            nil, nil, nil, nil,
            "f.source = 'gridWorker' AND \(inPeriod("f.reported_at")) AND f.decision IS NOT NULL",
            "f.source = 'gridWorker' AND \(inPeriod("f.reported_at")) AND f.decision",
            nil, nil,
            "f.source = 'gridWorker' AND \(inPeriod("f.reported_at"))",
            "f.source = 'gridWorker' AND \(inPeriod("f.reported_at")) AND f.found_on_round",
            nil, nil,
        ]
    }()

    /// The conditions of the check counters (`checksDue`, `checksOnTime`) over `k`, a check round
    /// (`case_checks`, 0035) asked for by $5 whose deadline lies in the period: done by $5, by its
    /// deadline or with no working time between (the idle stretches $7).
    static let checkConditions = [
        "true",
        """
        k.done_at <= $5 AND (k.done_at <= k.due_at
                             OR tstzrange(date_trunc('second', k.due_at), date_trunc('second', k.done_at), '[]') <@ (SELECT $7::tstzmultirange))
        """,
    ]

    /// The check rounds of the scope ($2 to $8) asked for by $5 whose deadline lies in [$3, $4),
    /// found by their deadline (`case_checks_due`).
    static let checkRounds = """
        case_checks k
        WHERE k.tenant_id = $1 AND k.due_at >= $3 AND k.due_at < $4 AND k.requested_at <= $5 AND k.grid_path >= $2 AND k.grid_path < $8
        """

    /// Who a round counts for by person: the grid worker who did it by $5, else the one who reported the case.
    static let checkPerson = "CASE WHEN k.done_at <= $5 THEN k.done_by ELSE k.reporter_id END"

    /// `f` and `r`: each case in scope ($2 to $8) that may count, as it stood at $5: from its row
    /// when its facts are unchanged since (`f`), else from its history up to $5 (`r`). `f` finds a
    /// street's (or a smaller scope's) period by the cases' spans (`spanCandidates`), the whole
    /// district's or a long period by their times (`timeCandidates`).
    static func caseFacts(bySpan: Bool) -> String {
        """
        f AS (
            -- Each case in scope that may count, as it stood at $5: from its row when its facts are unchanged since ...
            SELECT c.id, c.grid_path, c.reported_by, c.source, c.level, c.reported_at,
                   c.filed_at AS filed, c.filed_at <= $5 AND c.state <> 'voided' AND c.state <> 'merged' AS live,
                   c.handle_due AS due, c.handled_at AS handled, c.closed_at AS closed, c.rework_count > 0 AS reworked,
                   c.extension_count > 0 AS extended, c.suspended_at IS NOT NULL AS suspended, c.lead_department_id AS lead,
                   CASE WHEN c.state IN ('notFiled', 'invalid') THEN false WHEN c.state IN ('reported', 'verifying', 'verified') THEN NULL ELSE true END
                       AS decision, c.found_on_round
            FROM cases c
            -- Facts unchanged since $5 (less the margin); so reported by then too (0034).
            WHERE c.tenant_id = $1 AND c.grid_path >= $2 AND c.grid_path < $8 AND c.facts_at <= $5 - interval '2 seconds'
              AND \(bySpan ? spanCandidates : timeCandidates)
        ), r AS (
            -- ... else from its history up to $5.
            SELECT c.id, c.grid_path, c.reported_by, c.source, coalesce(h.level, c.level) AS level, c.reported_at,
                   c.filed_at AS filed, c.filed_at <= $5 AND NOT coalesce(h.gone, false) AS live,
                   coalesce(h.due, CASE WHEN h.deadlines THEN c.handle_due END) AS due,
                   CASE WHEN h.handled_by IN ('failCheck', 'reopen') THEN NULL ELSE h.handled_at END AS handled,
                   CASE WHEN h.closed_by = 'close' THEN h.closed_at END AS closed,
                   coalesce(h.reworked, false) AS reworked, coalesce(h.extended, false) AS extended, coalesce(h.suspended, false) AS suspended,
                   coalesce(h.lead, CASE WHEN h.dispatches THEN c.lead_department_id END) AS lead, h.decision,
                   c.found_on_round  -- fixed when reported
            FROM cases c
            CROSS JOIN LATERAL (
                SELECT bool_or(e.action IN ('void', 'merge')) AS gone,
                       (array_agg(e.at ORDER BY e.seq DESC) FILTER (WHERE e.action IN ('reportHandled', 'selfHandle', 'handleLocally', 'failCheck', 'reopen')))[1]
                           AS handled_at,
                       (array_agg(e.action ORDER BY e.seq DESC) FILTER (WHERE e.action IN ('reportHandled', 'selfHandle', 'handleLocally', 'failCheck', 'reopen')))[1]
                           AS handled_by,
                       (array_agg(e.at ORDER BY e.seq DESC) FILTER (WHERE e.action IN ('close', 'reopen')))[1] AS closed_at,
                       (array_agg(e.action ORDER BY e.seq DESC) FILTER (WHERE e.action IN ('close', 'reopen')))[1] AS closed_by,
                       bool_or(e.action IN ('failCheck', 'reopen')) AS reworked,
                       bool_or(e.action = 'approveExtension') AS extended,
                       (array_agg(e.action ORDER BY e.seq DESC) FILTER (WHERE e.action IN ('approveSuspension', 'resume', 'dispatch', 'reopen')))[1]
                           = 'approveSuspension' AS suspended,
                       (array_agg((e.payload->>'handleDue')::timestamptz ORDER BY e.seq DESC) FILTER (WHERE e.payload ? 'handleDue'))[1] AS due,
                       bool_or(e.action IN ('dispatch', 'approveExtension', 'resume', 'reopen')) AS deadlines,
                       (array_agg((e.payload->>'leadDepartmentId')::int8 ORDER BY e.seq DESC) FILTER (WHERE e.payload ? 'leadDepartmentId'))[1] AS lead,
                       bool_or(e.action IN ('file', 'dispatch', 'reopen')) AS dispatches,
                       (array_agg(e.payload->>'caseLevel' ORDER BY e.seq DESC) FILTER (WHERE e.payload ? 'caseLevel'))[1] AS level,
                       CASE WHEN bool_or(e.action IN ('notFile', 'markInvalid')) THEN false
                            WHEN bool_or(e.action IN ('file', 'merge', 'selfHandle')) THEN true END AS decision
                FROM case_events e
                WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.at <= $5
            ) h
            WHERE c.tenant_id = $1 AND c.grid_path >= $2 AND c.grid_path < $8
              -- Reported by $5, facts changed after it (less the margin): found by the range index (0030, 0033).
              AND c.id = ANY(ARRAY(SELECT assessment_in_flight_cases($1, $2, $8, $5)))
        )
        """
    }

    /// One of its times in the period, or open past due at its end ($6 <= $4): its span meets
    /// [$3, $4]. The range index is read by a definer function (0033): under row-level security a
    /// range's && (not leakproof) cannot use it. It finds a street's month among its own cases.
    static let spanCandidates = "c.id = ANY(ARRAY(SELECT assessment_period_cases($1, $2, $8, $3, $4)))"

    /// The same by the times themselves: leakproof comparisons, which the time indexes answer for
    /// a district's month in parallel, and cheap on each row of a scan for a long period (most of
    /// the table counts). A whole district's ids would be too many to look up one by one.
    ///
    /// Open past due at the end ($6): open still (the partial index `cases_open_due`), or handled
    /// or closed since. A row `f` reads has its facts unchanged since $5, so those times lie in
    /// [$6, $5]: a bounded range of the time indexes (a single instant for a period asked as of
    /// its end). Unbounded (`handled_at >= $6`), it reached every case handled since a past month and
    /// turned the district's month into a scan of the whole table.
    static let timeCandidates = """
        (c.filed_at >= $3 AND c.filed_at < $4 OR c.handle_due >= $3 AND c.handle_due < $4
                   OR c.handled_at >= $3 AND c.handled_at < $4 OR c.closed_at >= $3 AND c.closed_at < $4
                   OR c.reported_at >= $3 AND c.reported_at < $4
                   OR c.handled_at >= $6 AND c.handled_at <= $5 AND c.handle_due < $6
                   OR c.closed_at >= $6 AND c.closed_at <= $5 AND c.handle_due < $6
                   OR c.handle_due < $6 AND c.state <> ALL(ARRAY['invalid', 'notFiled', 'voided', 'merged', 'closed', 'evaluated']))
        """

    /// Whether a statement finds its cases by their spans: a scope below the district, a period of
    /// at most a quarter (longer ones read most of the table).
    static func bySpan(_ scope: ScopePath, from: Date, to: Date) -> Bool { scope.depth > 1 && to.timeIntervalSince(from) <= 93 * 86400 }

    /// Sets the statement's planner settings and returns its bindings ($1 to $8).
    static func prepare(_ tx: Tx, scope: ScopePath, from: Date, to: Date, asOf: Date, idle: [DateInterval]) async throws -> PostgresBindings {
        // A statistics query reads many rows once: compiling it (JIT) costs more than it saves, and
        // its sorts and hashes should stay in memory. A month of a district reads some hundred
        // thousand cases, a year a million: two workers share the scan and the sums. A page read
        // out of order costs about what one in order does (the tables are in memory or on SSD, not
        // the spinning disk PostgreSQL's default of 4 assumes): so priced, a district's month finds
        // its 90,000 cases by the bitmap of its time indexes, not by reading all 1,000,000 (the
        // five ranges' union is overestimated fourfold, as if the times were unrelated: 170 ms
        // instead of 540 on the bench district).
        try await tx.query(
            """
            SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true), set_config('parallel_setup_cost', '10', true),
                   set_config('parallel_tuple_cost', '0.001', true), set_config('random_page_cost', '1.1', true)
            """)
        var bindings = PostgresBindings()
        bindings.append(tx.tenant)
        bindings.append(scope.raw)
        bindings.append(from)
        bindings.append(to)
        bindings.append(asOf)
        bindings.append(min(to, asOf))
        // The idle stretches as one multirange, read once per statement (`(SELECT $7::tstzmultirange)`:
        // a bare cast of the parameter would parse the text again for every case).
        bindings.append("{" + idle.map { "[\(CaseEventPayload.microseconds($0.start)),\(CaseEventPayload.microseconds($0.end))]" }.joined(separator: ",") + "}")
        bindings.append(scope.upperBound)
        return bindings
    }

    /// A part's key columns, named `k0`, `k1`… (the outer select builds the key from them).
    static func keyed(_ columns: [String]) -> String { columns.enumerated().map { "\($1) AS k\($0)" }.joined(separator: ", ") }

    /// The coverage parts (`gridDaysDue`, `gridDaysCovered`) by `key`: the due days' starts $10
    /// (and ends $12), and the days read one by one $9, the whole months $11 and the days taken
    /// off them $13 (`Patrols.split`; the district's dates). The grids due a round are the finest
    /// ones (a grid with no grid below it: where a check-in lands), each due every due day that
    /// began before it was retired. By unit: every such grid in scope, and the grid-days anyone
    /// checked in on (by $5) or the months' counts of them. By person: each grid worker's grids
    /// (those within their grid worker bindings), each due on the days a binding covering it was
    /// in force, and the grid-days of those they checked in on themselves. None by department.
    static func coverageParts(_ key: Key, groupBy: String, unitKey: (String) -> [String], sums: ([String]) -> String) -> [String] {
        let dueDays = """
            sum(CASE WHEN g.retired_at IS NULL THEN cardinality($10::timestamptz[])
                     ELSE (SELECT count(*) FROM unnest($10::timestamptz[]) d WHERE d < g.retired_at) END)
            """
        // The finest grids in scope. A grid's child lies in the scope as the grid does; saying so
        // lets the check read the scope's units instead of hashing the district's 31,000 (12 ms
        // of a street's month of 120).
        let grids = """
            g.tenant_id = $1 AND g.kind = 'grid' AND g.path >= $2 AND g.path < $8 AND (g.retired_at IS NULL OR g.retired_at > $3)
              AND NOT EXISTS (SELECT 1 FROM org_units x WHERE x.tenant_id = g.tenant_id AND x.parent_id = g.id AND x.kind = 'grid' AND x.retired_at IS NULL
                                                          AND x.path >= $2 AND x.path < $8)
            """
        // The grid-days covered: by the day (begun by $5), by the whole month, less the days of a
        // month so read that lie outside the period ($13; they ended before $5).
        func covered(days: String, months: String, by columns: String) -> String {
            """
            SELECT \(columns), count(*) AS days FROM \(days) v
            WHERE v.tenant_id = $1 AND v.day = ANY($9::date[]) AND v.grid_path >= $2 AND v.grid_path < $8 AND v.first_at <= $5 GROUP BY \(columns)
            UNION ALL
            SELECT \(columns), sum(v.days) FROM \(months) v
            WHERE v.tenant_id = $1 AND v.month = ANY($11::date[]) AND v.grid_path >= $2 AND v.grid_path < $8 GROUP BY \(columns)
            UNION ALL
            SELECT \(columns), -count(*) FROM \(days) v
            WHERE v.tenant_id = $1 AND v.day = ANY($13::date[]) AND v.grid_path >= $2 AND v.grid_path < $8 GROUP BY \(columns)
            """
        }
        // A grid worker's grids: those within the scope of one of their grid worker bindings. The
        // scopes' upper bounds are computed apart (`OFFSET 0` keeps them so): `||` is not
        // leakproof, so under row-level security `g.path < s.path || '~'` bounded no index scan,
        // and each binding read the rest of the district's units.
        let scopes = "(SELECT u.id, u.path, u.path || '~' AS upper FROM org_units u WHERE u.tenant_id = $1 OFFSET 0)"
        switch key {
        case .units:
            return [
                "SELECT \(keyed(unitKey("g.path"))), \(sums([dueDays, "0"])) FROM org_units g WHERE \(grids) \(groupBy)",
                """
                SELECT \(keyed(unitKey("g.path"))), \(sums(["0", "sum(v.days)"]))
                FROM (\(covered(days: "patrol_grid_days", months: "patrol_grid_months", by: "v.grid_id"))) v
                JOIN org_units g ON g.tenant_id = $1 AND g.id = v.grid_id
                WHERE \(grids) \(groupBy)
                """,
            ]
        case .person:
            // A grid worker's grids: those within the scope of one of their grid worker bindings,
            // each due on the days a term of those bindings in force by $5 (`role_binding_events`)
            // overlaps (`held`): all the due days when the terms hold through them, as is usual,
            // else day by day ($10 and their ends $12). A grid counts once per person, however
            // many of their terms cover it. Covered: the grid-days of theirs they checked in on
            // while a term held.
            let terms = """
                SELECT t.user_id, t.scope_org_unit_id, t.at AS granted, r.at AS revoked
                FROM role_binding_events t
                LEFT JOIN role_binding_events r ON r.tenant_id = t.tenant_id AND r.binding_id = t.binding_id AND r.action = 'revoke' AND r.at <= $5
                WHERE t.tenant_id = $1 AND t.role = 'gridWorker' AND t.action = 'grant' AND t.at <= $5 AND (r.at IS NULL OR r.at > $3)
                """
            let due = """
                CASE WHEN h.retired_at IS NULL AND h.held @> tstzrange($10[1], $12[cardinality($12)]) THEN cardinality($10::timestamptz[])
                     ELSE (SELECT count(*) FROM unnest($10::timestamptz[], $12::timestamptz[]) d(s, e)
                           WHERE (h.retired_at IS NULL OR d.s < h.retired_at) AND h.held && tstzrange(d.s, d.e)) END
                """
            let visits = """
                SELECT v.user_id, v.grid_id, 1 AS days, v.first_at AS at, NULL::date AS month FROM patrol_days v
                WHERE v.tenant_id = $1 AND v.day = ANY($9::date[]) AND v.grid_path >= $2 AND v.grid_path < $8 AND v.first_at <= $5
                UNION ALL
                SELECT v.user_id, v.grid_id, v.days, NULL, v.month FROM patrol_person_months v
                WHERE v.tenant_id = $1 AND v.month = ANY($11::date[]) AND v.grid_path >= $2 AND v.grid_path < $8
                UNION ALL
                SELECT v.user_id, v.grid_id, -1, NULL, NULL FROM patrol_days v
                WHERE v.tenant_id = $1 AND v.day = ANY($13::date[]) AND v.grid_path >= $2 AND v.grid_path < $8
                """
            // A day counts when its first check-in was made while a term held. A month's count
            // counts whole when the terms held through the period (every day of it did; a day of
            // the month outside the period, $13, is then taken off), else its days in the period
            // are read one by one (a term began or ended in the period: seldom).
            let coveredDays = """
                CASE WHEN v.grid_id IS NULL THEN 0
                     WHEN v.at IS NOT NULL THEN (h.held @> v.at)::int
                     WHEN h.held @> tstzrange($3, least($4, $5)) THEN v.days
                     WHEN v.month IS NULL THEN 0
                     ELSE (SELECT count(*) FROM patrol_days d
                           WHERE d.tenant_id = $1 AND d.grid_id = v.grid_id AND d.user_id = v.user_id AND h.held @> d.first_at
                             AND d.day = ANY(ARRAY(SELECT generate_series(v.month::timestamp, v.month + interval '1 month' - interval '1 day', interval '1 day')::date))
                             AND d.day <> ALL($13::date[]))
                END
                """
            return [
                """
                SELECT x.user_id::text AS k0, \(sums(["sum(x.due)", "sum(x.covered)"]))
                FROM (SELECT h.user_id, h.due,
                             coalesce(sum(\(coveredDays)), 0) AS covered
                      FROM (SELECT h.user_id, h.grid_id, h.held, \(due) AS due
                            FROM (SELECT w.user_id, g.id AS grid_id, g.retired_at, range_agg(tstzrange(w.granted, w.revoked)) AS held
                                  FROM (\(terms)) w
                                  JOIN \(scopes) s ON s.id = w.scope_org_unit_id
                                  JOIN org_units g ON g.tenant_id = $1 AND g.path >= s.path AND g.path < s.upper
                                  WHERE \(grids)
                                  GROUP BY w.user_id, g.id, g.retired_at) h) h
                      LEFT JOIN (\(visits)) v ON v.user_id = h.user_id AND v.grid_id = h.grid_id
                      GROUP BY h.user_id, h.grid_id, h.due) x
                \(groupBy)
                """
            ]
        case .department:
            return []
        }
    }

    /// The counts of [from, to) within `scope` as of `asOf` by `key`, with the work calendar's idle
    /// stretches `idle`, the days a patrol round was due (`Patrols.dueDays`) and those split into
    /// whole months and days (`Patrols.split`).
    public static func tallies(
        _ tx: Tx, key: Key, within scope: ScopePath, from: Date, to: Date, asOf: Date, idle: [DateInterval], days: [(day: String, start: Date, end: Date)],
        split: Patrols.Split
    ) async throws -> [Row] {
        // The group key's columns, text (SQL this function writes from whole numbers, not input):
        // each part groups by them, and the key's array is made once per group, not per row (hashing
        // arrays cost the district's month a third of the check part). NULL where a part has none.
        func unitKey(_ path: String) -> [String] {
            guard case .units(let depths) = key, !depths.isEmpty else { return ["NULL::text"] }
            return depths.sorted().map { "split_part(\(path), '.', \($0))" }
        }
        let caseKey: [String], callbackKey: [String], summonsKey: [String], checkKey: [String]
        switch key {
        case .units:
            (caseKey, callbackKey, summonsKey, checkKey) = (unitKey("f.grid_path"), unitKey("c.grid_path"), unitKey("w.unit_path"), unitKey("k.grid_path"))
        case .department:
            (caseKey, callbackKey, summonsKey, checkKey) = (["f.lead::text"], ["c.lead_department_id::text"], ["s.department_id::text"], ["NULL::text"])
        case .person:
            (caseKey, callbackKey, summonsKey, checkKey) = (["f.reported_by::text"], ["NULL::text"], ["NULL::text"], ["(\(checkPerson))::text"])
        }
        let width = caseKey.count
        let groupBy = "GROUP BY " + (1...width).map(String.init).joined(separator: ", ")
        // The counters in `IndicatorTally.counters` order: each part counts its own run of them,
        // from the counter `first`, and 0 for the rest.
        func sums(from first: WritableKeyPath<IndicatorTally, Int>, _ counted: [String]) -> String {
            let start = IndicatorTally.counters.firstIndex(of: first)!
            return IndicatorTally.counters.indices.map { index in
                "(\(index >= start && index - start < counted.count ? counted[index - start] : "0"))::int8 AS c\(index)"
            }.joined(separator: ", ")
        }
        let caseCounters = sums(from: \.filed, caseConditions.map { $0.map { "count(*) FILTER (WHERE \($0))" } ?? "0" })
        let callbackCounters = sums(
            from: \.calledBack,
            [
                "count(*)", "count(*) FILTER (WHERE b.contacted)", "count(*) FILTER (WHERE b.resolved)",
                "count(*) FILTER (WHERE b.satisfaction = 'satisfied')", "count(*) FILTER (WHERE b.satisfaction = 'basicallySatisfied')",
            ])
        let summonsCounters = sums(
            from: \.summoned,
            [
                "count(*)", "count(*) FILTER (WHERE s.minutes_late = 0 AND s.check_in_at <= $5)",
                "3 * count(*) FILTER (WHERE s.scored_at <= $5)",
                "coalesce(sum(s.score_on_time + s.score_attitude + s.score_result) FILTER (WHERE s.scored_at <= $5), 0)",
            ])
        let checkCounters = sums(from: \.checksDue, checkConditions.map { "count(*) FILTER (WHERE \($0))" })
        let coverage = coverageParts(key, groupBy: groupBy, unitKey: unitKey, sums: { sums(from: \.gridDaysDue, $0) })
        let sql = """
            WITH \(caseFacts(bySpan: bySpan(scope, from: from, to: to))), b AS (
                -- Each case's last call-back in the period.
                SELECT DISTINCT ON (b.case_id) b.case_id, b.contacted, b.resolved, b.satisfaction
                FROM case_callbacks b
                WHERE b.tenant_id = $1 AND b.at >= $3 AND b.at < $4 AND b.at <= $5
                ORDER BY b.case_id, b.at DESC, b.id DESC
            )
            SELECT array_remove(ARRAY[\((0..<width).map { "u.k\($0)" }.joined(separator: ", "))], NULL) AS key,
                   \(IndicatorTally.counters.indices.map { "u.c\($0)" }.joined(separator: ", "))
            FROM (
                -- The two kinds of case summed apart (so that a parallel scan sums its part); the caller adds rows of one key.
                SELECT \(keyed(caseKey)), \(caseCounters) FROM f \(groupBy)
                UNION ALL
                SELECT \(keyed(caseKey)), \(caseCounters) FROM r AS f \(groupBy)
                UNION ALL
                SELECT \(keyed(callbackKey)), \(callbackCounters)
                FROM b JOIN cases c ON c.tenant_id = $1 AND c.id = b.case_id
                WHERE c.grid_path >= $2 AND c.grid_path < $8 \(groupBy)
                UNION ALL
                SELECT \(keyed(summonsKey)), \(summonsCounters)
                FROM whistle_summons s JOIN whistles w ON w.tenant_id = s.tenant_id AND w.id = s.whistle_id
                WHERE s.tenant_id = $1 AND s.status <> 'dropped' AND s.due_at >= $3 AND s.due_at < $4 AND s.due_at <= $5
                  AND w.unit_path >= $2 AND w.unit_path < $8 \(groupBy)
                UNION ALL
                SELECT \(keyed(checkKey)), \(checkCounters) FROM \(checkRounds) \(groupBy)
                \(coverage.map { "UNION ALL\n" + $0 }.joined(separator: "\n"))
            ) u
            """
        var bindings = try await prepare(tx, scope: scope, from: from, to: to, asOf: asOf, idle: idle)
        bindings.append(split.days.compactMap(LocalDate.init))
        bindings.append(days.map(\.start))
        bindings.append(split.months.compactMap(LocalDate.init))
        bindings.append(days.map(\.end))
        bindings.append(split.less.compactMap(LocalDate.init))
        var rows: [Row] = []
        for try await row in try await tx.query(PostgresQuery(unsafeSQL: sql, binds: bindings)) {
            let columns = row.makeRandomAccess()
            let ids = try columns[0].decode([String].self)
            var tally = IndicatorTally()
            for (index, path) in IndicatorTally.counters.enumerated() { tally[keyPath: path] = Int(try columns[index + 1].decode(Int64.self)) }
            rows.append(Row(ids: ids.compactMap { Int64($0) }, tally: tally))
        }
        return rows
    }
}

extension IndicatorStore {
    /// The departments (id, code, name) of `ids`.
    public static func departments(_ tx: Tx, ids: [Int64]) async throws -> [(id: Int64, code: String, name: String)] {
        var result: [(Int64, String, String)] = []
        for try await row in try await tx.query(
            "SELECT id, code, name FROM departments WHERE tenant_id = \(tx.tenant) AND id = ANY(\(ids)) ORDER BY code"
        ).decode((Int64, String, String).self) { result.append(row) }
        return result
    }

    /// The people (id, login, name) of `ids`.
    public static func people(_ tx: Tx, ids: [Int64]) async throws -> [(id: Int64, login: String, name: String)] {
        var result: [(Int64, String, String)] = []
        for try await row in try await tx.query(
            "SELECT id, login, display_name FROM users WHERE tenant_id = \(tx.tenant) AND id = ANY(\(ids)) ORDER BY login"
        ).decode((Int64, String, String).self) { result.append(row) }
        return result
    }
}

extension IndicatorStore {
    /// Which case counters an indicator is a ratio of (positions in `caseConditions`): the cases
    /// behind its numerator and its denominator (none for a count). Nil for the figures counted
    /// from call-backs and whistles, those `Indicator.countsCases` says have no list, and for the
    /// check rounds (`checkConditions`).
    static func counters(_ indicator: Indicator) -> (numerator: Int, denominator: Int?)? {
        switch indicator {
        case .filed: (0, nil)
        case .closureRate: (1, 0)
        case .handlingRate: (3, 2)
        case .onTimeHandlingRate: (4, 2)
        case .reworkRate: (6, 5)
        case .extensionRate: (7, 5)
        case .openOverdue: (8, nil)
        case .frontLineShare: (15, 14)
        case .discoveryAccuracy: (21, 20)
        case .onTimeDiscoveryRate: (25, 24)
        case .responseRate, .resolutionRate, .satisfactionRate, .reportInOnTimeRate, .whistleScore, .onTimeCheckRate, .patrolCoverage: nil
        }
    }

    /// The cases behind one figure, newest first, below `beforeId`: those its denominator counts (or
    /// its numerator, or a count's own), by the same conditions as the figures, within `scope` and
    /// optionally led by `department` or reported by `reporter` (for check rounds: counted for that
    /// person, `checkPerson`).
    public static func caseIds(
        _ tx: Tx, _ indicator: Indicator, numerator: Bool, within scope: ScopePath, department: Int64?, reporter: Int64?, from: Date, to: Date,
        asOf: Date, idle: [DateInterval], beforeId: Int64?, limit: Int
    ) async throws -> [Int64] {
        if indicator == .onTimeCheckRate {
            return try await checkCaseIds(
                tx, numerator: numerator, within: scope, person: reporter, from: from, to: to, asOf: asOf, idle: idle, beforeId: beforeId, limit: limit)
        }
        guard let counters = counters(indicator) else { return [] }
        let index = numerator ? counters.numerator : counters.denominator ?? counters.numerator
        guard let condition = caseConditions[index] else { return [] }
        var bindings = try await prepare(tx, scope: scope, from: from, to: to, asOf: asOf, idle: idle)
        bindings.append(department)
        bindings.append(reporter)
        bindings.append(beforeId ?? Int64.max)
        bindings.append(Int32(limit))
        let sql = """
            WITH \(caseFacts(bySpan: bySpan(scope, from: from, to: to)))
            SELECT f.id FROM (SELECT * FROM f UNION ALL SELECT * FROM r) AS f
            WHERE \(condition) AND ($9::int8 IS NULL OR f.lead = $9) AND ($10::int8 IS NULL OR f.reported_by = $10) AND f.id < $11
            ORDER BY f.id DESC LIMIT $12
            """
        var ids: [Int64] = []
        for try await id in try await tx.query(PostgresQuery(unsafeSQL: sql, binds: bindings)).decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// The cases of the check rounds behind the on-time check rate (a case checked in two rounds
    /// of the period is listed once).
    static func checkCaseIds(
        _ tx: Tx, numerator: Bool, within scope: ScopePath, person: Int64?, from: Date, to: Date, asOf: Date, idle: [DateInterval], beforeId: Int64?,
        limit: Int
    ) async throws -> [Int64] {
        var bindings = try await prepare(tx, scope: scope, from: from, to: to, asOf: asOf, idle: idle)
        bindings.append(person)
        bindings.append(beforeId ?? Int64.max)
        bindings.append(Int32(limit))
        let sql = """
            SELECT DISTINCT k.case_id FROM \(checkRounds)
              AND \(checkConditions[numerator ? 1 : 0]) AND ($9::int8 IS NULL OR \(checkPerson) = $9) AND k.case_id < $10
            ORDER BY k.case_id DESC LIMIT $11
            """
        var ids: [Int64] = []
        for try await id in try await tx.query(PostgresQuery(unsafeSQL: sql, binds: bindings)).decode(Int64.self) { ids.append(id) }
        return ids
    }
}

extension IndicatorStore {
    /// When the district's org tree last changed (a unit added, renamed, moved or retired).
    public static func orgStamp(_ tx: Tx) async throws -> Date? {
        for try await stamp in try await tx.query("SELECT max(updated_at) FROM org_units WHERE tenant_id = \(tx.tenant)").decode(Date?.self) {
            return stamp
        }
        return nil
    }

    /// Whether this transaction runs on a standby (which can keep nothing).
    public static func inRecovery(_ tx: Tx) async throws -> Bool {
        for try await recovering in try await tx.query("SELECT pg_is_in_recovery()").decode(Bool.self) { return recovering }
        return false
    }

    /// The answer kept for a settled question (`assessment_tallies`), if any.
    public static func settled(_ tx: Tx, question: [UInt8]) async throws -> [Row]? {
        for try await text in try await tx.query(
            "SELECT rows::text FROM assessment_tallies WHERE tenant_id = \(tx.tenant) AND question = \(ByteBuffer(bytes: question))"
        ).decode(String.self) {
            let stored = try JSONDecoder().decode([[[Int64]]].self, from: Data(text.utf8))
            return stored.map { pair in
                var tally = IndicatorTally()
                for (index, path) in IndicatorTally.counters.enumerated() where index < pair[1].count { tally[keyPath: path] = Int(pair[1][index]) }
                return Row(ids: pair[0], tally: tally)
            }
        }
        return nil
    }

    /// Keeps the answer to a settled question (the first one written stays: they are equal).
    public static func settle(_ tx: Tx, question: [UInt8], rows: [Row]) async throws {
        let stored = rows.map { row in [row.ids, IndicatorTally.counters.map { path in Int64(row.tally[keyPath: path]) }] }
        let json = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        try await tx.query(
            """
            INSERT INTO assessment_tallies (tenant_id, question, rows) VALUES (\(tx.tenant), \(ByteBuffer(bytes: question)), \(json)::jsonb)
            ON CONFLICT (tenant_id, question) DO NOTHING
            """)
    }
}
