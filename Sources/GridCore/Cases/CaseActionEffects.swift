import Foundation

/// What a workflow action does besides moving the case's state, as values. GridCore plans them
/// from the case, the action's input and the facts the service read for it (`CaseActionEffects`);
/// GridService carries them out, in order, in the action's transaction (`GridService.perform`), the
/// way postgres-nio's connection state machine returns actions that its channel handler executes.
/// A new capability (the hand-up ladder, the whistle) adds its effects here and its facts to
/// `CaseActionNeed`, not branches in the service.
public enum CaseEffect: Sendable, Equatable {
    /// The lead department's task moves to `state` (signed, returned, handled, signed again on rework).
    case setLeadTask(TaskState)
    /// Tasks for the lead and the assisting departments; earlier live tasks are cancelled.
    case dispatchTasks(lead: Int64, assisting: [Int64])
    /// Open supervision orders on the case are answered by its handling.
    case resolveOrders
    /// How the case ended for whoever raised it (kept for the demand figures).
    case recordClosing(CaseClosing)
    /// The merged case's reporter is told that it follows `target`.
    case tellReporterOfMerge(target: CaseRecord)
    /// The handling stage's pending light jobs are cancelled.
    case cancelHandlingJobs
    /// A job of the case at `at`: a light of the handling stage, the ladder's local limit.
    case scheduleJob(JobKind, at: Date)
    /// A handover slip from the case's holder to the level above.
    case openSlip(HandoverDraft)
    /// The waiting slip is accepted or refused (with the reason and the lower level's new deadline).
    case decideSlip(HandoverSlip.Status, reason: String?, newDue: Date?)
    /// The holder's turn ends and `unit`'s begins (filing, an accepted slip, a delegation, a
    /// dispatch that lifts the case to the street, a reopening).
    case moveCustody(to: LadderUnit, by: CaseAction)
    /// The open turn ends: the case closed or ended.
    case endCustody(by: CaseAction)
    /// The ladder's local-limit job is cancelled (the case left the level or went up).
    case cancelLadderJobs
}

/// What a handover slip says: from which unit to which, why (the kind the figures count by, and
/// the words), what was tried, the case's photos; automatic when the system wrote it at the limit.
public struct HandoverDraft: Sendable, Equatable {
    public var from: LadderUnit
    public var to: LadderUnit
    public var reasonKind: HandUpReason
    public var reason: String
    public var tried: String?
    public var photos: [Int64]
    public var automatic: Bool

    public init(from: LadderUnit, to: LadderUnit, reasonKind: HandUpReason, reason: String, tried: String?, photos: [Int64], automatic: Bool) {
        self.from = from
        self.to = to
        self.reasonKind = reasonKind
        self.reason = reason
        self.tried = tried
        self.photos = photos
        self.automatic = automatic
    }
}

/// What an action needs read before it can be planned: the service gathers exactly these.
public enum CaseActionNeed: Sendable, Hashable {
    /// Filing: the item and routing's proposal (`FilingDecision`).
    case filing
    /// Dispatch (and reopening): the lead, the assisting departments and the stage limits (`DispatchPlan`).
    case dispatch
    /// Approving an extension: the limit the department asked for.
    case askedExtension
    /// Asking for the check: the check stage's limit.
    case checkLimit
    /// Merging: the case merged into, readable by the caller.
    case mergeTarget
    /// The ladder's moves, filing (where the case is held), dispatch (which lifts a case held below
    /// the street) and local handling: the case's ladder, holders and who the caller is to it.
    case ladder
}

/// What filing fixes: the item and grade, and routing's proposal with the rule that made it.
public struct FilingDecision: Sendable, Equatable {
    public var categoryId: Int64
    public var grade: String
    public var level: LadderLevel?
    public var assisting: [String]
    public var whistle: Bool
    public var deadlineProfile: String?
    public var ruleSetNumber: Int?
    public var basis: String
    public var ruleKey: String?
    public var leadDepartmentId: Int64?

    public init(
        categoryId: Int64, grade: String, level: LadderLevel? = nil, assisting: [String] = [], whistle: Bool = false,
        deadlineProfile: String? = nil, ruleSetNumber: Int? = nil, basis: String, ruleKey: String? = nil, leadDepartmentId: Int64? = nil
    ) {
        self.categoryId = categoryId
        self.grade = grade
        self.level = level
        self.assisting = assisting
        self.whistle = whistle
        self.deadlineProfile = deadlineProfile
        self.ruleSetNumber = ruleSetNumber
        self.basis = basis
        self.ruleKey = ruleKey
        self.leadDepartmentId = leadDepartmentId
    }
}

