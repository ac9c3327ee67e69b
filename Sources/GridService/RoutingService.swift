import Foundation
import GridCore
import GridStore
import Synchronization

/// A rule set version with its parsed rules and, for drafts, what validation found.
public struct RuleSetView: Sendable {
    public var record: RuleSetRecord
    public var ruleSet: RuleSet
    public var report: RuleSetReport?
}

/// Which rule set a routing question is asked of.
public enum RuleSetChoice: Sendable, Equatable {
    case published, draft
    case number(Int)
}

/// A hypothetical (or real) report to route.
public struct RoutingQuestion: Sendable {
    public var categoryCode: String
    public var grade: String?
    public var source: CaseSource
    public var lat: Double
    public var lng: Double
    public var description: String
    public var at: Date
    /// List every earlier rule in the explanation, also those about other categories.
    public var allRules: Bool

    public init(
        categoryCode: String, grade: String? = nil, source: CaseSource = .gridWorker, lat: Double, lng: Double,
        description: String = "", at: Date = Date(), allRules: Bool = false
    ) {
        self.allRules = allRules
        self.categoryCode = categoryCode
        self.grade = grade
        self.source = source
        self.lat = lat
        self.lng = lng
        self.description = description
        self.at = at
    }
}

/// One stage's deadline on the district's calendar.
public struct StageDeadline: Sendable, Equatable {
    public var stage: Stage
    public var limit: TimeLimit
    public var due: Date
}

/// Routing's full answer: where, what, which rule set, the decision and why, and the deadlines.
public struct RoutingAnswer: Sendable {
    public var grid: OrgUnitRecord
    public var chain: [OrgUnitRecord]
    public var category: CategoryRecord
    public var categoryChain: [CategoryRecord]
    public var grade: Grade
    /// The rule set version asked (nil when the district has none published: fallbacks only).
    public var ruleSet: RuleSetRecord?
    public var explanation: RoutingExplanation
    public var rule: Rule?
    /// The street of the location, which the territorial lead resolves to.
    public var street: OrgUnitRecord?
    public var leadDepartment: DepartmentRecord?
    public var deadlines: [StageDeadline]
}

/// Compiled routers of rule-set versions that can no longer change (published or retired),
/// shared by all requests: a version is parsed and indexed once.
final class RouterCache: Sendable {
    private let routers = Mutex<[Int64: (version: Int64, router: Router)]>([:])

    /// The router of `record`; its document is read (if the record came without it) only on a miss.
    func router(for record: RuleSetRecord, _ tx: Tx) async throws -> Router {
        if let hit = cached(record) { return hit }
        let router = Router(ruleSet: try await GridService.ruleSet(of: record, tx))
        if record.status != .draft { routers.withLock { $0[record.id] = (record.version, router) } }
        return router
    }

    /// The router of `record` when this version is cached.
    func cached(_ record: RuleSetRecord) -> Router? {
        routers.withLock { $0[record.id] }.flatMap { $0.version == record.version ? $0.router : nil }
    }
}

