/// One grant: a role over an org unit's subtree, with a department for liaisons.
public struct RoleBinding: Sendable, Equatable {
    public var id: Int64
    public var role: Role
    public var scopeUnitId: Int64
    public var scope: ScopePath
    public var departmentId: Int64?

    public init(id: Int64, role: Role, scopeUnitId: Int64, scope: ScopePath, departmentId: Int64? = nil) {
        self.id = id
        self.role = role
        self.scopeUnitId = scopeUnitId
        self.scope = scope
        self.departmentId = departmentId
    }
}

/// The authenticated user of a request: who, in which tenant, with which bindings. Every service
/// call checks an action against the unit it touches through `authorize`.
public struct Principal: Sendable, Equatable {
    public var tenantId: Int64
    public var userId: Int64
    public var login: String
    public var bindings: [RoleBinding]

    public init(tenantId: Int64, userId: Int64, login: String, bindings: [RoleBinding]) {
        self.tenantId = tenantId
        self.userId = userId
        self.login = login
        self.bindings = bindings
    }

    public func can(_ action: Action, at path: ScopePath) -> Bool {
        bindings.contains { Permissions.allows($0.role, action) && $0.scope.covers(path) }
    }

    /// The scopes in which the action is allowed, without scopes nested in others.
    public func scopes(for action: Action) -> [ScopePath] {
        let all = Set(bindings.filter { Permissions.allows($0.role, action) }.map(\.scope)).sorted()
        var result: [ScopePath] = []
        for scope in all where !result.contains(where: { $0.covers(scope) }) {
            result.append(scope)
        }
        return result
    }

    public func authorize(_ action: Action, at path: ScopePath) throws(GridError) {
        guard can(action, at: path) else {
            if scopes(for: action).isEmpty {
                throw GridError(
                    .authActionNotAllowed,
                    Text(zh: "您的角色无权执行“\(action.rawValue)”", en: "none of your roles may perform '\(action.rawValue)'"))
            }
            throw GridError(
                .authOutOfScope,
                Text(zh: "该对象不在您的管辖范围内", en: "the target is outside the scope of your role bindings"))
        }
    }
}
