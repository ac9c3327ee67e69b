import Crypto
import Foundation
import GridCore
import GridStore

/// What an intake answers: the case, the open cases nearby that may be the same problem, and
/// whether this was a replay of an earlier request under the same idempotency key.
public struct CaseIntakeResult: Sendable {
    public var view: CaseView
    public var duplicates: [NearbyCase]
    public var replayed: Bool
}

/// A case as its readers see it: the record, its department tasks, and what the reader may do now.
public struct CaseView: Sendable {
    public var record: CaseRecord
    public var tasks: [CaseTask]
    public var allowedActions: [CaseAction]
    public var orders: [SupervisionOrder]
    /// The light now (the stored one lags until the worker's job fires).
    public var light: TrafficLight
    /// The steps (`/assist/{step}`) the reader's departments may take on their assisting tasks now.
    public var assistSteps: [AssistStep] = []
    /// Every stage clock, oldest first, with whether its deadline spans a year without holiday data.
    public var stages: [(clock: StageClock, calendarGap: Bool)] = []
    /// How it ended for whoever raised it, and the call-backs since (closed and evaluated cases).
    public var closing: CaseClosing?
    public var callbacks: [CallbackRecord] = []
    /// Where it stands on the ladder, with its slips and turns (filed cases).
    public var ladder: CaseLadderView?
    /// Its whistles, newest first: proposed by a rule at filing or blown by the street.
    public var whistles: [(id: Int64, state: WhistleState, kindName: String, proposed: Bool)] = []
}

/// An assisting department's steps on its task (协办): sign for it, then report it handled.
public enum AssistStep: String, Sendable, CaseIterable {
    case sign, handled

    /// The step a task in `state` waits for (none once handled, returned or cancelled).
    public static func next(forTaskIn state: TaskState) -> AssistStep? {
        switch state {
        case .dispatched: .sign
        case .signed: .handled
        case .handled, .returned, .cancelled: nil
        }
    }
}

/// The filters of a work list.
public struct CaseListFilter: Sendable {
    public var queue: CaseQueue?
    public var state: CaseState?
    public var category: String?
    public var grade: String?
    public var department: String?
    public var scope: String?
    public var light: TrafficLight?
    public var from: Date?
    public var to: Date?

    public init(
        queue: CaseQueue? = nil, state: CaseState? = nil, category: String? = nil, grade: String? = nil, department: String? = nil,
        scope: String? = nil, light: TrafficLight? = nil, from: Date? = nil, to: Date? = nil
    ) {
        self.queue = queue
        self.state = state
        self.category = category
        self.grade = grade
        self.department = department
        self.scope = scope
        self.light = light
        self.from = from
        self.to = to
    }
}

/// A history check of one district.
public struct HistoryReport: Sendable {
    public var tenantCode: String
    public var cases: Int
    public var events: Int
    public var breaks: [HistoryBreak]
    /// One per anchor the database was compared with.
    public var anchorChecks: [AnchorCheck] = []
}

/// The database compared with one anchor of a district.
public struct AnchorCheck: Sendable {
    public var taken: Date
    public var cases: Int
    public var events: Int64
    public var findings: [AnchorFinding]
}

/// Two requests under one idempotency key raced and the other committed first.
struct IdempotencyRace: Error {}

extension GridService {
    static let maxDuplicates = 10

