import Foundation

/// A report as routing sees it: where it is in the problem list and in the district, and when,
/// how and by whom it came in.
public struct RoutingRequest: Sendable, Equatable {
    /// Category codes from the problem list's root down to the item.
    public var categoryChain: [String]
    public var grade: String?
    public var source: CaseSource
    /// Org unit codes from the district down to the grid.
    public var areaChain: [String]
    /// The street or township of `areaChain`, for the territorial fallback.
    public var streetCode: String?
    /// ISO weekday (1 = Monday) and minute of the day, in the district's time.
    public var weekday: Int
    public var minuteOfDay: Int
    public var isWorkingTime: Bool
    public var description: String
    /// The item's own lead and assisting departments and default level (problem list).
    public var itemLead: String?
    public var itemAssisting: [String]
    public var itemLevel: LadderLevel?

    public init(
        categoryChain: [String], grade: String?, source: CaseSource, areaChain: [String], streetCode: String?, weekday: Int,
        minuteOfDay: Int, isWorkingTime: Bool, description: String, itemLead: String? = nil, itemAssisting: [String] = [],
        itemLevel: LadderLevel? = nil
    ) {
        self.categoryChain = categoryChain
        self.grade = grade
        self.source = source
        self.areaChain = areaChain
        self.streetCode = streetCode
        self.weekday = weekday
        self.minuteOfDay = minuteOfDay
        self.isWorkingTime = isWorkingTime
        self.description = description
        self.itemLead = itemLead
        self.itemAssisting = itemAssisting
        self.itemLevel = itemLevel
    }
}

/// Why a routing decision was made: a rule, or one of the fallbacks in order.
public enum RoutingBasis: Sendable, Equatable {
    case rule(index: Int, id: String)
    /// The duty list's most specific row for the item and place (职责清单).
    case duty(DutyEntry)
    /// The problem list's own lead department for the item.
    case item
    /// The street that owns the location (属地兜底).
    case territorial

    public var kind: String {
        switch self {
        case .rule: "rule"
        case .duty: "duty"
        case .item: "item"
        case .territorial: "territorial"
        }
    }
}

/// The outcome of routing a report.
public struct RoutingDecision: Sendable, Equatable {
    public var basis: RoutingBasis
    public var level: LadderLevel
    /// Nil only when there is no rule, duty or item lead and the location has no street.
    public var lead: LeadTarget?
    public var assisting: [String]
    public var whistle: Bool
    public var priority: Int
    public var deadlineProfile: String?
}

/// One condition of one rule that a report did not meet, in words.
public struct RuleMiss: Sendable, Equatable {
    public var condition: String
    public var reason: Text
}

/// A rule tried before the one that matched, and every reason it did not match.
public struct TriedRule: Sendable, Equatable {
    public var index: Int
    public var id: String
    public var name: String
    public var misses: [RuleMiss]
}

/// A decision with the rules tried on the way to it.
public struct RoutingExplanation: Sendable, Equatable {
    public var decision: RoutingDecision
    /// The earlier rules, each with every reason it did not match: all of them, or (by default) those
    /// that name the report's category or no category at all.
    public var tried: [TriedRule]
    /// Earlier rules left out of `tried` because they are about other categories.
    public var otherCategories: Int
}

/// A published rule set prepared for matching: rules indexed by the category codes they name,
/// so a decision looks only at the rules that can apply. Matching is pure and first match wins;
/// with no match the duty list, then the item's lead department, then the location's street decide.
public struct Router: Sendable {
    public let ruleSet: RuleSet
    public let duties: DutyIndex
    private let compiled: CompiledRules

    public init(ruleSet: RuleSet, duties: DutyIndex = DutyIndex([])) {
        self.ruleSet = ruleSet
        self.duties = duties
        self.compiled = CompiledRules(ruleSet)
    }

    /// The same rules with another duty list (the rows a service fetched for one report).
    public func with(duties: DutyIndex) -> Router {
        Router(ruleSet: ruleSet, duties: duties, compiled: compiled)
    }

    private init(ruleSet: RuleSet, duties: DutyIndex, compiled: CompiledRules) {
        self.ruleSet = ruleSet
        self.duties = duties
        self.compiled = compiled
    }

    /// The decision for `request`, by the first matching rule or the fallbacks.
    public func route(_ request: RoutingRequest) -> RoutingDecision {
        if let i = compiled.firstMatch(request) { return decision(rule: i, request) }
        return fallback(request)
    }

