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
                .forbidden, "auth.actionNotAllowed",
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