    /// Takes in a report: validates it, locates it to its grid, checks the category and grade,
    /// stores the case with its first event and the stage deadline for filing and dispatch, and
    /// lists open cases of the same category nearby. With an idempotency key a retry answers the
    /// case the first request made; the same key with another body is refused.
    public func takeIn(_ caller: Caller, tenantId: Int64, _ raw: CaseIntake, idempotencyKey: String?) async throws -> CaseIntakeResult {
        let intake = try raw.validated()
        let key = try Self.intakeKey(idempotencyKey, of: caller)
        let userId = caller.principal?.userId
        let requestHash = Array(SHA256.hash(data: Data(CaseStore.canonicalJSON(intake).utf8)))
        // First the point's grid (before any transaction), then what the case needs, read in one call
        // and checked (or the answer of an earlier request under the key); then its number (a call of
        // its own); then the case in a transaction of its own.
        let located = try await locate(intake, caller, tenantId: tenantId)
        guard let context = try await CaseStore.intakeContext(db, tenantId: tenantId, userId: userId, key: key, categoryCode: intake.category)
        else { throw Errors.tenantNotFound("\(tenantId)") }
        let tenant = context.tenant
        guard tenant.status == .active else { throw Errors.tenantSuspended(tenant.code) }
        if let key, let userId, let earlier = context.earlier {
            guard earlier.requestHash == requestHash else { throw Errors.idempotencyKeyReused(key) }
            if let replayed = try await replay(caller, tenantId: tenantId, userId: userId, key: key, hash: requestHash) { return replayed }
        }
        let grid: OrgUnitRecord
        if let located { grid = located } else { grid = try await namedGrid(intake, caller, tenantId: tenantId) }
        let (checked, categoryId) = try Self.checkItem(intake, chain: context.categoryChain)
        let (calendar, router) = try await calendarAndRouter(tenantId, calendarVersion: context.calendarVersion, published: context.published)
        let now = Date()
        let duplicates = try await nearbyDuplicates(checked, categoryId: categoryId, tenant: tenant, at: now)
        let dispatchDue = (router?.ruleSet.limits(profile: nil) ?? DeadlineProfile.builtIn.limits)[.dispatch].map {
            calendar.calendar.deadline(from: now, limit: $0)
        }
        let day = calendar.calendar.localDate(now)
        var number = try await CaseStore.takeNumber(db, tenantId: tenantId, tenantCode: tenant.code, day: day)
        do {
            for attempt in 1... {
                var new = NewCase(
                    number: number, intake: checked, categoryId: categoryId, gridId: grid.id, gridPath: grid.path, reportedBy: userId,
                    dispatchDue: dispatchDue)
                new.timeZone = tenant.timeZone
                new.discoveryLimitMinutes = tenant.settings.patrol.discoveryLimitMinutes
                do {
                    return try await insert(
                        new, caller, tenantId: tenantId, key: key.map { ($0, requestHash) }, calendar: calendar, at: now,
                        duplicates: duplicates)
                } catch let error as GridError where error.code == .caseNumberInUse && attempt < Self.numberAttempts {
                    // The day's counter fell behind the numbers in use (a database crash): number the case again.
                    number = try await CaseStore.takeNumberPastUsed(db, tenantId: tenantId, tenantCode: tenant.code, day: day)
                }
            }
            preconditionFailure("the numbering loop returns or throws")
        } catch is IdempotencyRace {
            guard let key, let userId, let earlier = try await replay(caller, tenantId: tenantId, userId: userId, key: key, hash: requestHash)
            else { throw GridError(.dbRetry, Text(zh: "并发冲突，请重试", en: "concurrent update conflict; retry the request")) }
            return earlier
        }
    }

    /// The request's idempotency key, when it counts: for a signed-in user only (it is theirs; the
    /// operator's CLI has none), and 1–200 characters long.
    static func intakeKey(_ key: String?, of caller: Caller) throws -> String? {
        if let key, !(1...200).contains(key.count) {
            throw Errors.field(
                "Idempotency-Key", .idempotencyBadKey, zh: "Idempotency-Key 长度应为 1–200，实际为 \(key.count)",
                en: "an Idempotency-Key has 1–200 characters, got \(key.count)")
        }
        return caller.principal?.userId == nil ? nil : key
    }

