import Foundation
import GridCore
import GridStore

/// The ladder of a case as its reader sees it: the level and unit holding it, since when and until
/// when, the slip waiting above it, every slip and every level's turn (the chain of custody).
public struct CaseLadderView: Sendable {
    public var level: LadderLevel
    public var holder: LadderUnit?
    public var since: Date?
    public var due: Date?
    public var pendingTo: LadderUnit?
    public var slips: [HandoverSlip]
    public var turns: [CustodyTurn]
}

/// What the ladder reads once per request about a case and its caller: the units on the grid's
/// path (root first) and which of them the caller is a named member of. The path does not change
/// with an action, so the view after it reuses what the action read.
struct LadderContext: Sendable {
    var chain: [OrgUnitRecord]
    var named: Set<Int64>
}

extension GridService {
    static func ladderContext(_ tx: Tx, _ caller: Caller, _ record: CaseRecord) async throws -> LadderContext {
        let (chain, named) = try await LadderStore.path(tx, ids: record.gridPath.ids, memberships: caller.principal?.userId)
        return LadderContext(chain: chain, named: named)
    }

    /// What the ladder needs about a case and the caller: the case's ladder and its holders (from
    /// the grid's path), whether the caller is a member of the holding unit and of the unit a
    /// waiting slip is addressed to, the local limits, and the slip's photos that are not the case's.
    static func ladderFacts(
        _ tx: Tx, _ caller: Caller, _ record: CaseRecord, settings: TenantSettings, context: LadderContext, photos: [Int64]? = nil,
        system: Bool = false
    ) async throws -> LadderFacts {
        let holders = LadderUnit.holders(onPath: context.chain)
        let paths = Dictionary(context.chain.map { ($0.id, $0.path) }, uniquingKeysWith: { first, _ in first })
        let level = record.level ?? .street
        let holding = record.levelUnitId ?? holders[level]?.id
        func member(_ unitId: Int64?, at level: LadderLevel) -> Bool {
            guard let unitId, let path = paths[unitId] else { return false }
            return Self.isMember(caller, of: unitId, at: level, path: path, named: context.named)
        }
        let membership = LadderMembership(
            holder: member(holding, at: level), upper: member(record.pendingUnitId, at: record.pendingLevel ?? .street), system: system)
        return LadderFacts(
            ladder: settings.ladder, holders: holders, membership: membership, limits: settings.ladderLimits,
            foreignPhotos: try await LadderStore.foreignPhotos(tx, caseId: record.id, photos ?? []))
    }

    /// Whether the caller acts for the unit `unitId` (at `level`, with `path`): named its member, or
    /// holding one of the level's roles over it. The operator acts for every unit.
    static func isMember(_ caller: Caller, of unitId: Int64, at level: LadderLevel, path: ScopePath, named: Set<Int64>) -> Bool {
        guard let principal = caller.principal else { return true }
        if named.contains(unitId) { return true }
        let roles = level.actingRoles
        return principal.bindings.contains { roles.contains($0.role) && $0.scope.covers(path) }
    }

    /// The ladder actions the caller may take on the case now.
    static func ladderActions(_ record: CaseRecord, _ facts: LadderFacts) -> [CaseAction] {
        let level = record.level ?? .street
        let custody = LadderCustody(level: level, pendingTo: record.pendingLevel)
        return CaseWorkflow.actions(from: record.state).filter { action in
            guard CaseWorkflow.transition(from: record.state, action)?.byLadder == true else { return false }
            if action == .handleLocally { return (try? LadderPlan.checkLocal(record, facts)) != nil }
            guard let move = action.ladderMove else { return false }
            return LadderRules.permits(move, custody, by: facts.membership.actor(for: move, at: level), on: facts.ladder)
        }
    }

    /// The case's ladder for its view: nil before it is filed.
    static func ladderView(_ tx: Tx, _ record: CaseRecord, path: [OrgUnitRecord]? = nil) async throws -> CaseLadderView? {
        guard let level = record.level else { return nil }
        let holder = record.levelUnitId.map { LadderUnit(id: $0, code: record.levelUnitCode ?? "", name: record.levelUnitName ?? "", level: level) }
        var pending: LadderUnit?
        var known = path?.first { $0.id == record.pendingUnitId }
        if known == nil, let id = record.pendingUnitId { known = try await OrgUnitStore.find(tx, id: id) }
        if let unit = known {
            pending = LadderUnit(id: unit.id, code: unit.code, name: unit.name, level: record.pendingLevel ?? LadderUnit.level(of: unit.kind))
        }
        return CaseLadderView(
            level: level, holder: holder, since: record.levelSince, due: record.levelDue, pendingTo: pending,
            slips: try await LadderStore.slips(tx, caseId: record.id), turns: try await LadderStore.turns(tx, caseId: record.id))
    }

