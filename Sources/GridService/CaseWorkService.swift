import Foundation
import GridCore
import GridStore

/// What a workflow action may carry; the workflow table says which fields an action needs.
public struct CaseActionInput: Sendable, Equatable, Codable {
    public var reason: String?
    public var note: String?
    public var extensionLimit: TimeLimit?
    public var rating: CaseRating?
    /// The id of the case this one merges into.
    public var mergeInto: Int64?
    /// Filing: the item (when the report came without one or is reclassified) and its grade.
    public var category: String?
    public var grade: String?
    /// Dispatch: a department other than the one routing proposed (an override, counted).
    public var department: String?
    /// Closing: how it ended for whoever raised it (`reason` is the explanation), the planned date
    /// of an explanation, whom it was referred to, and the reply given to the reporter.
    public var outcome: DemandOutcome?
    public var plannedDate: String?
    public var referredTo: String?
    public var reply: ReporterReply?

    public static let maxText = 2000

    public init(
        reason: String? = nil, note: String? = nil, extensionLimit: TimeLimit? = nil, rating: CaseRating? = nil, mergeInto: Int64? = nil,
        category: String? = nil, grade: String? = nil, department: String? = nil, outcome: DemandOutcome? = nil, plannedDate: String? = nil,
        referredTo: String? = nil, reply: ReporterReply? = nil
    ) {
        self.outcome = outcome
        self.plannedDate = plannedDate
        self.referredTo = referredTo
        self.reply = reply
        self.reason = reason
        self.note = note
        self.extensionLimit = extensionLimit
        self.rating = rating
        self.mergeInto = mergeInto
        self.category = category
        self.grade = grade
        self.department = department
    }

    /// The fields given (non-empty), for the workflow table's check.
    public var fields: Set<CaseField> {
        var given: Set<CaseField> = []
        if reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == false { given.insert(.reason) }
        if note?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == false { given.insert(.note) }
        if extensionLimit != nil { given.insert(.extensionLimit) }
        if rating != nil { given.insert(.rating) }
        if mergeInto != nil { given.insert(.mergeInto) }
        return given
    }

    func validate() throws {
        var errors: [FieldError] = []
        for (field, value) in [("reason", reason), ("note", note)] {
            if let value, value.count > Self.maxText {
                errors.append(
                    FieldError(
                        field, .fieldTooLong,
                        Text(
                            zh: "\(field) 最多 \(Self.maxText) 个字符，实际 \(value.count) 个",
                            en: "\(field) is at most \(Self.maxText) characters, got \(value.count)")))
            }
        }
        if let limit = extensionLimit, !(1...TimeLimit.maxAmount).contains(limit.amount) {
            errors.append(
                FieldError(
                    "extensionLimit.amount", .fieldOutOfRange,
                    Text(
                        zh: "延期时长应在 1–\(TimeLimit.maxAmount) 之间，实际为 \(limit.amount)", en: "an extension is 1–\(TimeLimit.maxAmount) long, got \(limit.amount)"))
            )
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
    }
}

extension GridService {
    /// Takes one workflow action on a case: the workflow table decides whether the state and the
    /// caller's roles at this case allow it and what it needs; the action's effects (routing at
    /// filing, tasks at dispatch, deadlines, counters) are applied; the case is written only if its
    /// version is still the one read (or `ifVersion`), with the event that records the change.
    public func act(_ caller: Caller, tenantId: Int64, caseId: Int64, _ action: CaseAction, _ input: CaseActionInput, ifVersion: Int64?) async throws
        -> CaseView
    {
        try input.validate()
        return try await withActiveTenant(tenantId) { tx, _ in
            let record = try await Self.readableCase(tx, caller, id: caseId)
            if let ifVersion, ifVersion != record.version { throw Self.stale(record) }
            let roles = Self.roles(caller, at: record)
            let transition = try CaseWorkflow.check(action, in: record.state, roles: roles, fields: input.fields)
            var next = record
            next.state = transition.to
            try await self.apply(action, input, to: &next, from: record, by: caller, tx)
            let actingRole = transition.roles.intersection(roles).map(\.rawValue).sorted().first
            guard
                try await CaseStore.update(
                    tx, next, expectedVersion: record.version,
                    event: (
                        actorId: caller.principal?.userId, actor: caller.principal?.login ?? "cli", role: actingRole, action: action.rawValue,
                        from: record.state, payload: CaseStore.canonicalJSON(input)
                    ))
            else { throw try await Self.lostRace(record, caller, ifVersion: ifVersion, tx) }
            guard let written = try await CaseStore.find(tx, id: caseId) else { preconditionFailure("case \(caseId) vanished in its own transaction") }
            try await Self.enqueueWebhooks(tx, written, event: action.rawValue, at: Date())
            return try await Self.view(tx, caller, written)
        }
    }