    /// The grid a reported point lies in, checked against the grid the report names and the caller's
    /// right to report there; nil for a report by address (its grid is named by code).
    func locate(_ intake: CaseIntake, _ caller: Caller, tenantId: Int64) async throws -> OrgUnitRecord? {
        guard let point = intake.point else { return nil }
        let chain = try await OrgUnitStore.locateChain(db, tenantId: tenantId, point)
        guard let grid = chain.last else {
            throw GridError(
                .caseOutsideDistrict,
                Text(
                    zh: "上报位置 (\(point.lat), \(point.lng)) 不在本区任何网格内",
                    en: "the reported point (\(point.lat), \(point.lng)) is not inside any grid of this district"))
        }
        if let code = intake.grid, !chain.contains(where: { $0.kind == .grid && $0.code == code }) {
            throw GridError(
                .caseGridMismatch,
                Text(
                    zh: "上报位置 (\(point.lat), \(point.lng)) 在网格 \(grid.code)，不在网格 \(code) 内",
                    en: "the reported point (\(point.lat), \(point.lng)) lies in grid \(grid.code), not in grid \(code)"))
        }
        try caller.authorize(.caseReport, at: grid.path)
        return grid
    }

    /// The grid a report by address names by its code, where the caller may report.
    func namedGrid(_ intake: CaseIntake, _ caller: Caller, tenantId: Int64) async throws -> OrgUnitRecord {
        let grid = try await db.withTenant(tenantId) { tx in try await Self.namedGrid(tx, code: intake.grid!) }
        try caller.authorize(.caseReport, at: grid.path)
        return grid
    }

    /// The intake with its item checked against the category chain and its grade settled (the
    /// item's default when none was given), and the item's id; the intake as it is without a category.
    static func checkItem(_ intake: CaseIntake, chain: [CategoryRecord]) throws -> (CaseIntake, Int64?) {
        guard let code = intake.category else { return (intake, nil) }
        let item = try Self.item(chain, code: code, grade: intake.grade)
        var checked = intake
        checked.grade = item.grade.key
        return (checked, item.record.id)
    }

    /// Open cases of the same item near the point in the district's window, to suggest as duplicates.
    func nearbyDuplicates(_ intake: CaseIntake, categoryId: Int64?, tenant: TenantRecord, at now: Date) async throws -> [NearbyCase] {
        guard let categoryId, let lat = intake.lat, let lng = intake.lng else { return [] }
        return try await CaseStore.nearbyOpen(
            db, tenantId: tenant.id, categoryId: categoryId, lat: lat, lng: lng, meters: tenant.settings.duplicateRadiusMeters,
            since: now.addingTimeInterval(-Double(tenant.settings.duplicateWindowHours) * 3600), limit: Self.maxDuplicates)
    }

    /// Writes the numbered case in one transaction: the case with its first event and the key's claim,
    /// the filing clock, the webhooks; answers the case as the reporter sees it.
    func insert(
        _ new: NewCase, _ caller: Caller, tenantId: Int64, key: (key: String, requestHash: [UInt8])?, calendar: DistrictCalendar, at now: Date,
        duplicates: [NearbyCase]
    ) async throws -> CaseIntakeResult {
        try await db.withTenant(tenantId) { tx in
            let inserted = try await CaseStore.insert(
                tx, new, actor: caller.principal?.login ?? "cli", role: Self.reportingRole(caller, at: new.gridPath)?.rawValue, key: key)
            if key != nil, !inserted.claimed { throw IdempotencyRace() }
            let record = inserted.record
            var stages: [(clock: StageClock, calendarGap: Bool)] = []
            if let due = record.dispatchDue {
                stages.append(try await Self.startDispatchClock(tx, caseId: record.id, due: due, at: now, district: calendar))
            }
            if inserted.heard { try await Self.enqueueWebhooks(tx, record, event: "report", at: now) }
            // A new case has no tasks or supervision orders yet.
            let view = CaseView(
                record: record, tasks: [], allowedActions: CaseWorkflow.actions(from: record.state, roles: Self.roles(caller, at: record)),
                orders: [], light: Self.light(of: record, at: now), stages: stages)
            return CaseIntakeResult(view: view, duplicates: Self.readable(duplicates, by: caller), replayed: false)
        }
    }

    /// How many numbers an intake tries before it gives up (the second comes past the day's highest).
    static let numberAttempts = 3