/// What dispatch needs: the lead department (and whether the dispatcher overrode routing), the
/// assisting departments' ids and the limits of the signing and handling stages.
public struct DispatchPlan: Sendable, Equatable {
    public var lead: Int64
    public var overridden: Bool
    public var assisting: [Int64]
    public var signLimit: TimeLimit?
    public var handleLimit: TimeLimit

    public init(lead: Int64, overridden: Bool = false, assisting: [Int64] = [], signLimit: TimeLimit? = nil, handleLimit: TimeLimit) {
        self.lead = lead
        self.overridden = overridden
        self.assisting = assisting
        self.signLimit = signLimit
        self.handleLimit = handleLimit
    }
}

/// The facts gathered for an action, one per need.
public struct CaseActionFacts: Sendable {
    public var filing: FilingDecision?
    public var dispatch: DispatchPlan?
    public var askedExtension: TimeLimit?
    public var checkLimit: TimeLimit?
    public var mergeTarget: CaseRecord?
    public var ladder: LadderFacts?

    public init(
        filing: FilingDecision? = nil, dispatch: DispatchPlan? = nil, askedExtension: TimeLimit? = nil, checkLimit: TimeLimit? = nil,
        mergeTarget: CaseRecord? = nil, ladder: LadderFacts? = nil
    ) {
        self.ladder = ladder
        self.filing = filing
        self.dispatch = dispatch
        self.askedExtension = askedExtension
        self.checkLimit = checkLimit
        self.mergeTarget = mergeTarget
    }
}

/// The effects of each workflow action: a pure function of the case before it, the input, the
/// gathered facts, the time and the district's work calendar.
public enum CaseActionEffects {
    /// The facts `plan` needs for `action`.
    public static func needs(_ action: CaseAction) -> Set<CaseActionNeed> {
        switch action {
        case .file: [.filing, .ladder]
        case .dispatch: [.dispatch, .ladder]
        case .reopen: [.dispatch]
        case .handleLocally, .handUp, .acceptHandUp, .refuseHandUp, .delegate, .autoHandUp: [.ladder]
        case .approveExtension: [.askedExtension]
        case .requestCheck: [.checkLimit]
        case .merge: [.mergeTarget]
        case .requestVerify, .confirm, .markInvalid, .notFile, .void, .sign, .returnCase, .requestExtension, .refuseExtension,
            .requestSuspension, .approveSuspension, .refuseSuspension, .resume, .reportHandled, .selfHandle, .failCheck,
            .passCheck, .close, .evaluate:
            []
        }
    }

