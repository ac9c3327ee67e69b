import Foundation
import GridCore
import Logging
import PostgresNIO

/// A new case before it has an id and number.
public struct NewCase: Sendable {
    /// The number `CaseStore.takeNumber` gave it.
    public var number: String
    public var intake: CaseIntake
    public var categoryId: Int64?
    public var gridId: Int64
    public var gridPath: ScopePath
    public var reportedBy: Int64?
    public var dispatchDue: Date?
    /// The district's time zone (its calendar day, for the reporter's round that day) and the limit
    /// after the round within which a grid worker's report counts as found on it.
    public var timeZone = "Asia/Shanghai"
    public var discoveryLimitMinutes = PatrolSettings.defaultDiscoveryLimitMinutes

    public init(number: String, intake: CaseIntake, categoryId: Int64?, gridId: Int64, gridPath: ScopePath, reportedBy: Int64?, dispatchDue: Date?) {
        self.number = number
        self.intake = intake
        self.categoryId = categoryId
        self.gridId = gridId
        self.gridPath = gridPath
        self.reportedBy = reportedBy
        self.dispatchDue = dispatchDue
    }
}

/// Cases, their history and the idempotency keys of their intake.
public enum CaseStore {
    /// The columns and joins `record` reads (public for the benchmark's pgbench ceiling, which sends the same SQL).
    public static let select = "SELECT \(columns) FROM cases c\n\(joins)"

    /// The case row's select list, named: each column's place is its case's position, so a decoder
    /// reads `row[.handleDue]`, never a number, and the list is written once (`columns`).
    /// Every column comes out with a name (the benchmark's pgbench ceiling stores them with `\gset`).
    enum Column: Int, CaseIterable {
        case id
        case number
        case state
        case version
        case source
        case categoryId
        case categoryCode
        case categoryName
        case grade
        case description
        case address
        case lat
        case lng
        case gridId
        case gridCode
        case gridName
        case gridPath
        case reporterName
        case reporterPhone
        case reportedBy
        case level
        case leadDepartmentId
        case leadDepartmentCode
        case leadDepartmentName
        case ruleSetNumber
        case ruleKey
        case routingBasis
        case routeOverridden
        case dispatchDue
        case signDue
        case handleDue
        case checkDue
        case suspendedAt
        case mergedInto
        case rating
        case returnCount
        case reworkCount
        case extensionCount
        case reportedAt
        case filedAt
        case dispatchedAt
        case handledAt
        case closedAt
        case updatedAt
        case assisting
        case whistle
        case warnAt
        case redAt
        case light
        case taskDepartments
        case deadlineProfile
        case levelUnitId
        case levelUnitCode
        case levelUnitName
        case levelSince
        case levelDue
        case pendingLevel
        case pendingUnitId

        /// The SQL expression of the column, over `cases c` and the `joins`.
        var sql: String {
            switch self {
            case .id: "c.id"
            case .number: "c.number"
            case .state: "c.state"
            case .version: "c.version"
            case .source: "c.source"
            case .categoryId: "c.category_id"
            case .categoryCode: "cat.code"
            case .categoryName: "cat.name"
            case .grade: "c.grade"
            case .description: "c.description"
            case .address: "c.address"
            case .lat: "ST_Y(c.location)"
            case .lng: "ST_X(c.location)"
            case .gridId: "c.grid_id"
            case .gridCode: "g.code"
            case .gridName: "g.name"
            case .gridPath: "c.grid_path"
            case .reporterName: "c.reporter_name"
            case .reporterPhone: "c.reporter_phone"
            case .reportedBy: "u.login"
            case .level: "c.level"
            case .leadDepartmentId: "c.lead_department_id"
            case .leadDepartmentCode: "d.code"
            case .leadDepartmentName: "d.name"
            case .ruleSetNumber: "c.rule_set_number"
            case .ruleKey: "c.rule_key"
            case .routingBasis: "c.routing_basis"
            case .routeOverridden: "c.route_overridden"
            case .dispatchDue: "c.dispatch_due"
            case .signDue: "c.sign_due"
            case .handleDue: "c.handle_due"
            case .checkDue: "c.check_due"
            case .suspendedAt: "c.suspended_at"
            case .mergedInto: "c.merged_into"
            case .rating: "c.rating"
            case .returnCount: "c.return_count"
            case .reworkCount: "c.rework_count"
            case .extensionCount: "c.extension_count"
            case .reportedAt: "c.reported_at"
            case .filedAt: "c.filed_at"
            case .dispatchedAt: "c.dispatched_at"
            case .handledAt: "c.handled_at"
            case .closedAt: "c.closed_at"
            case .updatedAt: "c.updated_at"
            case .assisting: "coalesce(ARRAY(SELECT jsonb_array_elements_text(c.routing -> 'assisting')), '{}'::text[])"
            case .whistle: "coalesce((c.routing ->> 'whistle')::boolean, false)"
            case .warnAt: "c.warn_at"
            case .redAt: "c.red_at"
            case .light: "c.light"
            case .taskDepartments:
                "ARRAY(SELECT t.department_id FROM case_tasks t WHERE t.tenant_id = c.tenant_id AND t.case_id = c.id AND t.state <> 'cancelled')"
            case .deadlineProfile: "c.routing ->> 'deadlineProfile' AS deadline_profile"
            case .levelUnitId: "c.level_unit_id"
            case .levelUnitCode: "lu.code AS level_unit_code"
            case .levelUnitName: "lu.name AS level_unit_name"
            case .levelSince: "c.level_since"
            case .levelDue: "c.level_due"
            case .pendingLevel: "c.pending_level"
            case .pendingUnitId: "c.pending_unit_id"
            }
        }
    }

    /// How many columns `columns` has (what a statement selects after them starts there).
    static let columnCount = Column.allCases.count

    /// What `record` reads of a case `c`, and the joins that name what it points at.
    static let columns = Column.allCases.map(\.sql).joined(separator: ", ")

