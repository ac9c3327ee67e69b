/// Where a case stands: the seven stages of the reference (collect, file, dispatch, handle, report
/// back, check and close, evaluate) with their side paths.
public enum CaseState: String, Sendable, Codable, CaseIterable {
    case reported, verifying, verified, invalid
    case filed, notFiled, voided, merged
    case dispatched, returned, handling, extensionRequested, suspensionRequested, suspended
    case handled, selfHandled, checking, checkPassed, closed, evaluated

    public var label: Text {
        switch self {
        case .reported: Text(zh: "已上报", en: "reported")
        case .verifying: Text(zh: "核实中", en: "being verified")
        case .verified: Text(zh: "已核实", en: "verified")
        case .invalid: Text(zh: "核实不属实", en: "found invalid")
        case .filed: Text(zh: "已立案", en: "filed")
        case .notFiled: Text(zh: "不予立案", en: "not filed")
        case .voided: Text(zh: "已作废", en: "voided")
        case .merged: Text(zh: "已并案", en: "merged")
        case .dispatched: Text(zh: "已派遣", en: "dispatched")
        case .returned: Text(zh: "已回退", en: "returned")
        case .handling: Text(zh: "处置中", en: "being handled")
        case .extensionRequested: Text(zh: "延期申请中", en: "extension requested")
        case .suspensionRequested: Text(zh: "挂账申请中", en: "suspension requested")
        case .suspended: Text(zh: "已挂账", en: "suspended")
        case .handled: Text(zh: "已处置", en: "handled")
        case .selfHandled: Text(zh: "已自处置", en: "self-handled")
        case .checking: Text(zh: "核查中", en: "being checked")
        case .checkPassed: Text(zh: "核查通过", en: "check passed")
        case .closed: Text(zh: "已结案", en: "closed")
        case .evaluated: Text(zh: "已评价", en: "evaluated")
        }
    }

    /// No action leads out of it.
    public var isFinal: Bool { CaseWorkflow.actions(from: self).isEmpty }

    /// Still work for someone: not at a dead end of a side path, not closed or evaluated (which
    /// only a reopening, 重办, leads out of).
    public var isOpen: Bool { !isFinal && self != .closed && self != .evaluated }
}

/// The work lists: what the command centre, a department, a grid worker act on next, and what is overdue.
public enum CaseQueue: String, Sendable, CaseIterable {
    /// Reports to file, cases to dispatch again, requests to approve, checks to order, cases to close (指挥中心).
    case dispatch
    /// The caller's departments' cases to sign, handle, report back (部门).
    case department
    /// Reports to verify, cases to check on site in the caller's grids (网格员).
    case check
    /// Overdue cases: a stage the case waits in is red (`CaseStageClocks.isOverdue`).
    case overdue
    /// The cases the caller's level holds and the handover slips waiting for it (分级处置): a grid
    /// head's, a community's, a zone team's (named members or the level's roles over the unit),
    /// and the street's and district's centres'.
    case level

    /// The states a case waits in for this queue's people (the overdue queue: those where a stage clock is open).
    public var states: [CaseState] {
        switch self {
        case .dispatch: [.reported, .verified, .filed, .returned, .extensionRequested, .suspensionRequested, .handled, .selfHandled, .checkPassed, .closed]
        case .department: [.dispatched, .handling]
        case .check: [.verifying, .checking]
        case .overdue: CaseState.allCases.filter { !CaseStageClocks.open(in: $0).isEmpty }
        case .level: [.filed, .returned]
        }
    }