    /// An assisting department's part: its liaison signs for the task, then reports it handled.
    /// The case's state does not change; the step is an event of its history.
    public func advanceAssistingTask(_ caller: Caller, tenantId: Int64, caseId: Int64, handled: Bool, note: String?) async throws -> CaseView {
        if let note, note.count > CaseActionInput.maxText {
            throw Errors.field(
                "note", .fieldTooLong, zh: "note 最多 \(CaseActionInput.maxText) 个字符", en: "note is at most \(CaseActionInput.maxText) characters")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            let record = try await Self.readableCase(tx, caller, id: caseId)
            let departments = Set(caller.principal?.bindings.filter { $0.role == .departmentLiaison }.compactMap(\.departmentId) ?? [])
                .intersection(record.taskDepartments).subtracting([record.leadDepartmentId].compactMap { $0 })
            guard let department = departments.sorted().first else {
                throw GridError(.caseTaskNotYours, Text(zh: "您的部门在该案件中没有协办任务", en: "your department has no assisting task on this case"))
            }
            guard try await CaseStore.advanceAssistingTask(tx, caseId: caseId, departmentId: department, to: handled ? .handled : .signed, note: note) else {
                throw GridError(
                    .caseTaskNotAllowed,
                    Text(
                        zh: handled ? "协办任务尚未签收或已办结" : "协办任务已签收", en: handled ? "the task is not signed, or already handled" : "the task is already signed"))
            }
            struct Step: Encodable {
                var department: Int64
                var note: String?
            }
            let payload = CaseStore.canonicalJSON(Step(department: department, note: note))
            guard
                try await CaseStore.update(
                    tx, record, expectedVersion: record.version,
                    event: (
                        actorId: caller.principal?.userId, actor: caller.principal?.login ?? "cli", role: Role.departmentLiaison.rawValue,
                        action: handled ? "assistHandled" : "assistSign", from: record.state, payload: payload
                    ))
            else { throw try await Self.lostRace(record, caller, ifVersion: nil, tx) }
            return try await Self.view(tx, caller, try await CaseStore.find(tx, id: caseId)!)
        }
    }

    /// Someone acted on the case between its read and its write. With `If-Match` that is the
    /// precondition failing (412); without, the request had none: the case is read again and the
    /// answer (409) says what it is now and what the caller may do with it.
    static func lostRace(_ record: CaseRecord, _ caller: Caller, ifVersion: Int64?, _ tx: Tx) async throws -> GridError {
        guard ifVersion == nil, let current = try await CaseStore.find(tx, id: record.id) else { return stale(record) }
        let allowed = CaseWorkflow.actions(from: current.state, roles: roles(caller, at: current)).map(\.rawValue).joined(separator: ", ")
        return GridError(
            .caseChangedMeanwhile,
            Text(
                zh: "案件 \(current.number) 刚被他人处理，现为“\(current.state.label.zh)”状态（您可执行：\(allowed.isEmpty ? "无" : allowed)）",
                en:
                    "case \(current.number) was just acted on by someone else and is now \(current.state.label.en) (you may: \(allowed.isEmpty ? "nothing" : allowed))"
            ))
    }

    static func stale(_ record: CaseRecord) -> GridError {
        GridError(
            .caseVersionMismatch,
            Text(
                zh: "案件 \(record.number) 已被他人处理（当前版本不是您看到的版本），请刷新后重试",
                en: "case \(record.number) was changed by someone else (it is no longer the version you saw); reload and retry"))
    }