    static let joins = """
        JOIN org_units g ON g.tenant_id = c.tenant_id AND g.id = c.grid_id
        LEFT JOIN categories cat ON cat.tenant_id = c.tenant_id AND cat.id = c.category_id
        LEFT JOIN departments d ON d.tenant_id = c.tenant_id AND d.id = c.lead_department_id
        LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.reported_by
        LEFT JOIN org_units lu ON lu.tenant_id = c.tenant_id AND lu.id = c.level_unit_id
        """

    static func record(_ row: PostgresRow) throws -> CaseRecord {
        let r = row.makeRandomAccess()
        func cell(_ column: Column) -> PostgresCell { r[column.rawValue] }
        func value<T: PostgresDecodable>(_ column: Column, as type: T.Type = T.self) throws -> T { try cell(column).decode(T.self) }
        let gridId: Int64 = try value(.gridId)
        return CaseRecord(
            id: try value(.id), number: try value(.number), state: CaseState(rawValue: try value(.state)) ?? .reported,
            version: try value(.version), source: CaseSource(rawValue: try value(.source)) ?? .gridWorker, categoryId: try value(.categoryId),
            categoryCode: try value(.categoryCode), categoryName: try value(.categoryName), grade: try value(.grade),
            description: try value(.description), address: try value(.address), lat: try value(.lat), lng: try value(.lng), gridId: gridId,
            gridCode: try value(.gridCode), gridName: try value(.gridName), gridPath: ScopePath(try value(.gridPath)) ?? .root(gridId),
            reporterName: try value(.reporterName), reporterPhone: try value(.reporterPhone), reportedBy: try value(.reportedBy),
            level: try value(.level, as: String?.self).flatMap(LadderLevel.init), leadDepartmentId: try value(.leadDepartmentId),
            leadDepartmentCode: try value(.leadDepartmentCode), leadDepartmentName: try value(.leadDepartmentName),
            ruleSetNumber: try value(.ruleSetNumber, as: Int32?.self).map(Int.init), ruleKey: try value(.ruleKey),
            routingBasis: try value(.routingBasis), routeOverridden: try value(.routeOverridden), assisting: try value(.assisting),
            whistle: try value(.whistle), deadlineProfile: try value(.deadlineProfile), dispatchDue: try value(.dispatchDue),
            signDue: try value(.signDue), handleDue: try value(.handleDue), checkDue: try value(.checkDue), warnAt: try value(.warnAt),
            redAt: try value(.redAt), light: TrafficLight(rawValue: try value(.light)) ?? .green, taskDepartments: try value(.taskDepartments),
            suspendedAt: try value(.suspendedAt), mergedInto: try value(.mergedInto),
            rating: try value(.rating, as: String?.self).flatMap(CaseRating.init),
            returnCount: Int(try value(.returnCount, as: Int32.self)), reworkCount: Int(try value(.reworkCount, as: Int32.self)),
            extensionCount: Int(try value(.extensionCount, as: Int32.self)), reportedAt: try value(.reportedAt), filedAt: try value(.filedAt),
            dispatchedAt: try value(.dispatchedAt), handledAt: try value(.handledAt), closedAt: try value(.closedAt),
            updatedAt: try value(.updatedAt), levelUnitId: try value(.levelUnitId), levelUnitCode: try value(.levelUnitCode),
            levelUnitName: try value(.levelUnitName), levelSince: try value(.levelSince), levelDue: try value(.levelDue),
            pendingLevel: try value(.pendingLevel, as: String?.self).flatMap(LadderLevel.init), pendingUnitId: try value(.pendingUnitId))
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [CaseRecord] {
        var result: [CaseRecord] = []
        for try await row in rows { result.append(try record(row)) }
        return result
    }

    public static func find(_ tx: Tx, id: Int64) async throws -> CaseRecord? {
        try await records(tx, ids: [id]).first
    }

    /// The cases `ids`, newest first, by a statement prepared once per connection: planning the
    /// select's joins under row-level security cost more than running it for a page of cases.
    public static func records(_ tx: Tx, ids: [Int64]) async throws -> [CaseRecord] {
        ids.isEmpty ? [] : try await tx.execute(ByIdsStatement(tenantId: tx.tenant, ids: ids))
    }

    struct ByIdsStatement: PostgresPreparedStatement {
        static let sql = "\(select)\nWHERE c.tenant_id = $1 AND c.id = ANY($2::bigint[])\nORDER BY c.id DESC"
        let tenantId: Int64
        let ids: [Int64]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(tenantId)
            bindings.append(ids)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> CaseRecord { try CaseStore.record(row) }
    }

    public static func find(_ tx: Tx, number: String) async throws -> CaseRecord? {
        try await decode(tx.query("\(unescaped: select) WHERE c.tenant_id = \(tx.tenant) AND c.number = \(number)")).first
    }

    /// A work list: the cases in any of `scopes` (grid-path ranges) or led by one of `departments`,
    /// narrowed by the filters, newest first, after `beforeId` when paging.
    public struct ListQuery: Sendable {
        public var scopes: [ScopePath]
        public var departments: [Int64]
        public var states: [CaseState]?
        public var categoryCode: String?
        public var grade: String?
        public var leadDepartment: Int64?
        public var within: ScopePath?
        public var light: TrafficLight?
        /// Only overdue cases (`CaseStageClocks.isOverdue` at `now`).
        public var overdue: Bool
        public var reportedFrom: Date?
        public var reportedTo: Date?
        /// Also the cases on which one of these departments has an open assisting task (协办),
        /// whatever the case's state (the department queue).
        public var assistingDepartments: [Int64] = []
        /// The level queue: only cases held by, or with a slip waiting for, one of these units, or
        /// at one of these levels within the paired scope.
        public var holderUnits: [Int64]?
        public var holderLevels: [(level: LadderLevel, scope: ScopePath)] = []
        /// Leave out the cases a level below the street holds (theirs, not the centre's, until
        /// handed up).
        public var skipHeldBelowStreet = false
        public var now: Date

        public init(
            scopes: [ScopePath], departments: [Int64], states: [CaseState]? = nil, categoryCode: String? = nil, grade: String? = nil,
            leadDepartment: Int64? = nil, within: ScopePath? = nil, light: TrafficLight? = nil, overdue: Bool = false,
            reportedFrom: Date? = nil, reportedTo: Date? = nil, now: Date = Date()
        ) {
            self.scopes = scopes
            self.departments = departments
            self.states = states
            self.categoryCode = categoryCode
            self.grade = grade
            self.leadDepartment = leadDepartment
            self.within = within
            self.light = light
            self.overdue = overdue
            self.reportedFrom = reportedFrom
            self.reportedTo = reportedTo
            self.now = now
        }
    }

    /// The page's ids come from a statement that reads cases alone (cheap to plan with the filters'
    /// values); their records from the prepared select.
    public static func list(_ tx: Tx, _ q: ListQuery, beforeId: Int64?, limit: Int) async throws -> [CaseRecord] {
        let lows = q.scopes.map(\.raw), highs = q.scopes.map(\.upperBound)
        // `HandlingClock.light` in SQL: while the clock runs, the more severe of the recorded light and the one the light times reached.
        let running = HandlingClock.runningStates.map(\.rawValue).sorted()
        var ids: [Int64] = []
        for try await id in try await tx.query(
            """
            SELECT c.id FROM cases c
            WHERE c.tenant_id = \(tx.tenant) AND c.id < \(beforeId ?? Int64.max)
              AND (((EXISTS (SELECT 1 FROM unnest(\(lows)::text[], \(highs)::text[]) s(lo, hi) WHERE c.grid_path >= s.lo AND c.grid_path < s.hi)
                      OR c.lead_department_id = ANY(\(q.departments)::bigint[]))
                     AND (\(q.states.map { $0.map(\.rawValue) })::text[] IS NULL OR c.state = ANY(\(q.states.map { $0.map(\.rawValue) })::text[])))
                   OR (cardinality(\(q.assistingDepartments)::bigint[]) > 0
                       AND EXISTS (SELECT 1 FROM case_tasks t WHERE t.tenant_id = c.tenant_id AND t.case_id = c.id AND NOT t.lead
                                   AND t.department_id = ANY(\(q.assistingDepartments)::bigint[]) AND t.state IN ('dispatched', 'signed'))))
              AND (\(q.categoryCode)::text IS NULL
                   OR c.category_id = (SELECT x.id FROM categories x WHERE x.tenant_id = \(tx.tenant) AND x.code = \(q.categoryCode)))
              AND (\(q.grade)::text IS NULL OR c.grade = \(q.grade))
              AND (\(q.leadDepartment)::bigint IS NULL OR c.lead_department_id = \(q.leadDepartment))
              AND (\(q.within?.raw)::text IS NULL OR (c.grid_path >= \(q.within?.raw) AND c.grid_path < \(q.within?.upperBound)))
              AND (NOT \(q.overdue) OR (c.state = ANY(\(running)::text[]) AND (c.light = 'red' OR c.red_at <= \(q.now)))
                   OR EXISTS (SELECT 1 FROM case_clocks k WHERE k.tenant_id = c.tenant_id AND k.case_id = c.id AND k.stopped_at IS NULL
                              AND k.stage <> 'handle' AND (k.light = 'red' OR k.red_at <= \(q.now))))
              AND (\(q.holderUnits)::bigint[] IS NULL
                   OR c.level_unit_id = ANY(\(q.holderUnits)::bigint[]) OR c.pending_unit_id = ANY(\(q.holderUnits)::bigint[])
                   OR EXISTS (SELECT 1 FROM unnest(\(q.holderLevels.map(\.level.rawValue))::text[], \(q.holderLevels.map(\.scope.raw))::text[],
                                                    \(q.holderLevels.map(\.scope.upperBound))::text[]) h(l, lo, hi)
                              WHERE (c.level = h.l OR c.pending_level = h.l) AND c.grid_path >= h.lo AND c.grid_path < h.hi))
              AND (NOT \(q.skipHeldBelowStreet) OR c.level IS NULL OR c.level IN ('street', 'district') OR c.state NOT IN ('filed', 'returned'))
              AND (\(q.reportedFrom)::timestamptz IS NULL OR c.reported_at >= \(q.reportedFrom))
              AND (\(q.reportedTo)::timestamptz IS NULL OR c.reported_at < \(q.reportedTo))
              AND (\(q.light?.rawValue)::text IS NULL OR CASE
                     WHEN NOT (c.state = ANY(\(running)::text[])) THEN c.light
                     WHEN c.light = 'red' OR c.red_at <= \(q.now) THEN 'red'
                     WHEN c.light = 'yellow' OR c.warn_at <= \(q.now) THEN 'yellow' ELSE 'green' END = \(q.light?.rawValue))
            ORDER BY c.id DESC
            LIMIT \(Int32(limit))
            """
        ).decode(Int64.self) { ids.append(id) }
        return try await records(tx, ids: ids)
    }

    /// What intake reads before it numbers a case, in one statement: the district, its calendar's
    /// version, its published rule set (header), the answer an earlier request under the caller's
    /// idempotency key got, and the chain of the reported category (root first).
    public struct IntakeContext: Sendable {
        public var tenant: TenantRecord
        public var calendarVersion: Int64?
        public var published: RuleSetRecord?
        public var earlier: (requestHash: [UInt8], caseId: Int64)?
        public var categoryChain: [CategoryRecord]
    }

    /// Nil when the district is not there. `key` is looked up only with a `userId`; `categoryCode` nil
    /// leaves the chain empty, as does an unknown code. One call outside any transaction
    /// (`intake_context` sets the district for its own).
    public static func intakeContext(_ db: Database, tenantId: Int64, userId: Int64?, key: String?, categoryCode: String?) async throws -> IntakeContext? {
        let rows = try await db.execute(IntakeContextStatement(tenantId: tenantId, userId: userId, key: key, categoryCode: categoryCode))
        guard let first = rows.first else { return nil }
        // Every row repeats the district's columns; they are decoded from the first only.
        var context = try IntakeContextStatement.context(first)
        context.categoryChain = try rows.compactMap(IntakeContextStatement.category)
        return context
    }

    /// The statement of `intakeContext` (public for the benchmark's pgbench ceiling, which sends the
    /// same SQL). One row per node of the category chain, or one with the category's columns NULL.
    public static let intakeContextSQL = "SELECT * FROM intake_context($1, $2, $3, $4)"

    struct IntakeContextStatement: PostgresPreparedStatement {
        static let sql = intakeContextSQL
        let tenantId: Int64
        let userId: Int64?
        let key: String?
        let categoryCode: String?

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 4)
            bindings.append(tenantId)
            bindings.append(key == nil ? nil : userId)
            bindings.append(key)
            bindings.append(categoryCode)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

        /// The columns `intake_context` returns, in its order (`IntakeContextColumnsTests` compares
        /// them with the function's result): the district's (`t_`), the calendar's version, the
        /// published rule set's (`r_`), the idempotency key's (`k_`) and one node of the category
        /// chain (`c_`). Each record's decoder starts at its first column.
        enum Column: Int, CaseIterable {
            case tId, tCode, tName, tDivisionCode, tTimeZone, tStatus, tSettings, tVersion, tCreatedAt, calendarVersion, rDocument, rId, rNumber, rStatus,
                rRuleCount, rNote, rCreatedBy, rPublishedBy, rPublishedAt, rVersion, rUpdatedAt, kRequestHash, kCaseId, cId, cCode, cParentCode, cName, cKind,
                cPath, cIsPublic, cFilingStandard, cClosingStandard, cGrades, cLeadDepartment, cDefaultLevel, cVersion, cUpdatedAt, cAssisting

            /// The column's name in the function's result (`tDivisionCode` is `t_division_code`).
            var sqlName: String {
                String(describing: self).reduce(into: "") { name, c in name += c.isUppercase ? "_" + c.lowercased() : String(c) }
            }
        }

        /// What the district's columns of a row say (the chain left empty).
        static func context(_ row: PostgresRow) throws -> IntakeContext {
            let r = row.makeRandomAccess()
            func cell(_ column: Column) -> PostgresCell { r[column.rawValue] }
            let earlier = try cell(.kRequestHash).decode(ByteBuffer?.self).map { hash in
                (Array(hash.readableBytesView), try cell(.kCaseId).decode(Int64.self))
            }
            return IntakeContext(
                tenant: try TenantStore.record(r, from: Column.tId.rawValue), calendarVersion: try cell(.calendarVersion).decode(Int64?.self),
                published: try cell(.rId).decode(Int64?.self) == nil ? nil : try RuleSetStore.record(r, from: Column.rDocument.rawValue),
                earlier: earlier, categoryChain: [])
        }

        /// The node of the category chain in a row, nil when the row has none.
        static func category(_ row: PostgresRow) throws -> CategoryRecord? {
            let r = row.makeRandomAccess()
            return try r[Column.cId.rawValue].decode(Int64?.self) == nil ? nil : try CatalogStore.record(r, from: Column.cId.rawValue)
        }
    }