    /// A level's local limit passed (the job): a case still held there, filed, with no slip waiting,
    /// goes up by itself on an automatic slip.
    func ladderLimit(_ job: JobStore.Job, at now: Date, _ tx: Tx) async throws -> String {
        guard let caseId = job.caseId, let record = try await CaseStore.find(tx, id: caseId) else { return "no case" }
        guard record.state == .filed, let level = record.level, LadderLimits.applies(to: level) else {
            return "moot: the case is \(record.state.rawValue) at \(record.level?.rawValue ?? "no level")"
        }
        guard record.pendingLevel == nil else { return "moot: a slip is waiting" }
        guard let due = record.levelDue, due <= now else { return "moot: the deadline moved" }
        guard let tenant = try await TenantStore.find(tx, id: tx.tenant) else { return "no district" }
        var context: LadderContext?
        let written = try await act(
            on: record, .operator, .autoHandUp, CaseActionInput(), ifVersion: nil, settings: tenant.settings, system: true, at: now, context: &context,
            tx)
        return "handed up to \(written.pendingLevel?.rawValue ?? "?")"
    }
}

/// A member as a request names one: the login, head or member (as given: checked by the service),
/// and (a zone team's) home department.
public struct UnitMemberInput: Sendable, Equatable {
    public var login: String
    public var duty: String
    public var department: String?

    public init(login: String, duty: String = "member", department: String? = nil) {
        self.login = login
        self.duty = duty
        self.department = department
    }
}

extension GridService {
    public static let maxUnitMembers = 200

    /// The real-name members who act for a unit on the ladder (a grid's head, a community's staff, a
    /// zone's joint team).
    public func unitMembers(_ caller: Caller, tenantId: Int64, unitId: Int64) async throws -> (unit: OrgUnitRecord, members: [UnitMember]) {
        try await withTenant(for: caller, tenantId) { tx in
            guard let unit = try await OrgUnitStore.find(tx, id: unitId) else { throw Errors.unitNotFound("\(unitId)") }
            try caller.authorize(.orgRead, at: unit.path)
            return (unit, try await LadderStore.members(tx, unitId: unit.id))
        }
    }

    /// Replaces a unit's members (tenant admin in scope), audited with before and after. Every
    /// problem is named: an unknown login or department, a login twice, a duty other than head or member.
    public func setUnitMembers(_ caller: Caller, tenantId: Int64, unitId: Int64, _ members: [UnitMemberInput]) async throws -> (
        unit: OrgUnitRecord, members: [UnitMember]
    ) {
        guard members.count <= Self.maxUnitMembers else {
            throw Errors.field(
                "members", .fieldOutOfRange, zh: "一个单元最多 \(Self.maxUnitMembers) 名成员，实际 \(members.count) 名",
                en: "a unit has at most \(Self.maxUnitMembers) members, got \(members.count)")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            guard let unit = try await OrgUnitStore.find(tx, id: unitId) else { throw Errors.unitNotFound("\(unitId)") }
            try caller.authorize(.orgWrite, at: unit.path)
            try Self.refuseRetired(unit)
            var errors: [FieldError] = []
            var rows: [(userId: Int64, duty: UnitDuty, departmentId: Int64?)] = []
            var seen: Set<String> = []
            for (i, member) in members.enumerated() {
                let field = "members[\(i)]"
                if !seen.insert(member.login).inserted {
                    errors.append(
                        FieldError(
                            "\(field).login", .orgUnitMemberDuplicate,
                            Text(zh: "用户“\(member.login)”重复列出", en: "user '\(member.login)' is listed twice")))
                }
                let duty = UnitDuty(rawValue: member.duty)
                if duty == nil {
                    errors.append(
                        FieldError(
                            "\(field).duty", .fieldUnknownValue,
                            Text(
                                zh: "职责“\(member.duty)”无效（可选：\(UnitDuty.allowedList)）",
                                en: "duty '\(member.duty)' is not one of: \(UnitDuty.allowedList)")))
                }
                let user = try await UserStore.find(tx, login: member.login)
                if user == nil {
                    errors.append(
                        FieldError("\(field).login", .orgUnitMemberUnknown, Text(zh: "用户“\(member.login)”不存在", en: "user '\(member.login)' does not exist")))
                }
                var departmentId: Int64?
                if let code = member.department {
                    departmentId = try await DepartmentStore.find(tx, code: code)?.id
                    if departmentId == nil {
                        errors.append(
                            FieldError("\(field).department", .departmentUnknown, Text(zh: "部门“\(code)”不存在", en: "department '\(code)' does not exist")))
                    }
                }
                if let user, let duty { rows.append((user.id, duty, departmentId)) }
            }
            guard errors.isEmpty else { throw GridError.invalid(errors) }
            let before = try await LadderStore.members(tx, unitId: unit.id)
            try await LadderStore.setMembers(tx, unitId: unit.id, rows)
            let after = try await LadderStore.members(tx, unitId: unit.id)
            func listed(_ members: [UnitMember]) -> [String: Any] {
                ["members": members.map { ["login": $0.login, "duty": $0.duty.rawValue, "department": $0.departmentCode ?? NSNull()] as [String: Any] }]
            }
            try await Self.audit(tx, caller, "setMembers", .orgUnit, key: unit.code, before: listed(before), after: listed(after))
            return (unit, after)
        }
    }
}

