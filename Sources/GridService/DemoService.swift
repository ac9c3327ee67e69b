import Foundation
import GridCore
import GridStore

/// What `gridgov demo seed` made: the district and one user per role with their passwords.
public struct DemoSeedResult: Sendable {
    public var tenant: TenantRecord
    public var created: Bool
    public var units: ImportSummary?
    public var users: [(login: String, role: Role, scope: String, password: String)]
}

extension GridService {
    static let demoDepartments: [(String, String)] = [
        ("CGW", "区城市管理委员会"), ("GAFJ", "公安分局"), ("SCJGJ", "区市场监督管理局"), ("WJW", "区卫生健康委员会"),
        ("ZJW", "区住房和城乡建设委员会"), ("STHJJ", "区生态环境局"), ("XFZD", "区消防救援支队"), ("JTW", "区交通委员会"),
        ("SWJ", "区水务局"), ("YLLHJ", "区园林绿化局"),
    ]

    /// Builds a demo district once; a second call finds it and changes nothing. A district left
    /// with only its root (an earlier seed that failed) is filled in.
    public func seedDemo(code: String, name: String, district: DemoDistrict, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> DemoSeedResult {
        if let problem = district.problem {
            throw GridError.invalid([FieldError("size", .demoBadSize, Text(zh: problem, en: problem))])
        }
        let tenant: TenantRecord, adminPassword: String
        if let existing = try? await self.tenant(code: code) {
            let units = try await db.withTenant(existing.id) { tx in try await OrgUnitStore.count(tx) }
            guard units <= 1 else { return DemoSeedResult(tenant: existing, created: false, units: nil, users: []) }
            tenant = existing
            adminPassword = try await resetPassword(.operator, tenantId: existing.id, login: "admin")
        } else {
            let provisioned = try await createTenant(code: code, name: name, divisionCode: district.divisionCode, adminLogin: "admin")
            tenant = provisioned.tenant
            adminPassword = provisioned.adminPassword
        }
        let tenantId = tenant.id
        let data = try JSONEncoder().encode(district.featureCollection())
        let summary = try await importOrg(tenantId: tenantId, geoJSON: data, progress: progress)
        for (deptCode, deptName) in Self.demoDepartments {
            _ = try await createDepartment(.operator, tenantId: tenantId, code: deptCode, name: deptName, kind: .district, unitCode: nil)
        }
        let street = district.divisionCode + "001", community = street + "001", basicGrid = community + "001"
        _ = try await createDepartment(
            .operator, tenantId: tenantId, code: "\(street)-CGK", name: "\(DemoDistrict.streetNames[0])街道城管科",
            kind: .streetOffice, unitCode: street)
        try await seedDemoRouting(tenantId: tenantId, division: district.divisionCode)
        var users: [(String, Role, String, String)] = [("admin", .tenantAdmin, district.divisionCode, adminPassword)]
        let people: [(String, String, Role, String, String?)] = [
            ("dispatcher", "区指挥中心派遣员", .dispatcher, district.divisionCode, nil),
            ("street.dispatcher", "街道派遣员", .dispatcher, street, nil),
            ("shift.leader", "值班长", .shiftLeader, district.divisionCode, nil),
            ("liaison.cgw", "城管委联络员", .departmentLiaison, district.divisionCode, "CGW"),
            ("gridworker", "网格员", .gridWorker, basicGrid, nil),
            ("community.chief", "社区大格长", .communityChief, community, nil),
            ("leader", "区领导", .leader, district.divisionCode, nil),
            ("viewer", "查看者", .viewer, street, nil),
        ]
        for (login, displayName, role, scope, department) in people {
            let (_, password) = try await createUser(.operator, tenantId: tenantId, login: login, displayName: displayName, phone: nil)
            _ = try await grant(.operator, tenantId: tenantId, login: login, role: role, scopeCode: scope, departmentCode: department)
            users.append((login, role, scope, password))
        }
        return DemoSeedResult(tenant: tenant, created: true, units: summary, users: users)
    }
}