    /// The district's next case number of `day` (`HD-20261122-000123`), in a statement of its own
    /// outside any transaction (`take_case_number`): the day's counter row is locked only while the
    /// database updates and commits it, not across round trips, so concurrent intakes do not queue
    /// on it. That commit does not wait for its flush; the case's own synchronous commit flushes it.
    /// A case that fails to be written after it was numbered leaves its number unused.
    public static func takeNumber(_ db: Database, tenantId: Int64, tenantCode: String, day: LocalDate) async throws -> String {
        guard let last = try await db.execute(NumberStatement(tenantId: tenantId, day: day.description)).first
        else { preconditionFailure("take_case_number returned no row") }
        return CaseNumber.format(tenantCode: tenantCode, day: day, counter: Int(last))
    }

    /// The next number of `day` after the counter was found behind the numbers in use (a crash lost
    /// its unflushed increments): past the day's highest number, durably (`resync_case_number`).
    public static func takeNumberPastUsed(_ db: Database, tenantId: Int64, tenantCode: String, day: LocalDate) async throws -> String {
        let prefix = CaseNumber.prefix(tenantCode: tenantCode, day: day)
        let taken = try await db.query("SELECT resync_case_number(\(tenantId), \(day.description)::date, \(prefix))") { try $0.decode(Int32.self) }
        guard let last = taken.first else { preconditionFailure("resync_case_number returned no row") }
        return CaseNumber.format(tenantCode: tenantCode, day: day, counter: Int(last))
    }

