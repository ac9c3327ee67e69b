import Foundation
import GridCore
import GridStore
import NIOCore

/// A department named in a request, with its task on the whistle.
public struct WhistleDepartmentInput: Sendable, Equatable {
    public var code: String
    public var task: String?

    public init(code: String, task: String? = nil) {
        self.code = code
        self.task = task
    }
}

/// A whistle as a request raises it: on a case, or on its own for a planned joint action (a place,
/// a time, an object).
public struct WhistleInput: Sendable {
    public var caseId: Int64?
    /// The whistling unit's code (default: the case's street, or the caller's own unit).
    public var unit: String?
    public var kind: String
    public var reason: String
    /// The departments to summon (default: proposed from the case's routing and item).
    public var departments: [WhistleDepartmentInput]?
    public var object: String?
    public var address: String?
    public var lat: Double?
    public var lng: Double?
    public var scheduledAt: Date?
    /// The code of another district of the city invited to act with this one (跨区联合哨).
    public var partner: String?

    public init(
        caseId: Int64? = nil, unit: String? = nil, kind: String, reason: String, departments: [WhistleDepartmentInput]? = nil, object: String? = nil,
        address: String? = nil, lat: Double? = nil, lng: Double? = nil, scheduledAt: Date? = nil, partner: String? = nil
    ) {
        self.partner = partner
        self.caseId = caseId
        self.unit = unit
        self.kind = kind
        self.reason = reason
        self.departments = departments
        self.object = object
        self.address = address
        self.lat = lat
        self.lng = lng
        self.scheduledAt = scheduledAt
    }
}

/// What a step of the whistle's table carries.
public struct WhistleActionInput: Sendable {
    public var reason: String?
    /// analyse, blow: the departments proposed; accept: the departments summoned, with their tasks.
    public var departments: [WhistleDepartmentInput]?
    /// close: the joint result.
    public var result: String?
    /// feedBack: the result as fed back to the source.
    public var feedback: String?
    /// evaluate: the street's score of every department summoned.
    public var scores: [(department: String, score: WhistleScore)]

    public init(
        reason: String? = nil, departments: [WhistleDepartmentInput]? = nil, result: String? = nil, feedback: String? = nil,
        scores: [(department: String, score: WhistleScore)] = []
    ) {
        self.reason = reason
        self.departments = departments
        self.result = result
        self.feedback = feedback
        self.scores = scores
    }
}

/// What a department's step carries: the check-in's point and photo (and the client's key that
/// makes a resend the same check-in), the report and its photos, the release's reason.
public struct WhistleStepInput: Sendable {
    public var lat: Double?
    public var lng: Double?
    public var photo: Int64?
    public var report: String?
    public var photos: [Int64]
    public var reason: String?
    public var key: String?

    public init(
        lat: Double? = nil, lng: Double? = nil, photo: Int64? = nil, report: String? = nil, photos: [Int64] = [], reason: String? = nil, key: String? = nil
    ) {
        self.lat = lat
        self.lng = lng
        self.photo = photo
        self.report = report
        self.photos = photos
        self.reason = reason
        self.key = key
    }
}

/// A whistle as its reader sees it: the record, what the caller may do now, its history and photos.
public struct WhistleView: Sendable {
    public var record: WhistleRecord
    public var allowedActions: [WhistleAction]
    /// The department steps the caller may take now, by department code.
    public var allowedSteps: [String: [SummonsStep]]
    public var events: [WhistleEventRecord]
    public var photos: [AttachmentMeta]
    /// A joint whistle's link and, once accepted, the partner's shared side.
    public var joint: (link: WhistleLink, partner: JointPartnerSide?)?
}

/// Who the caller is to a whistle: the whistling unit's side, the platform that accepts it, the
/// liaison of some of its departments.
struct WhistleParties {
    var street: Bool
    var platform: Bool
    var departments: Set<Int64>

    func has(_ party: WhistleParty) -> Bool {
        switch party {
        case .street: street
        case .platform: platform
        case .department: !departments.isEmpty
        case .system: false
        }
    }
}

extension GridService {
    static let maxWhistleText = 2000

    // MARK: raising

