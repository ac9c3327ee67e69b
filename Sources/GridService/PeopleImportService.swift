import Foundation
import GridCore
import GridStore

/// The initial password of a user an import created, shown once.
public struct OneTimePassword: Sendable, Equatable {
    public var login: String
    public var password: String
}

/// What a users or departments import did (or, dry, would do).
public struct SheetImportResult: Sendable, Equatable {
    public var created: [String] = []
    public var updated: [String] = []
    /// Role bindings added, as `login role@scope`.
    public var granted: [String] = []
    public var unchanged = 0
    public var dryRun = false
    /// Generated initial passwords of new users (one from the file is not repeated).
    public var passwords: [OneTimePassword] = []
}

extension GridService {
    // MARK: departments

    /// Loads departments from CSV, matched by code: new codes are created, known ones renamed. All
    /// or nothing: every bad row is named (line, column, value) and nothing is written.
    public func importDepartments(_ caller: Caller, tenantId: Int64, csv data: Data, dryRun: Bool = false) async throws -> SheetImportResult {
        try caller.authorizeSomewhere(.departmentWrite)
        let sheet = try PeopleSheets.departments(data)
        return try await withActiveTenant(tenantId) { tx, _ in
            let steps = try await Self.planDepartments(tx, caller, sheet)
            var result = SheetImportResult(dryRun: dryRun)
            for step in steps {
                switch step.existing {
                case nil: result.created.append(step.row.code)
                case let existing? where existing.name != step.row.name: result.updated.append(step.row.code)
                case _?: result.unchanged += 1
                }
            }
            if dryRun { return result }
            for step in steps {
                if let existing = step.existing {
                    guard existing.name != step.row.name else { continue }
                    try await DepartmentStore.rename(tx, id: existing.id, name: step.row.name)
                    try await Self.audit(
                        tx, caller, "update", .department, key: existing.code, before: ["name": existing.name], after: ["name": step.row.name])
                } else {
                    let id = try await DepartmentStore.insert(tx, code: step.row.code, name: step.row.name, kind: step.kind, orgUnitId: step.unit.id)
                    guard let created = try await DepartmentStore.find(tx, id: id) else { throw Errors.departmentNotFound(step.row.code) }
                    try await Self.audit(
                        tx, caller, "create", .department, key: created.code, before: nil, after: Self.auditFields(created, unitCode: step.unit.code))
                }
            }
            return result
        }
    }

    struct DepartmentStep {
        var row: DepartmentRow
        var unit: OrgUnitRecord
        var kind: DepartmentRecord.Kind
        var existing: DepartmentRecord?
    }