    /// The decision and, for the rules before the matching one, why each did not match. Rules about
    /// other categories are only counted unless `allRules` asks for them too.
    public func explain(_ request: RoutingRequest, allRules: Bool = false) -> RoutingExplanation {
        let matched = compiled.firstMatch(request)
        var tried: [TriedRule] = [], otherCategories = 0
        for i in 0..<(matched ?? ruleSet.rules.count) {
            let rule = ruleSet.rules[i]
            if !allRules, let categories = rule.when.categories, !request.categoryChain.contains(where: categories.contains) {
                otherCategories += 1
                continue
            }
            tried.append(TriedRule(index: i, id: rule.id, name: rule.name, misses: misses(i, request)))
        }
        let outcome = matched.map { decision(rule: $0, request) } ?? fallback(request)
        return RoutingExplanation(decision: outcome, tried: tried, otherCategories: otherCategories)
    }

    private func misses(_ i: Int, _ r: RoutingRequest) -> [RuleMiss] {
        let c = ruleSet.rules[i].when
        var misses: [RuleMiss] = []
        func miss(_ condition: String, _ zh: String, _ en: String) { misses.append(RuleMiss(condition: condition, reason: Text(zh: zh, en: en))) }
        let item = r.categoryChain.last ?? "?"
        if let categories = c.categories, !r.categoryChain.contains(where: categories.contains) {
            let list = categories.joined(separator: ", ")
            miss("categories", "事项 \(item) 不在 \(list) 之下", "category \(item) is not under \(list)")
        }
        if let areas = c.areas, !r.areaChain.contains(where: areas.contains) {
            let list = areas.joined(separator: ", ")
            miss("areas", "位置 \(r.areaChain.last ?? "?") 不在 \(list) 范围内", "location \(r.areaChain.last ?? "?") is not within \(list)")
        }
        if let grades = c.grades, !(r.grade.map(grades.contains) ?? false) {
            let list = grades.sorted().joined(separator: ", ")
            miss("grades", "等级 \(r.grade ?? "未定") 不属于 \(list)", "grade \(r.grade ?? "none") is not one of \(list)")
        }
        if let sources = c.sources, !sources.contains(r.source) {
            let list = sources.map(\.rawValue).sorted().joined(separator: ", ")
            miss("sources", "来源 \(r.source.rawValue) 不属于 \(list)", "source \(r.source.rawValue) is not one of \(list)")
        }
        if let working = c.workingTime, working != r.isWorkingTime {
            miss(
                "workingTime", working ? "上报时间不在工作时间内" : "上报时间在工作时间内",
                working ? "reported outside working time" : "reported during working time")
        }
        if let window = c.timeWindow, !window.contains(weekday: r.weekday, minute: r.minuteOfDay) {
            let at = "\(r.weekday) \(TimeWindow.text(r.minuteOfDay))"
            miss("timeWindow", "上报时间（星期\(at)）不在时间窗内", "reported at weekday \(at), outside the time window")
        }
        if let keywords = c.keywords, !keywords.contains(where: { r.description.contains($0) }) {
            let list = keywords.joined(separator: "、")
            miss("keywords", "描述不含关键词 \(list)", "the description contains none of \(list)")
        }
        return misses
    }

    private func decision(rule i: Int, _ r: RoutingRequest) -> RoutingDecision {
        let rule = ruleSet.rules[i]
        // A rule that names no lead leaves it to the fallbacks, in their order: duty list, item, street.
        let lead =
            rule.then.lead
            ?? duties.owner(categoryChain: r.categoryChain, areaChain: r.areaChain).map { LeadTarget.department($0.department) }
            ?? r.itemLead.map(LeadTarget.department) ?? r.streetCode.map { _ in .territorialStreet }
        return RoutingDecision(
            basis: .rule(index: i, id: rule.id), level: rule.then.level, lead: lead,
            assisting: rule.then.assisting.isEmpty ? r.itemAssisting : rule.then.assisting, whistle: rule.then.whistle,
            priority: rule.then.priority, deadlineProfile: rule.then.deadlineProfile)
    }

    private func fallback(_ r: RoutingRequest) -> RoutingDecision {
        if let duty = duties.owner(categoryChain: r.categoryChain, areaChain: r.areaChain) {
            return RoutingDecision(
                basis: .duty(duty), level: r.itemLevel ?? .street, lead: .department(duty.department),
                assisting: r.itemAssisting, whistle: false, priority: 0, deadlineProfile: nil)
        }
        if let lead = r.itemLead {
            return RoutingDecision(
                basis: .item, level: r.itemLevel ?? .street, lead: .department(lead), assisting: r.itemAssisting,
                whistle: false, priority: 0, deadlineProfile: nil)
        }
        return RoutingDecision(
            basis: .territorial, level: .street, lead: r.streetCode.map { _ in .territorialStreet },
            assisting: r.itemAssisting, whistle: false, priority: 0, deadlineProfile: nil)
    }
}

