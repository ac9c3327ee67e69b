import Foundation
import GridCore
import GridStore

/// A user with the bindings that give them their rights.
public struct UserWithBindings: Sendable {
    public var user: UserRecord
    public var bindings: [RoleBinding]

    public init(user: UserRecord, bindings: [RoleBinding]) {
        self.user = user
        self.bindings = bindings
    }
}

extension GridService {
    /// Creates a user with a one-time password (returned once, stored only as a bcrypt hash). Who
    /// may, what was sent and whether the login is free are checked before the password is hashed.
    public func createUser(_ caller: Caller, tenantId: Int64, login rawLogin: String, displayName: String, phone: String?) async throws -> (
        UserRecord, password: String
    ) {
        try caller.authorizeSomewhere(.userWrite)
        let login = rawLogin.lowercased()
        var problems: [FieldError] = []
        if let problem = Users.loginProblem(login) { problems.append(FieldError("login", .userBadLogin, problem)) }
        let name = displayName.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 100 {
            problems.append(FieldError("displayName", .userBadName, Text(zh: "姓名应为 1–100 个字符", en: "display name must be 1–100 characters")))
        }
        if let phone, phone.count > 32 {
            problems.append(FieldError("phone", .userBadPhone, Text(zh: "电话号码过长", en: "phone number is longer than 32 characters")))
        }
        if !problems.isEmpty { throw GridError.invalid(problems) }
        let taken = GridError(.userDuplicateLogin, Text(zh: "登录名“\(login)”已存在", en: "login '\(login)' is already taken"))
        guard try await withActiveTenant(tenantId, { tx, _ in try await UserStore.find(tx, login: login) }) == nil else { throw taken }
        let password = Secrets.randomPassword()
        let hash = try await passwords.hash(password)
        let user = try await withActiveTenant(tenantId) { tx, _ in
            // Taken in the meantime?
            if try await UserStore.find(tx, login: login) != nil { throw taken }
            let id = try await UserStore.insert(tx, login: login, displayName: name, phone: phone, passwordHash: hash, mustChangePassword: true)
            guard let user = try await UserStore.find(tx, id: id) else { throw Errors.userNotFound(login) }
            try await Self.audit(
                tx, caller, "create", .user, key: login, before: nil, after: ["login": login, "displayName": name, "phone": phone as Any])
            return user
        }
        return (user, password)
    }

    public func user(_ caller: Caller, tenantId: Int64, login: String) async throws -> UserWithBindings {
        try await withActiveTenant(tenantId) { tx, _ in
            guard let user = try await UserStore.find(tx, login: login.lowercased()) else { throw Errors.userNotFound(login) }
            let bindings = try await UserStore.bindings(tx, userId: user.id)
            if let principal = caller.principal, principal.userId != user.id {
                // A user with no binding yet belongs to the whole district, like a password reset treats it.
                let scopes = bindings.isEmpty ? [try await Self.rootPath(tx)] : bindings.map(\.scope)
                guard scopes.contains(where: { principal.can(.userRead, at: $0) }) else { throw Errors.userNotFound(login) }
            }
            return UserWithBindings(user: user, bindings: bindings)
        }
    }

    /// Users with a binding inside the caller's user-read scopes.
    public func users(_ caller: Caller, tenantId: Int64, page: PageRequest) async throws -> Page<UserWithBindings> {
        let after = try page.afterNumber()
        return try await withActiveTenant(tenantId) { tx, _ in
            let rootPath = try await Self.rootPath(tx)
            let scopes = caller.scopes(for: .userRead, root: rootPath)
            guard !scopes.isEmpty else {
                try caller.authorize(.userRead, at: rootPath)
                return Page(items: [], nextCursor: nil)
            }
            let rows = try await UserStore.list(tx, scopes: scopes, after: after, limit: page.limit + 1)
            var items: [UserWithBindings] = []
            for user in rows { items.append(UserWithBindings(user: user, bindings: try await UserStore.bindings(tx, userId: user.id))) }
            return Page(fetched: items, limit: page.limit) { String($0.user.id) }
        }
    }

    static func rootPath(_ tx: Tx) async throws -> ScopePath {
        guard let root = try await OrgUnitStore.root(tx) else { throw Errors.unitNotFound("root") }
        return root.path
    }