    /// The suggested duplicates the caller may read, by the rule of reading a case (its grid in a
    /// binding's scope, or a department of the caller's on it): one across the border of their
    /// scope is not shown, its number and state being the case's.
    static func readable(_ found: [NearbyCase], by caller: Caller) -> [NearbyCase] {
        found.filter { canRead(caller, gridPath: $0.gridPath, departments: $0.departments) }
    }

    /// The district's calendar and its published rules (nil without any), from the caches; a
    /// transaction reads them only when one of them is not cached.
    func calendarAndRouter(_ tenantId: Int64, calendarVersion: Int64?, published: RuleSetRecord?) async throws -> (DistrictCalendar, Router?) {
        let cachedRouter = published.flatMap(routerCache.cached)
        if let calendar = calendarCache.cached(tenantId: tenantId, version: calendarVersion), published == nil || cachedRouter != nil {
            return (calendar, cachedRouter)
        }
        return try await db.withTenant(tenantId) { tx in
            let calendar = try await self.calendarCache.calendar(tx, version: calendarVersion)
            guard let published else { return (calendar, nil) }
            return (calendar, try await self.routerCache.router(for: published, tx))
        }
    }

    /// The grid a report by address names by its code.
    static func namedGrid(_ tx: Tx, code: String) async throws -> OrgUnitRecord {
        guard let unit = try await OrgUnitStore.find(tx, code: code), unit.kind == .grid else {
            throw Errors.field("grid", .caseGridUnknown, zh: "网格“\(code)”不存在", en: "grid '\(code)' does not exist")
        }
        return unit
    }

    /// The earlier answer under `key`, nil when there is none; 422 when the key came with another body.
    func replay(_ caller: Caller, tenantId: Int64, userId: Int64, key: String, hash: [UInt8]) async throws -> CaseIntakeResult? {
        try await withTenant(for: caller, tenantId) { tx in
            guard let earlier = try await CaseStore.idempotencyKey(tx, userId: userId, key: key) else { return nil }
            guard earlier.hash == hash else { throw Errors.idempotencyKeyReused(key) }
            guard let record = try await CaseStore.find(tx, id: earlier.caseId) else { return nil }
            return CaseIntakeResult(view: try await Self.view(tx, caller, record), duplicates: [], replayed: true)
        }
    }

    /// A leaf of the problem list with the grade asked for (its first grade when none is given).
    static func item(_ tx: Tx, code: String, grade key: String?) async throws -> (chain: [CategoryRecord], record: CategoryRecord, grade: Grade) {
        try item(try await CatalogStore.chain(tx, code: code), code: code, grade: key)
    }

    /// The item `code` whose chain (root first) is `chain`, with the grade asked for.
    static func item(_ chain: [CategoryRecord], code: String, grade key: String?) throws -> (chain: [CategoryRecord], record: CategoryRecord, grade: Grade) {
        guard let record = chain.last else {
            throw Errors.field("category", .categoryUnknown, zh: "问题类别“\(code)”不存在", en: "category '\(code)' does not exist")
        }
        guard !record.entry.grades.isEmpty else {
            throw Errors.field("category", .categoryNotItem, zh: "“\(code)”是大类，请选择其下的具体事项", en: "'\(code)' is a class; choose one of its items")
        }
        guard let grade = record.entry.grade(key) else {
            let known = record.entry.grades.map(\.key).joined(separator: ", ")
            throw Errors.field(
                "grade", .gradeUnknown, zh: "事项“\(code)”没有等级“\(key ?? "")”（可选：\(known)）",
                en: "item '\(code)' has no grade '\(key ?? "")' (known: \(known))")
        }
        return (chain, record, grade)
    }

    /// The role a report is made in: the caller's first binding covering the place that may report.
    static func reportingRole(_ caller: Caller, at path: ScopePath) -> Role? {
        caller.principal?.bindings.first { Permissions.allows($0.role, .caseReport) && $0.scope.covers(path) }?.role
    }

    // MARK: reading

