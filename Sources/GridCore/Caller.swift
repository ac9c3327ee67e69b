/// Who is calling a use case: an operator at the admin CLI (database access is the credential)
/// or an authenticated user, whose bindings are checked.
public enum Caller: Sendable {
    case `operator`
    case user(Principal)

    public func authorize(_ action: Action, at path: ScopePath) throws(GridError) {
        if case .user(let principal) = self { try principal.authorize(action, at: path) }
    }

    /// Passes when the action is allowed in at least one scope (creating a user, who has no scope yet).
    public func authorizeSomewhere(_ action: Action) throws(GridError) {
        if case .user(let principal) = self, principal.scopes(for: action).isEmpty {
            throw GridError(
                .authActionNotAllowed,
                Text(zh: "您的角色无权执行“\(action.rawValue)”", en: "none of your roles may perform '\(action.rawValue)'"))
        }
    }

    /// The scopes in which `action` is allowed; the whole tree (`root`) for the operator.
    public func scopes(for action: Action, root: ScopePath) -> [ScopePath] {
        switch self {
        case .operator: [root]
        case .user(let principal): principal.scopes(for: action)
        }
    }

    public var principal: Principal? {
        if case .user(let principal) = self { return principal }
        return nil
    }
}

extension Caller {
    /// Who the operator at the CLI is, as the audit log names them: what they said (`--as`), else
    /// their OS user; `cli` where nobody said.
    @TaskLocal public static var operatorName: String = "cli"

    /// The name the audit log records: the user's login, or the operator's name.
    public var actorName: String {
        switch self {
        case .operator: Caller.operatorName
        case .user(let principal): principal.login
        }
    }
}

/// What the audit log (`GET /v1/audit`) records changes of.
public enum AuditEntity: String, Sendable, CaseIterable, Codable {
    case category, dutyList, calendar, ruleSet
    case user, roleBinding, department, tenant, webhook, webhookAllowList, orgUnit, assessmentScheme

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