extension GridService {
    static func parseRuleSet(_ text: String) throws -> RuleSet {
        try RuleSetCodec.read(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))
    }

    /// The parsed rules of `record`, reading its document when the record came without it.
    static func ruleSet(of record: RuleSetRecord, _ tx: Tx) async throws -> RuleSet {
        if let text = record.document { return try parseRuleSet(text) }
        guard let text = try await RuleSetStore.document(tx, id: record.id) else {
            throw GridError(
                .rulesNotFound,
                Text(
                    zh: "规则集 \(record.number) 不存在", en: "rule set \(record.number) does not exist"))
        }
        return try parseRuleSet(text)
    }

    // MARK: rule sets

    public func ruleSets(_ caller: Caller, tenantId: Int64, page: PageRequest) async throws -> Page<RuleSetRecord> {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorizeSomewhere(.catalogRead)
            let before = try page.afterNumber().map { Int($0) }
            let rows = try await RuleSetStore.list(tx, before: before, limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { String($0.number) }
        }
    }

    /// One version; a draft comes with its validation report.
    public func ruleSet(_ caller: Caller, tenantId: Int64, _ choice: RuleSetChoice) async throws -> RuleSetView {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorizeSomewhere(.catalogRead)
            let record = try await Self.findRuleSet(tx, choice)
            let set = try await Self.ruleSet(of: record, tx)
            let report = record.status == .draft ? try await Self.validate(tx, set) : nil
            return RuleSetView(record: record, ruleSet: set, report: report)
        }
    }

    static func findRuleSet(_ tx: Tx, _ choice: RuleSetChoice, withDocument: Bool = true) async throws -> RuleSetRecord {
        let found: RuleSetRecord?
        switch choice {
        case .published: found = try await RuleSetStore.find(tx, status: .published, withDocument: withDocument)
        case .draft: found = try await RuleSetStore.find(tx, status: .draft, withDocument: withDocument)
        case .number(let n): found = try await RuleSetStore.find(tx, number: n, withDocument: withDocument)
        }
        guard let found else {
            let what: String =
                switch choice {
                case .published: "published"
                case .draft: "draft"
                case .number(let n): "\(n)"
                }
            throw GridError(.rulesNotFound, Text(zh: "规则集“\(what)”不存在", en: "rule set '\(what)' does not exist"))
        }
        return found
    }

    /// Creates or replaces the draft with `document`. The syntax must be right; unknown codes are
    /// reported (and block publishing) but the draft is kept, so work can go on.
    public func saveDraft(_ caller: Caller, tenantId: Int64, document: JSONValue, note: String?, ifVersion: Int64?) async throws -> RuleSetView {
        let set = try RuleSetCodec.read(document)
        let text = try Self.json(RuleSetCodec.write(set))
        if let note, note.count > 500 { throw Errors.field("note", .fieldTooLong, zh: "备注超过 500 个字符", en: "note is longer than 500 characters") }
        return try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.catalogWrite, at: try await Self.rootPath(tx))
            try await RuleSetStore.lock(tx)
            let before = try await RuleSetStore.find(tx, status: .draft)
            if let before {
                guard try await RuleSetStore.updateDraft(tx, id: before.id, document: text, note: note, expectedVersion: ifVersion) else {
                    throw Errors.versionMismatch("规则集草稿 / rule set draft \(before.number)")
                }
            } else {
                if ifVersion != nil { throw Errors.versionMismatch("规则集草稿 / rule set draft") }
                _ = try await RuleSetStore.insertDraft(tx, document: text, note: note, createdBy: caller.actorName)
            }
            let saved = try await Self.findRuleSet(tx, .draft)
            try await AuditStore.record(
                tx, actor: caller.actorName, userId: caller.userId, action: before == nil ? "create" : "update",
                entity: "ruleSet", key: String(saved.number), before: before?.document, after: text)
            return RuleSetView(record: saved, ruleSet: set, report: try await Self.validate(tx, set))
        }
    }

    /// Validates any rule set document against the district's lists without saving it.
    public func validateRules(_ caller: Caller, tenantId: Int64, document: JSONValue) async throws -> RuleSetReport {
        let set = try RuleSetCodec.read(document)
        return try await withTenant(for: caller, tenantId) { tx in
            try caller.authorizeSomewhere(.catalogRead)
            return try await Self.validate(tx, set)
        }
    }

    /// Publishes the draft: refused (422) while validation finds errors; the previous version is retired.
    public func publishDraft(_ caller: Caller, tenantId: Int64, ifVersion: Int64?) async throws -> RuleSetView {
        try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.catalogWrite, at: try await Self.rootPath(tx))
            try await RuleSetStore.lock(tx)
            let draft = try await Self.findRuleSet(tx, .draft)
            if let ifVersion, ifVersion != draft.version { throw Errors.versionMismatch("规则集草稿 / rule set draft \(draft.number)") }
            let set = try await Self.ruleSet(of: draft, tx)
            let report = try await Self.validate(tx, set)
            guard report.isPublishable else {
                throw GridError(
                    .rulesNotPublishable,
                    Text(zh: "草稿有 \(report.errors.count) 处错误，不能发布", en: "the draft has \(report.errors.count) error(s) and cannot be published"),
                    fieldErrors: report.errors)
            }
            let previous = try await RuleSetStore.find(tx, status: .published)
            try await RuleSetStore.publish(tx, id: draft.id, by: caller.actorName)
            try await AuditStore.record(
                tx, actor: caller.actorName, userId: caller.userId, action: "publish", entity: "ruleSet",
                key: String(draft.number), before: previous.map { "{\"number\": \($0.number)}" },
                after: "{\"number\": \(draft.number)}")
            return RuleSetView(record: try await Self.findRuleSet(tx, .number(draft.number)), ruleSet: set, report: report)
        }
    }

    static func validate(_ tx: Tx, _ set: RuleSet) async throws -> RuleSetReport {
        let categories = try await CatalogStore.all(tx)
        var byId: [Int64: String] = [:]
        for c in categories { byId[c.id] = c.entry.code }
        var chains: [String: [String]] = [:], grades: [String: Set<String>] = [:]
        for c in categories {
            chains[c.entry.code] = c.path.ids.compactMap { byId[$0] }
            if !c.entry.grades.isEmpty { grades[c.entry.code] = Set(c.entry.grades.map(\.key)) }
        }
        let areas = Array(Set(set.rules.flatMap { $0.when.areas ?? [] }))
        let vocabulary = RoutingVocabulary(
            categoryChains: chains, areaChains: try await OrgUnitStore.codeChains(tx, areas),
            departments: Set(try await DepartmentStore.codes(tx)), grades: grades)
        return RuleValidator.validate(set, against: vocabulary)
    }

    // MARK: explain

    /// Routes a hypothetical report and says why: the grid and chain, the category, the rule that
    /// matched (or the fallback) and the rules tried before it, the departments and the deadlines.
    public func explain(_ caller: Caller, tenantId: Int64, _ question: RoutingQuestion, ruleSet choice: RuleSetChoice = .published) async throws
        -> RoutingAnswer
    {
        let location = try await locate(caller, tenantId: tenantId, lat: question.lat, lng: question.lng)
        let grid = location.grid, chain = location.chain
        try caller.authorize(.catalogRead, at: grid.path)
        return try await withTenant(for: caller, tenantId) { tx in
            let item = try await Self.item(tx, code: question.categoryCode, grade: question.grade)
            let record: RuleSetRecord? =
                choice == .published
                ? try await RuleSetStore.find(tx, status: .published, withDocument: false) : try await Self.findRuleSet(tx, choice, withDocument: false)
            return try await route(
                tx, item: item, chain: chain, source: question.source, description: question.description, at: question.at,
                ruleSet: record, allRules: question.allRules)
        }
    }

    /// Routes a report of `item` at the grid ending `chain` by `ruleSet` (none: the fallbacks
    /// alone): the decision, why, the lead department and the stage deadlines from `at`.
    func route(
        _ tx: Tx, item: (chain: [CategoryRecord], record: CategoryRecord, grade: Grade), chain: [OrgUnitRecord], source: CaseSource,
        description: String, at: Date, ruleSet record: RuleSetRecord?, allRules: Bool = false
    ) async throws -> RoutingAnswer {
        let (categoryChain, category, grade) = item
        var router = Router(ruleSet: .empty)
        if let record { router = try await routerCache.router(for: record, tx) }
        let categoryCodes = categoryChain.map(\.entry.code), areaCodes = chain.map(\.code)
        let duties = try await DutyStore.candidates(
            tx, categories: Dictionary(uniqueKeysWithValues: categoryChain.map { ($0.id, $0.entry.code) }),
            areas: Dictionary(uniqueKeysWithValues: chain.map { ($0.id, $0.code) }))
        router = router.with(duties: DutyIndex(duties))
        let calendar = try await calendarCache.calendar(tx)
        let street = chain.first { $0.kind == .street || $0.kind == .township }
        let local = calendar.calendar.localTime(at)
        let request = RoutingRequest(
            categoryChain: categoryCodes, grade: grade.key, source: source, areaChain: areaCodes, streetCode: street?.code,
            weekday: local.weekday, minuteOfDay: local.minuteOfDay,
            isWorkingTime: calendar.calendar.workSeconds(from: at, to: at.addingTimeInterval(60)) > 0,
            description: description, itemLead: category.entry.leadDepartment, itemAssisting: category.entry.assistingDepartments,
            itemLevel: category.entry.defaultLevel)
        let explanation = router.explain(request, allRules: allRules)
        var rule: Rule?
        if case .rule(let index, _) = explanation.decision.basis { rule = router.ruleSet.rules[index] }
        var lead: DepartmentRecord?
        if case .department(let code)? = explanation.decision.lead { lead = try await DepartmentStore.find(tx, code: code) }
        var limits = router.ruleSet.limits(profile: explanation.decision.deadlineProfile)
        if limits[.handle] == nil { limits[.handle] = grade.limit }
        let deadlines = Self.deadlines(limits, from: at, on: calendar.calendar)
        return RoutingAnswer(
            grid: chain.last!, chain: chain, category: category, categoryChain: categoryChain, grade: grade, ruleSet: record,
            explanation: explanation, rule: rule, street: street, leadDepartment: lead, deadlines: deadlines)
    }

    /// Stage deadlines in order: dispatch from the report, signing from dispatch, handling from
    /// dispatch (signing is part of handling time), checking from handling; then verification
    /// from the report, for when the command centre orders one.
    static func deadlines(_ limits: [Stage: TimeLimit], from start: Date, on calendar: WorkCalendar) -> [StageDeadline] {
        var result: [StageDeadline] = []
        func add(_ stage: Stage, from: Date) -> Date {
            guard let limit = limits[stage] else { return from }
            let due = calendar.deadline(from: from, limit: limit)
            result.append(StageDeadline(stage: stage, limit: limit, due: due))
            return due
        }
        let dispatched = add(.dispatch, from: start)
        _ = add(.sign, from: dispatched)
        let handled = add(.handle, from: dispatched)
        _ = add(.check, from: handled)
        _ = add(.verify, from: start)
        return result
    }
}

