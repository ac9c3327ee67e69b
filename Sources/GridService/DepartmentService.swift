import Foundation
import GridCore
import GridStore

extension GridService {
    /// Creates a district department (attached to the root) or a street office (attached to a
    /// street or township).
    public func createDepartment(
        _ caller: Caller, tenantId: Int64, code rawCode: String, name rawName: String,
        kind: DepartmentRecord.Kind, unitCode: String?
    ) async throws -> DepartmentRecord {
        let code = rawCode.trimmingCharacters(in: .whitespaces), name = rawName.trimmingCharacters(in: .whitespaces)
        var problems: [FieldError] = []
        if code.isEmpty || code.count > 32 {
            problems.append(FieldError("code", .departmentBadCode, Text(zh: "部门编码应为 1–32 个字符", en: "department code must be 1–32 characters")))
        }
        if name.isEmpty || name.count > 100 {
            problems.append(FieldError("name", .departmentBadName, Text(zh: "部门名称应为 1–100 个字符", en: "department name must be 1–100 characters")))
        }
        if kind == .streetOffice && unitCode == nil {
            problems.append(FieldError("orgUnitCode", .departmentUnitRequired, Text(zh: "街道科室须指定所属街道", en: "a street office needs the code of its street")))
        }
        if !problems.isEmpty { throw GridError.invalid(problems) }
        return try await withActiveTenant(tenantId) { tx, _ in
            let unit: OrgUnitRecord
            if let unitCode {
                guard let found = try await OrgUnitStore.find(tx, code: unitCode) else { throw Errors.unitNotFound(unitCode) }
                unit = found
            } else {
                guard let root = try await OrgUnitStore.root(tx) else { throw Errors.unitNotFound("root") }
                unit = root
            }
            if let problem = Self.departmentUnitProblem(kind, unit) { throw GridError.invalid([FieldError("orgUnitCode", .departmentUnitKind, problem)]) }
            try caller.authorize(.departmentWrite, at: unit.path)
            if try await DepartmentStore.find(tx, code: code) != nil {
                throw GridError(.departmentDuplicateCode, Text(zh: "部门编码“\(code)”已存在", en: "department code '\(code)' already exists"))
            }
            let id = try await DepartmentStore.insert(tx, code: code, name: name, kind: kind, orgUnitId: unit.id)
            guard let created = try await DepartmentStore.find(tx, id: id) else { throw Errors.departmentNotFound(code) }
            try await Self.audit(tx, caller, "create", .department, key: code, before: nil, after: Self.auditFields(created, unitCode: unit.code))
            return created
        }
    }

    public func departments(_ caller: Caller, tenantId: Int64, page: PageRequest) async throws -> Page<DepartmentRecord> {
        try await withActiveTenant(tenantId) { tx, _ in
            let root = try await Self.rootPath(tx)
            let scopes = caller.scopes(for: .departmentRead, root: root)
            if scopes.isEmpty { try caller.authorize(.departmentRead, at: root) }
            // District departments serve the whole district: everyone who may read departments sees them.
            let rows = try await DepartmentStore.list(tx, scopes: scopes, includeUnit: root, after: page.after, limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { $0.code }
        }
    }

    public func department(_ caller: Caller, tenantId: Int64, id: Int64) async throws -> DepartmentRecord {
        try await withActiveTenant(tenantId) { tx, _ in
            guard let department = try await DepartmentStore.find(tx, id: id) else { throw Errors.departmentNotFound("\(id)") }
            if department.kind == .streetOffice {
                try caller.authorize(.departmentRead, at: department.orgUnitPath)
            } else {
                try caller.authorizeSomewhere(.departmentRead)
            }
            return department
        }
    }

    /// Designates the street office that receives its street's territorial cases (`@territorial`
    /// in the rules): its 网格办 or command centre. One per street; naming another moves it.
    /// The office is named by its code (the CLI) or its id (the API).
    public func designateReceivingOffice(_ caller: Caller, tenantId: Int64, code: String? = nil, id: Int64? = nil) async throws -> DepartmentRecord {
        try await withActiveTenant(tenantId) { tx, _ in
            var found: DepartmentRecord?
            if let id { found = try await DepartmentStore.find(tx, id: id) } else if let code { found = try await DepartmentStore.find(tx, code: code) }
            let code = code ?? id.map { "\($0)" } ?? ""
            guard let office = found else { throw Errors.departmentNotFound(code) }
            try caller.authorize(.departmentWrite, at: office.orgUnitPath)
            guard office.kind == .streetOffice else {
                throw GridError(
                    .departmentNotStreetOffice,
                    Text(
                        zh: "“\(office.name)”（\(code)）是区级部门；只有街道科室可以接收属地兜底案件",
                        en: "'\(code)' is a district department; only a street office can receive its street's territorial cases"))
            }
            try await DepartmentStore.designateReceiver(tx, office: office)
            guard let updated = try await DepartmentStore.find(tx, id: office.id) else { throw Errors.departmentNotFound(code) }
            if !office.receivesTerritorial {
                try await Self.audit(
                    tx, caller, "designateReceiving", .department, key: office.code, before: ["receivesTerritorial": false],
                    after: ["receivesTerritorial": true])
            }
            return updated
        }
    }

    static func auditFields(_ d: DepartmentRecord, unitCode: String) -> [String: Any] {
        ["code": d.code, "name": d.name, "kind": d.kind.rawValue, "unit": unitCode, "receivesTerritorial": d.receivesTerritorial]
    }
}
