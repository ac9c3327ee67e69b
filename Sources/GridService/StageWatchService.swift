import Foundation
import GridCore
import GridStore

extension GridService {
    // MARK: notices

    /// Tells the audiences `NoticeTable` names for `event` about `record`, each person once.
    @discardableResult
    /// `unit` names the ladder unit of a ladder notice, `path` the units of the case's path when the
    /// caller read them already.
    static func tell(
        _ tx: Tx, _ event: NoticeEvent, about record: CaseRecord, _ message: String, raiser: Int64? = nil, unit: (id: Int64, level: LadderLevel)? = nil,
        path: [OrgUnitRecord]? = nil
    ) async throws -> Int {
        var to = EscalationStore.Recipients()
        let chain = record.gridPath.ids
        for audience in NoticeTable.audiences(event) {
            switch audience {
            case .leadDepartment:
                to.department = record.leadDepartmentId
            case .covering(let roles):
                to.coveringRoles += roles.sorted { $0.rawValue < $1.rawValue }
                to.chain = chain
            case .street(let roles):
                let units = try await OrgUnitStore.chain(tx, ids: chain)
                to.street = units.first { $0.kind == .street || $0.kind == .township }?.id
                to.streetRoles += roles.sorted { $0.rawValue < $1.rawValue }
            case .district(let roles):
                to.root = chain.first
                to.districtRoles += roles.sorted { $0.rawValue < $1.rawValue }
            case .reporter:
                to.reporter = true
            case .raiser:
                if let raiser { to.users.append(raiser) }
            case .ladderUnit:
                guard let unit else { continue }
                to.unitMembers = unit.id
                to.coveringRoles += unit.level.actingRoles.sorted { $0.rawValue < $1.rawValue }
                var units = path ?? []
                if units.isEmpty { units = try await OrgUnitStore.chain(tx, ids: chain) }
                to.chain = Self.levelChain(of: unit, on: units)
            case .subscribers:
                continue  // not about a case: the brief job tells its subscribers itself
            }
        }
        return try await EscalationStore.deliver(tx, caseId: record.id, kind: event.rawValue, message: message, to: to)
    }

    /// What a move into `state` asks of the command centre, if anything (a request to decide, a
    /// case to dispatch again, a handled case to have checked).
    static func waitingForCentre(_ state: CaseState, number: String) -> String? {
        switch state {
        case .extensionRequested: "案件 \(number) 申请延期，请审批"
        case .suspensionRequested: "案件 \(number) 申请挂账，请审批"
        case .returned: "案件 \(number) 被部门回退，请重新派遣"
        case .handled: "案件 \(number) 已处置，请派发核查"
        case .selfHandled: "案件 \(number) 已由网格员自处置，请审核结案"
        default: nil
        }
    }

    /// The notices a workflow action sends besides the stage lights: requests that wait on the
    /// command centre, and the reporter's when the case closes.
    /// The units on the case's path that belong to `unit`'s level: the unit and its ancestors of the
    /// same level (a unit grid's basic grid), not the levels above (a street's dispatchers hear of
    /// their street's slips, not the district's of every street's).
    static func levelChain(of unit: (id: Int64, level: LadderLevel), on path: [OrgUnitRecord]) -> [Int64] {
        guard let through = path.firstIndex(where: { $0.id == unit.id }) else { return [] }
        return path[...through].reversed().prefix { LadderUnit.level(of: $0.kind) == unit.level }.map(\.id)
    }

    static func tellOfAction(
        _ tx: Tx, _ action: CaseAction, _ next: CaseRecord, from record: CaseRecord, calendar: WorkCalendar, path: [OrgUnitRecord]? = nil
    ) async throws {
        if next.state != record.state, let message = waitingForCentre(next.state, number: next.number) {
            try await tell(tx, .waitingForCentre, about: next, message)
        }
        if action == .reopen {
            try await tell(tx, .caseReopened, about: next, "案件 \(next.number) 重办，请于 \(next.handleDue.map(calendar.readable) ?? "") 前重新办结")
        }
        if action == .close {
            try await tell(tx, .caseClosed, about: next, "您上报的案件 \(next.number) 已于 \(calendar.readable(next.closedAt ?? Date())) 办结")
        }
        try await tellOfLadder(tx, action, next, from: record, calendar: calendar, path: path)
    }