/// The rules in the form `route` matches them. Area codes and grade keys are numbered once, so that a decision
/// hashes each of the report's codes once instead of once per rule tried, and rules are indexed by the category
/// codes they name so that only rules that can apply are tried. `explain` keeps to the rules as written; the
/// two must agree (see RouterTests).
private struct CompiledRules: Sendable {
    struct Matcher: Sendable {
        /// Numbers of the area codes; nil matches any area.
        var areas: [Int32]?
        /// Numbers of the grade keys; nil matches any grade.
        var grades: [Int32]?
        /// A bit per source (`sourceBit`); all bits when any source matches.
        var sources: UInt8
        var workingTime: Bool?
        var timeWindow: TimeWindow?
        var keywords: [String]?
    }

    let matchers: [Matcher]
    /// Rule indices, ascending, per category code the rule names.
    let byCategory: [String: [Int]]
    /// Rule indices, ascending, of the rules that name no categories.
    let anyCategory: [Int]
    let areaNumbers: [String: Int32]
    let gradeNumbers: [String: Int32]

    init(_ set: RuleSet) {
        var byCategory: [String: [Int]] = [:], anyCategory: [Int] = []
        var areaNumbers: [String: Int32] = [:], gradeNumbers: [String: Int32] = [:]
        func number(_ code: String, _ table: inout [String: Int32]) -> Int32 {
            if let n = table[code] { return n }
            let n = Int32(table.count)
            table[code] = n
            return n
        }
        var matchers: [Matcher] = []
        matchers.reserveCapacity(set.rules.count)
        for (i, rule) in set.rules.enumerated() {
            let c = rule.when
            if let categories = c.categories {
                for code in Set(categories) { byCategory[code, default: []].append(i) }
            } else {
                anyCategory.append(i)
            }
            matchers.append(
                Matcher(
                    areas: c.areas.map { $0.map { number($0, &areaNumbers) } },
                    grades: c.grades.map { $0.sorted().map { number($0, &gradeNumbers) } },
                    sources: c.sources.map { $0.reduce(0) { $0 | Self.sourceBit($1) } } ?? .max,
                    workingTime: c.workingTime, timeWindow: c.timeWindow, keywords: c.keywords))
        }
        self.matchers = matchers
        self.byCategory = byCategory
        self.anyCategory = anyCategory
        self.areaNumbers = areaNumbers
        self.gradeNumbers = gradeNumbers
    }

    static func sourceBit(_ source: CaseSource) -> UInt8 {
        switch source {
        case .gridWorker: 1
        case .hotline: 2
        case .resident: 4
        case .department: 8
        case .camera: 16
        case .leader: 32
        }
    }

    /// The index of the first rule whose conditions all hold for `r`.
    func firstMatch(_ r: RoutingRequest) -> Int? {
        // The report's areas and grade as numbers; codes no rule names cannot match and are left out.
        var areas: [Int32] = []
        if !areaNumbers.isEmpty {
            for code in r.areaChain { if let n = areaNumbers[code] { areas.append(n) } }
        }
        let grade: Int32? = r.grade.flatMap { gradeNumbers[$0] }
        let source = Self.sourceBit(r.source)
        var best: Int?
        // Every list is ascending: the first match of each list below the best so far is the new best.
        for code in r.categoryChain {
            guard let indices = byCategory[code] else { continue }
            for i in indices {
                if let best, i >= best { break }
                if matches(i, areas, grade, source, r) {
                    best = i
                    break
                }
            }
        }
        for i in anyCategory {
            if let best, i >= best { break }
            if matches(i, areas, grade, source, r) { return i }
        }
        return best
    }

    private func matches(_ i: Int, _ areas: [Int32], _ grade: Int32?, _ source: UInt8, _ r: RoutingRequest) -> Bool {
        if matchers[i].sources & source == 0 { return false }
        if let working = matchers[i].workingTime, working != r.isWorkingTime { return false }
        if let ruleGrades = matchers[i].grades {
            guard let grade, ruleGrades.contains(grade) else { return false }
        }
        if let ruleAreas = matchers[i].areas, !ruleAreas.contains(where: areas.contains) { return false }
        if let window = matchers[i].timeWindow, !window.contains(weekday: r.weekday, minute: r.minuteOfDay) { return false }
        if let keywords = matchers[i].keywords, !keywords.contains(where: { r.description.contains($0) }) { return false }
        return true
    }
}