    /// The caller's roles that count at this case: bindings that work cases and cover its grid; a
    /// liaison's binding only for the department that leads it.
    static func roles(_ caller: Caller, at record: CaseRecord) -> Set<Role> {
        guard let principal = caller.principal else { return Set(Role.allCases) }
        return Set(
            principal.bindings.filter { binding in
                guard Permissions.allows(binding.role, .caseWork) else { return false }
                if binding.role == .departmentLiaison { return binding.departmentId != nil && binding.departmentId == record.leadDepartmentId }
                return binding.scope.covers(record.gridPath)
            }.map(\.role))
    }

    func apply(_ action: CaseAction, _ input: CaseActionInput, to next: inout CaseRecord, from record: CaseRecord, by caller: Caller, _ tx: Tx) async throws {
        let now = Date()
        let district = try await calendarCache.calendar(tx)
        try await applyEffects(action, input, to: &next, from: record, by: caller, at: now, calendar: district.calendar, tx)
        try await Self.watchDeadline(&next, from: record, at: now, district: district, tx)
        try await syncClocks(&next, from: record, action: action, at: now, district: district, tx)
        try await Self.tellOfAction(tx, action, next, from: record, calendar: district.calendar)
    }

    /// Keeps the light times and the jobs that fire them in step with the handling deadline: when
    /// the clock starts, stops or the deadline moves, pending jobs are cancelled and new ones
    /// planned for the thresholds still ahead.
    static func watchDeadline(_ next: inout CaseRecord, from record: CaseRecord, at now: Date, district: DistrictCalendar, _ tx: Tx) async throws {
        let running = HandlingClock.runs(in: next.state) && next.handleDue != nil
        // A resumption moves the light times itself (the clock stood still in between); otherwise a new
        // or moved deadline places them at the calendar's thresholds of the span from dispatch.
        let placed = next.warnAt != nil && (next.warnAt != record.warnAt || next.redAt != record.redAt)
        if running, !placed, let due = next.handleDue, due != record.handleDue || next.dispatchedAt != record.dispatchedAt || next.warnAt == nil {
            let times = district.calendar.lightTimes(start: next.dispatchedAt ?? now, due: due, thresholds: district.document.trafficLight ?? .init())
            next.warnAt = times.yellow
            next.redAt = times.red
        }
        if running, let warn = next.warnAt, let red = next.redAt, next.warnAt != record.warnAt || next.redAt != record.redAt {
            next.light = now >= red ? .red : now >= warn ? .yellow : .green
        }
        let wasRunning = HandlingClock.runs(in: record.state) && record.handleDue != nil
        guard running != wasRunning || next.warnAt != record.warnAt || next.redAt != record.redAt else { return }
        try await JobStore.cancelCaseJobs(tx, caseId: next.id)
        guard running else { return }
        if let warn = next.warnAt, warn > now, next.light == .green { try await JobStore.schedule(tx, .caseYellow, caseId: next.id, at: warn) }
        if let red = next.redAt, red > now, next.light != .red { try await JobStore.schedule(tx, .caseRed, caseId: next.id, at: red) }
    }