    /// The ladder's people hear of what is theirs now: a slip waiting for their level, a slip
    /// refused back to them, a case delegated to them.
    static func tellOfLadder(
        _ tx: Tx, _ action: CaseAction, _ next: CaseRecord, from record: CaseRecord, calendar: WorkCalendar, path: [OrgUnitRecord]?
    ) async throws {
        let holder = record.levelUnitName ?? record.level?.label.zh ?? ""
        let due = next.levelDue.map { "，请于 \(calendar.readable($0)) 前处置或上报" } ?? ""
        switch action {
        case .handUp, .autoHandUp:
            guard let unitId = next.pendingUnitId, let level = next.pendingLevel else { return }
            let how = action == .autoHandUp ? "超过本级时限，系统自动上报" : "上报"
            try await tell(tx, .slipArrived, about: next, "案件 \(next.number) 由\(holder)\(how)至本级，请接收或说明理由退回", unit: (unitId, level), path: path)
        case .refuseHandUp:
            guard let unitId = next.levelUnitId, let level = next.level else { return }
            try await tell(tx, .slipRefused, about: next, "案件 \(next.number) 的交接单被上级退回\(due)", unit: (unitId, level), path: path)
        case .delegate:
            guard let unitId = next.levelUnitId, let level = next.level else { return }
            try await tell(tx, .caseDelegated, about: next, "案件 \(next.number) 已下派至\(next.levelUnitName ?? "本级")\(due)", unit: (unitId, level), path: path)
        default:
            return
        }
    }

    // MARK: stage clocks

    /// Opens and stops the case's stage clocks as its state moves (`CaseStageClocks`), recording
    /// how late each stage ended; keeps the handling clock's times with the case's; and, at
    /// filing, moves the running dispatch deadline to the routed profile's limit.
    func syncClocks(_ next: inout CaseRecord, from record: CaseRecord, action: CaseAction, at now: Date, district: DistrictCalendar, _ tx: Tx) async throws {
        let calendar = district.calendar, thresholds = district.document.trafficLight ?? .init()
        let changes = CaseStageClocks.changes(from: record.state, to: next.state)
        let handleMoved =
            CaseStageClocks.open(in: record.state).contains(.handle) && CaseStageClocks.open(in: next.state).contains(.handle)
            && (next.handleDue != record.handleDue || next.warnAt != record.warnAt || next.redAt != record.redAt)
        guard !changes.isEmpty || handleMoved || action == .file else { return }
        let open = try await ClockStore.clocks(tx, caseId: record.id).map(\.clock).filter { $0.stoppedAt == nil }
        var limits: [Stage: TimeLimit]?
        func limit(_ stage: Stage) async throws -> TimeLimit? {
            if limits == nil { limits = try await routedLimits(next, tx) }
            return limits?[stage]
        }
        let coverage = HolidayCoverage(district.document)
        for change in changes {
            switch change {
            case .stop(let stage):
                guard let clock = open.first(where: { $0.stage == stage }) else { continue }
                let due = stage == .handle ? (record.handleDue ?? clock.due) : clock.due
                let light = stage == .handle ? Self.light(of: record, at: now) : clock.light(at: now)
                try await ClockStore.stop(
                    tx, caseId: record.id, stage: stage, at: now,
                    lateSeconds: CaseStageClocks.lateSeconds(due: due, stoppedAt: now, on: calendar), light: light)
            case .start(let stage):
                var due: Date?
                switch stage {
                case .handle: due = next.handleDue
                case .sign: due = next.signDue
                case .check: due = next.checkDue
                case .dispatch, .verify:
                    due = try await limit(stage).map { calendar.deadline(from: now, limit: $0) }
                    if stage == .dispatch { next.dispatchDue = due }
                }
                guard let due else { continue }
                if stage == .handle, let warn = next.warnAt, let red = next.redAt {
                    try await ClockStore.start(
                        tx, caseId: next.id, stage: .handle, startedAt: now, due: due, warnAt: warn, redAt: red,
                        light: next.light, calendarGap: coverage.lacks(from: now, to: due, on: calendar), now: now)
                } else if stage != .handle {
                    let times = calendar.lightTimes(start: now, due: due, thresholds: thresholds)
                    try await ClockStore.start(
                        tx, caseId: next.id, stage: stage, startedAt: now, due: due, warnAt: times.yellow, redAt: times.red,
                        calendarGap: coverage.lacks(from: now, to: due, on: calendar), now: now)
                }
            }
        }
        if handleMoved, let due = next.handleDue, let warn = next.warnAt, let red = next.redAt {
            try await ClockStore.moveHandling(tx, caseId: next.id, due: due, warnAt: warn, redAt: red, light: next.light)
        }
        // Filing routed the case: its profile's filing-and-dispatch limit counts from the report.
        if action == .file, let clock = open.first(where: { $0.stage == .dispatch }), let routed = try await limit(.dispatch) {
            let due = calendar.deadline(from: clock.startedAt, limit: routed)
            if due != clock.due {
                let times = calendar.lightTimes(start: clock.startedAt, due: due, thresholds: thresholds)
                try await ClockStore.replan(tx, clock: clock, caseId: next.id, due: due, warnAt: times.yellow, redAt: times.red, now: now)
                next.dispatchDue = due
            }
        }
    }