    /// The roles whose actions move a case out of the queue's states.
    public var roles: Set<Role> {
        switch self {
        case .dispatch: [.dispatcher, .shiftLeader]
        case .department: [.departmentLiaison]
        case .check: [.gridWorker]
        case .overdue, .level: Set(Role.allCases)
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What a user can do to a case; `POST /v1/cases/{id}/actions/{action}` names one.
public enum CaseAction: String, Sendable, Codable, CaseIterable {
    case requestVerify, confirm, markInvalid
    case file, notFile, void, merge
    case dispatch, sign
    case returnCase = "return"
    case requestExtension, approveExtension, refuseExtension
    case requestSuspension, approveSuspension, refuseSuspension, resume
    case reportHandled, selfHandle, handleLocally
    case requestCheck, passCheck, failCheck, close, evaluate
    case reopen
    /// The ladder (`LadderRules`): hand a case up on a slip, accept or refuse the slip, delegate it
    /// down; the system's hand-up when the local limit passed.
    case handUp, acceptHandUp, refuseHandUp, delegate, autoHandUp

    /// The ladder's move this action is, if it is one.
    public var ladderMove: LadderMove? {
        switch self {
        case .handUp: .handUp
        case .acceptHandUp: .accept
        case .refuseHandUp: .refuse
        case .delegate: .delegate
        case .autoHandUp: .autoHandUp
        default: nil
        }
    }

    public var label: Text {
        switch self {
        case .requestVerify: Text(zh: "派发核实", en: "request verification")
        case .confirm: Text(zh: "核实属实", en: "confirm")
        case .markInvalid: Text(zh: "核实不属实", en: "mark invalid")
        case .file: Text(zh: "立案", en: "file")
        case .notFile: Text(zh: "不予立案", en: "decline to file")
        case .void: Text(zh: "作废", en: "void")
        case .merge: Text(zh: "并案", en: "merge")
        case .dispatch: Text(zh: "派遣", en: "dispatch")
        case .sign: Text(zh: "签收", en: "sign for")
        case .returnCase: Text(zh: "回退", en: "return")
        case .requestExtension: Text(zh: "申请延期", en: "request an extension")
        case .approveExtension: Text(zh: "批准延期", en: "approve the extension")
        case .refuseExtension: Text(zh: "驳回延期", en: "refuse the extension")
        case .requestSuspension: Text(zh: "申请挂账", en: "request suspension")
        case .approveSuspension: Text(zh: "批准挂账", en: "approve the suspension")
        case .refuseSuspension: Text(zh: "驳回挂账", en: "refuse the suspension")
        case .resume: Text(zh: "恢复处置", en: "resume")
        case .reportHandled: Text(zh: "处置反馈", en: "report handled")
        case .selfHandle: Text(zh: "自处置", en: "handle oneself")
        case .handleLocally: Text(zh: "社区微循环处置", en: "handle in the community")
        case .requestCheck: Text(zh: "派发核查", en: "request a check")
        case .passCheck: Text(zh: "核查通过", en: "pass the check")
        case .failCheck: Text(zh: "核查不通过（返工）", en: "fail the check (rework)")
        case .close: Text(zh: "结案", en: "close")
        case .evaluate: Text(zh: "评价", en: "evaluate")
        case .reopen: Text(zh: "重办", en: "reopen")
        case .handUp: Text(zh: "上报上一级", en: "hand up")
        case .acceptHandUp: Text(zh: "接收交接单", en: "accept the handover")
        case .refuseHandUp: Text(zh: "退回交接单", en: "refuse the handover")
        case .delegate: Text(zh: "下派", en: "delegate")
        case .autoHandUp: Text(zh: "超时自动上报", en: "hand up automatically")
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The inputs an action can carry; the table says which ones it needs.
public enum CaseField: String, Sendable, CaseIterable {
    /// Why (a return, a refusal, voiding, a failed check …).
    case reason
    /// What was done (handling feedback, self-handling).
    case note
    /// The extra time asked for.
    case extensionLimit
    /// The reporter's rating.
    case rating
    /// The case this one merges into.
    case mergeInto
}

/// One row of the workflow table.
public struct CaseTransition: Sendable, Equatable {
    public var from: CaseState
    public var action: CaseAction
    public var to: CaseState
    /// The roles allowed; none when the ladder decides who (the members of the unit holding the
    /// case or addressed by its slip, `LadderMembership`), whatever their roles.
    public var roles: Set<Role>
    public var required: Set<CaseField>

    public var byLadder: Bool { roles.isEmpty }
}

/// The case state machine as one table: state × action → next state, the roles allowed and the
/// fields required. Who within a role (the liaison of the case's department, the grid worker of
/// its grid) is the service's check; this table is the rest.
public enum CaseWorkflow {
    static let centre: Set<Role> = [.dispatcher, .shiftLeader]
    static let liaison: Set<Role> = [.departmentLiaison]
    static let gridWorker: Set<Role> = [.gridWorker]
    /// Who may is the ladder's call (`LadderMembership`), not a role's.
    static let ladder: Set<Role> = []

    /// Every allowed (state, action) pair. Anything not listed is not allowed.
    public static let table: [CaseTransition] = {
        var rows: [CaseTransition] = []
        func add(_ from: [CaseState], _ action: CaseAction, _ to: CaseState, _ roles: Set<Role>, _ required: Set<CaseField> = []) {
            for state in from { rows.append(CaseTransition(from: state, action: action, to: to, roles: roles, required: required)) }
        }
        // Collect and verify (信息收集, 核实).
        add([.reported], .requestVerify, .verifying, centre)
        add([.verifying], .confirm, .verified, gridWorker)
        add([.verifying], .markInvalid, .invalid, gridWorker, [.reason])
        add([.reported], .selfHandle, .selfHandled, gridWorker, [.note])
        // File (立案) or not; void (作废, the shift leader's call); merge duplicates (并案).
        add([.reported, .verified], .file, .filed, centre)
        add([.reported, .verified], .notFile, .notFiled, centre, [.reason])
        add([.reported, .verifying, .verified, .filed, .dispatched, .returned], .void, .voided, [.shiftLeader], [.reason])
        add([.reported, .verifying, .verified, .filed], .merge, .merged, centre, [.mergeInto])
        // Dispatch (派遣), re-dispatch after a return (回退), or the community's own micro cycle.
        add([.filed, .returned], .dispatch, .dispatched, centre)
        // The level below the street that holds a filed case solves it itself (微循环、中微循环).
        add([.filed], .handleLocally, .handled, ladder, [.note])
        // Handle (处置): sign, return, extension (延期), suspension (挂账), report back (处置反馈).
        add([.dispatched], .sign, .handling, liaison)
        add([.dispatched, .handling], .returnCase, .returned, liaison, [.reason])
        add([.handling], .requestExtension, .extensionRequested, liaison, [.reason, .extensionLimit])
        add([.extensionRequested], .approveExtension, .handling, centre)
        add([.extensionRequested], .refuseExtension, .handling, centre, [.reason])
        add([.handling], .requestSuspension, .suspensionRequested, liaison, [.reason])
        add([.suspensionRequested], .approveSuspension, .suspended, centre)
        add([.suspensionRequested], .refuseSuspension, .handling, centre, [.reason])
        add([.suspended], .resume, .handling, centre.union(liaison))
        add([.handling], .reportHandled, .handled, liaison, [.note])
        // Check and close (核查结案): a failed check sends it back to the same department (返工).
        add([.handled], .requestCheck, .checking, centre)
        add([.checking], .passCheck, .checkPassed, gridWorker)
        add([.checking], .failCheck, .handling, gridWorker, [.reason])
        add([.checkPassed, .selfHandled], .close, .closed, [.shiftLeader])
        // A demand answered with an explanation or referred closes without a check (`CaseClosing`).
        add([.handled], .close, .closed, [.shiftLeader])
        // Evaluate (综合评价): the reporter's rating, recorded by the centre.
        add([.closed], .evaluate, .evaluated, centre, [.rating])
        // Reopen (重办): the shift leader sends a closed or evaluated case (a dissatisfied reporter)
        // back to the same department with new deadlines, counted as rework.
        add([.closed, .evaluated], .reopen, .dispatched, [.shiftLeader], [.reason])
        // The ladder moves custody, not the state: a filed case (or one a department returned) goes
        // up on a slip, is accepted or refused above, or is delegated down (`LadderRules`).
        for state in [CaseState.filed, .returned] {
            add([state], .handUp, state, ladder, [.reason])
            add([state], .acceptHandUp, state, ladder)
            add([state], .refuseHandUp, state, ladder, [.reason])
            add([state], .delegate, state, ladder)
        }
        add([.filed], .autoHandUp, .filed, ladder)
        return rows
    }()

    private struct Key: Hashable {
        var from: CaseState
        var action: CaseAction
    }

    private static let index: [Key: CaseTransition] = Dictionary(uniqueKeysWithValues: table.map { (Key(from: $0.from, action: $0.action), $0) })

    public static func transition(from state: CaseState, _ action: CaseAction) -> CaseTransition? {
        index[Key(from: state, action: action)]
    }

    /// The actions the table allows in `state`, for any role, in declaration order.
    public static func actions(from state: CaseState) -> [CaseAction] {
        CaseAction.allCases.filter { index[Key(from: state, action: $0)] != nil }
    }

    /// The actions someone holding `roles` may take in `state` (not the ladder's, which its
    /// membership decides).
    public static func actions(from state: CaseState, roles: Set<Role>) -> [CaseAction] {
        actions(from: state).filter { !(index[Key(from: state, action: $0)]!.roles.isDisjoint(with: roles)) }
    }

    /// The transition for `action` in `state` by someone holding `roles` with `fields` given, or
    /// the error that says why not: 409 with the actions the state allows, 403 with the roles the
    /// action needs, 400 naming each missing field.
    public static func check(_ action: CaseAction, in state: CaseState, roles: Set<Role>, fields: Set<CaseField>) throws -> CaseTransition {
        guard let transition = transition(from: state, action) else {
            let allowed = actions(from: state).map(\.rawValue).joined(separator: ", ")
            throw GridError(
                .caseTransitionNotAllowed,
                Text(
                    zh: "案件处于“\(state.label.zh)”状态，不能“\(action.label.zh)”（可执行：\(allowed.isEmpty ? "无" : allowed)）",
                    en: "a case that is \(state.label.en) cannot be '\(action.rawValue)' (allowed: \(allowed.isEmpty ? "none" : allowed))"))
        }
        guard transition.byLadder || !transition.roles.isDisjoint(with: roles) else {
            let needed = transition.roles.map(\.rawValue).sorted().joined(separator: ", ")
            throw GridError(
                .caseTransitionRoleNotAllowed,
                Text(
                    zh: "“\(action.label.zh)”需要以下角色之一：\(needed)", en: "'\(action.rawValue)' needs one of the roles: \(needed)"))
        }
        let missing = CaseField.allCases.filter { transition.required.contains($0) && !fields.contains($0) }
        guard missing.isEmpty else {
            throw GridError.invalid(
                missing.map { field in
                    FieldError(
                        field.rawValue, .fieldRequired,
                        Text(
                            zh: "“\(action.label.zh)”需要填写 \(field.rawValue)", en: "'\(action.rawValue)' needs \(field.rawValue)"))
                })
        }
        return transition
    }
}