    /// A case the caller may read: in the scope of a binding that reads cases, or (for a liaison)
    /// one its department leads or assists. Anything else is "not found", as another district's case is.
    public func caseView(_ caller: Caller, tenantId: Int64, id: Int64) async throws -> CaseView {
        try await withTenant(for: caller, tenantId) { tx in try await Self.view(tx, caller, try await Self.readableCase(tx, caller, id: id)) }
    }

    /// `settings` and `context` when the caller already read them (an action), else read here if needed.
    static func view(
        _ tx: Tx, _ caller: Caller, _ record: CaseRecord, settings: TenantSettings? = nil, context: LadderContext? = nil
    ) async throws -> CaseView {
        // Tasks exist from the first dispatch on.
        let tasks = record.dispatchedAt == nil ? [] : try await CaseStore.tasks(tx, caseId: record.id)
        var view = CaseView(
            record: record, tasks: tasks, allowedActions: CaseWorkflow.actions(from: record.state, roles: roles(caller, at: record)),
            orders: try await EscalationStore.orders(tx, caseId: record.id), light: light(of: record, at: Date()),
            assistSteps: assistSteps(caller, tasks: tasks), stages: try await ClockStore.clocks(tx, caseId: record.id))
        if record.state == .closed || record.state == .evaluated {
            view.closing = try await OutcomeStore.closing(tx, caseId: record.id)
            view.callbacks = try await OutcomeStore.callbacks(tx, caseId: record.id)
        }
        view.ladder = try await ladderView(tx, record, path: context?.chain)
        if record.filedAt != nil { view.whistles = try await WhistleStore.ofCase(tx, caseId: record.id) }
        if CaseWorkflow.actions(from: record.state).contains(where: { CaseWorkflow.transition(from: record.state, $0)?.byLadder == true }) {
            var known = settings
            if known == nil { known = try await TenantStore.find(tx, id: tx.tenant)?.settings }
            guard let known else { return view }
            let read: LadderContext
            if let context { read = context } else { read = try await ladderContext(tx, caller, record) }
            let facts = try await Self.ladderFacts(tx, caller, record, settings: known, context: read)
            let ladderActions = Set(Self.ladderActions(record, facts))
            view.allowedActions = CaseAction.allCases.filter { view.allowedActions.contains($0) || ladderActions.contains($0) }
        }
        return view
    }

    /// What the caller's departments may do on their assisting tasks (a liaison's binding to the department).
    static func assistSteps(_ caller: Caller, tasks: [CaseTask]) -> [AssistStep] {
        let mine = Set(caller.principal?.bindings.filter { $0.role == .departmentLiaison }.compactMap(\.departmentId) ?? [])
        let steps = Set(tasks.filter { !$0.lead && mine.contains($0.departmentId) }.compactMap { AssistStep.next(forTaskIn: $0.state) })
        return AssistStep.allCases.filter(steps.contains)
    }

    /// The light of a case at `now` (see `HandlingClock`).
    public static func light(of record: CaseRecord, at now: Date) -> TrafficLight {
        HandlingClock.light(state: record.state, warnAt: record.warnAt, redAt: record.redAt, recorded: record.light, at: now)
    }