    /// Opens the filing-and-dispatch clock of a new case (intake's transaction).
    static func startDispatchClock(_ tx: Tx, caseId: Int64, due: Date, at now: Date, district: DistrictCalendar) async throws
        -> (clock: StageClock, calendarGap: Bool)
    {
        let times = district.calendar.lightTimes(start: now, due: due, thresholds: district.document.trafficLight ?? .init())
        let gap = HolidayCoverage(district.document).lacks(from: now, to: due, on: district.calendar)
        let id = try await ClockStore.start(
            tx, caseId: caseId, stage: .dispatch, startedAt: now, due: due, warnAt: times.yellow, redAt: times.red,
            calendarGap: gap, now: now)
        return (StageClock(id: id, stage: .dispatch, startedAt: now, due: due, warnAt: times.yellow, redAt: times.red), gap)
    }

    // MARK: stage light jobs

    /// A stage clock's light job: turns its light, records the event on the case and tells the
    /// stage's people. Moot once the stage ended, the deadline moved or the light is already there.
    func stageLight(_ light: TrafficLight, job: JobStore.Job, at now: Date, _ tx: Tx) async throws -> String {
        struct Payload: Decodable { var clock: Int64 }
        guard let clockId = try? JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8)).clock,
            let clock = try await ClockStore.lock(tx, id: clockId)
        else { return "no clock" }
        guard clock.stoppedAt == nil else { return "moot: the \(clock.stage.rawValue) stage ended" }
        guard (light == .red ? clock.redAt : clock.warnAt) <= now else { return "moot: the deadline moved" }
        guard clock.light < light else { return "moot: already \(clock.light.rawValue)" }
        guard let record = try await CaseStore.find(tx, id: job.caseId ?? -1) else { return "no case" }
        try await ClockStore.setLight(tx, id: clock.id, light: light)
        let action = light == .red ? "stageOverdue" : "stageYellow"
        struct Event: Encodable {
            var stage: String
            var light: String
            var due: Date
        }
        try await Self.recordEvent(tx, on: record, action, by: .system, payload: Event(stage: clock.stage.rawValue, light: light.rawValue, due: clock.due))
        let calendar = try await calendarCache.calendar(tx).calendar
        let what = light == .red ? "已超过时限（\(calendar.readable(clock.due))）" : "时限将至（\(calendar.readable(clock.due))）"
        if let event = NoticeEvent.stageEvent(clock.stage, light) {
            try await Self.tell(tx, event, about: record, "案件 \(record.number) \(clock.stage.label.zh)\(what)")
        }
        if let written = try await CaseStore.find(tx, id: record.id) { try await Self.enqueueWebhooks(tx, written, event: action, at: now) }
        return "\(clock.stage.rawValue) \(light.rawValue)"
    }
}