    func applyEffects(
        _ action: CaseAction, _ input: CaseActionInput, to next: inout CaseRecord, from record: CaseRecord, by caller: Caller,
        at now: Date, calendar: WorkCalendar, _ tx: Tx
    ) async throws {
        switch action {
        case .file:
            try await file(&next, input, at: now, tx)
        case .dispatch:
            try await dispatch(&next, input, at: now, calendar: calendar, tx)
        case .sign:
            try await CaseStore.setLeadTask(tx, caseId: record.id, state: .signed)
        case .returnCase:
            next.returnCount += 1
            try await CaseStore.setLeadTask(tx, caseId: record.id, state: .returned)
        case .approveExtension:
            guard let text = try await CaseStore.lastPayload(tx, caseId: record.id, action: CaseAction.requestExtension.rawValue),
                let asked = try JSONDecoder().decode(CaseActionInput.self, from: Data(text.utf8)).extensionLimit
            else { throw GridError(.caseExtensionMissing, Text(zh: "找不到延期申请", en: "the extension request is missing")) }
            next.handleDue = calendar.deadline(from: record.handleDue ?? now, limit: asked)
            next.extensionCount += 1
        case .approveSuspension:
            next.suspendedAt = now
        case .resume:
            // The clock stopped while suspended: the work time that was left to the deadline and to
            // each light is counted again from now (a light already passed stays where it was).
            if let since = record.suspendedAt {
                func moved(_ moment: Date?) -> Date? {
                    moment.map { $0 > since ? calendar.addingWorkSeconds(calendar.workSeconds(from: since, to: $0), to: now) : $0 }
                }
                next.handleDue = moved(record.handleDue)
                next.warnAt = moved(record.warnAt)
                next.redAt = moved(record.redAt)
            }
            next.suspendedAt = nil
        case .reportHandled, .handleLocally, .selfHandle:
            next.handledAt = now
            if action == .reportHandled { try await CaseStore.setLeadTask(tx, caseId: record.id, state: .handled) }
            try await EscalationStore.resolveOrders(tx, caseId: record.id)
        case .requestCheck:
            let limit = try await routedLimits(record, tx)[.check] ?? DeadlineProfile.builtIn.limits[.check]!
            next.checkDue = calendar.deadline(from: now, limit: limit)
        case .failCheck:
            next.reworkCount += 1
            next.handledAt = nil
            next.checkDue = nil
            try await CaseStore.setLeadTask(tx, caseId: record.id, state: .signed)
        case .close:
            next.closedAt = now
            let closing = try CaseClosing.checked(
                outcome: input.outcome, explanation: input.reason, plannedDate: input.plannedDate,
                referredTo: input.referredTo, reply: input.reply, source: record.source, state: record.state, now: now)
            try await OutcomeStore.record(tx, caseId: record.id, closing, at: now, by: caller.principal?.userId)
        case .evaluate:
            next.rating = input.rating
        case .reopen:
            // 重办: the same department, new deadlines from now, counted as rework; the case's
            // earlier handling, closing and rating stay in its history.
            var same = input
            same.department = nil
            try await dispatch(&next, same, at: now, calendar: calendar, tx)
            next.reworkCount += 1
            next.handledAt = nil
            next.checkDue = nil
            next.closedAt = nil
            next.rating = nil
        case .merge:
            try await merge(&next, into: input.mergeInto!, by: caller, tx)
        case .requestVerify, .confirm, .markInvalid, .notFile, .void, .requestExtension, .refuseExtension, .requestSuspension,
            .refuseSuspension, .passCheck:
            break
        }
    }

    /// The stage limits of the rule set that routed the case, under the deadline profile of the rule
    /// that did (or the set's default); the published set's for a case routed by no rule set.
    func routedLimits(_ record: CaseRecord, _ tx: Tx) async throws -> [Stage: TimeLimit] {
        guard let number = record.ruleSetNumber, let routedBy = try await RuleSetStore.find(tx, number: number, withDocument: false) else {
            return try await publishedLimits(tx)
        }
        return try await routerCache.router(for: routedBy, tx).ruleSet.limits(profile: record.deadlineProfile)
    }

    func publishedLimits(_ tx: Tx) async throws -> [Stage: TimeLimit] {
        guard let published = try await RuleSetStore.find(tx, status: .published, withDocument: false) else { return DeadlineProfile.builtIn.limits }
        return try await routerCache.router(for: published, tx).ruleSet.limits(profile: nil)
    }

    /// Filing (立案): the item is fixed (classified now if the report had none) and the published
    /// rules propose level and lead department; the proposal and the rule that made it are kept.
    func file(_ next: inout CaseRecord, _ input: CaseActionInput, at now: Date, _ tx: Tx) async throws {
        guard let code = input.category ?? next.categoryCode else {
            throw Errors.field("category", .fieldRequired, zh: "立案前请先为案件选择问题类别", en: "choose the case's category before filing it")
        }
        let item = try await Self.item(tx, code: code, grade: input.category == nil ? (input.grade ?? next.grade) : input.grade)
        let chain = try await OrgUnitStore.chain(tx, ids: next.gridPath.ids)
        let published = try await RuleSetStore.find(tx, status: .published, withDocument: false)
        let answer = try await route(tx, item: item, chain: chain, source: next.source, description: next.description, at: now, ruleSet: published)
        next.categoryId = item.record.id
        next.grade = item.grade.key
        next.level = answer.explanation.decision.level
        next.assisting = answer.explanation.decision.assisting
        next.whistle = answer.explanation.decision.whistle
        next.deadlineProfile = answer.explanation.decision.deadlineProfile
        next.ruleSetNumber = published?.number
        next.routingBasis = answer.explanation.decision.basis.kind
        if case .rule(_, let id) = answer.explanation.decision.basis { next.ruleKey = id } else { next.ruleKey = nil }
        var lead = answer.leadDepartment
        if lead == nil, case .territorialStreet? = answer.explanation.decision.lead, let street = answer.street {
            lead = try await DepartmentStore.streetOffice(tx, unitId: street.id)
        }
        next.leadDepartmentId = lead?.id
        next.filedAt = now
    }