    /// Raises a whistle (formed): checks the kind, the unit (a street or township; a community or
    /// village where the district allows, to its street's offices), the case (open, on the unit's
    /// path), the place (inside the district) and every department (known, of the right kind).
    public func raiseWhistle(_ caller: Caller, tenantId: Int64, _ input: WhistleInput, at now: Date = Date()) async throws -> WhistleView {
        var errors: [FieldError] = []
        Self.checkText("reason", input.reason, max: Self.maxWhistleText, required: true, into: &errors)
        Self.checkText("object", input.object, max: 500, into: &errors)
        Self.checkText("address", input.address, max: 500, into: &errors)
        var place: Coordinate?
        if input.lat != nil || input.lng != nil {
            place = input.lat.flatMap { lat in input.lng.flatMap { Coordinate(lng: $0, lat: lat) } }
            if place == nil {
                errors.append(
                    FieldError(
                        "lat", .geoBadCoordinate,
                        Text(zh: "位置应为有效的经纬度（lat, lng 同时给出）", en: "the place must be a valid lat and lng, given together")))
            }
        } else if input.caseId == nil {
            errors.append(FieldError("lat", .fieldRequired, Text(zh: "联合行动须给出地点（lat, lng）", en: "a joint action needs its place (lat, lng)")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        if let place, try await OrgUnitStore.locateChain(db, tenantId: tenantId, place).isEmpty {
            throw GridError(
                .whistlePointOutside,
                Text(zh: "地点 (\(place.lat), \(place.lng)) 不在本区内", en: "the place (\(place.lat), \(place.lng)) is not inside this district"))
        }
        return try await withActiveTenant(tenantId) { tx, tenant in
            let settings = tenant.settings.whistle
            guard let kind = settings.kind(input.kind) else {
                throw Errors.field(
                    "kind", .fieldUnknownValue, zh: "哨种“\(input.kind)”无效（可选：\(settings.allowedKinds)）",
                    en: "whistle kind '\(input.kind)' is not one of: \(settings.allowedKinds)")
            }
            var record: CaseRecord?
            if let caseId = input.caseId {
                let found = try await Self.readableCase(tx, caller, id: caseId)
                guard found.state.isOpen else {
                    throw GridError(
                        .whistleCaseClosed,
                        Text(zh: "案件 \(found.number) \(found.state.label.zh)，不能吹哨", en: "case \(found.number) is \(found.state.label.en): no whistle"))
                }
                record = found
            }
            let unit = try await Self.whistlingUnit(tx, caller, code: input.unit, record: record, settings: settings)
            let chain = try await OrgUnitStore.chain(tx, ids: unit.path.ids)
            guard let street = chain.last(where: { $0.kind == .street || $0.kind == .township }) else {
                throw GridError(.whistleUnitNotAllowed, Text(zh: "“\(unit.name)”不在任何街道乡镇之内", en: "'\(unit.code)' lies in no street or township"))
            }
            let level: LadderLevel = unit.id == street.id ? .street : .community
            let named = try await Self.namedUnits(tx, caller)
            guard Self.isMember(caller, of: unit.id, at: level, path: unit.path, named: named) else {
                throw GridError(
                    .whistlePartyNotAllowed, Text(zh: "您不能代表“\(unit.name)”吹哨", en: "you cannot whistle for '\(unit.code)'"))
            }
            var wanted = input.departments
            if wanted == nil, let record {
                let mustReport = try await WhistleStore.mustReport(tx, categoryId: record.categoryId)
                wanted = WhistleRules.proposal(lead: record.leadDepartmentCode, assisting: record.assisting, mustReport: mustReport).map {
                    WhistleDepartmentInput(code: $0)
                }
            }
            let departments = try await Self.whistleDepartments(tx, wanted ?? [], level: level, streetId: street.id, proposal: input.departments == nil)
            let new = WhistleStore.NewWhistle(
                caseId: record?.id, unit: unit, streetId: street.id, level: level, kind: kind, reason: input.reason, object: input.object,
                address: input.address ?? (input.lat == nil ? record?.address : nil),
                place: place ?? record.flatMap { r in r.lat.flatMap { lat in r.lng.flatMap { Coordinate(lng: $0, lat: lat) } } },
                scheduledAt: input.scheduledAt, radiusMeters: settings.radiusMeters, proposed: false, createdBy: caller.principal?.userId,
                createdLogin: caller.actorName, departments: departments.map { ($0.id, $0.task) })
            if input.partner != nil && new.place == nil {
                // The partner district meets on site: a joint whistle on a case reported by address names its place.
                throw Errors.field(
                    "lat", .fieldRequired, zh: "跨区联合哨须给出地点（lat, lng）：案件 \(record?.number ?? "") 没有坐标",
                    en: "a joint whistle needs its place (lat, lng): case \(record?.number ?? "") has none")
            }
            guard let id = try await WhistleStore.insert(tx, new, at: now) else {
                throw GridError(
                    .whistleCaseHasWhistle,
                    Text(zh: "案件 \(record?.number ?? "") 已有进行中的哨", en: "case \(record?.number ?? "") has a whistle under way already"))
            }
            try await WhistleStore.event(
                tx, whistleId: id, version: 1, action: "form", actorId: caller.principal?.userId, actor: caller.actorName, state: .formed, at: now,
                payload: Self.json([
                    "kind": kind.code, "reason": input.reason, "case": record?.id, "departments": departments.map(\.code), "object": input.object,
                    "partner": input.partner,
                ]))
            if let partner = input.partner {
                _ = try await WhistleStore.invite(tx, whistleId: id, partnerCode: partner, at: now)
            }
            return try await self.whistleView(tx, caller, id: id)
        }
    }

    /// The whistle a rule proposes when its case is filed (`whistle: true`): formed, of the
    /// district's first kind, from the case's street, summoning the routed departments and the
    /// item's "who must report"; a dispatcher confirms it (analyse) or withdraws it.
    static func proposeWhistle(_ tx: Tx, _ record: CaseRecord, settings: TenantSettings, at now: Date) async throws {
        guard let kind = settings.whistle.kinds.first else { return }
        let chain = try await OrgUnitStore.chain(tx, ids: record.gridPath.ids)
        guard let street = chain.last(where: { $0.kind == .street || $0.kind == .township }) else { return }
        let mustReport = try await WhistleStore.mustReport(tx, categoryId: record.categoryId)
        let codes = WhistleRules.proposal(lead: record.leadDepartmentCode, assisting: record.assisting, mustReport: mustReport)
        let departments = try await whistleDepartments(
            tx, codes.map { WhistleDepartmentInput(code: $0) }, level: .street, streetId: street.id, proposal: true)
        let reason = "规则“\(record.ruleKey ?? "")”提议吹哨：\(record.categoryName ?? "")（案件 \(record.number)）"
        let new = WhistleStore.NewWhistle(
            caseId: record.id, unit: street, streetId: street.id, level: .street, kind: kind, reason: reason, object: nil, address: record.address,
            place: record.lat.flatMap { lat in record.lng.flatMap { Coordinate(lng: $0, lat: lat) } }, scheduledAt: nil,
            radiusMeters: settings.whistle.radiusMeters, proposed: true, createdBy: nil, createdLogin: "system",
            departments: departments.map { ($0.id, $0.task) })
        guard let id = try await WhistleStore.insert(tx, new, at: now) else { return }
        try await WhistleStore.event(
            tx, whistleId: id, version: 1, action: "propose", actorId: nil, actor: "system", state: .formed, at: now,
            payload: json(["rule": record.ruleKey, "case": record.id, "departments": departments.map(\.code)]))
        var to = EscalationStore.Recipients()
        to.chain = [street.id]
        to.coveringRoles = [.dispatcher, .shiftLeader]
        try await EscalationStore.deliver(
            tx, caseId: record.id, whistleId: id, kind: WhistleNotice.proposed.rawValue,
            message: "案件 \(record.number) 按规则提议吹哨（\(kind.name)），请研判确认", to: to)
    }

    /// The whistling unit: the one named (a street or township; a community or village where the
    /// district allows), else the case's street, else the caller's only unit that may whistle.
    static func whistlingUnit(_ tx: Tx, _ caller: Caller, code: String?, record: CaseRecord?, settings: WhistleSettings) async throws -> OrgUnitRecord {
        if let code {
            guard let unit = try await OrgUnitStore.find(tx, code: code) else { throw Errors.unitNotFound(code) }
            switch unit.kind {
            case .street, .township: break
            case .community, .village:
                guard settings.communityWhistles else {
                    throw GridError(
                        .whistleUnitNotAllowed,
                        Text(zh: "本区未开放村社吹哨（“\(unit.name)”）", en: "this district does not let communities or villages whistle ('\(unit.code)')"))
                }
            default:
                throw GridError(
                    .whistleUnitNotAllowed,
                    Text(zh: "“\(unit.name)”不是街道乡镇或村社，不能吹哨", en: "'\(unit.code)' is no street, township, community or village: it cannot whistle"))
            }
            if let record, !unit.path.covers(record.gridPath) {
                throw GridError(
                    .whistleUnitNotAllowed,
                    Text(zh: "案件 \(record.number) 不在“\(unit.name)”范围内", en: "case \(record.number) does not lie in '\(unit.code)'"))
            }
            return unit
        }
        if let record {
            let chain = try await OrgUnitStore.chain(tx, ids: record.gridPath.ids)
            if let street = chain.last(where: { $0.kind == .street || $0.kind == .township }) { return street }
        }
        // The caller's own street: the one unit their bindings whistle for.
        let units = (caller.principal?.bindings ?? []).filter { LadderLevel.street.actingRoles.contains($0.role) }.map(\.scopeUnitId)
        if Set(units).count == 1, let only = units.first, let unit = try await OrgUnitStore.find(tx, id: only), unit.kind == .street || unit.kind == .township {
            return unit
        }
        throw Errors.field("unit", .fieldRequired, zh: "请用 unit 指明吹哨的街道（乡镇）", en: "name the whistling street or township with unit")
    }

    /// The departments named, each checked: known (`department.unknown`), named once, and one a
    /// whistle of `level` may summon (`whistle.departmentNotAllowed`): a street summons district
    /// departments and its own offices, a community its street's offices. A proposal drops those a
    /// whistle may not summon instead.
    static func whistleDepartments(_ tx: Tx, _ wanted: [WhistleDepartmentInput], level: LadderLevel, streetId: Int64, proposal: Bool) async throws
        -> [(id: Int64, code: String, task: String?)]
    {
        var errors: [FieldError] = []
        var result: [(id: Int64, code: String, task: String?)] = []
        for (i, item) in wanted.enumerated() {
            let field = "departments[\(i)]"
            if let task = item.task, task.count > 1000 {
                errors.append(FieldError("\(field).task", .fieldTooLong, Text(zh: "任务最多 1000 字", en: "a task has at most 1000 characters")))
            }
            guard let department = try await DepartmentStore.find(tx, code: item.code) else {
                if !proposal {
                    errors.append(
                        FieldError("\(field).code", .departmentUnknown, Text(zh: "部门“\(item.code)”不存在", en: "department '\(item.code)' does not exist")))
                }
                continue
            }
            let allowed =
                switch department.kind {
                case .district: level == .street
                case .streetOffice: department.orgUnitId == streetId
                }
            guard allowed else {
                if !proposal {
                    errors.append(
                        FieldError(
                            "\(field).code", .whistleDepartmentNotAllowed,
                            Text(
                                zh: level == .street ? "“\(department.name)”是其他街道的科室，本街道不能召集" : "村社吹哨只能召集本街道的科室，“\(department.name)”不是",
                                en: level == .street
                                    ? "'\(department.code)' is another street's office: this street cannot summon it"
                                    : "a community whistle summons its street's offices only: '\(department.code)' is not one")))
                }
                continue
            }
            if result.contains(where: { $0.id == department.id }) {
                if !proposal {
                    errors.append(
                        FieldError("\(field).code", .fieldInvalid, Text(zh: "部门“\(item.code)”重复", en: "department '\(item.code)' is listed twice")))
                }
                continue
            }
            result.append((department.id, department.code, item.task))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        return result
    }

    // MARK: reading

    public func whistle(_ caller: Caller, tenantId: Int64, id: Int64) async throws -> WhistleView {
        try await withTenant(for: caller, tenantId) { tx in try await self.whistleView(tx, caller, id: id) }
    }

    /// The whistle as the caller sees it; `parties` when the caller's request worked them out already
    /// (a department's step, which does not change who summons whom).
    func whistleView(_ tx: Tx, _ caller: Caller, id: Int64, known: WhistleRecord? = nil, parties known2: WhistleParties? = nil) async throws
        -> WhistleView
    {
        var found = known
        if found == nil { found = try await WhistleStore.find(tx, id: id) }
        guard let record = found else { throw Self.whistleNotFound(id) }
        let parties: WhistleParties
        if let known2 { parties = known2 } else { parties = try await Self.parties(tx, caller, record) }
        guard Self.canRead(caller, record, parties) else { throw Self.whistleNotFound(id) }
        var joint: (link: WhistleLink, partner: JointPartnerSide?)?
        if let link = try await WhistleStore.links(tx, whistleId: id, limit: 1).first {
            joint = (link, link.status == .accepted ? try await WhistleStore.partner(tx, linkId: link.id) : nil)
        }
        return WhistleView(
            record: record, allowedActions: Self.allowedActions(record, parties), allowedSteps: Self.allowedSteps(record, parties),
            events: try await WhistleStore.events(tx, whistleId: id), photos: try await WhistleStore.photos(tx, whistleId: id), joint: joint)
    }

    /// The whistles the caller reads: those of units in their scopes for reading cases, and those
    /// summoning their departments; newest first.
    public func whistles(_ caller: Caller, tenantId: Int64, state: WhistleState?, caseId: Int64?, page: PageRequest) async throws -> Page<WhistleRecord> {
        let before = try page.afterNumber()
        return try await withTenant(for: caller, tenantId) { tx in
            guard let root = try await OrgUnitStore.root(tx) else { throw Errors.unitNotFound("root") }
            var scopes = caller.scopes(for: .caseRead, root: root.path)
            if let userId = caller.principal?.userId { scopes += try await LadderStore.memberUnits(tx, userId: userId).map(\.path) }
            let rows = try await WhistleStore.list(
                tx, scopes: scopes, departments: Self.liaisonDepartments(caller), state: state, caseId: caseId, before: before, limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { String($0.id) }
        }
    }

    static func whistleNotFound(_ id: Int64) -> GridError {
        GridError(.whistleNotFound, Text(zh: "哨 \(id) 不存在", en: "whistle \(id) does not exist"))
    }

    static func liaisonDepartments(_ caller: Caller) -> [Int64] {
        caller.principal?.bindings.filter { $0.role == .departmentLiaison }.compactMap(\.departmentId) ?? []
    }

    static func namedUnits(_ tx: Tx, _ caller: Caller) async throws -> Set<Int64> {
        guard let userId = caller.principal?.userId else { return [] }
        return Set(try await LadderStore.memberUnits(tx, userId: userId).map(\.id))
    }

    /// Who the caller is to the whistle. The platform of a street's whistle is the district's
    /// command centre (dispatchers and shift leaders bound at the root); of a community's, its
    /// street's centre. The operator is every party.
    static func parties(_ tx: Tx, _ caller: Caller, _ record: WhistleRecord) async throws -> WhistleParties {
        guard let principal = caller.principal else {
            return WhistleParties(street: true, platform: true, departments: Set(record.active.map(\.departmentId)))
        }
        let named = try await namedUnits(tx, caller)
        let street = isMember(caller, of: record.unitId, at: record.level, path: record.unitPath, named: named)
        let centre: Set<Role> = [.dispatcher, .shiftLeader]
        let platform: Bool
        if record.level == .street {
            let root = record.unitPath.ids.first
            platform = principal.bindings.contains { centre.contains($0.role) && $0.scopeUnitId == root }
        } else {
            let streetPath = try await OrgUnitStore.chain(tx, ids: record.unitPath.ids).last { $0.kind == .street || $0.kind == .township }?.path
            platform = streetPath.map { path in principal.bindings.contains { centre.contains($0.role) && $0.scope.covers(path) } } ?? false
        }
        let mine = Set(liaisonDepartments(caller))
        return WhistleParties(street: street, platform: platform, departments: Set(record.active.map(\.departmentId)).intersection(mine))
    }

    static func canRead(_ caller: Caller, _ record: WhistleRecord, _ parties: WhistleParties) -> Bool {
        if parties.street || parties.platform || !parties.departments.isEmpty { return true }
        return caller.principal?.scopes(for: .caseRead).contains { $0.covers(record.unitPath) } ?? true
    }

    static func allowedActions(_ record: WhistleRecord, _ parties: WhistleParties) -> [WhistleAction] {
        WhistleAction.allCases.filter { action in
            guard action != .reportIn, let transition = WhistleFlow.transition(from: record.state, action) else { return false }
            return parties.has(transition.party)
        }
    }

    static func allowedSteps(_ record: WhistleRecord, _ parties: WhistleParties) -> [String: [SummonsStep]] {
        var result: [String: [SummonsStep]] = [:]
        for summons in record.summons {
            let steps = SummonsStep.allCases.filter { step in
                let party = step == .release ? parties.street : parties.departments.contains(summons.departmentId)
                return party && (try? WhistleRules.check(step, summons, in: record.state)) != nil
            }
            if !steps.isEmpty { result[summons.departmentCode] = steps }
        }
        return result
    }

    // MARK: the table's steps

    /// Takes a step of the whistle's table (`WhistleFlow`) as the party it needs: analyse, blow,
    /// accept (summoning the departments, with the report-in clock), decline, close, evaluate (the
    /// street's scores), feed back, withdraw.
    public func actOnWhistle(
        _ caller: Caller, tenantId: Int64, id: Int64, _ action: WhistleAction, _ input: WhistleActionInput, ifVersion: Int64?, at now: Date = Date()
    ) async throws -> WhistleView {
        guard action != .reportIn else {
            throw Errors.field(
                "action", .fieldNotAllowed, zh: "报到请用部门的 checkIn 步骤", en: "departments report in with their checkIn step")
        }
        var errors: [FieldError] = []
        Self.checkText("reason", input.reason, max: Self.maxWhistleText, into: &errors)
        Self.checkText("result", input.result, max: Self.maxWhistleText, into: &errors)
        Self.checkText("feedback", input.feedback, max: Self.maxWhistleText, required: action == .feedBack, into: &errors)
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        return try await withActiveTenant(tenantId) { tx, tenant in
            let written = try await self.step(tx, caller, tenant, id: id, action, input, ifVersion: ifVersion, at: now)
            return try await self.whistleView(tx, caller, id: id, known: written)
        }
    }

    /// A step of the table in the caller's transaction; answers the whistle as written.
    func step(
        _ tx: Tx, _ caller: Caller, _ tenant: TenantRecord, id: Int64, _ action: WhistleAction, _ input: WhistleActionInput, ifVersion: Int64?,
        at now: Date
    ) async throws -> WhistleRecord {
        guard var record = try await WhistleStore.find(tx, id: id, lock: true) else { throw Self.whistleNotFound(id) }
        let parties = try await Self.parties(tx, caller, record)
        guard Self.canRead(caller, record, parties) else { throw Self.whistleNotFound(id) }
        if let ifVersion, ifVersion != record.version { throw Self.whistleVersionMismatch(record, ifVersion) }
        // The caller acts as the party the step needs if they are it; as nobody (refused) otherwise.
        let needed = WhistleFlow.transition(from: record.state, action)?.party ?? .street
        let transition = try WhistleFlow.check(action, in: record.state, by: parties.has(needed) ? needed : .system, reason: input.reason)
        let before = record
        record.state = transition.to
        var payload: [String: Any?] = ["reason": input.reason]
        switch action {
        case .analyse, .blow:
            if let wanted = input.departments {
                let departments = try await Self.whistleDepartments(
                    tx, wanted, level: record.level, streetId: try await Self.streetId(tx, record), proposal: false)
                try await WhistleStore.setDepartments(tx, whistleId: id, departments.map { ($0.id, $0.task) }, status: .proposed)
                payload["departments"] = departments.map(\.code)
            }
            if action == .blow { record.whistledAt = now }
        case .accept:
            let wanted = input.departments ?? record.active.map { WhistleDepartmentInput(code: $0.departmentCode, task: $0.task) }
            let departments = try await Self.whistleDepartments(
                tx, wanted, level: record.level, streetId: try await Self.streetId(tx, record), proposal: false)
            guard !departments.isEmpty else {
                throw Errors.field("departments", .fieldRequired, zh: "受理须召集至少一个部门", en: "accepting summons at least one department")
            }
            let due = now.addingTimeInterval(Double(record.limitMinutes) * 60)
            try await WhistleStore.setDepartments(tx, whistleId: id, departments.map { ($0.id, $0.task) }, status: .summoned, summonedAt: now, due: due)
            for department in departments {
                try await JobStore.schedule(
                    tx, .whistleLimit, caseId: nil, at: due, payload: Self.json(["whistle": id, "department": department.id]))
            }
            record.acceptedAt = now
            payload["departments"] = departments.map(\.code)
            payload["due"] = ISO8601DateFormatter().string(from: due)
        case .decline:
            record.declineReason = input.reason
        case .withdraw:
            record.withdrawReason = input.reason
        case .close:
            record.closedAt = now
            record.result = input.result
            payload["result"] = input.result
        case .evaluate:
            let summoned = record.summons.filter { $0.status == .summoned }
            try WhistleRules.checkScores(input.scores, summoned: summoned.map(\.departmentCode), max: tenant.settings.whistle.scoreMax)
            for entry in input.scores {
                guard let summons = summoned.first(where: { $0.departmentCode == entry.department }) else { continue }
                try await WhistleStore.score(tx, whistleId: id, departmentId: summons.departmentId, entry.score, by: caller.principal?.userId, at: now)
            }
            record.evaluatedAt = now
            payload["scores"] = input.scores.map {
                [
                    "department": $0.department, "onTime": $0.score.onTime, "attitude": $0.score.attitude, "result": $0.score.result,
                    "comment": $0.score.comment as Any,
                ]
            }
        case .feedBack:
            record.feedback = input.feedback
            record.fedBackAt = now
            payload["feedback"] = input.feedback
        case .reportIn:
            preconditionFailure("refused above")
        }
        try await self.writeStep(tx, caller, before, record, action: action.rawValue, payload: payload, at: now)
        let written = try await WhistleStore.find(tx, id: id)!
        try await Self.tellOfWhistle(tx, action, written, timeZone: tenant.timeZone)
        return written
    }

    /// Saves the whistle's own columns at its version and appends the step to its history.
    func writeStep(
        _ tx: Tx, _ caller: Caller, _ before: WhistleRecord, _ after: WhistleRecord, action: String, payload: [String: Any?], at now: Date,
        system: Bool = false
    ) async throws {
        var next = after
        next.version = before.version
        guard try await WhistleStore.save(tx, next, at: now) else { throw Self.whistleVersionMismatch(before, nil) }
        try await WhistleStore.event(
            tx, whistleId: before.id, version: before.version + 1, action: action, actorId: caller.principal?.userId,
            actor: system ? "system" : caller.actorName,
            state: after.state, at: now, payload: Self.json(payload))
    }

    static func streetId(_ tx: Tx, _ record: WhistleRecord) async throws -> Int64 {
        if record.level == .street { return record.unitId }
        let chain = try await OrgUnitStore.chain(tx, ids: record.unitPath.ids)
        return chain.last { $0.kind == .street || $0.kind == .township }?.id ?? record.unitId
    }

    static func whistleVersionMismatch(_ record: WhistleRecord, _ given: Int64?) -> GridError {
        GridError(
            .versionMismatch,
            Text(
                zh: "哨 \(record.id) 已被修改（当前版本 \(record.version)\(given.map { "，请求基于 \($0)" } ?? "")），请刷新后重试",
                en:
                    "whistle \(record.id) changed meanwhile (now version \(record.version)\(given.map { ", the request was based on \($0)" } ?? "")); reload and retry"
            ))
    }

    // MARK: a department's steps

    /// A department's step on the whistle: check in on site (its liaison; idempotent by the
    /// client's key), report its task, check out (only once closed or released: 事不绝、人不撤);
    /// or the street's release of it.
    public func whistleStep(
        _ caller: Caller, tenantId: Int64, id: Int64, department code: String, _ step: SummonsStep, _ input: WhistleStepInput, at now: Date = Date()
    ) async throws -> WhistleView {
        var errors: [FieldError] = []
        var point: Coordinate?
        switch step {
        case .checkIn:
            point = input.lat.flatMap { lat in input.lng.flatMap { Coordinate(lng: $0, lat: lat) } }
            if point == nil {
                errors.append(
                    FieldError(
                        "lat", input.lat == nil || input.lng == nil ? .fieldRequired : .geoBadCoordinate,
                        Text(zh: "报到须给出所在位置（有效的 lat, lng）", en: "a check-in needs where it is (a valid lat and lng)")))
            }
            if input.photo == nil {
                errors.append(FieldError("photo", .fieldRequired, Text(zh: "报到须附现场照片", en: "a check-in needs a photo taken on site")))
            }
            if let key = input.key, !(1...200).contains(key.count) {
                errors.append(
                    FieldError(
                        "Idempotency-Key", .idempotencyBadKey,
                        Text(zh: "Idempotency-Key 长度应为 1–200，实际为 \(key.count)", en: "an Idempotency-Key has 1–200 characters, got \(key.count)")))
            }
        case .report:
            Self.checkText("report", input.report, max: Self.maxWhistleText, required: true, into: &errors)
            if input.photos.count > 9 {
                errors.append(FieldError("photos", .fieldOutOfRange, Text(zh: "最多 9 张照片", en: "at most 9 photos")))
            }
        case .release:
            Self.checkText("reason", input.reason, max: 1000, into: &errors)
        case .checkOut:
            break
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        if let point, try await OrgUnitStore.locateChain(db, tenantId: tenantId, point).isEmpty {
            throw GridError(
                .whistlePointOutside,
                Text(zh: "报到位置 (\(point.lat), \(point.lng)) 不在本区内", en: "the check-in point (\(point.lat), \(point.lng)) is not inside this district"))
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            guard let record = try await WhistleStore.find(tx, id: id, lock: true) else { throw Self.whistleNotFound(id) }
            let parties = try await Self.parties(tx, caller, record)
            guard Self.canRead(caller, record, parties) else { throw Self.whistleNotFound(id) }
            guard let summons = record.summons.first(where: { $0.departmentCode == code }) else {
                throw GridError(.whistleNotSummoned, Text(zh: "部门“\(code)”未被召集到此哨", en: "department '\(code)' is not summoned to this whistle"))
            }
            if step == .release {
                guard parties.street else {
                    throw GridError(.whistlePartyNotAllowed, Text(zh: "放行部门应由吹哨的街道执行", en: "the whistling street releases a department"))
                }
            } else if caller.principal != nil && !parties.departments.contains(summons.departmentId) {
                throw GridError(
                    .whistlePartyNotAllowed,
                    Text(zh: "您不是“\(summons.departmentName)”的联络员", en: "you are no liaison of '\(summons.departmentCode)'"))
            }
            if step == .checkIn, summons.checkIn != nil, let key = input.key,
                let stored = try await WhistleStore.checkInKey(tx, whistleId: id, departmentId: summons.departmentId), stored.key == key
            {
                // The same check-in sent again (a network drop): the same answer; another body under the key is refused.
                guard stored.lat == point?.lat, stored.lng == point?.lng, stored.photo == input.photo else { throw Errors.idempotencyKeyReused(key) }
                return try await self.whistleView(tx, caller, id: id, known: record, parties: parties)
            }
            try WhistleRules.check(step, summons, in: record.state)
            var next = record
            var payload: [String: Any?] = ["department": code]
            switch step {
            case .checkIn:
                guard let point, let photo = input.photo else { preconditionFailure("checked above") }
                if try await !WhistleStore.foreignPhotos(tx, whistleId: id, [photo]).isEmpty {
                    throw Errors.field("photo", .attachmentNotFound, zh: "照片 \(photo) 不是此哨的照片", en: "photo \(photo) is not one of this whistle's")
                }
                let distance = record.place.map { ReportIn.meters($0, point) }
                let late = ReportIn.minutesLate(summonedAt: summons.summonedAt ?? now, checkIn: now, limitMinutes: record.limitMinutes)
                let far = distance.map { $0 > record.radiusMeters } ?? false
                try await WhistleStore.checkIn(
                    tx, whistleId: id, departmentId: summons.departmentId,
                    .init(
                        userId: caller.principal?.userId, login: caller.actorName, point: point, distanceMeters: distance, far: far, photoId: photo,
                        minutesLate: late, clientKey: input.key), at: now)
                next.state = try WhistleFlow.check(.reportIn, in: record.state, by: .department, reason: nil).to
                payload["lat"] = point.lat
                payload["lng"] = point.lng
                payload["photo"] = photo
                payload["distanceMeters"] = distance.map { ($0 * 10).rounded() / 10 }
                payload["far"] = far
                payload["minutesLate"] = late
            case .report:
                if case let foreign = try await WhistleStore.foreignPhotos(tx, whistleId: id, input.photos), !foreign.isEmpty {
                    throw Errors.field(
                        "photos", .attachmentNotFound, zh: "照片 \(foreign.map(String.init).joined(separator: "、")) 不是此哨的照片",
                        en: "photos \(foreign.map(String.init).joined(separator: ", ")) are not this whistle's")
                }
                try await WhistleStore.report(tx, whistleId: id, departmentId: summons.departmentId, report: input.report ?? "", photos: input.photos, at: now)
                payload["report"] = input.report
                payload["photos"] = input.photos
            case .checkOut:
                try await WhistleStore.checkOut(tx, whistleId: id, departmentId: summons.departmentId, at: now)
            case .release:
                try await WhistleStore.release(
                    tx, whistleId: id, departmentId: summons.departmentId, by: caller.principal?.userId, reason: input.reason, at: now)
                payload["reason"] = input.reason
            }
            try await self.writeStep(tx, caller, record, next, action: step.rawValue, payload: payload, at: now)
            let written = try await WhistleStore.find(tx, id: id)!
            if step == .release {
                try await Self.tellDepartment(
                    tx, written, summons, kind: .released, "\(written.unitName)已放行\(summons.departmentName)（哨 \(id)）", leaders: false)
            }
            return try await self.whistleView(tx, caller, id: id, known: written, parties: parties)
        }
    }

    /// A department's report-in limit passed (the job): not in and not released while the whistle
    /// still summons, it turns red, and it, its leaders, the district's and the street's leaders and
    /// shift leaders are told.
    func whistleLimit(_ job: JobStore.Job, at now: Date, _ tx: Tx) async throws -> String {
        struct Target: Decodable {
            var whistle: Int64
            var department: Int64
        }
        guard let target = try? JSONDecoder().decode(Target.self, from: Data(job.payload.utf8)) else { return "bad payload" }
        guard let record = try await WhistleStore.find(tx, id: target.whistle, lock: true) else { return "no whistle" }
        guard let summons = record.summons(for: target.department), summons.status == .summoned else { return "moot: not summoned" }
        guard record.state.summons else { return "moot: the whistle is \(record.state.rawValue)" }
        guard summons.checkIn == nil, summons.releasedAt == nil, summons.redAt == nil else { return "moot: in, released or red already" }
        guard let due = summons.due, due <= now else { return "moot: not due" }
        try await WhistleStore.markRed(tx, whistleId: record.id, departmentId: target.department, at: now)
        try await writeStep(tx, .operator, record, record, action: "red", payload: ["department": summons.departmentCode], at: now, system: true)
        let message = "\(summons.departmentName)未在\(record.limitMinutes)分钟内到\(record.unitName)报到（哨 \(record.id)，\(record.kindName)），已亮红灯"
        let told = try await Self.tellDepartment(tx, record, summons, kind: .red, message, leaders: true)
        return "red: \(summons.departmentCode), \(told) told"
    }

    // MARK: notices

    /// Tells of a step of the table: the platform hears of a whistle blown, the departments of
    /// their summons, the street of the platform's answer.
    static func tellOfWhistle(_ tx: Tx, _ action: WhistleAction, _ record: WhistleRecord, timeZone: String) async throws {
        switch action {
        case .blow:
            var to = EscalationStore.Recipients()
            if record.level == .street {
                to.root = record.unitPath.ids.first
                to.districtRoles = [.dispatcher, .shiftLeader]
            } else {
                to.chain = [try await streetId(tx, record)]
                to.coveringRoles = [.dispatcher, .shiftLeader]
            }
            try await EscalationStore.deliver(
                tx, caseId: record.caseId, whistleId: record.id, kind: WhistleNotice.blown.rawValue,
                message: "\(record.unitName)吹哨（\(record.kindName)）：\(record.reason)，请受理", to: to)
        case .accept:
            for summons in record.summons where summons.status == .summoned {
                let due = summons.due.map { "，请于 \(Self.localTime($0, timeZone: timeZone)) 前" } ?? "，请"
                try await tellDepartment(
                    tx, record, summons, kind: .summoned,
                    "\(record.unitName)吹哨（\(record.kindName)）\(due)到\(record.address ?? "现场")报到\(summons.task.map { "，任务：\($0)" } ?? "")",
                    leaders: false)
            }
            try await tellStreet(tx, record, kind: .accepted, "哨 \(record.id) 已受理，已召集 \(record.summons.filter { $0.status == .summoned }.count) 个部门")
        case .decline:
            try await tellStreet(tx, record, kind: .declined, "哨 \(record.id) 未予受理：\(record.declineReason ?? "")")
        default:
            return
        }
    }

    static func tellStreet(_ tx: Tx, _ record: WhistleRecord, kind: WhistleNotice, _ message: String) async throws {
        var to = EscalationStore.Recipients()
        to.chain = [record.unitId]
        to.coveringRoles = record.level.actingRoles.sorted { $0.rawValue < $1.rawValue }
        to.unitMembers = record.unitId
        try await EscalationStore.deliver(tx, caseId: record.caseId, whistleId: record.id, kind: kind.rawValue, message: message, to: to)
    }

    /// Tells a summoned department's liaisons (and, when red, its leaders, the district's and the
    /// whistling street's leaders and shift leaders).
    @discardableResult
    static func tellDepartment(_ tx: Tx, _ record: WhistleRecord, _ summons: Summons, kind: WhistleNotice, _ message: String, leaders: Bool) async throws
        -> Int
    {
        var to = EscalationStore.Recipients()
        to.department = summons.departmentId
        if leaders {
            to.departmentLeaders = true
            to.root = record.unitPath.ids.first
            to.districtRoles = [.leader, .shiftLeader]
            to.street = try await streetId(tx, record)
            to.streetRoles = [.leader, .shiftLeader]
        }
        return try await EscalationStore.deliver(tx, caseId: record.caseId, whistleId: record.id, kind: kind.rawValue, message: message, to: to)
    }

    // MARK: joint whistles (跨区联合哨)

    /// The district's joint whistles: the invitations it sent and those it received, newest first.
    /// For its command centre (and whoever reads cases district-wide).
    public func jointWhistles(_ caller: Caller, tenantId: Int64) async throws -> [WhistleLink] {
        try await withTenant(for: caller, tenantId) { tx in
            guard let root = try await OrgUnitStore.root(tx) else { throw Errors.unitNotFound("root") }
            try caller.authorize(.caseRead, at: root.path)
            return try await WhistleStore.links(tx)
        }
    }

    /// The district's command centre answers an invitation to a joint whistle: it accepts with a
    /// whistle of its own (its boundary street, its departments and their tasks, summoned at once:
    /// analysed, blown and accepted in the one step), or declines with a reason. A second answer is
    /// refused (`joint.alreadyAnswered`).
    public func answerJointWhistle(
        _ caller: Caller, tenantId: Int64, linkId: Int64, accept: Bool, unit: String?, kind: String?, departments: [WhistleDepartmentInput],
        reason: String?, at now: Date = Date()
    ) async throws -> WhistleLink {
        var errors: [FieldError] = []
        Self.checkText("reason", reason, max: Self.maxWhistleText, required: !accept, into: &errors)
        if accept && unit == nil {
            errors.append(FieldError("unit", .fieldRequired, Text(zh: "请用 unit 指明本区出哨的街道（乡镇）", en: "name this district's street or township with unit")))
        }
        if accept && departments.isEmpty {
            errors.append(FieldError("departments", .fieldRequired, Text(zh: "请指明本区召集的部门", en: "name the departments this district summons")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        return try await withActiveTenant(tenantId) { tx, tenant in
            guard let root = try await OrgUnitStore.root(tx) else { throw Errors.unitNotFound("root") }
            guard Self.isPlatform(caller, rootId: root.id) else {
                throw GridError(.whistlePartyNotAllowed, Text(zh: "联合哨的邀请由区指挥中心答复", en: "the district's command centre answers an invitation"))
            }
            guard let link = try await WhistleStore.links(tx, id: linkId, limit: 1).first, link.role == .guest else {
                throw GridError(.jointNotFound, Text(zh: "联合哨邀请 \(linkId) 不存在", en: "joint whistle invitation \(linkId) does not exist"))
            }
            guard link.status == .invited else {
                throw GridError(
                    .jointAlreadyAnswered,
                    Text(
                        zh: "联合哨邀请 \(linkId) 已\(link.status == .accepted ? "接受" : "拒绝")",
                        en: "joint whistle invitation \(linkId) was \(link.status.rawValue) already"))
            }
            guard accept, let unitCode = unit else {
                try await WhistleStore.answer(tx, linkId: linkId, accept: false, whistleId: nil, reason: reason, at: now)
                return try await WhistleStore.links(tx, id: linkId, limit: 1).first!
            }
            let settings = tenant.settings.whistle
            let whistleKind: WhistleKind
            if let code = kind {
                guard let found = settings.kind(code) else {
                    throw Errors.field(
                        "kind", .fieldUnknownValue, zh: "哨种“\(code)”无效（可选：\(settings.allowedKinds)）",
                        en: "whistle kind '\(code)' is not one of: \(settings.allowedKinds)")
                }
                whistleKind = found
            } else {
                whistleKind = settings.kinds.first { $0.name == link.kindName } ?? settings.kinds[0]
            }
            let street = try await Self.whistlingUnit(tx, caller, code: unitCode, record: nil, settings: WhistleSettings(communityWhistles: false))
            let chosen = try await Self.whistleDepartments(tx, departments, level: .street, streetId: street.id, proposal: false)
            let reasonText = "\(link.hostName)\(link.hostUnitName)邀请联合吹哨：\(link.reason)"
            let new = WhistleStore.NewWhistle(
                caseId: nil, unit: street, streetId: street.id, level: .street, kind: whistleKind, reason: String(reasonText.prefix(Self.maxWhistleText)),
                object: link.object, address: link.address, place: link.place, scheduledAt: link.scheduledAt, radiusMeters: settings.radiusMeters,
                proposed: false, createdBy: caller.principal?.userId, createdLogin: caller.actorName, departments: chosen.map { ($0.id, $0.task) })
            guard let id = try await WhistleStore.insert(tx, new, at: now) else { preconditionFailure("a whistle without a case always inserts") }
            try await WhistleStore.event(
                tx, whistleId: id, version: 1, action: "joinInvitation", actorId: caller.principal?.userId, actor: caller.actorName, state: .formed, at: now,
                payload: Self.json(["link": linkId, "host": link.partnerCode, "departments": chosen.map(\.code)]))
            for action in [WhistleAction.analyse, .blow, .accept] {
                _ = try await self.step(tx, caller, tenant, id: id, action, WhistleActionInput(), ifVersion: nil, at: now)
            }
            try await WhistleStore.answer(tx, linkId: linkId, accept: true, whistleId: id, reason: reason, at: now)
            return try await WhistleStore.links(tx, id: linkId, limit: 1).first!
        }
    }

    /// The district's command centre: dispatchers and shift leaders bound at its root (the operator too).
    static func isPlatform(_ caller: Caller, rootId: Int64) -> Bool {
        guard let principal = caller.principal else { return true }
        return principal.bindings.contains { [.dispatcher, .shiftLeader].contains($0.role) && $0.scopeUnitId == rootId }
    }

    /// The joint whistles of a city (its districts' division codes share the first four digits),
    /// for the platform's operator.
    public func cityJointWhistles(city: String) async throws -> [WhistleStore.CityJoint] {
        guard city.range(of: "^[1-9][0-9]{3}$", options: .regularExpression) != nil else {
            throw Errors.field(
                "city", .fieldFormat, zh: "城市代码应为行政区划代码的前 4 位，实际为“\(city)”", en: "a city is the first 4 digits of a division code, got '\(city)'")
        }
        return try await db.withPlatform { tx in try await WhistleStore.cityJoints(tx, city: city) }
    }

    // MARK: photos

    /// Adds a photo to a whistle (a department's check-in or report, the street's), by one of its
    /// parties while it is under way; the image's header is read first.
    public func uploadWhistlePhoto(_ caller: Caller, tenantId: Int64, id: Int64, declaredType: String, bytes: [UInt8]) async throws -> AttachmentMeta {
        try await withActiveTenant(tenantId) { tx, _ in
            guard let record = try await WhistleStore.find(tx, id: id) else { throw Self.whistleNotFound(id) }
            let parties = try await Self.parties(tx, caller, record)
            guard Self.canRead(caller, record, parties) else { throw Self.whistleNotFound(id) }
            guard parties.street || parties.platform || !parties.departments.isEmpty else {
                throw GridError(.attachmentNotAllowed, Text(zh: "只有哨的参与方可以上传照片", en: "only the whistle's parties add photos"))
            }
            guard ![.fedBack, .declined, .withdrawn].contains(record.state) else {
                throw GridError(.attachmentCaseNotOpen, Text(zh: "哨已结束，不能再上传照片", en: "the whistle has ended: no more photos"))
            }
            let existing = try await WhistleStore.photos(tx, whistleId: id).count
            let image = try AttachmentRules.check(declaredType: declaredType, bytes: bytes, existing: existing)
            let photoId = try await WhistleStore.insertPhoto(
                tx, whistleId: id, contentType: image.format.contentType, bytes: bytes, uploadedBy: caller.principal?.userId)
            guard let meta = try await WhistleStore.photos(tx, whistleId: id).first(where: { $0.id == photoId }) else {
                preconditionFailure("photo \(photoId) vanished")
            }
            return meta
        }
    }

    public func whistlePhoto(_ caller: Caller, tenantId: Int64, id: Int64, photoId: Int64) async throws -> (meta: AttachmentMeta, data: ByteBuffer) {
        try await withTenant(for: caller, tenantId) { tx in
            _ = try await self.whistleView(tx, caller, id: id)
            guard let found = try await WhistleStore.photo(tx, whistleId: id, id: photoId) else {
                throw GridError(.attachmentNotFound, Text(zh: "照片 \(photoId) 不存在", en: "photo \(photoId) does not exist"))
            }
            return found
        }
    }

    // MARK: figures

    /// The whistle figures of the whistles accepted in [from, to) within `scopeCode` (default: the
    /// caller's one scope for reading cases), by department, street or kind, total row last.
    public func whistleFigures(_ caller: Caller, tenantId: Int64, grouping: WhistleGrouping, scopeCode: String?, from: Date, to: Date) async throws
        -> (scope: OrgUnitRecord, rows: [WhistleFact], limitMinutes: Int)
    {
        try StatsPeriod.check(from: from, to: to)
        return try await withReadTenant(for: caller, tenantId) { tx in
            guard let tenant = try await TenantStore.find(tx, id: tenantId) else { throw Errors.tenantNotFound("\(tenantId)") }
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            let rows = try await WhistleStore.figures(tx, grouping: grouping, within: scope.path, from: from, to: to)
            let limits = Set(tenant.settings.whistle.kinds.map(\.limitMinutes))
            return (scope, rows, limits.count == 1 ? limits.first! : ReportIn.defaultLimitMinutes)
        }
    }

    // MARK: helpers

    /// `yyyy-MM-dd HH:mm` in the district's time zone, as a notice says it.
    static func localTime(_ date: Date, timeZone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    static func checkText(_ field: String, _ value: String?, max: Int, required: Bool = false, into errors: inout [FieldError]) {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            if required { errors.append(FieldError(field, .fieldRequired, Text(zh: "请填写 \(field)", en: "\(field) is required"))) }
            return
        }
        if value.count > max {
            errors.append(FieldError(field, .fieldTooLong, Text(zh: "\(field) 最多 \(max) 字", en: "\(field) has at most \(max) characters")))
        }
    }

    /// A payload as canonical JSON (sorted keys, nils left out).
    static func json(_ values: [String: Any?]) -> String {
        let present = values.compactMapValues { $0 }
        guard let data = try? JSONSerialization.data(withJSONObject: present, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// What people are told about a whistle (the `kind` of a notification).
public enum WhistleNotice: String, Sendable, CaseIterable {
    /// A rule proposed a whistle on a filed case: the street's centre confirms or withdraws it.
    case proposed = "whistleProposed"
    /// A whistle was blown: the platform accepts or declines it.
    case blown = "whistleBlown"
    /// The platform accepted: the street hears.
    case accepted = "whistleAccepted"
    case declined = "whistleDeclined"
    /// A department is summoned: report in on site by the limit.
    case summoned = "whistleSummoned"
    /// A department did not report in by the limit (red).
    case red = "whistleRed"
    /// The street released a department.
    case released = "whistleReleased"
}
