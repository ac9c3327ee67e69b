import GridCore
import Testing

@Suite struct PermissionTests {
    static let writeActions: [Action] = [.orgWrite, .userWrite, .departmentWrite, .tenantWrite]

    func path(_ raw: String) -> ScopePath { ScopePath(raw)! }

    func principal(_ bindings: (Role, String)...) -> Principal {
        Principal(
            tenantId: 1, userId: 42, login: "u",
            bindings: bindings.enumerated().map { i, b in
                RoleBinding(id: Int64(i + 1), role: b.0, scopeUnitId: path(b.1).ids.last!, scope: path(b.1))
            })
    }

    // MARK: the table

    @Test func tenantAdminMayDoEverything() {
        for action in Action.allCases { #expect(Permissions.allows(.tenantAdmin, action), "\(action)") }
    }

    @Test(arguments: Role.allCases.filter { $0 != .tenantAdmin })
    func onlyTheTenantAdminMayWrite(role: Role) {
        for action in Self.writeActions { #expect(!Permissions.allows(role, action), "\(role) × \(action)") }
    }

    @Test(arguments: Role.allCases)
    func everyRoleMayReadTheTreeAndLocate(role: Role) {
        #expect(Permissions.allows(role, .orgRead))
        #expect(Permissions.allows(role, .locate))
        #expect(Permissions.allows(role, .departmentRead))
        #expect(Permissions.allows(role, .tenantRead))
    }

    @Test func userReadIsWithheldFromFieldRoles() {
        let readers = Set(Role.allCases.filter { Permissions.allows($0, .userRead) })
        #expect(readers == [.tenantAdmin, .dispatcher, .shiftLeader, .communityChief, .leader])
    }

    // MARK: Principal.can

    @Test func canChecksBothRoleAndScope() {
        let p = principal((.tenantAdmin, "1.12."), (.viewer, "1."))
        #expect(p.can(.orgWrite, at: path("1.12.")))
        #expect(p.can(.orgWrite, at: path("1.12.130.4711.")))
        #expect(!p.can(.orgWrite, at: path("1.13.")))
        #expect(!p.can(.orgWrite, at: path("1.")))
        #expect(p.can(.orgRead, at: path("1.13.")))
        #expect(!p.can(.userRead, at: path("1.13.")), "viewer may not read users; admin binding does not reach 1.13.")
        #expect(p.can(.userRead, at: path("1.12.5.")))
    }

    @Test func aBindingDoesNotLeakToANumericSibling() {
        let p = principal((.tenantAdmin, "1.1."))
        #expect(!p.can(.orgRead, at: path("1.12.")))
        #expect(p.can(.orgRead, at: path("1.1.2.")))
    }

    @Test func aPrincipalWithoutBindingsMayDoNothing() {
        let p = principal()
        for action in Action.allCases { #expect(!p.can(action, at: path("1."))) }
        #expect(p.scopes(for: .orgRead).isEmpty)
    }

    // MARK: scopes

    @Test func scopesDropNestedAndDuplicateScopes() {
        let p = principal((.viewer, "1.12.130."), (.viewer, "1.12."), (.gridWorker, "1.12."), (.viewer, "1.13.5."), (.leader, "1.1."))
        #expect(p.scopes(for: .orgRead).map(\.raw) == ["1.1.", "1.12.", "1.13.5."])
    }

    @Test func scopesOnlyCountRolesThatAllowTheAction() {
        let p = principal((.viewer, "1."), (.tenantAdmin, "1.12."), (.tenantAdmin, "1.12.130."), (.dispatcher, "1.13."))
        #expect(p.scopes(for: .orgWrite).map(\.raw) == ["1.12."])
        #expect(p.scopes(for: .userRead).map(\.raw) == ["1.12.", "1.13."])
        #expect(p.scopes(for: .orgRead).map(\.raw) == ["1."])
    }

    // MARK: authorize

    @Test func authorizePassesWhenSomeBindingAllows() {
        let p = principal((.viewer, "1."), (.tenantAdmin, "1.12."))
        #expect(throws: Never.self) { try p.authorize(.orgWrite, at: path("1.12.130.")) }
        #expect(throws: Never.self) { try p.authorize(.orgRead, at: path("1.99.")) }
    }

    @Test func authorizeReportsActionNotAllowedWhenNoRoleHasTheAction() throws {
        let p = principal((.viewer, "1."), (.gridWorker, "1.12."))
        let error = try #require(thrownError { () throws(GridError) in try p.authorize(.orgWrite, at: path("1.12.")) })
        #expect(error.code == .authActionNotAllowed)
        #expect(error.kind == .forbidden)
        #expect(error.message.en.contains("orgWrite"))
    }

    @Test func authorizeReportsOutOfScopeWhenTheActionIsAllowedElsewhere() throws {
        let p = principal((.viewer, "1."), (.tenantAdmin, "1.12."))
        let error = try #require(thrownError { () throws(GridError) in try p.authorize(.orgWrite, at: path("1.13.5.")) })
        #expect(error.code == .authOutOfScope)
        #expect(error.kind == .forbidden)
        // Above the binding is out of scope too, not allowed "upwards".
        let above = try #require(thrownError { () throws(GridError) in try p.authorize(.orgWrite, at: path("1.")) })
        #expect(above.code == .authOutOfScope)
    }

    @Test func authorizeWithNoBindingsIsActionNotAllowed() throws {
        let error = try #require(thrownError { () throws(GridError) in try principal().authorize(.orgRead, at: path("1.")) })
        #expect(error.code == .authActionNotAllowed)
    }

    // MARK: Caller

    @Test func theOperatorIsAlwaysAuthorizedOverTheWholeTree() {
        let caller = Caller.operator
        for action in Action.allCases {
            #expect(throws: Never.self) { try caller.authorize(action, at: path("1.12.130.")) }
            #expect(caller.scopes(for: action, root: .root(1)) == [.root(1)])
        }
        #expect(caller.principal == nil)
    }

    @Test func aUserCallerDelegatesToItsPrincipal() throws {
        let p = principal((.viewer, "1.12."))
        let caller = Caller.user(p)
        #expect(caller.principal == p)
        #expect(caller.scopes(for: .orgRead, root: .root(1)).map(\.raw) == ["1.12."])
        #expect(caller.scopes(for: .orgWrite, root: .root(1)).isEmpty)
        let error = try #require(thrownError { () throws(GridError) in try caller.authorize(.orgRead, at: path("1.13.")) })
        #expect(error.code == .authOutOfScope)
    }
}