    public static let numberSQL = "SELECT take_case_number($1, $2::date)"

    struct NumberStatement: PostgresPreparedStatement {
        static let sql = numberSQL
        let tenantId: Int64
        let day: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(tenantId)
            bindings.append(day)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Int32 { try row.decode(Int32.self) }
    }

    /// What `insert` answers: the case as stored; whether an active webhook subscription hears of new
    /// reports (so that intake looks the subscriptions up only when one does); whether the request's
    /// idempotency key was claimed for it (false without a key, or when another request under the
    /// same key committed first).
    public struct Inserted: Sendable {
        public var record: CaseRecord
        public var heard: Bool
        public var claimed: Bool
    }

    /// Inserts the case with its first event, claims the request's idempotency key (by the case's
    /// reporter) and reads the case back, in one statement (prepared once per connection: intake's
    /// hottest write).
    public static func insert(_ tx: Tx, _ new: NewCase, actor: String, role: String?, key: (key: String, requestHash: [UInt8])?) async throws -> Inserted {
        guard
            let inserted = try await tx.execute(
                InsertStatement(
                    tenantId: tx.tenant, new: new, actor: actor, role: role,
                    payload: canonicalJSON(new.intake), key: key)
            ).first
        else { preconditionFailure("INSERT … RETURNING returned no row") }
        return inserted
    }