// MARK: supervision orders and notices

extension GridService {
    /// The roles that may raise a supervision order by hand.
    static let orderRaisers: Set<Role> = [.leader, .shiftLeader]

    /// A leader or shift leader raises a supervision order (督办, a yellow card) on an open case in
    /// their scope, with its own deadline (one work day unless `limit` says otherwise); the lead
    /// department and the command centres are told, and the case's history records it.
    public func raiseOrder(_ caller: Caller, tenantId: Int64, caseId: Int64, reason rawReason: String, limit: TimeLimit?) async throws -> CaseView {
        let reason = rawReason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...CaseActionInput.maxText).contains(reason.count) else {
            throw Errors.field(
                "reason", .fieldRequired, zh: "督办事由应为 1–\(CaseActionInput.maxText) 个字符，实际 \(reason.count) 个",
                en: "an order's reason has 1–\(CaseActionInput.maxText) characters, got \(reason.count)")
        }
        if let limit, !(1...TimeLimit.maxAmount).contains(limit.amount) {
            throw Errors.field(
                "limit.amount", .fieldOutOfRange, zh: "督办时限应在 1–\(TimeLimit.maxAmount) 之间，实际为 \(limit.amount)",
                en: "an order's limit is 1–\(TimeLimit.maxAmount) long, got \(limit.amount)")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            let record = try await Self.readableCase(tx, caller, id: caseId)
            if let principal = caller.principal,
                !principal.bindings.contains(where: { Self.orderRaisers.contains($0.role) && $0.scope.covers(record.gridPath) })
            {
                throw GridError(
                    .caseOrderNotAllowed,
                    Text(
                        zh: "只有辖区内的领导或值班长可以督办", en: "only a leader or shift leader whose scope holds the case may raise an order"))
            }
            guard record.state.isOpen else {
                throw GridError(
                    .caseOrderCaseNotOpen,
                    Text(
                        zh: "案件 \(record.number) 已\(record.state.label.zh)，不能督办",
                        en: "case \(record.number) is \(record.state.label.en) and cannot take an order"))
            }
            let now = Date(), calendar = try await self.calendarCache.calendar(tx).calendar
            let due = calendar.deadline(from: now, limit: limit ?? Self.supervisionLimit)
            let orderId = try await EscalationStore.raiseOrder(
                tx, caseId: record.id, card: "yellow", reason: reason, due: due, manual: true,
                raisedBy: caller.principal?.userId)
            struct Event: Encodable {
                var order: Int64
                var reason: String
                var due: Date
            }
            let role = caller.principal?.bindings.first { Self.orderRaisers.contains($0.role) && $0.scope.covers(record.gridPath) }?.role
            try await Self.recordEvent(tx, on: record, "raiseOrder", by: .person(caller, role: role), payload: Event(order: orderId, reason: reason, due: due))
            try await Self.tell(tx, .orderRaised, about: record, "案件 \(record.number) 被督办（\(reason)），请于 \(calendar.readable(due)) 前办理并答复")
            let written = try await CaseStore.find(tx, id: caseId)!
            try await Self.enqueueWebhooks(tx, written, event: "raiseOrder", at: now)
            return try await Self.view(tx, caller, written)
        }
    }

    /// The lead department's liaison answers an order, once; whoever raised it and the shift
    /// leaders are told. An answered order does not turn red.
    public func replyToOrder(_ caller: Caller, tenantId: Int64, caseId: Int64, orderId: Int64, reply rawReply: String) async throws -> CaseView {
        let reply = rawReply.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...CaseActionInput.maxText).contains(reply.count) else {
            throw Errors.field(
                "reply", .fieldRequired, zh: "答复应为 1–\(CaseActionInput.maxText) 个字符，实际 \(reply.count) 个",
                en: "a reply has 1–\(CaseActionInput.maxText) characters, got \(reply.count)")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            let record = try await Self.readableCase(tx, caller, id: caseId)
            guard let order = try await EscalationStore.lockOrder(tx, id: orderId), order.caseId == record.id else {
                throw GridError(
                    .caseOrderNotFound,
                    Text(
                        zh: "案件 \(record.number) 没有督办单 \(orderId)",
                        en: "case \(record.number) has no supervision order \(orderId)"))
            }
            guard Self.roles(caller, at: record).contains(.departmentLiaison) else {
                throw GridError(.caseOrderNotYours, Text(zh: "只有主办部门可以答复督办", en: "only the lead department answers an order"))
            }
            guard order.repliedAt == nil else {
                throw GridError(.caseOrderAlreadyAnswered, Text(zh: "督办单 \(orderId) 已答复", en: "order \(orderId) was answered already"))
            }
            let now = Date()
            try await EscalationStore.reply(tx, orderId: order.id, reply: reply, by: caller.principal?.userId, at: now, resolves: false)
            struct Event: Encodable {
                var order: Int64
                var reply: String
            }
            try await Self.recordEvent(
                tx, on: record, "replyOrder", by: .person(caller, role: .departmentLiaison), payload: Event(order: order.id, reply: reply))
            try await Self.tell(tx, .orderReplied, about: record, "案件 \(record.number) 的督办已答复：\(reply)", raiser: order.raisedBy)
            let written = try await CaseStore.find(tx, id: caseId)!
            try await Self.enqueueWebhooks(tx, written, event: "replyOrder", at: now)
            return try await Self.view(tx, caller, written)
        }
    }

    /// Marks one of the caller's notices read; someone else's is "not found".
    public func markNotificationRead(_ caller: Caller, tenantId: Int64, id: Int64) async throws {
        guard let userId = caller.principal?.userId else { return }
        try await withTenant(for: caller, tenantId) { tx in
            guard try await EscalationStore.owns(tx, userId: userId, id: id) else {
                throw GridError(.notificationNotFound, Text(zh: "通知 \(id) 不存在", en: "notification \(id) does not exist"))
            }
            try await EscalationStore.markRead(tx, userId: userId, id: id, at: Date())
        }
    }

    /// Marks all the caller's notices read (up to and including `upTo`); returns how many changed.
    public func markAllNotificationsRead(_ caller: Caller, tenantId: Int64, upTo: Int64?) async throws -> Int {
        guard let userId = caller.principal?.userId else { return 0 }
        return try await withTenant(for: caller, tenantId) { tx in try await EscalationStore.markRead(tx, userId: userId, upTo: upTo, at: Date()) }
    }
}