    /// Dispatch (派遣): to the proposed lead department or the one the dispatcher names instead,
    /// with the signing and handling deadlines from now.
    func dispatch(_ next: inout CaseRecord, _ input: CaseActionInput, at now: Date, calendar: WorkCalendar, _ tx: Tx) async throws {
        if let code = input.department {
            guard let department = try await DepartmentStore.find(tx, code: code) else {
                throw Errors.field("department", .departmentUnknown, zh: "部门“\(code)”不存在", en: "department '\(code)' does not exist")
            }
            if department.id != next.leadDepartmentId { next.routeOverridden = true }
            next.leadDepartmentId = department.id
        }
        guard let lead = next.leadDepartmentId else {
            throw Errors.field(
                "department", .fieldRequired, zh: "规则未给出主办部门，请指定派遣部门", en: "routing proposed no lead department; name the department to dispatch to")
        }
        guard let code = next.categoryCode else {
            throw Errors.field("category", .fieldRequired, zh: "派遣前请先立案并选择问题类别", en: "file the case with a category before dispatching it")
        }
        let item = try await Self.item(tx, code: code, grade: next.grade)
        var limits = try await routedLimits(next, tx)
        if limits[.handle] == nil { limits[.handle] = item.grade.limit }
        next.signDue = limits[.sign].map { calendar.deadline(from: now, limit: $0) }
        next.handleDue = calendar.deadline(from: now, limit: limits[.handle] ?? item.grade.limit)
        next.dispatchedAt = now
        next.suspendedAt = nil
        next.warnAt = nil
        let assisting = try await DepartmentStore.ids(tx, codes: next.assisting)
        try await CaseStore.dispatchTasks(tx, caseId: next.id, lead: lead, assisting: assisting)
    }

    /// Merging (并案): the case follows an open case of the same district that is not itself merged,
    /// and that the caller may read: to them a case they may not read does not exist, so naming one
    /// is answered as naming a missing case, with nothing of it (its number, its state).
    func merge(_ next: inout CaseRecord, into targetId: Int64, by caller: Caller, _ tx: Tx) async throws {
        guard targetId != next.id else {
            throw Errors.field("mergeInto", .caseMergeSelf, zh: "案件不能并入自身", en: "a case cannot be merged into itself")
        }
        guard let target = try await CaseStore.find(tx, id: targetId), Self.canRead(caller, target) else {
            throw Errors.field("mergeInto", .caseNotFound, zh: "要并入的案件 \(targetId) 不存在", en: "the case to merge into (\(targetId)) does not exist")
        }
        guard target.state.isOpen else {
            throw Errors.field(
                "mergeInto", .caseMergeTargetClosed, zh: "案件 \(target.number) 已\(target.state.label.zh)，不能并入",
                en: "case \(target.number) is \(target.state.label.en) and cannot take a merge")
        }
        next.mergedInto = target.id
        try await tellReporterOfMerge(next, into: target, tx)
    }

    /// The reporter of a merged case is told that it follows the surviving one: in the app when a
    /// user of the district reported it, and by a call-back request to the command centre (回访)
    /// when a caller left a phone number.
    func tellReporterOfMerge(_ merged: CaseRecord, into target: CaseRecord, _ tx: Tx) async throws {
        try await Self.tell(tx, .caseMerged, about: merged, "您上报的案件 \(merged.number) 已并入案件 \(target.number)，将随其一并处置")
        guard let phone = merged.reporterPhone else { return }
        let caller = merged.reporterName.map { "\($0)（\(phone)）" } ?? phone
        try await Self.tell(tx, .reporterCallback, about: merged, "请回访 \(caller)：其反映的案件 \(merged.number) 已并入案件 \(target.number)，将随其一并处置")
    }
}
