import Foundation
import GridCore
import GridStore

/// A district just provisioned, with the one-time password of its first administrator.
public struct ProvisionedTenant: Sendable {
    public var tenant: TenantRecord
    public var rootUnitId: Int64
    public var adminLogin: String
    public var adminPassword: String
}

extension GridService {
    /// Creates a district: tenant row, root org unit, a tenant admin with a one-time password.
    public func createTenant(code rawCode: String, name: String, divisionCode: String, adminLogin rawLogin: String) async throws -> ProvisionedTenant {
        let code = rawCode.uppercased(), adminLogin = rawLogin.lowercased()
        var problems: [FieldError] = []
        if code.range(of: "^[A-Z][A-Z0-9]{1,15}$", options: .regularExpression) == nil {
            problems.append(
                FieldError(
                    "code", .tenantBadCode,
                    Text(zh: "区代码“\(rawCode)”应为 2–16 个字母数字，以字母开头", en: "tenant code '\(rawCode)' must be 2–16 letters or digits, starting with a letter")))
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 100 {
            problems.append(FieldError("name", .tenantBadName, Text(zh: "名称应为 1–100 个字符", en: "name must be 1–100 characters")))
        }
        if let problem = UnitCode.problem(kind: .district, code: divisionCode, ancestorCode: nil) {
            problems.append(FieldError("division", .tenantBadDivision, problem))
        }
        if let problem = Users.loginProblem(adminLogin) { problems.append(FieldError("admin", .userBadLogin, problem)) }
        if !problems.isEmpty { throw GridError.invalid(problems) }
        if try await db.withoutTenant({ tx in try await TenantStore.lookup(tx, code: code) }) != nil {
            throw GridError(.tenantDuplicateCode, Text(zh: "区代码“\(code)”已被使用", en: "tenant code '\(code)' is already taken"))
        }
        let password = Secrets.randomPassword()
        let hash = try await passwords.hash(password)
        return try await db.withPlatform { tx in
            var tx = tx
            let id = try await TenantStore.insert(tx, code: code, name: name, divisionCode: divisionCode, settings: TenantSettings())
            try await tx.enter(tenant: id)
            let root = try await OrgUnitStore.insertRoot(tx, code: divisionCode, name: name)
            let userId = try await UserStore.insert(tx, login: adminLogin, displayName: "\(name)管理员", phone: nil, passwordHash: hash, mustChangePassword: true)
            _ = try await UserStore.grant(tx, userId: userId, role: .tenantAdmin, scopeUnitId: root, departmentId: nil)
            _ = try await Self.loadProfile(tx, Self.standardProfile, caller: .operator)
            guard let tenant = try await TenantStore.find(tx, id: id) else { throw Errors.tenantNotFound(code) }
            try await Self.audit(
                tx, .operator, "create", .tenant, key: code, before: nil, after: ["code": code, "name": name, "division": divisionCode, "admin": adminLogin])
            return ProvisionedTenant(tenant: tenant, rootUnitId: root, adminLogin: adminLogin, adminPassword: password)
        }
    }

    public func listTenants() async throws -> [TenantRecord] {
        try await db.withPlatform { tx in try await TenantStore.all(tx) }
    }

    public func tenant(code: String) async throws -> TenantRecord {
        guard let tenant = try await db.withPlatform({ tx in try await TenantStore.find(tx, code: code) }) else {
            throw Errors.tenantNotFound(code)
        }
        return tenant
    }

    /// The caller's own district (any active user may read it).
    public func tenant(id: Int64) async throws -> TenantRecord {
        try await withActiveTenant(id) { _, tenant in tenant }
    }

    /// Names a district's grid levels, outermost first (e.g. 基础网格 → 单元网格): 1–5 levels with
    /// distinct keys, and never fewer than the tree already uses.
    public func setGridLevels(code: String, levels: [GridLevel]) async throws -> TenantRecord {
        var problems: [FieldError] = []
        if !(1...5).contains(levels.count) {
            problems.append(
                FieldError(
                    "gridLevels", .tenantGridLevelsCount,
                    Text(zh: "网格层级应为 1–5 级，实际 \(levels.count) 级", en: "a district has 1–5 grid levels, not \(levels.count)")))
        }
        for (i, level) in levels.enumerated() {
            if level.key.range(of: "^[a-zA-Z][a-zA-Z0-9]{0,31}$", options: .regularExpression) == nil || OrgUnitKind(rawValue: level.key) != nil {
                problems.append(
                    FieldError(
                        "gridLevels[\(i)].key", .tenantGridLevelsKey,
                        Text(
                            zh: "层级键“\(level.key)”应为字母开头的字母数字，且不能与单元类型同名",
                            en: "level key '\(level.key)' must be letters and digits, starting with a letter, and not a unit kind")))
            }
            if level.name.isEmpty || level.name.count > 50 {
                problems.append(
                    FieldError("gridLevels[\(i)].name", .tenantGridLevelsName, Text(zh: "层级名称应为 1–50 个字符", en: "a level name must be 1–50 characters")))
            }
        }
        if Set(levels.map(\.key)).count != levels.count {
            problems.append(FieldError("gridLevels", .tenantGridLevelsDuplicate, Text(zh: "层级键重复", en: "level keys must be distinct")))
        }
        if !problems.isEmpty { throw GridError.invalid(problems) }
        return try await db.withPlatform { tx in
            var tx = tx
            guard var tenant = try await TenantStore.find(tx, code: code) else { throw Errors.tenantNotFound(code) }
            try await tx.enter(tenant: tenant.id)
            let deepest = try await OrgUnitStore.deepestGridLevel(tx)
            guard levels.count >= deepest else {
                throw Errors.field(
                    "gridLevels", .tenantGridLevelsInUse, zh: "本区已有第 \(deepest) 级网格，层级数不能少于 \(deepest)",
                    en: "the district already has grids of level \(deepest); it needs at least \(deepest) levels")
            }
            let before = tenant.settings.gridLevels.map { ["key": $0.key, "name": $0.name] }
            tenant.settings.gridLevels = levels
            try await TenantStore.setSettings(tx, id: tenant.id, settings: tenant.settings)
            try await Self.audit(
                tx, .operator, "setGridLevels", .tenant, key: tenant.code, before: ["gridLevels": before],
                after: ["gridLevels": levels.map { ["key": $0.key, "name": $0.name] }])
            return try await TenantStore.find(tx, id: tenant.id) ?? tenant
        }
    }

    /// Sets the levels a district handles cases at (its hand-up ladder), in any order; the street
    /// and the district are always among them. `limits` changes the local limits of the levels it
    /// names (below the street); the others keep theirs.
    public func setLadder(code: String, levels: [LadderLevel], limits: [LadderLevel: TimeLimit] = [:]) async throws -> TenantRecord {
        let ladder = try LevelLadder(levels)
        try LadderLimits.check(limits)
        return try await db.withPlatform { tx in
            var tx = tx
            guard var tenant = try await TenantStore.find(tx, code: code) else { throw Errors.tenantNotFound(code) }
            try await tx.enter(tenant: tenant.id)
            func described(_ settings: TenantSettings) -> [String: Any] {
                [
                    "ladder": settings.ladder.levels.map(\.rawValue),
                    "ladderLimits": Dictionary(uniqueKeysWithValues: settings.ladderLimits.map { ($0.key.rawValue, $0.value.description) }),
                ]
            }
            let before = described(tenant.settings)
            tenant.settings.ladder = ladder
            tenant.settings.ladderLimits.merge(limits, uniquingKeysWith: { _, new in new })
            try await TenantStore.setSettings(tx, id: tenant.id, settings: tenant.settings)
            try await Self.audit(tx, .operator, "setLadder", .tenant, key: tenant.code, before: before, after: described(tenant.settings))
            return try await TenantStore.find(tx, id: tenant.id) ?? tenant
        }
    }

    /// Sets a district's whistle settings: its kinds and their report-in limits (any not given stay
    /// as they are), the check-in radius, community whistles and the top score; audited.
    public func setWhistleSettings(
        code: String, kinds: [WhistleKind]? = nil, radiusMeters: Double? = nil, communityWhistles: Bool? = nil, scoreMax: Int? = nil
    ) async throws -> TenantRecord {
        try await db.withPlatform { tx in
            var tx = tx
            guard var tenant = try await TenantStore.find(tx, code: code) else { throw Errors.tenantNotFound(code) }
            try await tx.enter(tenant: tenant.id)
            func described(_ w: WhistleSettings) -> [String: Any] {
                [
                    "kinds": w.kinds.map { "\($0.code)=\($0.name):\($0.limitMinutes)" }, "radiusMeters": w.radiusMeters,
                    "communityWhistles": w.communityWhistles, "scoreMax": w.scoreMax,
                ]
            }
            let before = described(tenant.settings.whistle)
            var whistle = tenant.settings.whistle
            if let kinds { whistle.kinds = kinds }
            if let radiusMeters { whistle.radiusMeters = radiusMeters }
            if let communityWhistles { whistle.communityWhistles = communityWhistles }
            if let scoreMax { whistle.scoreMax = scoreMax }
            try whistle.check()
            tenant.settings.whistle = whistle
            try await TenantStore.setSettings(tx, id: tenant.id, settings: tenant.settings)
            try await Self.audit(tx, .operator, "setWhistle", .tenant, key: tenant.code, before: before, after: described(whistle))
            return try await TenantStore.find(tx, id: tenant.id) ?? tenant
        }
    }

    /// Sets a district's patrol rule (the discovery limit after a round); audited. Reports already
    /// made keep the judgement of the limit they were made under.
    public func setPatrolSettings(code: String, discoveryLimitMinutes: Int) async throws -> TenantRecord {
        let patrol = PatrolSettings(discoveryLimitMinutes: discoveryLimitMinutes)
        try patrol.check()
        return try await db.withPlatform { tx in
            var tx = tx
            guard var tenant = try await TenantStore.find(tx, code: code) else { throw Errors.tenantNotFound(code) }
            try await tx.enter(tenant: tenant.id)
            let before = tenant.settings.patrol.discoveryLimitMinutes
            tenant.settings.patrol = patrol
            try await TenantStore.setSettings(tx, id: tenant.id, settings: tenant.settings)
            try await Self.audit(
                tx, .operator, "setPatrol", .tenant, key: tenant.code, before: ["discoveryLimitMinutes": before],
                after: ["discoveryLimitMinutes": discoveryLimitMinutes])
            return try await TenantStore.find(tx, id: tenant.id) ?? tenant
        }
    }

    /// Suspends or resumes a district; its users get 403 `tenant.suspended` while suspended.
    public func setTenantStatus(code: String, active: Bool) async throws -> TenantRecord {
        try await db.withPlatform { tx in
            var tx = tx
            guard let tenant = try await TenantStore.find(tx, code: code) else { throw Errors.tenantNotFound(code) }
            _ = try await TenantStore.setStatus(tx, id: tenant.id, status: active ? .active : .suspended)
            try await tx.enter(tenant: tenant.id)
            try await Self.audit(
                tx, .operator, "setStatus", .tenant, key: tenant.code, before: ["status": tenant.status.rawValue],
                after: ["status": (active ? TenantStatus.active : .suspended).rawValue])
            return try await TenantStore.find(tx, id: tenant.id) ?? tenant
        }
    }
}