/// One line of a routing test table: a report and what routing should decide for it.
public struct RoutingTestCase: Sendable {
    public var source: String
    public var question: RoutingQuestion
    /// A rule id, or `duty`, `item`, `territorial` for the fallbacks; nil to not check.
    public var expectedBasis: String?
    /// A department code or `@territorial`; nil to not check.
    public var expectedLead: String?
    public var expectedLevel: LadderLevel?

    public init(source: String, question: RoutingQuestion, expectedBasis: String?, expectedLead: String?, expectedLevel: LadderLevel?) {
        self.source = source
        self.question = question
        self.expectedBasis = expectedBasis
        self.expectedLead = expectedLead
        self.expectedLevel = expectedLevel
    }
}

/// The outcome of one test line: what routing decided and each difference from the expectation.
public struct RoutingTestResult: Sendable {
    public var testCase: RoutingTestCase
    public var basis: String
    public var lead: String
    public var level: LadderLevel?
    public var differences: [String]
    public var passed: Bool { differences.isEmpty }
}

extension GridService {
    /// Runs a table of expected routings against a rule set version (the draft, before publishing).
    public func testRouting(_ caller: Caller, tenantId: Int64, cases: [RoutingTestCase], ruleSet: RuleSetChoice) async throws -> [RoutingTestResult] {
        var results: [RoutingTestResult] = []
        for testCase in cases {
            var basis = "error", lead = "", level: LadderLevel?
            var differences: [String] = []
            do {
                let answer = try await explain(caller, tenantId: tenantId, testCase.question, ruleSet: ruleSet)
                let decision = answer.explanation.decision
                if case .rule(_, let id) = decision.basis { basis = id } else { basis = decision.basis.kind }
                lead = decision.lead?.token ?? ""
                level = decision.level
                if let expected = testCase.expectedBasis, expected != basis { differences.append("rule: expected \(expected), got \(basis)") }
                if let expected = testCase.expectedLead, expected != lead {
                    differences.append("lead: expected \(expected), got \(lead.isEmpty ? "none" : lead)")
                }
                if let expected = testCase.expectedLevel, expected != decision.level {
                    differences.append("level: expected \(expected.rawValue), got \(decision.level.rawValue)")
                }
            } catch let error as GridError {
                differences.append("\(error.fieldErrors.first?.code ?? error.code): \(error.description)")
            }
            results.append(RoutingTestResult(testCase: testCase, basis: basis, lead: lead, level: level, differences: differences))
        }
        return results
    }
}
