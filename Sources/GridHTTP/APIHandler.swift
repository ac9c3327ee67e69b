import Foundation
import GridAPI
import GridCore
import GridService
import OpenAPIRuntime

/// The /v1 operations of openapi.yaml: each translates its typed input into one service call
/// for the principal of the request, and the result back. Errors are thrown as `GridError` and
/// become problem+json in `ProblemMiddleware`.
struct APIHandler: APIProtocol {
    let service: GridService

    var caller: Caller { get throws { .user(try RequestScope.requirePrincipal()) } }
    var tenantId: Int64 { get throws { try RequestScope.requirePrincipal().tenantId } }

    // MARK: auth

    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let result = try await service.login(tenantCode: body.tenant, login: body.login, password: body.password)
        return .ok(
            .init(
                body: .json(
                    .init(
                        token: result.token, expiresAt: result.expiresAt, mustChangePassword: result.mustChangePassword,
                        me: APIMapping.me(result.principal, tenantCode: body.tenant.uppercased())))))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        if let token = RequestScope.bearerToken { try await service.logout(token: token) }
        return .noContent(.init())
    }

    func changePassword(_ input: Operations.ChangePassword.Input) async throws -> Operations.ChangePassword.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        try await service.changePassword(
            try RequestScope.requirePrincipal(), token: RequestScope.bearerToken, current: body.currentPassword, new: body.newPassword)
        return .noContent(.init())
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let principal = try RequestScope.requirePrincipal()
        let tenant = try await service.tenant(id: principal.tenantId)
        return .ok(.init(body: .json(APIMapping.me(principal, tenantCode: tenant.code))))
    }

    func getTenant(_ input: Operations.GetTenant.Input) async throws -> Operations.GetTenant.Output {
        let tenant = try await service.tenant(id: try tenantId)
        return .ok(
            .init(
                body: .json(
                    .init(
                        id: tenant.id, code: tenant.code, name: tenant.name, divisionCode: tenant.divisionCode, timeZone: tenant.timeZone,
                        status: tenant.status == .active ? .active : .suspended,
                        gridLevels: tenant.settings.gridLevels.map { .init(key: $0.key, name: $0.name) },
                        ladder: tenant.settings.ladder.levels.compactMap { .init(rawValue: $0.rawValue) },
                        ladderLimits: .init(
                            grid: tenant.settings.ladderLimits[.grid].map(APIMapping.limit),
                            community: tenant.settings.ladderLimits[.community].map(APIMapping.limit),
                            zone: tenant.settings.ladderLimits[.zone].map(APIMapping.limit)),
                        whistle: .init(
                            kinds: tenant.settings.whistle.kinds.map { .init(code: $0.code, name: $0.name, limitMinutes: $0.limitMinutes) },
                            radiusMeters: tenant.settings.whistle.radiusMeters, communityWhistles: tenant.settings.whistle.communityWhistles,
                            scoreMax: tenant.settings.whistle.scoreMax),
                        patrol: .init(discoveryLimitMinutes: tenant.settings.patrol.discoveryLimitMinutes)))))
    }

    // MARK: org

    func createOrgUnit(_ input: Operations.CreateOrgUnit.Input) async throws -> Operations.CreateOrgUnit.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        guard let kind = OrgUnitKind(rawValue: body.kind.rawValue) else { throw Self.jsonRequired }
        let created = try await service.createUnit(
            try caller, tenantId: try tenantId, parentId: body.parentId, kind: kind, code: body.code, name: body.name,
            gridLevel: body.gridLevel, geometry: try APIMapping.geometry(body.geometry))
        return .created(.init(headers: .init(eTag: APIMapping.eTag(created.version)), body: .json(try APIMapping.unit(created))))
    }

    func getOrgUnit(_ input: Operations.GetOrgUnit.Input) async throws -> Operations.GetOrgUnit.Output {
        let unit = try await service.unit(try caller, tenantId: try tenantId, id: input.path.id, geometry: input.query.geometry ?? false)
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(unit.version)), body: .json(try APIMapping.unit(unit))))
    }

    func updateOrgUnit(_ input: Operations.UpdateOrgUnit.Input) async throws -> Operations.UpdateOrgUnit.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let unit = try await service.updateUnit(
            try caller, tenantId: try tenantId, id: input.path.id, name: body.name, newParentId: body.parentId,
            ifVersion: try APIMapping.version(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(unit.version)), body: .json(try APIMapping.unit(unit))))
    }

    func getOrgUnitByCode(_ input: Operations.GetOrgUnitByCode.Input) async throws -> Operations.GetOrgUnitByCode.Output {
        let unit = try await service.unit(try caller, tenantId: try tenantId, code: input.path.code, geometry: input.query.geometry ?? false)
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(unit.version)), body: .json(try APIMapping.unit(unit))))
    }

    func listChildren(_ input: Operations.ListChildren.Input) async throws -> Operations.ListChildren.Output {
        let page = try await service.children(
            try caller, tenantId: try tenantId, id: input.path.id,
            page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(.init(body: .json(.init(items: try page.items.map(APIMapping.unit), nextCursor: page.nextCursor))))
    }

    func listSubtree(_ input: Operations.ListSubtree.Input) async throws -> Operations.ListSubtree.Output {
        let page = try await service.subtree(
            try caller, tenantId: try tenantId, id: input.path.id,
            kind: input.query.kind.flatMap { OrgUnitKind(rawValue: $0.rawValue) },
            page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(.init(body: .json(.init(items: try page.items.map(APIMapping.unit), nextCursor: page.nextCursor))))
    }

    func listAncestors(_ input: Operations.ListAncestors.Input) async throws -> Operations.ListAncestors.Output {
        let chain = try await service.ancestors(try caller, tenantId: try tenantId, id: input.path.id)
        return .ok(.init(body: .json(.init(items: try chain.map(APIMapping.unit)))))
    }

    func listUnitMembers(_ input: Operations.ListUnitMembers.Input) async throws -> Operations.ListUnitMembers.Output {
        let (unit, members) = try await service.unitMembers(try caller, tenantId: try tenantId, unitId: input.path.id)
        return .ok(.init(body: .json(APIMapping.members(unit, members))))
    }

    func setUnitMembers(_ input: Operations.SetUnitMembers.Input) async throws -> Operations.SetUnitMembers.Output {
        let body =
            switch input.body {
            case .json(let body): body
            }
        let (unit, members) = try await service.setUnitMembers(
            try caller, tenantId: try tenantId, unitId: input.path.id,
            body.members.map { UnitMemberInput(login: $0.login, duty: $0.duty ?? UnitDuty.member.rawValue, department: $0.department) })
        return .ok(.init(body: .json(APIMapping.members(unit, members))))
    }

    func locate(_ input: Operations.Locate.Input) async throws -> Operations.Locate.Output {
        var missing: [FieldError] = []
        for (name, value) in [("lat", input.query.lat), ("lng", input.query.lng)] where value == nil {
            missing.append(FieldError(name, .fieldRequired, Text(zh: "缺少查询参数 \(name)", en: "query parameter \(name) is required")))
        }
        guard missing.isEmpty, let lat = input.query.lat, let lng = input.query.lng else { throw GridError.invalid(missing) }
        let location = try await service.locate(try caller, tenantId: try tenantId, lat: lat, lng: lng)
        return .ok(.init(body: .json(.init(grid: try APIMapping.unit(location.grid), chain: try location.chain.map(APIMapping.unit)))))
    }

    // MARK: departments

    func listDepartments(_ input: Operations.ListDepartments.Input) async throws -> Operations.ListDepartments.Output {
        let page = try await service.departments(
            try caller, tenantId: try tenantId,
            page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(.init(body: .json(.init(items: page.items.map(APIMapping.department), nextCursor: page.nextCursor))))
    }

    func createDepartment(_ input: Operations.CreateDepartment.Input) async throws -> Operations.CreateDepartment.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let created = try await service.createDepartment(
            try caller, tenantId: try tenantId, code: body.code, name: body.name,
            kind: body.streetCode == nil ? .district : .streetOffice, unitCode: body.streetCode)
        return .created(.init(body: .json(APIMapping.department(created))))
    }

    func getDepartment(_ input: Operations.GetDepartment.Input) async throws -> Operations.GetDepartment.Output {
        .ok(.init(body: .json(APIMapping.department(try await service.department(try caller, tenantId: try tenantId, id: input.path.id)))))
    }

    func designateReceivingOffice(_ input: Operations.DesignateReceivingOffice.Input) async throws -> Operations.DesignateReceivingOffice.Output {
        .ok(.init(body: .json(APIMapping.department(try await service.designateReceivingOffice(try caller, tenantId: try tenantId, id: input.path.id)))))
    }

    // MARK: users

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let page = try await service.users(try caller, tenantId: try tenantId, page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(.init(body: .json(.init(items: page.items.map(APIMapping.user), nextCursor: page.nextCursor))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let (user, password) = try await service.createUser(
            try caller, tenantId: try tenantId, login: body.login, displayName: body.displayName, phone: body.phone)
        return .created(.init(body: .json(.init(user: APIMapping.user(UserWithBindings(user: user, bindings: [])), password: password))))
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        .ok(.init(body: .json(APIMapping.user(try await service.user(try caller, tenantId: try tenantId, login: input.path.login)))))
    }

    func grantRole(_ input: Operations.GrantRole.Input) async throws -> Operations.GrantRole.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let role = Role(rawValue: body.role.rawValue) ?? .viewer
        let result = try await service.grant(
            try caller, tenantId: try tenantId, login: input.path.login, role: role,
            scopeCode: body.scopeCode, departmentCode: body.departmentCode)
        return .ok(.init(body: .json(APIMapping.user(result))))
    }

    func revokeRole(_ input: Operations.RevokeRole.Input) async throws -> Operations.RevokeRole.Output {
        let role = Role(rawValue: input.query.role.rawValue) ?? .viewer
        let result = try await service.revoke(try caller, tenantId: try tenantId, login: input.path.login, role: role, scopeCode: input.query.scope)
        return .ok(.init(body: .json(APIMapping.user(result))))
    }

    func resetPassword(_ input: Operations.ResetPassword.Input) async throws -> Operations.ResetPassword.Output {
        let password = try await service.resetPassword(try caller, tenantId: try tenantId, login: input.path.login)
        return .ok(.init(body: .json(.init(login: input.path.login.lowercased(), password: password))))
    }

    static let jsonRequired = GridError(.requestContentType, Text(zh: "请求体应为 application/json", en: "the request body must be application/json"))
}