    /// Grants `role` over the unit `scopeCode` (and a department for liaisons).
    public func grant(_ caller: Caller, tenantId: Int64, login: String, role: Role, scopeCode: String, departmentCode: String?) async throws -> UserWithBindings
    {
        if role == .departmentLiaison && departmentCode == nil {
            throw Errors.field("department", .bindingDepartmentRequired, zh: "部门联络员必须指定部门", en: "a departmentLiaison binding needs a department")
        }
        if !role.namesDepartment && departmentCode != nil {
            throw Errors.field(
                "department", .bindingDepartmentNotAllowed, zh: "只有部门联络员和部门领导绑定部门",
                en: "only departmentLiaison bindings and a department's leader name a department")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            guard let user = try await UserStore.find(tx, login: login.lowercased()) else { throw Errors.userNotFound(login) }
            guard let scope = try await OrgUnitStore.find(tx, code: scopeCode) else { throw Errors.unitNotFound(scopeCode) }
            try caller.authorize(.userWrite, at: scope.path)
            var departmentId: Int64?
            if let departmentCode {
                guard let department = try await DepartmentStore.find(tx, code: departmentCode) else { throw Errors.departmentNotFound(departmentCode) }
                departmentId = department.id
            }
            _ = try await UserStore.grant(tx, userId: user.id, role: role, scopeUnitId: scope.id, departmentId: departmentId)
            try await Self.audit(
                tx, caller, "grant", .roleBinding, key: login, before: nil,
                after: ["login": login, "role": role.rawValue, "scope": scopeCode, "department": departmentCode as Any])
            return UserWithBindings(user: user, bindings: try await UserStore.bindings(tx, userId: user.id))
        }
    }

    public func revoke(_ caller: Caller, tenantId: Int64, login: String, role: Role, scopeCode: String) async throws -> UserWithBindings {
        try await withActiveTenant(tenantId) { tx, _ in
            guard let user = try await UserStore.find(tx, login: login.lowercased()) else { throw Errors.userNotFound(login) }
            guard let scope = try await OrgUnitStore.find(tx, code: scopeCode) else { throw Errors.unitNotFound(scopeCode) }
            try caller.authorize(.userWrite, at: scope.path)
            guard try await UserStore.revoke(tx, userId: user.id, role: role, scopeUnitId: scope.id) > 0 else {
                throw GridError(
                    .bindingNotFound,
                    Text(zh: "“\(login)”没有在“\(scopeCode)”的\(role.label.zh)角色", en: "'\(login)' holds no \(role.rawValue) binding at '\(scopeCode)'"))
            }
            try await Self.audit(
                tx, caller, "revoke", .roleBinding, key: login, before: ["login": login, "role": role.rawValue, "scope": scopeCode], after: nil)
            return UserWithBindings(user: user, bindings: try await UserStore.bindings(tx, userId: user.id))
        }
    }

    /// Sets a new one-time password and ends the user's sessions; returns the password. Who may is
    /// checked before the password is hashed, and again with the write (bindings may have changed).
    public func resetPassword(_ caller: Caller, tenantId: Int64, login: String) async throws -> String {
        try caller.authorizeSomewhere(.userWrite)
        _ = try await withActiveTenant(tenantId) { tx, _ in try await Self.userToReset(tx, caller, login: login) }
        let password = Secrets.randomPassword()
        let hash = try await passwords.hash(password)
        try await withActiveTenant(tenantId) { tx, _ in
            let user = try await Self.userToReset(tx, caller, login: login)
            try await UserStore.setPassword(tx, userId: user.id, hash: hash, mustChange: true)
            try await SessionStore.revokeAll(tx, userId: user.id)
            try await Self.audit(tx, caller, "resetPassword", .user, key: user.login, before: nil, after: ["mustChangePassword": true])
        }
        return password
    }

    /// The user `login`, when the caller may write every scope the user is bound in (the district for a user with no binding).
    static func userToReset(_ tx: Tx, _ caller: Caller, login: String) async throws -> UserRecord {
        guard let user = try await UserStore.find(tx, login: login.lowercased()) else { throw Errors.userNotFound(login) }
        if caller.principal != nil {
            let bindings = try await UserStore.bindings(tx, userId: user.id)
            for binding in bindings { try caller.authorize(.userWrite, at: binding.scope) }
            if bindings.isEmpty { try caller.authorize(.userWrite, at: try await Self.rootPath(tx)) }
        }
        return user
    }
}