    /// The statement `insert` prepares (public for the benchmark's pgbench ceiling, which sends the same SQL).
    public static let insertSQL = """
        WITH p AS (
            -- A grid worker's round that passed the grid: their latest check-in there today (in the
            -- district's time zone $21) before the report (patrol_checkins_user).
            SELECT max(pc.at) AS at FROM patrol_checkins pc
            WHERE $3 = 'gridWorker' AND pc.tenant_id = $1 AND pc.user_id = $14::bigint AND pc.grid_id = $10
              AND pc.at >= (date_trunc('day', now() AT TIME ZONE $21::text) AT TIME ZONE $21::text) AND pc.at <= now()
        ), c AS (
            INSERT INTO cases (tenant_id, number, state, source, category_id, grade, description, address, location, grid_id, grid_path,
                               reporter_name, reporter_phone, reported_by, dispatch_due, patrolled_at, found_on_round)
            SELECT $1, $2, 'reported', $3, $4::bigint, $5::text, $6, $7::text,
                   ST_SetSRID(ST_MakePoint($8::float8, $9::float8), 4326), $10, $11,
                   $12::text, $13::text, $14::bigint, $15::timestamptz,
                   p.at, CASE WHEN $3 = 'gridWorker' THEN coalesce(p.at >= now() - make_interval(mins => $22::int4), false) END
            FROM p
            RETURNING *
        ), e AS (
            INSERT INTO case_events (tenant_id, case_id, seq, at, actor_id, actor, role, action, from_state, to_state, payload, hash)
            SELECT c.tenant_id, c.id, 1, x.at, c.reported_by, $16, $17::text, 'report', NULL, 'reported', x.payload,
                   case_event_hash(NULL, c.tenant_id, c.id, 1, x.at, c.reported_by, $16, $17::text, 'report', NULL, 'reported', x.payload)
            FROM c, LATERAL (
                -- The report records the round that passed (a grid worker's report only).
                SELECT date_trunc('microseconds', clock_timestamp()) AS at,
                       $18::jsonb || CASE WHEN c.found_on_round IS NULL THEN '{}'::jsonb
                                          ELSE jsonb_strip_nulls(jsonb_build_object('foundOnRound', c.found_on_round, 'patrolledAt', c.patrolled_at)) END
                           AS payload
            ) x
        ), k AS (
            INSERT INTO idempotency_keys (tenant_id, user_id, key, request_hash, case_id)
            SELECT c.tenant_id, c.reported_by, $19::text, $20::bytea, c.id FROM c WHERE $19::text IS NOT NULL AND c.reported_by IS NOT NULL
            ON CONFLICT (tenant_id, user_id, key) DO NOTHING
            RETURNING 1
        )
        SELECT \(columns),
               EXISTS (SELECT 1 FROM webhook_subscriptions w
                       WHERE w.tenant_id = c.tenant_id AND w.active AND w.department_id IS NULL
                         AND ('case.report' = ANY(w.event_types) OR '*' = ANY(w.event_types))),
               EXISTS (SELECT 1 FROM k)
        FROM c
        \(joins)
        """

    struct InsertStatement: PostgresPreparedStatement {
        static let sql = insertSQL
        let tenantId: Int64
        let new: NewCase
        let actor: String
        let role: String?
        let payload: String
        let key: (key: String, requestHash: [UInt8])?

        func makeBindings() throws -> PostgresBindings {
            let intake = new.intake
            var bindings = PostgresBindings(capacity: 22)
            bindings.append(tenantId)
            bindings.append(new.number)
            bindings.append(intake.source.rawValue)
            bindings.append(new.categoryId)
            bindings.append(intake.grade)
            bindings.append(intake.description)
            bindings.append(intake.address)
            bindings.append(intake.lng)
            bindings.append(intake.lat)
            bindings.append(new.gridId)
            bindings.append(new.gridPath.raw)
            bindings.append(intake.reporterName)
            bindings.append(intake.reporterPhone)
            bindings.append(new.reportedBy)
            bindings.append(new.dispatchDue)
            bindings.append(actor)
            bindings.append(role)
            bindings.append(payload)
            bindings.append(key?.key)
            bindings.append(key.map { ByteBuffer(bytes: $0.requestHash) })
            bindings.append(new.timeZone)
            bindings.append(Int32(new.discoveryLimitMinutes))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Inserted {
            let r = row.makeRandomAccess()
            return Inserted(
                record: try CaseStore.record(row), heard: try r[CaseStore.columnCount].decode(Bool.self),
                claimed: try r[CaseStore.columnCount + 1].decode(Bool.self))
        }
    }