    /// The case after `action`, which moves it to `state` (the workflow table's answer), and what
    /// else must happen, in order. `record` is the case as the action found it.
    public static func plan(
        _ action: CaseAction, _ input: CaseActionInput, case record: CaseRecord, to state: CaseState, facts: CaseActionFacts, at now: Date,
        calendar: WorkCalendar
    ) throws -> (CaseRecord, [CaseEffect]) {
        var next = record
        next.state = state
        var effects: [CaseEffect] = []
        switch action {
        case .file:
            let decision = try need(facts.filing, action)
            next.categoryId = decision.categoryId
            next.grade = decision.grade
            next.level = decision.level
            next.assisting = decision.assisting
            next.whistle = decision.whistle
            next.deadlineProfile = decision.deadlineProfile
            next.ruleSetNumber = decision.ruleSetNumber
            next.routingBasis = decision.basis
            next.ruleKey = decision.ruleKey
            next.leadDepartmentId = decision.leadDepartmentId
            next.filedAt = now
            effects += try LadderPlan.file(&next, routed: decision.level, asked: input.level, try need(facts.ladder, action), at: now, calendar: calendar)
        case .dispatch:
            effects += try LadderPlan.dispatch(&next, try need(facts.ladder, action), at: now)
            effects += dispatch(&next, try need(facts.dispatch, action), at: now, calendar: calendar)
        case .sign:
            effects.append(.setLeadTask(.signed))
        case .returnCase:
            next.returnCount += 1
            effects.append(.setLeadTask(.returned))
        case .approveExtension:
            next.handleDue = calendar.deadline(from: record.handleDue ?? now, limit: try need(facts.askedExtension, action))
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
            if action == .handleLocally { try LadderPlan.checkLocal(record, try need(facts.ladder, action)) }
            if action == .selfHandle { effects += LadderPlan.selfHandle(&next, at: now) }
            next.handledAt = now
            if action == .reportHandled { effects.append(.setLeadTask(.handled)) }
            effects.append(.resolveOrders)
        case .requestCheck:
            next.checkDue = calendar.deadline(from: now, limit: try need(facts.checkLimit, action))
        case .failCheck:
            next.reworkCount += 1
            next.handledAt = nil
            next.checkDue = nil
            effects.append(.setLeadTask(.signed))
        case .close:
            next.closedAt = now
            effects.append(
                .recordClosing(
                    try CaseClosing.checked(
                        outcome: input.outcome, explanation: input.reason, plannedDate: input.plannedDate, referredTo: input.referredTo,
                        reply: input.reply, source: record.source, state: record.state, now: now)))
        case .evaluate:
            next.rating = input.rating
        case .reopen:
            // 重办: the same department, new deadlines from now, counted as rework; the case's
            // earlier handling, closing and rating stay in its history.
            effects += dispatch(&next, try need(facts.dispatch, action), at: now, calendar: calendar)
            next.reworkCount += 1
            next.handledAt = nil
            next.checkDue = nil
            next.closedAt = nil
            next.rating = nil
            effects += LadderPlan.reopen(&next, at: now)
        case .merge:
            let target = try mergeTarget(record, input, facts)
            next.mergedInto = target.id
            effects.append(.tellReporterOfMerge(target: target))
        case .handUp, .acceptHandUp, .refuseHandUp, .delegate, .autoHandUp:
            effects += try LadderPlan.move(action, input, &next, from: record, try need(facts.ladder, action), at: now, calendar: calendar)
        case .requestVerify, .confirm, .markInvalid, .notFile, .void, .requestExtension, .refuseExtension, .requestSuspension,
            .refuseSuspension, .passCheck:
            break
        }
        // A case that ends (closed, voided, merged, not filed) ends its level's turn.
        if record.state.isOpen && !next.state.isOpen {
            if next.pendingLevel != nil {
                effects.append(.decideSlip(.superseded, reason: "案件\(next.state.label.zh)", newDue: nil))
                next.pendingLevel = nil
                next.pendingUnitId = nil
            }
            if next.levelUnitId != nil { effects += [.endCustody(by: action), .cancelLadderJobs] }
            next.levelDue = nil
        }
        return (next, effects)
    }

    /// Dispatch (派遣): to the lead, with the signing and handling deadlines from now.
    static func dispatch(_ next: inout CaseRecord, _ plan: DispatchPlan, at now: Date, calendar: WorkCalendar) -> [CaseEffect] {
        if plan.overridden { next.routeOverridden = true }
        next.leadDepartmentId = plan.lead
        next.signDue = plan.signLimit.map { calendar.deadline(from: now, limit: $0) }
        next.handleDue = calendar.deadline(from: now, limit: plan.handleLimit)
        next.dispatchedAt = now
        next.suspendedAt = nil
        next.warnAt = nil
        return [.dispatchTasks(lead: plan.lead, assisting: plan.assisting)]
    }

    /// Merging (并案) follows an open case other than itself.
    static func mergeTarget(_ record: CaseRecord, _ input: CaseActionInput, _ facts: CaseActionFacts) throws -> CaseRecord {
        guard input.mergeInto != record.id else {
            throw GridError.invalid([FieldError("mergeInto", .caseMergeSelf, Text(zh: "案件不能并入自身", en: "a case cannot be merged into itself"))])
        }
        let target = try need(facts.mergeTarget, .merge)
        guard target.state.isOpen else {
            throw GridError.invalid([
                FieldError(
                    "mergeInto", .caseMergeTargetClosed,
                    Text(
                        zh: "案件 \(target.number) 已\(target.state.label.zh)，不能并入",
                        en: "case \(target.number) is \(target.state.label.en) and cannot take a merge"))
            ])
        }
        return target
    }

    /// A fact `needs` names was not gathered: a bug in the service, not the caller's input.
    static func need<T>(_ fact: T?, _ action: CaseAction) throws -> T {
        guard let fact else {
            throw GridError(.internal, Text(zh: "动作 \(action.rawValue) 缺少所需数据", en: "the facts action \(action.rawValue) needs were not gathered"))
        }
        return fact
    }
}
