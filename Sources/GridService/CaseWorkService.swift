import Foundation
import GridCore
import GridStore

extension GridService {
    /// Takes one workflow action on a case: the workflow table decides whether the state and the
    /// caller's roles at this case allow it and what it needs; the action's effects (routing at
    /// filing, tasks at dispatch, deadlines, counters) are applied; the case is written only if its
    /// version is still the one read (or `ifVersion`), with the event that records the change.
    public func act(_ caller: Caller, tenantId: Int64, caseId: Int64, _ action: CaseAction, _ input: CaseActionInput, ifVersion: Int64?) async throws
        -> CaseView
    {
        try input.validate()
        return try await withActiveTenant(tenantId) { tx, tenant in
            let record = try await Self.readableCase(tx, caller, id: caseId)
            if let ifVersion, ifVersion != record.version { throw Self.stale(record) }
            var context: LadderContext?
            let written = try await self.act(
                on: record, caller, action, input, ifVersion: ifVersion, settings: tenant.settings, at: Date(), context: &context, tx)
            return try await Self.view(tx, caller, written, settings: tenant.settings, context: context)
        }
    }

    /// The action on `record` in the caller's transaction (a person's request, or the system's job
    /// when `system`); answers the case as written.
    func act(
        on record: CaseRecord, _ caller: Caller, _ action: CaseAction, _ input: CaseActionInput, ifVersion: Int64?, settings: TenantSettings,
        system: Bool = false, at now: Date, context: inout LadderContext?, _ tx: Tx
    ) async throws -> CaseRecord {
        let roles = Self.roles(caller, at: record)
        let transition = try CaseWorkflow.check(action, in: record.state, roles: roles, fields: input.fields)
        guard try await CaseStore.lock(tx, id: record.id, version: record.version) else {
            if system { throw GridError(.dbRetry, Text(zh: "案件已变化", en: "the case changed meanwhile")) }
            throw try await Self.lostRace(record, caller, ifVersion: ifVersion, tx)
        }
        var next = record
        next.state = transition.to
        try await apply(action, input, to: &next, from: record, by: caller, system: system, settings: settings, at: now, context: &context, tx)
        let actingRole = system ? nil : transition.roles.intersection(roles).map(\.rawValue).sorted().first
        guard
            try await CaseStore.update(
                tx, next, expectedVersion: record.version,
                event: (
                    actorId: caller.principal?.userId, actor: system ? "system" : caller.principal?.login ?? "cli", role: actingRole,
                    action: action.rawValue, from: record.state,
                    payload: CaseStore.canonicalJSON(CaseEventPayload(input: input, before: record, after: next))
                ))
        else {
            if system { throw GridError(.dbRetry, Text(zh: "案件已变化", en: "the case changed meanwhile")) }
            throw try await Self.lostRace(record, caller, ifVersion: ifVersion, tx)
        }
        guard let written = try await CaseStore.find(tx, id: record.id) else { preconditionFailure("case \(record.id) vanished in its own transaction") }
        try await Self.enqueueWebhooks(tx, written, event: action.rawValue, at: now)
        if action == .file && written.whistle { try await Self.proposeWhistle(tx, written, settings: settings, at: now) }
        return written
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

    /// The action's effects: the facts it needs are read, GridCore plans the case after it and what
    /// else happens (`CaseActionEffects`, `HandlingWatch`), and the plan is carried out here, in the
    /// action's transaction; then the stage clocks follow the state and the people concerned are told.
    func apply(
        _ action: CaseAction, _ input: CaseActionInput, to next: inout CaseRecord, from record: CaseRecord, by caller: Caller, system: Bool,
        settings: TenantSettings, at now: Date, context: inout LadderContext?, _ tx: Tx
    ) async throws {
        let district = try await calendarCache.calendar(tx)
        let facts = try await gather(
            CaseActionEffects.needs(action), for: action, input, record, by: caller, system: system, settings: settings, at: now, context: &context, tx)
        let (planned, effects) = try CaseActionEffects.plan(
            action, input, case: record, to: next.state, facts: facts, at: now, calendar: district.calendar)
        let (watched, jobs) = HandlingWatch.plan(
            planned, from: record, at: now, calendar: district.calendar, thresholds: district.document.trafficLight ?? .init())
        next = watched
        try await perform(effects + jobs, on: next, by: caller, at: now, tx)
        try await syncClocks(&next, from: record, action: action, at: now, district: district, tx)
        try await Self.tellOfAction(tx, action, next, from: record, calendar: district.calendar, path: context?.chain)
    }

    /// Reads what `needs` names, checking it as it goes (an unknown department, a case not filed).
    /// What it read of the case's path (`context`) is kept for the view after the action.
    func gather(
        _ needs: Set<CaseActionNeed>, for action: CaseAction, _ input: CaseActionInput, _ record: CaseRecord, by caller: Caller, system: Bool,
        settings: TenantSettings, at now: Date, context: inout LadderContext?, _ tx: Tx
    ) async throws -> CaseActionFacts {
        var facts = CaseActionFacts()
        for need in needs {
            switch need {
            case .filing:
                facts.filing = try await filingDecision(record, input, at: now, tx)
            case .dispatch:
                // Reopening goes back to the same department.
                facts.dispatch = try await dispatchPlan(record, department: action == .reopen ? nil : input.department, tx)
            case .askedExtension:
                guard let text = try await CaseStore.lastPayload(tx, caseId: record.id, action: CaseAction.requestExtension.rawValue),
                    let asked = try JSONDecoder().decode(CaseActionInput.self, from: Data(text.utf8)).extensionLimit
                else { throw GridError(.caseExtensionMissing, Text(zh: "找不到延期申请", en: "the extension request is missing")) }
                facts.askedExtension = asked
            case .checkLimit:
                facts.checkLimit = try await routedLimits(record, tx)[.check] ?? DeadlineProfile.builtIn.limits[.check]!
            case .mergeTarget:
                facts.mergeTarget = try await mergeTarget(record, into: input.mergeInto, by: caller, tx)
            case .ladder:
                let read = try await Self.ladderContext(tx, caller, record)
                context = read
                facts.ladder = try await Self.ladderFacts(tx, caller, record, settings: settings, context: read, photos: input.photos, system: system)
            }
        }
        return facts
    }

    /// Carries out the planned effects, in order.
    func perform(_ effects: [CaseEffect], on next: CaseRecord, by caller: Caller, at now: Date, _ tx: Tx) async throws {
        for effect in effects {
            switch effect {
            case .setLeadTask(let state):
                try await CaseStore.setLeadTask(tx, caseId: next.id, state: state)
            case .dispatchTasks(let lead, let assisting):
                try await CaseStore.dispatchTasks(tx, caseId: next.id, lead: lead, assisting: assisting)
            case .resolveOrders:
                try await EscalationStore.resolveOrders(tx, caseId: next.id)
            case .recordClosing(let closing):
                try await OutcomeStore.record(tx, caseId: next.id, closing, at: now, by: caller.principal?.userId)
            case .tellReporterOfMerge(let target):
                try await tellReporterOfMerge(next, into: target, tx)
            case .cancelHandlingJobs:
                try await JobStore.cancelCaseJobs(tx, caseId: next.id)
            case .scheduleJob(let kind, let at):
                try await JobStore.schedule(tx, kind, caseId: next.id, at: at)
            case .openSlip(let draft):
                try await LadderStore.openSlip(tx, caseId: next.id, gridPath: next.gridPath, draft, by: caller.principal?.userId, at: now)
            case .decideSlip(let status, let reason, let newDue):
                try await LadderStore.decideSlip(tx, caseId: next.id, status, reason: reason, newDue: newDue, by: caller.principal?.userId, at: now)
            case .moveCustody(let unit, let action):
                try await LadderStore.moveCustody(tx, caseId: next.id, gridPath: next.gridPath, to: unit, by: action.rawValue, at: now)
            case .endCustody(let action):
                try await LadderStore.endCustody(tx, caseId: next.id, by: action.rawValue, at: now)
            case .cancelLadderJobs:
                try await JobStore.cancelCaseJobs(tx, caseId: next.id, kinds: [.ladderLimit])
            }
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
    func filingDecision(_ record: CaseRecord, _ input: CaseActionInput, at now: Date, _ tx: Tx) async throws -> FilingDecision {
        guard let code = input.category ?? record.categoryCode else {
            throw Errors.field("category", .fieldRequired, zh: "立案前请先为案件选择问题类别", en: "choose the case's category before filing it")
        }
        let item = try await Self.item(tx, code: code, grade: input.category == nil ? (input.grade ?? record.grade) : input.grade)
        let chain = try await OrgUnitStore.chain(tx, ids: record.gridPath.ids)
        let published = try await RuleSetStore.find(tx, status: .published, withDocument: false)
        let answer = try await route(tx, item: item, chain: chain, source: record.source, description: record.description, at: now, ruleSet: published)
        let decision = answer.explanation.decision
        var lead = answer.leadDepartment
        if lead == nil, case .territorialStreet? = decision.lead, let street = answer.street {
            lead = try await DepartmentStore.streetOffice(tx, unitId: street.id)
        }
        var ruleKey: String?
        if case .rule(_, let id) = decision.basis { ruleKey = id }
        return FilingDecision(
            categoryId: item.record.id, grade: item.grade.key, level: decision.level, assisting: decision.assisting, whistle: decision.whistle,
            deadlineProfile: decision.deadlineProfile, ruleSetNumber: published?.number, basis: decision.basis.kind, ruleKey: ruleKey,
            leadDepartmentId: lead?.id)
    }

    /// Dispatch (派遣): to the proposed lead department or the one the dispatcher names instead
    /// (an override), with the limits of the rule that routed the case (else the item's grade).
    func dispatchPlan(_ record: CaseRecord, department: String?, _ tx: Tx) async throws -> DispatchPlan {
        var lead = record.leadDepartmentId
        var overridden = false
        if let code = department {
            guard let named = try await DepartmentStore.find(tx, code: code) else {
                throw Errors.field("department", .departmentUnknown, zh: "部门“\(code)”不存在", en: "department '\(code)' does not exist")
            }
            overridden = named.id != record.leadDepartmentId
            lead = named.id
        }
        guard let lead else {
            throw Errors.field(
                "department", .fieldRequired, zh: "规则未给出主办部门，请指定派遣部门", en: "routing proposed no lead department; name the department to dispatch to")
        }
        guard let code = record.categoryCode else {
            throw Errors.field("category", .fieldRequired, zh: "派遣前请先立案并选择问题类别", en: "file the case with a category before dispatching it")
        }
        let item = try await Self.item(tx, code: code, grade: record.grade)
        let limits = try await routedLimits(record, tx)
        return DispatchPlan(
            lead: lead, overridden: overridden, assisting: try await DepartmentStore.ids(tx, codes: record.assisting), signLimit: limits[.sign],
            handleLimit: limits[.handle] ?? item.grade.limit)
    }

    /// Merging (并案): the case merged into, from the district, and one the caller may read: to them
    /// a case they may not read does not exist, so naming one is answered as naming a missing case,
    /// with nothing of it (its number, its state). Nil when the case names itself (the plan says so).
    func mergeTarget(_ record: CaseRecord, into targetId: Int64?, by caller: Caller, _ tx: Tx) async throws -> CaseRecord? {
        guard let targetId, targetId != record.id else { return nil }
        guard let target = try await CaseStore.find(tx, id: targetId), Self.canRead(caller, target) else {
            throw Errors.field("mergeInto", .caseNotFound, zh: "要并入的案件 \(targetId) 不存在", en: "the case to merge into (\(targetId)) does not exist")
        }
        return target
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