    /// `value` as canonical JSON (sorted keys): event payloads, and what an idempotency key is checked against.
    public static func canonicalJSON(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Locks the case's row if it is still at `version`: an action's effects (tasks, slips, turns)
    /// are written only by the one request that holds the case. False when someone was first.
    public static func lock(_ tx: Tx, id: Int64, version: Int64) async throws -> Bool {
        for try await _ in try await tx.query(
            "SELECT 1 FROM cases WHERE tenant_id = \(tx.tenant) AND id = \(id) AND version = \(version) FOR UPDATE"
        ).decode(Int32.self) {
            return true
        }
        return false
    }

    /// Writes the mutable fields of `record` if the stored version is still `expectedVersion`, with
    /// the event that explains the change (seq = the new version). False when someone was first.
    public static func update(
        _ tx: Tx, _ record: CaseRecord, expectedVersion: Int64,
        event: (
            actorId: Int64?, actor: String, role: String?,
            action: String, from: CaseState, payload: String
        )
    )
        async throws -> Bool
    {
        let rows = try await tx.query(
            """
            UPDATE cases SET state = \(record.state.rawValue), version = version + 1, category_id = \(record.categoryId), grade = \(record.grade),
                level = \(record.level?.rawValue), level_unit_id = \(record.levelUnitId), level_since = \(record.levelSince),
                level_due = \(record.levelDue), pending_level = \(record.pendingLevel?.rawValue), pending_unit_id = \(record.pendingUnitId),
                lead_department_id = \(record.leadDepartmentId), rule_set_number = \(record.ruleSetNumber.map(Int32.init)),
                rule_key = \(record.ruleKey), routing_basis = \(record.routingBasis), route_overridden = \(record.routeOverridden),
                routing = jsonb_strip_nulls(jsonb_build_object('assisting', \(record.assisting)::text[], 'whistle', \(record.whistle),
                                                               'deadlineProfile', \(record.deadlineProfile)::text)),
                dispatch_due = \(record.dispatchDue), sign_due = \(record.signDue), handle_due = \(record.handleDue), check_due = \(record.checkDue),
                warn_at = \(record.warnAt), red_at = \(record.redAt), light = \(record.light.rawValue),
                suspended_at = \(record.suspendedAt), merged_into = \(record.mergedInto), rating = \(record.rating?.rawValue),
                return_count = \(Int32(record.returnCount)), rework_count = \(Int32(record.reworkCount)), extension_count = \(Int32(record.extensionCount)),
                filed_at = \(record.filedAt), dispatched_at = \(record.dispatchedAt), handled_at = \(record.handledAt), closed_at = \(record.closedAt),
                updated_at = now(),
                -- The assessment's facts (0028): stamped when one of them changes (the columns on the right are the row before).
                facts_at = CASE WHEN ROW(\(record.filedAt), \(record.handleDue), \(record.handledAt), \(record.closedAt), \(Int32(record.reworkCount)),
                                         \(Int32(record.extensionCount)), \(record.suspendedAt), \(record.leadDepartmentId), \(record.level?.rawValue),
                                         \(Self.factsClass(record.state)))
                                     IS DISTINCT FROM ROW(filed_at, handle_due, handled_at, closed_at, rework_count, extension_count, suspended_at,
                                                          lead_department_id, level, CASE WHEN state IN ('voided', 'merged') THEN 'gone'
                                                                                   WHEN state IN ('notFiled', 'invalid') THEN 'refused'
                                                                                   WHEN state IN ('reported', 'verifying', 'verified') THEN 'undecided'
                                                                                   ELSE 'worked' END)
                                THEN clock_timestamp() ELSE facts_at END
            WHERE tenant_id = \(tx.tenant) AND id = \(record.id) AND version = \(expectedVersion)
            RETURNING version
            """)
        var newVersion: Int64?
        for try await value in rows.decode(Int64.self) { newVersion = value }
        guard let newVersion else { return false }
        try await appendEvent(
            tx, caseId: record.id, seq: newVersion, actorId: event.actorId, actor: event.actor, role: event.role,
            action: event.action, from: event.from, to: record.state, payload: event.payload)
        try await recordCheckRound(tx, caseId: record.id, seq: newVersion, action: event.action)
        return true
    }

    /// Keeps the case's check rounds (`case_checks`, 0035) with the event just written: a
    /// requestCheck opens one with the deadline it set, a passCheck or failCheck ends the open one.
    /// Both take the event's own time, so the rounds are what the history says.
    static func recordCheckRound(_ tx: Tx, caseId: Int64, seq: Int64, action: String) async throws {
        switch action {
        case CaseAction.requestCheck.rawValue:
            try await tx.query(
                """
                INSERT INTO case_checks (tenant_id, case_id, seq, grid_path, reporter_id, requested_at, due_at)
                SELECT c.tenant_id, c.id, e.seq, c.grid_path, CASE WHEN c.source = 'gridWorker' THEN c.reported_by END, e.at, c.check_due
                FROM cases c JOIN case_events e ON e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.seq = \(seq)
                WHERE c.tenant_id = \(tx.tenant) AND c.id = \(caseId)
                """)
        case CaseAction.passCheck.rawValue, CaseAction.failCheck.rawValue:
            try await tx.query(
                """
                UPDATE case_checks k SET done_at = e.at, done_by = e.actor_id, passed = e.action = 'passCheck'
                FROM case_events e
                WHERE e.tenant_id = \(tx.tenant) AND e.case_id = \(caseId) AND e.seq = \(seq)
                  AND k.tenant_id = \(tx.tenant) AND k.case_id = \(caseId) AND k.done_at IS NULL
                """)
        default:
            break
        }
    }

    /// What the assessment reads of a case's state: gone (voided, merged), refused (not filed,
    /// invalid), undecided (before filing) or worked.
    static func factsClass(_ state: CaseState) -> String {
        switch state {
        case .voided, .merged: "gone"
        case .notFiled, .invalid: "refused"
        case .reported, .verifying, .verified: "undecided"
        default: "worked"
        }
    }

    /// Appends an event whose hash chains to the previous one (computed by the database from what it stores).
    static func appendEvent(
        _ tx: Tx, caseId: Int64, seq: Int64, actorId: Int64?, actor: String, role: String?, action: String,
        from: CaseState?, to: CaseState, payload: String
    ) async throws {
        try await tx.query(
            """
            INSERT INTO case_events (tenant_id, case_id, seq, at, actor_id, actor, role, action, from_state, to_state, payload, hash)
            SELECT \(tx.tenant), \(caseId), \(seq), e.at, \(actorId), \(actor), \(role), \(action), \(from?.rawValue), \(to.rawValue), e.payload,
                   case_event_hash((SELECT p.hash FROM case_events p WHERE p.tenant_id = \(tx.tenant) AND p.case_id = \(caseId) AND p.seq = \(seq) - 1),
                                   \(tx.tenant), \(caseId), \(seq), e.at, \(actorId), \(actor), \(role), \(action), \(from?.rawValue), \(to.rawValue),
                                   e.payload)
            FROM (SELECT date_trunc('microseconds', clock_timestamp()) AS at, \(payload)::jsonb AS payload) e
            """)
    }

    public static func events(_ tx: Tx, caseId: Int64) async throws -> [CaseEventRecord] {
        var result: [CaseEventRecord] = []
        let rows = try await tx.query(
            """
            SELECT seq, at, actor_id, actor, role, action, from_state, to_state, payload::text
            FROM case_events WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) ORDER BY seq
            """)
        for try await (seq, at, actorId, actor, role, action, from, to, payload) in rows.decode(
            (Int64, Date, Int64?, String, String?, String, String?, String, String).self)
        {
            result.append(
                CaseEventRecord(
                    seq: seq, at: at, actorId: actorId, actor: actor, role: role, action: action,
                    from: from.flatMap(CaseState.init), to: CaseState(rawValue: to) ?? .reported, payload: payload))
        }
        return result
    }

    /// Recomputes every hash chain of the district: an event whose stored hash differs from the one
    /// recomputed over its fields and its predecessor's hash was edited (or its predecessor was
    /// deleted); a gap in the sequence or a last event behind the case's version means deleted events.
    public static func verifyHistory(_ tx: Tx) async throws -> (cases: Int, events: Int, breaks: [HistoryBreak]) {
        var breaks: [HistoryBreak] = []
        // The database checks every event and sends the count and the breaks only: a million cases
        // have some eight million events, which the service would otherwise read one by one.
        let rows = try await tx.query(
            """
            WITH x AS (
                SELECT e.case_id, e.seq,
                       e.hash = case_event_hash(lag(e.hash) OVER w, e.tenant_id, e.case_id, e.seq, e.at, e.actor_id, e.actor, e.role, e.action,
                                                e.from_state, e.to_state, e.payload) AS hash_ok,
                       e.seq = row_number() OVER w AS seq_ok
                FROM case_events e
                WHERE e.tenant_id = \(tx.tenant)
                WINDOW w AS (PARTITION BY e.case_id ORDER BY e.seq)
            )
            SELECT n.events, b.case_id, c.number, b.seq, b.hash_ok, b.seq_ok
            FROM (SELECT count(*) AS events FROM x) n
            LEFT JOIN (x b JOIN cases c ON c.tenant_id = \(tx.tenant) AND c.id = b.case_id) ON NOT (b.hash_ok AND b.seq_ok)
            ORDER BY b.case_id, b.seq
            """)
        var events = 0
        for try await (count, caseId, number, seq, hashOK, seqOK) in rows.decode((Int64, Int64?, String?, Int64?, Bool?, Bool?).self) {
            events = Int(count)
            guard let caseId, let number, let seq else { continue }
            if seqOK == false {
                breaks.append(
                    HistoryBreak(
                        caseId: caseId, number: number, seq: seq,
                        problem: Text(
                            zh: "事件 \(seq) 之前缺少事件：有事件被删除", en: "sequence gap before event \(seq): an event was deleted")))
            }
            if hashOK == false {
                breaks.append(
                    HistoryBreak(
                        caseId: caseId, number: number, seq: seq,
                        problem: Text(
                            zh: "事件 \(seq) 与其哈希链不符", en: "event \(seq) does not match its hash chain")))
            }
        }
        var cases = 0
        for try await (count, caseId, number, version, last) in try await tx.query(
            """
            WITH v AS (
                SELECT c.id, c.number, c.version, coalesce(max(e.seq), 0) AS last
                FROM cases c LEFT JOIN case_events e ON e.tenant_id = c.tenant_id AND e.case_id = c.id
                WHERE c.tenant_id = \(tx.tenant)
                GROUP BY c.id, c.number, c.version
            )
            SELECT n.cases, b.id, b.number, b.version, b.last
            FROM (SELECT count(*) AS cases FROM v) n LEFT JOIN v b ON b.last <> b.version
            ORDER BY b.id
            """
        ).decode((Int64, Int64?, String?, Int64?, Int64?).self) {
            cases = Int(count)
            // A case whose history ends before its version (its last events deleted).
            guard let caseId, let number, let version, let last else { continue }
            breaks.append(
                HistoryBreak(
                    caseId: caseId, number: number, seq: nil,
                    problem: Text(
                        zh: "案件版本为 \(version)，历史却止于事件 \(last)", en: "the case is at version \(version) but its history ends at event \(last)")))
        }
        breaks += try await checkRoundBreaks(tx)
        return (cases, events, breaks)
    }

    /// The check rounds kept (`case_checks`, 0035) that differ from those the events give: each
    /// requestCheck (its time and `checkDue`) with the first pass or fail after it (time, actor,
    /// outcome). A round is missing, has no request behind it, or differs. Events from before 0035
    /// did not record the deadline: such a round is kept only when the case row still knew it (its
    /// last), and its deadline is taken as kept.
    static func checkRoundBreaks(_ tx: Tx) async throws -> [HistoryBreak] {
        var breaks: [HistoryBreak] = []
        for try await (caseId, number, seq) in try await tx.query(
            """
            SELECT c.id, c.number, coalesce(k.seq, r.seq)
            FROM (
                SELECT r.case_id, r.seq, r.at, (r.payload->>'checkDue')::timestamptz AS due, d.at AS done_at, d.actor_id AS done_by,
                       d.action = 'passCheck' AS passed
                FROM case_events r
                LEFT JOIN LATERAL (
                    SELECT e.at, e.actor_id, e.action FROM case_events e
                    WHERE e.tenant_id = r.tenant_id AND e.case_id = r.case_id AND e.seq > r.seq AND e.action IN ('passCheck', 'failCheck')
                    ORDER BY e.seq LIMIT 1
                ) d ON true
                WHERE r.tenant_id = \(tx.tenant) AND r.action = 'requestCheck'
            ) r
            FULL JOIN (SELECT * FROM case_checks WHERE tenant_id = \(tx.tenant)) k ON k.case_id = r.case_id AND k.seq = r.seq
            JOIN cases c ON c.tenant_id = \(tx.tenant) AND c.id = coalesce(k.case_id, r.case_id)
            WHERE CASE WHEN k.case_id IS NULL THEN r.due IS NOT NULL
                       WHEN r.case_id IS NULL THEN true
                       ELSE ROW(k.requested_at, k.due_at, k.done_at, k.done_by, k.passed)
                            IS DISTINCT FROM ROW(r.at, coalesce(r.due, k.due_at), r.done_at, r.done_by, r.passed) END
            ORDER BY 1, 3
            """
        ).decode((Int64, String, Int64).self) {
            breaks.append(
                HistoryBreak(
                    caseId: caseId, number: number, seq: seq,
                    problem: Text(
                        zh: "事件 \(seq) 派发的核查轮次与历史不符（缺失、无据或被改动）",
                        en: "the check round requested by event \(seq) does not match the history (missing, unfounded or altered)")))
        }
        return breaks
    }

    // MARK: tasks

    /// Dispatches the case to departments: earlier open tasks are cancelled (a re-dispatch), then
    /// the lead task and the assisting ones are created.
    public static func dispatchTasks(_ tx: Tx, caseId: Int64, lead: Int64, assisting: [Int64]) async throws {
        try await tx.query(
            """
            UPDATE case_tasks SET state = 'cancelled'
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND state IN ('dispatched', 'signed')
            """)
        try await tx.query(
            """
            INSERT INTO case_tasks (tenant_id, case_id, department_id, lead, state)
            SELECT \(tx.tenant), \(caseId), d, d = \(lead), 'dispatched' FROM unnest(\([lead] + assisting.filter { $0 != lead })::bigint[]) AS d
            """)
    }

    /// Moves the open lead task to `next` (signed, handled, returned), stamping the time.
    public static func setLeadTask(_ tx: Tx, caseId: Int64, state next: TaskState) async throws {
        let state = next.rawValue
        try await tx.query(
            """
            UPDATE case_tasks SET state = \(state),
                signed_at = CASE WHEN \(state) = 'signed' THEN now() ELSE signed_at END,
                handled_at = CASE WHEN \(state) = 'handled' THEN now() ELSE handled_at END
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND lead AND state IN ('dispatched', 'signed', 'handled')
            """)
    }

    public static func tasks(_ tx: Tx, caseId: Int64) async throws -> [CaseTask] {
        var result: [CaseTask] = []
        for try await (id, departmentId, code, name, lead, state, dispatchedAt, signedAt, handledAt) in try await tx.query(
            """
            SELECT t.id, t.department_id, d.code, d.name, t.lead, t.state, t.dispatched_at, t.signed_at, t.handled_at
            FROM case_tasks t JOIN departments d ON d.tenant_id = t.tenant_id AND d.id = t.department_id
            WHERE t.tenant_id = \(tx.tenant) AND t.case_id = \(caseId) ORDER BY t.id
            """
        ).decode((Int64, Int64, String, String, Bool, String, Date, Date?, Date?).self) {
            result.append(
                CaseTask(
                    id: id, departmentId: departmentId, departmentCode: code, departmentName: name, lead: lead, state: TaskState(rawValue: state) ?? .cancelled,
                    dispatchedAt: dispatchedAt, signedAt: signedAt, handledAt: handledAt))
        }
        return result
    }

    /// Moves an assisting department's open task on (`signed` from dispatched, `handled` from signed);
    /// false when the department has no task in the state before.
    public static func advanceAssistingTask(_ tx: Tx, caseId: Int64, departmentId: Int64, to next: TaskState, note: String?) async throws -> Bool {
        let state = next.rawValue, from = (next == .signed ? TaskState.dispatched : .signed).rawValue
        for try await _ in try await tx.query(
            """
            UPDATE case_tasks SET state = \(state), note = coalesce(\(note), note),
                signed_at = CASE WHEN \(state) = 'signed' THEN now() ELSE signed_at END,
                handled_at = CASE WHEN \(state) = 'handled' THEN now() ELSE handled_at END
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND department_id = \(departmentId) AND NOT lead AND state = \(from)
            RETURNING 1
            """
        ).decode(Int32.self) {
            return true
        }
        return false
    }

    /// The payload of the case's latest event of `action`, as JSON text.
    public static func lastPayload(_ tx: Tx, caseId: Int64, action: String) async throws -> String? {
        for try await text in try await tx.query(
            """
            SELECT payload::text FROM case_events
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND action = \(action) ORDER BY seq DESC LIMIT 1
            """
        ).decode(String.self) {
            return text
        }
        return nil
    }

    // MARK: idempotency

    /// The body hash and case of an earlier request under `key`.
    public static func idempotencyKey(_ tx: Tx, userId: Int64, key: String) async throws -> (hash: [UInt8], caseId: Int64)? {
        for try await (hash, caseId) in try await tx.query(
            "SELECT request_hash, case_id FROM idempotency_keys WHERE tenant_id = \(tx.tenant) AND user_id = \(userId) AND key = \(key)"
        ).decode((ByteBuffer, Int64).self) {
            return (Array(hash.readableBytesView), caseId)
        }
        return nil
    }

    // MARK: duplicates

    /// A call outside any transaction (`nearby_open_cases` applies the district itself).
    public static func nearbyOpen(
        _ db: Database, tenantId: Int64, categoryId: Int64, lat: Double, lng: Double, meters: Double, since: Date,
        limit: Int
    ) async throws -> [NearbyCase] {
        let found = try await db.execute(
            NearbyStatement(
                tenantId: tenantId, categoryId: categoryId, lng: lng, lat: lat, meters: meters,
                since: since, limit: Int32(limit) + 1))
        return Array(found.prefix(limit))
    }

    /// Prepared once per connection: every intake with a point asks it.
    struct NearbyStatement: PostgresPreparedStatement {
        static let sql = """
            SELECT id, number, state, meters, reported_at, grid_path, departments
            FROM nearby_open_cases($1, $2, $3, $4, $5, $6, $7)
            """
        let tenantId: Int64
        let categoryId: Int64
        let lng: Double
        let lat: Double
        let meters: Double
        let since: Date
        let limit: Int32

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 7)
            bindings.append(tenantId)
            bindings.append(categoryId)
            bindings.append(lng)
            bindings.append(lat)
            bindings.append(meters)
            bindings.append(since)
            bindings.append(limit)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> NearbyCase {
            let (id, number, state, distance, reportedAt, path, departments) = try row.decode((Int64, String, String, Double, Date, String, [Int64]).self)
            return NearbyCase(
                id: id, number: number, state: CaseState(rawValue: state) ?? .reported, meters: distance, reportedAt: reportedAt,
                gridPath: ScopePath(path) ?? .root(id), departments: departments)
        }
    }

    /// How many cases (only open ones when `openOnly`) lie under each of `scopes`, in order.
    public static func countUnder(_ tx: Tx, _ scopes: [ScopePath], openOnly: Bool) async throws -> [Int] {
        guard !scopes.isEmpty else { return [] }
        let open = CaseState.allCases.filter(\.isOpen).map(\.rawValue)
        var counts: [Int] = []
        for try await n in try await tx.query(
            """
            SELECT (SELECT count(*) FROM cases c
                    WHERE c.tenant_id = \(tx.tenant) AND c.grid_path >= s.lo AND c.grid_path < s.hi
                      AND (NOT \(openOnly) OR c.state = ANY(\(open)::text[])))
            FROM unnest(\(scopes.map(\.raw))::text[], \(scopes.map(\.upperBound))::text[]) WITH ORDINALITY AS s(lo, hi, n)
            ORDER BY s.n
            """
        ).decode(Int64.self) { counts.append(Int(n)) }
        return counts
    }
}