extension GridService {
    /// Who an event of a case records: the system (a job) or a person in one of their roles.
    enum EventActor {
        case system
        case person(Caller, role: Role?)
    }

    /// Appends an event to `record`'s history (a light, an order, an answer, a call-back), writing
    /// `next` (the record itself when the event changes nothing else) and moving its version on.
    /// When the case moved meanwhile, a job is retried later and a person is told what it is now.
    static func recordEvent(
        _ tx: Tx, on record: CaseRecord, writing next: CaseRecord? = nil, _ action: String, by actor: EventActor,
        payload: some Encodable
    ) async throws {
        let (userId, name, role): (Int64?, String, String?) =
            switch actor {
            case .system: (nil, "system", nil)
            case .person(let caller, let role): (caller.principal?.userId, caller.actorName, role?.rawValue)
            }
        let written = try await CaseStore.update(
            tx, next ?? record, expectedVersion: record.version,
            event: (actorId: userId, actor: name, role: role, action: action, from: record.state, payload: CaseStore.canonicalJSON(payload)))
        guard !written else { return }
        switch actor {
        case .system: throw GridError(.dbRetry, Text(zh: "案件已变化", en: "the case changed meanwhile"))
        case .person(let caller, _): throw try await lostRace(record, caller, ifVersion: nil, tx)
        }
    }
}