    /// Each row's unit and kind, and the department of its code if there is one; every problem
    /// found is thrown at once.
    static func planDepartments(_ tx: Tx, _ caller: Caller, _ sheet: SheetRows<DepartmentRow>) async throws -> [DepartmentStep] {
        guard let root = try await OrgUnitStore.root(tx) else { throw Errors.unitNotFound("root") }
        var steps: [DepartmentStep] = [], errors: [FieldError] = []
        for row in sheet.rows {
            let existing = try await DepartmentStore.find(tx, code: row.code)
            if let existing, row.unitCode == nil, row.kind == nil {
                // A row that names neither unit nor kind leaves a known department where it is.
                try caller.authorize(.departmentWrite, at: existing.orgUnitPath)
                steps.append(DepartmentStep(row: row, unit: root, kind: existing.kind, existing: existing))
                continue
            }
            var unit = root
            if let code = row.unitCode {
                guard let found = try await activeUnit(tx, code: code, at: sheet.at(row.line, "unit"), errors: &errors) else { continue }
                unit = found
            }
            let kind = row.kind.flatMap { DepartmentRecord.Kind(rawValue: $0.rawValue) } ?? (unit.kind == .district ? .district : .streetOffice)
            if let problem = departmentUnitProblem(kind, unit) {
                errors.append(FieldError(sheet.at(row.line, "unit"), .departmentUnitKind, problem))
                continue
            }
            try caller.authorize(.departmentWrite, at: unit.path)
            if let existing, existing.kind != kind || existing.orgUnitId != unit.id {
                errors.append(
                    FieldError(
                        sheet.at(row.line, "code"), .departmentUnitChanged,
                        Text(
                            zh: "部门“\(row.code)”已属于其他单位或类型：导入只更新名称，不改变所属单位和类型",
                            en: "department '\(row.code)' exists with another unit or kind: an import renames departments, it does not move them")))
                continue
            }
            steps.append(DepartmentStep(row: row, unit: unit, kind: kind, existing: existing))
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return steps
    }

    /// Why a department of `kind` cannot belong to `unit`, or nil: a district department belongs
    /// to the district itself, a street office to a street or township.
    static func departmentUnitProblem(_ kind: DepartmentRecord.Kind, _ unit: OrgUnitRecord) -> Text? {
        let fits = kind == .district ? unit.kind == .district : (unit.kind == .street || unit.kind == .township)
        if fits { return nil }
        return kind == .district
            ? Text(
                zh: "区级部门应属于区，“\(unit.code)”是\(unit.kind.label.zh)",
                en: "a district department belongs to the district itself, '\(unit.code)' is a \(unit.kind.rawValue)")
            : Text(
                zh: "街道科室应属于街道或乡镇，“\(unit.code)”是\(unit.kind.label.zh)",
                en: "a street office belongs to a street or township, '\(unit.code)' is a \(unit.kind.rawValue)")
    }

    /// The unit of `code` when it exists and is not retired; otherwise the problem is added at `at`.
    static func activeUnit(_ tx: Tx, code: String, at: String, errors: inout [FieldError]) async throws -> OrgUnitRecord? {
        guard let unit = try await OrgUnitStore.find(tx, code: code) else {
            errors.append(FieldError(at, .orgUnitUnknown, Text(zh: "单位“\(code)”不存在", en: "org unit '\(code)' does not exist")))
            return nil
        }
        guard unit.retiredAt == nil else {
            errors.append(FieldError(at, .orgUnitRetired, Text(zh: "单位“\(code) \(unit.name)”已撤销", en: "org unit '\(code)' (\(unit.name)) is retired")))
            return nil
        }
        return unit
    }

    // MARK: users

    /// Loads users from CSV, matched by login: new users are created with an initial password (the
    /// file's, or a generated one returned once) that they must change at their first login; known
    /// ones get the file's name and phone. A row's role over its scope unit is granted unless the
    /// user holds it already (bindings the file does not name stay). All or nothing.
    public func importUsers(_ caller: Caller, tenantId: Int64, csv data: Data, dryRun: Bool = false) async throws -> SheetImportResult {
        try caller.authorizeSomewhere(.userWrite)
        let sheet = try PeopleSheets.users(data)
        let checked = try await withActiveTenant(tenantId) { tx, _ in try await Self.planUsers(tx, caller, sheet) }
        if dryRun { return Self.result(of: checked, dryRun: true) }
        // Hashing takes a while per user: done before the writing transaction, as createUser does.
        var hashes: [String: String] = [:]
        var result = Self.result(of: checked, dryRun: false)
        for step in checked where step.existing == nil {
            let password = step.row.password ?? Secrets.randomPassword()
            hashes[step.row.login] = try await passwords.hash(password)
            if step.row.password == nil { result.passwords.append(OneTimePassword(login: step.row.login, password: password)) }
        }
        try await withActiveTenant(tenantId) { tx, _ in
            for step in try await Self.planUsers(tx, caller, sheet) {
                try await Self.write(tx, caller, step, hash: hashes[step.row.login])
            }
        }
        return result
    }

    struct UserStep {
        var row: UserRow
        var existing: UserRecord?
        /// The binding to grant, when the user does not hold it yet.
        var grant: (role: Role, scope: OrgUnitRecord, departmentId: Int64?)?

        var changesUser: Bool { existing.map { $0.displayName != row.name || (row.phone != nil && $0.phone != row.phone) } ?? true }
    }

    /// Each row's user (if the login exists), scope unit and department; every problem at once.
    static func planUsers(_ tx: Tx, _ caller: Caller, _ sheet: SheetRows<UserRow>) async throws -> [UserStep] {
        var steps: [UserStep] = [], errors: [FieldError] = []
        for row in sheet.rows {
            var step = UserStep(row: row, existing: try await UserStore.find(tx, login: row.login))
            if let role = row.role, let code = row.scopeCode {
                guard let scope = try await activeUnit(tx, code: code, at: sheet.at(row.line, "scope"), errors: &errors) else { continue }
                try caller.authorize(.userWrite, at: scope.path)
                var departmentId: Int64?
                if let code = row.departmentCode {
                    guard let department = try await DepartmentStore.find(tx, code: code) else {
                        errors.append(
                            FieldError(
                                sheet.at(row.line, "department"), .departmentUnknown, Text(zh: "部门“\(code)”不存在", en: "department '\(code)' does not exist")))
                        continue
                    }
                    departmentId = department.id
                }
                var held: [RoleBinding] = []
                if let user = step.existing { held = try await UserStore.bindings(tx, userId: user.id) }
                if !held.contains(where: { $0.role == role && $0.scopeUnitId == scope.id && $0.departmentId == departmentId }) {
                    step.grant = (role, scope, departmentId)
                }
            }
            steps.append(step)
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return steps
    }

    static func result(of steps: [UserStep], dryRun: Bool) -> SheetImportResult {
        var result = SheetImportResult(dryRun: dryRun)
        for step in steps {
            if step.existing == nil {
                result.created.append(step.row.login)
            } else if step.changesUser {
                result.updated.append(step.row.login)
            } else if step.grant == nil {
                result.unchanged += 1
            }
            if let grant = step.grant { result.granted.append("\(step.row.login) \(grant.role.rawValue)@\(grant.scope.code)") }
        }
        return result
    }

    /// Writes one checked row: the user created (with `hash`) or updated, then its binding.
    static func write(_ tx: Tx, _ caller: Caller, _ step: UserStep, hash: String?) async throws {
        let row = step.row
        let userId: Int64
        if let existing = step.existing {
            userId = existing.id
            if step.changesUser {
                let phone = row.phone ?? existing.phone
                try await UserStore.update(tx, id: existing.id, displayName: row.name, phone: phone)
                try await audit(
                    tx, caller, "update", .user, key: row.login, before: ["displayName": existing.displayName, "phone": existing.phone as Any],
                    after: ["displayName": row.name, "phone": phone as Any])
            }
        } else {
            // A login created since the check has no hash: the import is refused rather than guessed.
            guard let hash else {
                throw GridError(.userDuplicateLogin, Text(zh: "登录名“\(row.login)”已存在", en: "login '\(row.login)' is already taken"))
            }
            userId = try await UserStore.insert(tx, login: row.login, displayName: row.name, phone: row.phone, passwordHash: hash, mustChangePassword: true)
            try await audit(
                tx, caller, "create", .user, key: row.login, before: nil, after: ["login": row.login, "displayName": row.name, "phone": row.phone as Any])
        }
        if let grant = step.grant {
            _ = try await UserStore.grant(tx, userId: userId, role: grant.role, scopeUnitId: grant.scope.id, departmentId: grant.departmentId)
            try await audit(
                tx, caller, "grant", .roleBinding, key: row.login, before: nil,
                after: ["login": row.login, "role": grant.role.rawValue, "scope": grant.scope.code, "department": row.departmentCode as Any])
        }
    }
}