    /// A work list: the queue's states in the scopes where the caller has the queue's roles (its
    /// departments' cases for the department queue), narrowed by the filters.
    public func cases(_ caller: Caller, tenantId: Int64, _ filter: CaseListFilter, page: PageRequest, now: Date = Date()) async throws -> Page<CaseRecord> {
        try await withTenant(for: caller, tenantId) { tx in
            guard let root = try await OrgUnitStore.root(tx) else { throw Errors.tenantNotFound("\(tenantId)") }
            let readable = caller.principal?.bindings.filter { Permissions.allows($0.role, .caseRead) }
            var scopes = caller.scopes(for: .caseRead, root: root.path)
            var departments = (readable ?? []).compactMap(\.departmentId)
            var query = CaseStore.ListQuery(scopes: scopes, departments: departments, now: now)
            if let queue = filter.queue {
                query.states = queue.states
                if queue == .level {
                    try await levelQueue(tx, caller, root: root, into: &query)
                } else if let bindings = readable, queue != .overdue {
                    let own = bindings.filter { queue.roles.contains($0.role) }
                    guard !own.isEmpty else {
                        throw GridError(
                            .caseQueueNotYours,
                            Text(
                                zh: "您没有“\(queue.rawValue)”工作队列对应的角色", en: "none of your roles works the '\(queue.rawValue)' queue"))
                    }
                    scopes = queue == .department ? [] : own.map(\.scope)
                    departments = queue == .department ? own.compactMap(\.departmentId) : []
                    query.scopes = scopes
                    query.departments = departments
                    if queue == .department { query.assistingDepartments = departments }
                    if queue == .dispatch { query.skipHeldBelowStreet = true }
                }
                if queue == .overdue { query.overdue = true }
            }
            if let state = filter.state { query.states = (query.states ?? [state]).filter { $0 == state } }
            query.categoryCode = filter.category
            query.grade = filter.grade
            if let code = filter.department {
                guard let department = try await DepartmentStore.find(tx, code: code) else {
                    throw Errors.field("department", .departmentUnknown, zh: "部门“\(code)”不存在", en: "department '\(code)' does not exist")
                }
                query.leadDepartment = department.id
            }
            if let code = filter.scope { query.within = try await Self.scopeUnit(tx, code: code).path }
            query.light = filter.light
            query.reportedFrom = filter.from
            query.reportedTo = filter.to
            let before = try page.afterNumber()
            let rows = try await CaseStore.list(tx, query, beforeId: before, limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { String($0.id) }
        }
    }

    /// The unit a `scope` parameter names (a 400 naming the code when there is none).
    static func scopeUnit(_ tx: Tx, code: String) async throws -> OrgUnitRecord {
        guard let unit = try await OrgUnitStore.find(tx, code: code) else {
            throw Errors.field("scope", .orgUnitNotFound, zh: "单元“\(code)”不存在", en: "org unit '\(code)' does not exist")
        }
        return unit
    }

    /// The level queue's filter: the units the caller is a named member of, and each level the
    /// caller's roles act for (`levelRoles`) within the binding's scope; the operator's is every level.
    func levelQueue(_ tx: Tx, _ caller: Caller, root: OrgUnitRecord, into query: inout CaseStore.ListQuery) async throws {
        guard let principal = caller.principal else {
            query.holderLevels = LadderLevel.allCases.map { ($0, root.path) }
            return
        }
        let named = try await LadderStore.memberUnits(tx, userId: principal.userId)
        var levels: [(level: LadderLevel, scope: ScopePath)] = []
        for binding in principal.bindings {
            for level in LadderLevel.allCases where level.actingRoles.contains(binding.role) { levels.append((level, binding.scope)) }
        }
        guard !named.isEmpty || !levels.isEmpty else {
            throw GridError(
                .caseQueueNotYours,
                Text(zh: "您不是任何层级（网格、社区、片区、街道、区）的成员", en: "you act for no level (grid, community, zone, street, district)"))
        }
        query.holderUnits = named.map(\.id)
        query.holderLevels = levels
        query.scopes = named.map(\.path) + levels.map(\.scope)
        query.departments = []
    }

    /// What the caller, their scopes and their departments were told, newest first.
    public func notifications(_ caller: Caller, tenantId: Int64, unread: Bool = false, page: PageRequest) async throws -> Page<NoticeRecord> {
        try await withTenant(for: caller, tenantId) { tx in
            guard let root = try await OrgUnitStore.root(tx) else { throw Errors.tenantNotFound("\(tenantId)") }
            let departments = caller.principal?.bindings.compactMap(\.departmentId) ?? []
            let before = try page.afterNumber()
            let rows = try await EscalationStore.notifications(
                tx, scopes: caller.scopes(for: .caseRead, root: root.path), roles: caller.principal?.bindings.map(\.role) ?? [],
                departments: departments, userId: caller.principal?.userId, unread: unread, beforeId: before,
                limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { String($0.id) }
        }
    }

    public func caseEvents(_ caller: Caller, tenantId: Int64, id: Int64) async throws -> (record: CaseRecord, events: [CaseEventRecord]) {
        try await withTenant(for: caller, tenantId) { tx in
            let record = try await Self.readableCase(tx, caller, id: id)
            return (record, try await CaseStore.events(tx, caseId: id))
        }
    }

    static func readableCase(_ tx: Tx, _ caller: Caller, id: Int64) async throws -> CaseRecord {
        guard let record = try await CaseStore.find(tx, id: id), try await canRead(tx, caller, record) else {
            throw GridError(.caseNotFound, Text(zh: "案件 \(id) 不存在", en: "case \(id) does not exist"))
        }
        return record
    }

    /// The reading rule with the ladder's: the named members of a unit (a zone team, a grid head)
    /// read the cases in its area, whatever their roles.
    static func canRead(_ tx: Tx, _ caller: Caller, _ record: CaseRecord) async throws -> Bool {
        if canRead(caller, record) { return true }
        guard let userId = caller.principal?.userId else { return false }
        return try await LadderStore.memberUnits(tx, userId: userId).contains { $0.path.covers(record.gridPath) }
    }

    static func canRead(_ caller: Caller, _ record: CaseRecord) -> Bool {
        canRead(caller, gridPath: record.gridPath, departments: [record.leadDepartmentId].compactMap { $0 } + record.taskDepartments)
    }

    /// The reading rule: a binding that reads cases and covers the case's grid, or a department of
    /// the caller's that the case is with.
    static func canRead(_ caller: Caller, gridPath: ScopePath, departments: [Int64]) -> Bool {
        guard let principal = caller.principal else { return true }
        return principal.bindings.contains { binding in
            Permissions.allows(binding.role, .caseRead)
                && (binding.scope.covers(gridPath) || binding.departmentId.map(departments.contains) == true)
        }
    }

    // MARK: history

    /// Recomputes the hash chains of a district's case histories (the operator's check) and
    /// compares the district with each of its `anchors` (taken earlier by `anchorHistory` and kept
    /// outside the database): what the chains alone cannot show, a case deleted, rewound or
    /// re-hashed after it was anchored, is a finding. Cases and events added since are not.
    public func verifyHistory(tenantId: Int64, anchors: [DistrictAnchor] = []) async throws -> HistoryReport {
        try await db.withTenant(tenantId) { tx in
            guard let tenant = try await TenantStore.find(tx, id: tenantId) else { throw Errors.tenantNotFound("\(tenantId)") }
            let result = try await CaseStore.verifyHistory(tx)
            var report = HistoryReport(tenantCode: tenant.code, cases: result.cases, events: result.events, breaks: result.breaks)
            for anchor in anchors {
                var findings: [AnchorFinding] = []
                if anchor.tenantId != tenantId {
                    findings = [.districtReplaced(district: anchor.code, anchoredId: anchor.tenantId, currentId: tenantId)]
                } else {
                    let found = try await CaseStore.foundHeads(tx, anchor.heads.map { ($0.head.caseId, $0.head.seq) })
                    findings = anchor.compare(with: found, digest: Self.historyDigest)
                }
                report.anchorChecks.append(AnchorCheck(taken: anchor.taken, cases: anchor.cases, events: anchor.events, findings: findings))
            }
            return report
        }
    }

    /// The SHA-256 of anchors' Merkle trees.
    public static let historyDigest: DigestFunction = { Array(SHA256.hash(data: $0)) }

    /// Anchors a district's case histories: the head of every case's chain by local day of report,
    /// with the Merkle roots over them, to be kept outside the database (`HistoryAnchor`).
    public func anchorHistory(tenantId: Int64) async throws -> DistrictAnchor {
        try await db.withTenant(tenantId) { tx in
            guard let tenant = try await TenantStore.find(tx, id: tenantId) else { throw Errors.tenantNotFound("\(tenantId)") }
            let (taken, heads) = try await CaseStore.chainHeads(tx)
            return DistrictAnchor(code: tenant.code, tenantId: tenantId, taken: taken, heads: heads, digest: Self.historyDigest)
        }
    }
}