extension GridService {
    /// The unit a figure is counted within: the one `code` names (in the caller's scopes for reading
    /// cases), else the caller's only such scope.
    static func statsScope(_ tx: Tx, _ caller: Caller, code: String?) async throws -> OrgUnitRecord {
        guard let root = try await OrgUnitStore.root(tx) else { throw Errors.unitNotFound("root") }
        if let code {
            let unit = try await Self.scopeUnit(tx, code: code)
            try caller.authorize(.caseRead, at: unit.path)
            return unit
        }
        let scopes = caller.scopes(for: .caseRead, root: root.path)
        guard scopes.count == 1, let only = scopes.first,
            let unit = only == root.path ? root : try await OrgUnitStore.find(tx, id: only.ids.last ?? root.id)
        else {
            try caller.authorizeSomewhere(.caseRead)
            throw Errors.field("scope", .fieldRequired, zh: "您可查看多个范围，请用 scope 指定其一", en: "you read cases in several scopes; name one with scope")
        }
        return unit
    }
}

/// The level figures of a period, grouped, for the district's ladder.
public struct LadderFiguresResult: Sendable {
    public var grouping: LadderGrouping
    public var scope: OrgUnitRecord
    public var from: Date
    public var to: Date
    public var ladder: LevelLadder
    /// One row per group, then the total row.
    public var rows: [LadderFigureRow]
}

extension GridService {
    /// The level figures (分级处置统计) of [from, to) within `scopeCode` (default: the caller's scope
    /// for reading cases), grouped by street, community, zone or level (`LadderFigureRow`).
    public func ladderFigures(
        _ caller: Caller, tenantId: Int64, grouping: LadderGrouping, scopeCode: String?, from: Date, to: Date, now: Date = Date()
    ) async throws -> LadderFiguresResult {
        try StatsPeriod.check(from: from, to: to)
        return try await withReadTenant(for: caller, tenantId) { tx in
            guard let tenant = try await TenantStore.find(tx, id: tenantId) else { throw Errors.tenantNotFound("\(tenantId)") }
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            let units = try await LadderStore.groupUnits(tx, kinds: grouping.kinds, within: scope.path)
            // By level: no unit key. By unit: the depths where the grouping's units lie (none found: nothing to count by).
            let depths = grouping == .level ? [] : Array(Set(units.map(\.depth)))
            let facts =
                grouping != .level && depths.isEmpty
                ? [] : try await LadderStore.figureFacts(tx, depths: depths, within: scope.path, from: from, to: to, now: now)
            return LadderFiguresResult(
                grouping: grouping, scope: scope, from: from, to: to, ladder: tenant.settings.ladder,
                rows: LadderFigures.rows(facts, grouping: grouping, units: units.map(\.unit), ladder: tenant.settings.ladder))
        }
    }
}
