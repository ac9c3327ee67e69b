import Foundation
import GridCore
import Testing

/// A small district and problem list shared by the routing suites.
enum RoutingFixtures {
    /// 市容环境 SR → 环境卫生 SR01 → {暴露垃圾 SR0101, 积存垃圾渣土 SR0102}; SR → 街面秩序 SR02 → 占道经营 SR0201;
    /// 设施管理 SS → 井盖 SS01.
    static let categoryChains: [String: [String]] = [
        "SR": ["SR"], "SR01": ["SR", "SR01"], "SR0101": ["SR", "SR01", "SR0101"], "SR0102": ["SR", "SR01", "SR0102"],
        "SR02": ["SR", "SR02"], "SR0201": ["SR", "SR02", "SR0201"],
        "SS": ["SS"], "SS01": ["SS", "SS01"],
    ]

    /// 朝阳区 110105 → 建外街道 110105001 → 永安里社区 110105001001 → 网格 110105001001001;
    /// 朝阳区 → 朝外街道 110105002 → 吉市口社区 110105002001.
    static let district = "110105", jianwai = "110105001", yonganli = "110105001001", grid = "110105001001001"
    static let chaowai = "110105002", jishikou = "110105002001"
    static let areaChains: [String: [String]] = [
        district: [district], jianwai: [district, jianwai], yonganli: [district, jianwai, yonganli],
        grid: [district, jianwai, yonganli, grid], chaowai: [district, chaowai], jishikou: [district, chaowai, jishikou],
    ]

    /// 城管委, 住建委, 水务局, 交通委, 市场监管局.
    static let departments: Set<String> = ["CGW", "ZJW", "SWJ", "JTW", "SJJ"]

    static let grades: [String: Set<String>] = [
        "SR0101": ["normal", "urgent"], "SR0102": ["normal"], "SR0201": ["normal", "severe"], "SS01": ["urgent"],
    ]

    static let vocabulary = RoutingVocabulary(categoryChains: categoryChains, areaChains: areaChains, departments: departments, grades: grades)

    /// A report of 暴露垃圾 in the 永安里 grid, on Wednesday 10:00 in working time, by a grid worker.
    static func request(
        item: String = "SR0101", grade: String? = "normal", source: CaseSource = .gridWorker, area: String = grid,
        street: String? = jianwai, weekday: Int = 3, minute: Int = 600, working: Bool = true,
        description: String = "小区门口有暴露垃圾", itemLead: String? = "CGW", itemAssisting: [String] = ["ZJW"],
        itemLevel: LadderLevel? = .community
    ) -> RoutingRequest {
        RoutingRequest(
            categoryChain: categoryChains[item] ?? [item], grade: grade, source: source, areaChain: areaChains[area] ?? [area],
            streetCode: street, weekday: weekday, minuteOfDay: minute, isWorkingTime: working, description: description,
            itemLead: itemLead, itemAssisting: itemAssisting, itemLevel: itemLevel)
    }

    static func rule(
        _ id: String, _ when: RuleCondition = RuleCondition(), level: LadderLevel = .street, lead: LeadTarget? = .department("CGW"),
        assisting: [String] = [], profile: String? = nil, whistle: Bool = false, priority: Int = 0
    ) -> Rule {
        Rule(
            id: id, name: "规则\(id)", when: when,
            then: RuleAction(level: level, lead: lead, assisting: assisting, deadlineProfile: profile, whistle: whistle, priority: priority))
    }

    typealias SplitMix64 = GridCore.SplitMix64
}

@Suite struct RouterTests {
    typealias F = RoutingFixtures

    func route(_ rules: [Rule], _ request: RoutingRequest = F.request(), duties: [DutyEntry] = []) -> RoutingDecision {
        let router = Router(ruleSet: RuleSet(rules: rules), duties: DutyIndex(duties))
        let decision = router.route(request)
        #expect(router.explain(request).decision == decision, "route and explain disagree")
        return decision
    }

    /// Checks every field of a decision (its memberwise initialiser is internal to GridCore).
    func expectDecision(
        _ d: RoutingDecision, basis: RoutingBasis, level: LadderLevel, lead: LeadTarget?, assisting: [String],
        whistle: Bool = false, priority: Int = 0, deadlineProfile: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(d.basis == basis, sourceLocation: sourceLocation)
        #expect(d.level == level, sourceLocation: sourceLocation)
        #expect(d.lead == lead, sourceLocation: sourceLocation)
        #expect(d.assisting == assisting, sourceLocation: sourceLocation)
        #expect(d.whistle == whistle, sourceLocation: sourceLocation)
        #expect(d.priority == priority, sourceLocation: sourceLocation)
        #expect(d.deadlineProfile == deadlineProfile, sourceLocation: sourceLocation)
    }

    /// The index of the rule that decides, or nil for a fallback.
    func winner(_ rules: [Rule], _ request: RoutingRequest = F.request()) -> Int? {
        if case .rule(let index, let id) = route(rules, request).basis {
            #expect(rules[index].id == id)
            return index
        }
        return nil
    }

    /// Whether a single rule with `when` matches `request`.
    func matches(_ when: RuleCondition, _ request: RoutingRequest) -> Bool { winner([F.rule("only", when)], request) == 0 }

    // MARK: first match wins

    @Test func theFirstMatchingRuleWins() {
        let street = F.rule("street", RuleCondition(categories: ["SR"]), level: .street)
        let district = F.rule("district", RuleCondition(categories: ["SR0101"]), level: .district, lead: .department("ZJW"))
        let catchAll = F.rule("all", level: .community)
        #expect(winner([street, district, catchAll]) == 0)
        #expect(winner([district, street, catchAll]) == 0)
        #expect(route([district, street]).level == .district)
        #expect(route([street, district]).level == .street)
        #expect(winner([F.rule("miss", RuleCondition(categories: ["SS"])), catchAll, street]) == 1)
        #expect(winner([F.rule("miss", RuleCondition(sources: [.hotline])), street, catchAll]) == 1)
    }

    @Test func rulesWithAndWithoutCategoriesAreTriedInTheirOwnOrder() {
        // Rules indexed by category and rules for any category interleave by position.
        let rules = [
            F.rule("a", RuleCondition(sources: [.hotline])),
            F.rule("b", RuleCondition(categories: ["SR0101", "SR"], grades: ["urgent"])),  // names the item twice over
            F.rule("c", RuleCondition(keywords: ["暴露垃圾"])),
            F.rule("d", RuleCondition(categories: ["SR01"])),
        ]
        #expect(winner(rules) == 2)
        #expect(winner(rules, F.request(grade: "urgent")) == 1)
        #expect(winner(rules, F.request(grade: "urgent", source: .hotline)) == 0)
        #expect(winner(rules, F.request(description: "污水横流")) == 3)
        #expect(winner(rules, F.request(item: "SS01", description: "井盖缺失")) == nil)
    }

    // MARK: conditions

    @Test func categoriesCoverTheirSubtrees() {
        let environment = RuleCondition(categories: ["SR"])
        #expect(matches(environment, F.request(item: "SR0101")))
        #expect(matches(environment, F.request(item: "SR0201")))
        #expect(!matches(environment, F.request(item: "SS01")))
        let sanitation = RuleCondition(categories: ["SR01"])
        #expect(matches(sanitation, F.request(item: "SR0102")))
        #expect(!matches(sanitation, F.request(item: "SR0201")))
        let item = RuleCondition(categories: ["SR0101"])
        #expect(matches(item, F.request(item: "SR0101")))
        #expect(!matches(item, F.request(item: "SR0102")))
        let either = RuleCondition(categories: ["SS01", "SR02"])
        #expect(matches(either, F.request(item: "SS01")))
        #expect(matches(either, F.request(item: "SR0201")))
        #expect(!matches(either, F.request(item: "SR0101")))
        #expect(!matches(RuleCondition(categories: []), F.request()), "an empty list matches nothing")
    }

    @Test func areasCoverTheirSubtrees() {
        let street = RuleCondition(areas: [F.jianwai])
        #expect(matches(street, F.request(area: F.grid)))
        #expect(matches(street, F.request(area: F.yonganli)))
        #expect(matches(street, F.request(area: F.jianwai)))
        #expect(!matches(street, F.request(area: F.jishikou)))
        #expect(!matches(street, F.request(area: F.district)), "a street does not cover its district")
        #expect(matches(RuleCondition(areas: [F.district]), F.request(area: F.jishikou)))
        #expect(matches(RuleCondition(areas: [F.jishikou, F.yonganli]), F.request(area: F.grid)))
        #expect(!matches(RuleCondition(areas: [F.grid]), F.request(area: F.yonganli)))
    }

    @Test func gradesMatchOnlyTheNamedGrades() {
        let urgent = RuleCondition(grades: ["urgent", "severe"])
        #expect(matches(urgent, F.request(grade: "urgent")))
        #expect(matches(urgent, F.request(item: "SR0201", grade: "severe")))
        #expect(!matches(urgent, F.request(grade: "normal")))
        #expect(!matches(urgent, F.request(grade: nil)), "an ungraded report is not urgent")
        #expect(matches(RuleCondition(), F.request(grade: nil)))
    }

    @Test func sourcesMatchOnlyTheNamedSources() {
        let hotline = RuleCondition(sources: [.hotline, .leader])
        #expect(matches(hotline, F.request(source: .hotline)))
        #expect(matches(hotline, F.request(source: .leader)))
        for source in CaseSource.allCases where source != .hotline && source != .leader {
            #expect(!matches(hotline, F.request(source: source)), "\(source)")
        }
    }

    @Test func timeWindowsWithinOneDay() {
        let office = RuleCondition(timeWindow: TimeWindow(from: 8 * 60 + 30, to: 17 * 60 + 30))
        #expect(matches(office, F.request(minute: 8 * 60 + 30)), "from is included")
        #expect(matches(office, F.request(minute: 17 * 60 + 29)))
        #expect(!matches(office, F.request(minute: 17 * 60 + 30)), "to is excluded")
        #expect(!matches(office, F.request(minute: 8 * 60 + 29)))
        #expect(!matches(office, F.request(minute: 0)))
        let lateEvening = RuleCondition(timeWindow: TimeWindow(from: 22 * 60, to: 24 * 60))
        #expect(matches(lateEvening, F.request(minute: 1439)))
        #expect(!matches(lateEvening, F.request(minute: 0)))
    }

    @Test func timeWindowsWrapOverMidnight() {
        let night = RuleCondition(timeWindow: TimeWindow(from: 22 * 60, to: 6 * 60))
        for minute in [22 * 60, 23 * 60 + 59, 0, 3 * 60, 6 * 60 - 1] {
            #expect(matches(night, F.request(minute: minute)), "minute \(minute)")
        }
        for minute in [6 * 60, 12 * 60, 22 * 60 - 1] {
            #expect(!matches(night, F.request(minute: minute)), "minute \(minute)")
        }
    }

    @Test func timeWindowWeekdays() {
        let weekend = RuleCondition(timeWindow: TimeWindow(weekdays: [6, 7]))
        #expect(matches(weekend, F.request(weekday: 6, minute: 0)))
        #expect(matches(weekend, F.request(weekday: 7, minute: 1439)))
        for weekday in 1...5 { #expect(!matches(weekend, F.request(weekday: weekday)), "weekday \(weekday)") }
        // Weekday and hours together: Saturday and Sunday nights; the weekday is the report's own local day.
        let weekendNights = RuleCondition(timeWindow: TimeWindow(weekdays: [6, 7], from: 20 * 60, to: 6 * 60))
        #expect(matches(weekendNights, F.request(weekday: 6, minute: 23 * 60)))
        #expect(matches(weekendNights, F.request(weekday: 7, minute: 2 * 60)))
        #expect(!matches(weekendNights, F.request(weekday: 6, minute: 12 * 60)))
        #expect(!matches(weekendNights, F.request(weekday: 5, minute: 23 * 60)))
        #expect(!matches(weekendNights, F.request(weekday: 1, minute: 2 * 60)))
        #expect(matches(RuleCondition(timeWindow: TimeWindow()), F.request(weekday: 2, minute: 77)), "an empty window is always")
    }

    @Test func timeWindowContainsDirectly() {
        let night = TimeWindow(weekdays: [1], from: 1080, to: 480)
        #expect(night.contains(weekday: 1, minute: 1080))
        #expect(night.contains(weekday: 1, minute: 479))
        #expect(!night.contains(weekday: 1, minute: 480))
        #expect(!night.contains(weekday: 2, minute: 1200))
        #expect(!TimeWindow(from: 600, to: 600).contains(weekday: 1, minute: 600), "from == to is empty")
        #expect(TimeWindow(from: 0, to: 1440).contains(weekday: 4, minute: 0))
        #expect(TimeWindow(from: 0, to: 1440).contains(weekday: 4, minute: 1439))
    }

    @Test func workingTimeMatchesInsideOrOutside() {
        #expect(matches(RuleCondition(workingTime: true), F.request(working: true)))
        #expect(!matches(RuleCondition(workingTime: true), F.request(working: false)))
        #expect(matches(RuleCondition(workingTime: false), F.request(working: false)))
        #expect(!matches(RuleCondition(workingTime: false), F.request(working: true)))
    }

    @Test func keywordsMatchAnyOfTheWords() {
        let smell = RuleCondition(keywords: ["恶臭", "污水"])
        #expect(matches(smell, F.request(description: "垃圾桶旁散发恶臭")))
        #expect(matches(smell, F.request(description: "路面污水横流")))
        #expect(!matches(smell, F.request(description: "小区门口有暴露垃圾")))
        #expect(!matches(smell, F.request(description: "")))
        #expect(matches(RuleCondition(keywords: ["垃圾"]), F.request(description: "暴露垃圾")), "a part of a word matches")
    }

    @Test func everyConditionMustHold() {
        let when = RuleCondition(
            categories: ["SR01"], areas: [F.jianwai], grades: ["urgent"], sources: [.hotline],
            timeWindow: TimeWindow(weekdays: [3], from: 540, to: 660), workingTime: true, keywords: ["垃圾"])
        let hit = F.request(grade: "urgent", source: .hotline, weekday: 3, minute: 600, working: true)
        #expect(matches(when, hit))
        var misses: [RoutingRequest] = []
        var r = hit
        r.categoryChain = F.categoryChains["SR0201"]!
        misses.append(r)
        r = hit
        r.areaChain = F.areaChains[F.jishikou]!
        misses.append(r)
        r = hit
        r.grade = "normal"
        misses.append(r)
        r = hit
        r.source = .camera
        misses.append(r)
        r = hit
        r.weekday = 4
        misses.append(r)
        r = hit
        r.minuteOfDay = 700
        misses.append(r)
        r = hit
        r.isWorkingTime = false
        misses.append(r)
        r = hit
        r.description = "井盖缺失"
        misses.append(r)
        for (k, miss) in misses.enumerated() { #expect(!matches(when, miss), "variant \(k)") }
    }

    // MARK: the decision

    @Test func aRuleDecidesEverythingItNames() {
        let rule = F.rule(
            "night", RuleCondition(categories: ["SR"]), level: .district, lead: .department("ZJW"), assisting: ["JTW", "SJJ"],
            profile: "urgent", whistle: true, priority: 7)
        expectDecision(
            route([rule]), basis: .rule(index: 0, id: "night"), level: .district, lead: .department("ZJW"),
            assisting: ["JTW", "SJJ"], whistle: true, priority: 7, deadlineProfile: "urgent")
    }

    @Test func assistingDefaultsToTheItems() {
        let decision = route([F.rule("a", assisting: [])], F.request(itemAssisting: ["ZJW", "JTW"]))
        #expect(decision.assisting == ["ZJW", "JTW"])
        #expect(route([F.rule("a", assisting: ["SJJ"])], F.request(itemAssisting: ["ZJW"])).assisting == ["SJJ"])
    }

    @Test func aTerritorialRuleLeadsToTheStreet() {
        let decision = route([F.rule("t", lead: .territorialStreet)], F.request(itemLead: "CGW"))
        #expect(decision.lead == .territorialStreet)
        #expect(decision.basis == .rule(index: 0, id: "t"))
    }

    @Test func aRuleWithoutLeadTakesTheLeadFromTheFallbacksInOrder() {
        let rule = F.rule("level-only", level: .district, lead: nil, whistle: true)
        let duty = DutyEntry(categoryCode: "SR01", areaCode: F.jianwai, department: "SWJ")
        // Duty list first…
        var decision = route([rule], F.request(itemLead: "CGW"), duties: [duty])
        #expect(decision.lead == .department("SWJ"))
        #expect(decision.basis == .rule(index: 0, id: "level-only"))
        #expect(decision.level == .district && decision.whistle)
        // …then the item's lead department…
        decision = route([rule], F.request(itemLead: "CGW"))
        #expect(decision.lead == .department("CGW"))
        // …then the street…
        decision = route([rule], F.request(street: F.jianwai, itemLead: nil))
        #expect(decision.lead == .territorialStreet)
        // …and nothing when there is no street.
        decision = route([rule], F.request(street: nil, itemLead: nil))
        #expect(decision.lead == nil)
    }

    // MARK: fallbacks

    @Test func theDutyListDecidesWhenNoRuleMatches() {
        let row = DutyEntry(categoryCode: "SR0101", areaCode: F.jianwai, department: "SWJ", note: "建外街道环卫")
        let decision = route(
            [F.rule("manhole", RuleCondition(categories: ["SS01"]))], F.request(itemLead: "CGW", itemLevel: .community),
            duties: [row])
        expectDecision(decision, basis: .duty(row), level: .community, lead: .department("SWJ"), assisting: ["ZJW"])
        #expect(decision.basis.kind == "duty")
        #expect(route([], F.request(itemLevel: nil), duties: [row]).level == .street, "the level defaults to the street")
    }

    @Test func theMostSpecificCategoryWinsBeforeTheSmallestArea() {
        let classInGrid = DutyEntry(categoryCode: "SR", areaCode: F.grid, department: "CGW")
        let subclassInCommunity = DutyEntry(categoryCode: "SR01", areaCode: F.yonganli, department: "ZJW")
        let itemInDistrict = DutyEntry(categoryCode: "SR0101", areaCode: F.district, department: "SWJ")
        let itemElsewhere = DutyEntry(categoryCode: "SR0101", areaCode: F.chaowai, department: "JTW")
        let all = [classInGrid, subclassInCommunity, itemInDistrict, itemElsewhere]
        #expect(route([], F.request(item: "SR0101"), duties: all).basis == .duty(itemInDistrict))
        #expect(route([], F.request(item: "SR0102"), duties: all).basis == .duty(subclassInCommunity))
        #expect(route([], F.request(item: "SR0201"), duties: all).basis == .duty(classInGrid))
        // 朝外: the item row there wins; the SR rows are for the 建外 grid only.
        #expect(route([], F.request(item: "SR0101", area: F.jishikou, street: F.chaowai), duties: all).basis == .duty(itemElsewhere))
        #expect(route([], F.request(item: "SR0102", area: F.jishikou, street: F.chaowai), duties: all).basis == .item)
    }

    @Test func amongOneCategoryTheSmallestAreaWins() {
        let rows = [
            DutyEntry(categoryCode: "SR0101", areaCode: F.district, department: "CGW"),
            DutyEntry(categoryCode: "SR0101", areaCode: F.yonganli, department: "ZJW"),
            DutyEntry(categoryCode: "SR0101", areaCode: F.jianwai, department: "SWJ"),
            DutyEntry(categoryCode: "SR0101", areaCode: F.jishikou, department: "JTW"),
        ]
        for order in [rows, rows.reversed(), [rows[2], rows[1], rows[0], rows[3]]] {
            #expect(route([], F.request(area: F.grid), duties: order).lead == .department("ZJW"))
            #expect(route([], F.request(area: F.jianwai), duties: order).lead == .department("SWJ"))
        }
        let index = DutyIndex(rows)
        #expect(!index.isEmpty)
        #expect(DutyIndex([]).isEmpty)
        #expect(index.owner(categoryChain: ["SS", "SS01"], areaChain: F.areaChains[F.grid]!) == nil)
    }

    @Test func theItemsLeadDecidesWithoutADutyRow() {
        let decision = route([], F.request(itemLead: "CGW", itemAssisting: ["ZJW"], itemLevel: .district))
        expectDecision(decision, basis: .item, level: .district, lead: .department("CGW"), assisting: ["ZJW"])
        #expect(route([], F.request(itemLevel: nil)).level == .street)
    }

    @Test func theTerritorialStreetIsTheLastResort() {
        let decision = route([], F.request(street: F.jianwai, itemLead: nil, itemAssisting: ["ZJW"], itemLevel: .district))
        expectDecision(decision, basis: .territorial, level: .street, lead: .territorialStreet, assisting: ["ZJW"])
        #expect(decision.basis.kind == "territorial")
        #expect(route([], F.request(street: nil, itemLead: nil)).lead == nil)
    }

    @Test func withDutiesKeepsTheRulesAndReplacesTheDuties() {
        let rules = [F.rule("manhole", RuleCondition(categories: ["SS01"]), level: .district)]
        let original = Router(ruleSet: RuleSet(rules: rules), duties: DutyIndex([DutyEntry(categoryCode: "SR", areaCode: F.district, department: "JTW")]))
        let row = DutyEntry(categoryCode: "SR0101", areaCode: F.jianwai, department: "SWJ")
        let swapped = original.with(duties: DutyIndex([row]))
        #expect(swapped.ruleSet == original.ruleSet)
        #expect(swapped.route(F.request()).basis == .duty(row))
        #expect(original.route(F.request()).lead == .department("JTW"), "the original keeps its own duties")
        #expect(swapped.route(F.request(item: "SS01")).basis == .rule(index: 0, id: "manhole"))
        #expect(original.with(duties: DutyIndex([])).route(F.request()).basis == .item)
    }

    // MARK: explain

    @Test func explainListsEveryEarlierRuleWithEveryFailedCondition() throws {
        let rules = [
            F.rule("manhole", RuleCondition(categories: ["SS01"], sources: [.camera])),
            F.rule(
                "night",
                RuleCondition(
                    grades: ["urgent"], timeWindow: TimeWindow(from: 1320, to: 360), workingTime: false,
                    keywords: ["恶臭"])),
            F.rule("chaowai", RuleCondition(areas: [F.chaowai])),
            F.rule("sanitation", RuleCondition(categories: ["SR01"]), level: .community),
            F.rule("all"),
        ]
        let router = Router(ruleSet: RuleSet(rules: rules))
        let request = F.request()
        let explanation = router.explain(request, allRules: true)
        #expect(explanation.decision == router.route(request))
        #expect(explanation.decision.basis == .rule(index: 3, id: "sanitation"))
        #expect(explanation.otherCategories == 0)
        try #require(explanation.tried.map(\.index) == [0, 1, 2])
        #expect(explanation.tried.map(\.id) == ["manhole", "night", "chaowai"])
        #expect(explanation.tried.map(\.name) == ["规则manhole", "规则night", "规则chaowai"])
        #expect(
            explanation.tried.map { $0.misses.map(\.condition) } == [
                ["categories", "sources"], ["grades", "workingTime", "timeWindow", "keywords"], ["areas"],
            ])
        let categoryMiss = try #require(explanation.tried.first?.misses.first)
        #expect(categoryMiss.reason.zh.contains("SR0101") && categoryMiss.reason.zh.contains("SS01"))
        #expect(categoryMiss.reason.en == "category SR0101 is not under SS01")
        let gradeMiss = try #require(explanation.tried[1].misses.first)
        #expect(gradeMiss.reason.en == "grade normal is not one of urgent")
        #expect(explanation.tried[1].misses.dropFirst(2).first?.reason.en == "reported at weekday 3 10:00, outside the time window")
    }

    @Test func byDefaultRulesAboutOtherCategoriesAreOnlyCounted() {
        let rules = [
            F.rule("manhole", RuleCondition(categories: ["SS01"])),
            F.rule("camera", RuleCondition(sources: [.camera])),
            F.rule("sanitation-urgent", RuleCondition(categories: ["SR01"], grades: ["urgent"])),
            F.rule("manhole-2", RuleCondition(categories: ["SS01", "SS02"], grades: ["normal"])),
            F.rule("sanitation", RuleCondition(categories: ["SR"])),
        ]
        let explanation = Router(ruleSet: RuleSet(rules: rules)).explain(F.request())
        #expect(explanation.decision.basis == .rule(index: 4, id: "sanitation"))
        #expect(explanation.tried.map(\.id) == ["camera", "sanitation-urgent"])
        #expect(explanation.tried.map { $0.misses.map(\.condition) } == [["sources"], ["grades"]])
        #expect(explanation.otherCategories == 2)
        let all = Router(ruleSet: RuleSet(rules: rules)).explain(F.request(), allRules: true)
        #expect(all.tried.map(\.id) == ["manhole", "camera", "sanitation-urgent", "manhole-2"])
        #expect(all.otherCategories == 0)
        #expect(all.decision == explanation.decision)
    }

    @Test func explainOfAFallbackListsEveryRule() {
        let rules = [F.rule("a", RuleCondition(sources: [.hotline])), F.rule("b", RuleCondition(grades: ["urgent"]))]
        let router = Router(ruleSet: RuleSet(rules: rules))
        let explanation = router.explain(F.request(grade: nil))
        #expect(explanation.decision.basis == .item)
        #expect(explanation.tried.map(\.id) == ["a", "b"])
        #expect(explanation.tried.last?.misses.first?.reason.zh == "等级 未定 不属于 urgent")
        #expect(Router(ruleSet: .empty).explain(F.request()).tried.isEmpty)
    }

    @Test func explainOfTheFirstRuleTriesNothing() {
        let explanation = Router(ruleSet: RuleSet(rules: [F.rule("all")])).explain(F.request())
        #expect(explanation.tried.isEmpty)
        #expect(explanation.decision.basis == .rule(index: 0, id: "all"))
    }

    // MARK: property: route agrees with explain and with a naive matcher

    /// Whether `rule` matches `r`, written from the documented meaning rather than from the router.
    static func naiveMatches(_ rule: Rule, _ r: RoutingRequest) -> Bool { naiveMisses(rule, r).isEmpty }

    /// The names of the conditions of `rule` that `r` fails.
    static func naiveMisses(_ rule: Rule, _ r: RoutingRequest) -> [String] {
        let c = rule.when
        var misses: [String] = []
        if let categories = c.categories, Set(categories).intersection(r.categoryChain).isEmpty { misses.append("categories") }
        if let areas = c.areas, Set(areas).intersection(r.areaChain).isEmpty { misses.append("areas") }
        if let grades = c.grades {
            if !(r.grade.map { grades.contains($0) } ?? false) { misses.append("grades") }
        }
        if let sources = c.sources, !sources.contains(r.source) { misses.append("sources") }
        if let working = c.workingTime, working != r.isWorkingTime { misses.append("workingTime") }
        if let w = c.timeWindow {
            var inside = w.weekdays.isEmpty || w.weekdays.contains(r.weekday)
            if inside, let from = w.from, let to = w.to {
                // Minutes after `from`, going round the clock, must be fewer than the window's length.
                let length = from <= to ? to - from : to + 1440 - from
                inside = (r.minuteOfDay - from + 1440) % 1440 < length
            }
            if !inside { misses.append("timeWindow") }
        }
        if let keywords = c.keywords, !keywords.contains(where: { !$0.isEmpty && r.description.range(of: $0) != nil }) {
            misses.append("keywords")
        }
        return misses
    }

    /// The duty row for `r`: the most specific category first, then the smallest area, then the first listed.
    static func naiveOwner(_ duties: [DutyEntry], _ r: RoutingRequest) -> DutyEntry? {
        for category in r.categoryChain.reversed() {
            let rows = duties.filter { $0.categoryCode == category && r.areaChain.contains($0.areaCode) }
            guard let deepest = rows.map({ r.areaChain.firstIndex(of: $0.areaCode)! }).max() else { continue }
            return rows.first { r.areaChain.firstIndex(of: $0.areaCode) == deepest }
        }
        return nil
    }

    static func randomRule(_ id: Int, _ g: inout F.SplitMix64) -> Rule {
        func maybe(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &g) < percent }
        func some<T>(_ pool: [T], max: Int = 2) -> [T] { (0..<Int.random(in: 1...max, using: &g)).map { _ in pool.randomElement(using: &g)! } }
        let categoryPool = Array(F.categoryChains.keys).sorted() + ["NOPE"]
        let areaPool = Array(F.areaChains.keys).sorted()
        var c = RuleCondition()
        if maybe(60) { c.categories = some(categoryPool, max: 3) }
        if maybe(30) { c.areas = some(areaPool) }
        if maybe(25) { c.grades = Set(some(["normal", "urgent", "severe"])) }
        if maybe(25) { c.sources = Set(some(CaseSource.allCases, max: 3)) }
        if maybe(20) {
            let edges = [0, 360, 480, 1080, 1320, 1440]
            var w = TimeWindow(weekdays: maybe(50) ? Set(some(Array(1...7), max: 4)) : [])
            if maybe(80) {
                let from = maybe(50) ? edges.dropLast().randomElement(using: &g)! : Int.random(in: 0..<1440, using: &g)
                var to = maybe(50) ? edges.randomElement(using: &g)! : Int.random(in: 0...1440, using: &g)
                if to == from { to = (from + 1) % 1440 }
                (w.from, w.to) = (from, to)
            }
            c.timeWindow = w
        }
        if maybe(20) { c.workingTime = Bool.random(using: &g) }
        if maybe(20) { c.keywords = some(["垃圾", "恶臭", "井盖", "占道", "积水"]) }
        let leads: [LeadTarget?] = [nil, .territorialStreet, .department("CGW"), .department("SWJ")]
        return F.rule(
            "r\(id)", c, level: LadderLevel.allCases.randomElement(using: &g)!, lead: leads.randomElement(using: &g)!,
            assisting: maybe(50) ? [] : ["JTW"], profile: maybe(30) ? "urgent" : nil, whistle: maybe(20),
            priority: Int.random(in: 0...9, using: &g))
    }

    static func randomRequest(_ g: inout F.SplitMix64) -> RoutingRequest {
        let items = ["SR0101", "SR0102", "SR0201", "SS01", "SR01"]
        let areas = Array(F.areaChains.keys).sorted()
        let descriptions = ["路边有暴露垃圾", "垃圾桶旁散发恶臭", "井盖缺失", "占道经营", "雨后积水", "噪音扰民", ""]
        let minutes = [0, 359, 360, 479, 480, 1079, 1080, 1319, 1320, 1439]
        return F.request(
            item: items.randomElement(using: &g)!, grade: ["normal", "urgent", "severe", nil].randomElement(using: &g)!,
            source: CaseSource.allCases.randomElement(using: &g)!, area: areas.randomElement(using: &g)!,
            street: [F.jianwai, F.chaowai, nil].randomElement(using: &g)!, weekday: Int.random(in: 1...7, using: &g),
            minute: Bool.random(using: &g) ? minutes.randomElement(using: &g)! : Int.random(in: 0..<1440, using: &g),
            working: Bool.random(using: &g), description: descriptions.randomElement(using: &g)!,
            itemLead: ["CGW", nil].randomElement(using: &g)!, itemAssisting: Bool.random(using: &g) ? [] : ["ZJW"],
            itemLevel: [LadderLevel.community, .district, nil].randomElement(using: &g)!)
    }

    @Test func routeAgreesWithExplainAndWithANaiveMatcher() {
        var g = F.SplitMix64(seed: 0x6772_6964_676F_76)
        var ruleDecisions = 0, fallbacks = 0, checked = 0
        for _ in 0..<300 {
            let rules = (0..<Int.random(in: 0...14, using: &g)).map { Self.randomRule($0, &g) }
            let duties = (0..<Int.random(in: 0...3, using: &g)).map { _ in
                DutyEntry(
                    categoryCode: ["SR", "SR01", "SR0101", "SS01"].randomElement(using: &g)!,
                    areaCode: Array(F.areaChains.keys).sorted().randomElement(using: &g)!, department: "SJJ")
            }
            let router = Router(ruleSet: RuleSet(rules: rules), duties: DutyIndex(duties))
            for _ in 0..<200 {
                let request = Self.randomRequest(&g)
                let decision = router.route(request)
                let explanation = router.explain(request, allRules: true)
                let brief = router.explain(request)
                let expected = rules.firstIndex { Self.naiveMatches($0, request) }
                checked += 1
                guard decision == explanation.decision else {
                    Issue.record("route \(decision) ≠ explain \(explanation.decision) for \(request) with \(rules)")
                    return
                }
                let owner = Self.naiveOwner(duties, request)
                let fallbackLead =
                    owner.map { LeadTarget.department($0.department) } ?? request.itemLead.map(LeadTarget.department)
                    ?? request.streetCode.map { _ in LeadTarget.territorialStreet }
                if let expected {
                    ruleDecisions += 1
                    let then = rules[expected].then
                    guard decision.basis == .rule(index: expected, id: rules[expected].id), decision.level == then.level,
                        decision.lead == (then.lead ?? fallbackLead), decision.whistle == then.whistle, decision.priority == then.priority,
                        decision.deadlineProfile == then.deadlineProfile,
                        decision.assisting == (then.assisting.isEmpty ? request.itemAssisting : then.assisting)
                    else {
                        Issue.record("expected rule \(expected), got \(decision) for \(request) with \(rules)")
                        return
                    }
                } else {
                    fallbacks += 1
                    let basis: RoutingBasis = owner.map { .duty($0) } ?? (request.itemLead == nil ? .territorial : .item)
                    guard decision.basis == basis, decision.lead == fallbackLead, decision.assisting == request.itemAssisting,
                        decision.level == (basis == .territorial ? .street : request.itemLevel ?? .street),
                        !decision.whistle, decision.priority == 0, decision.deadlineProfile == nil
                    else {
                        Issue.record("expected fallback \(basis), got \(decision) for \(request) with \(rules) and \(duties)")
                        return
                    }
                }
                // Every earlier rule is listed, each with exactly the conditions it fails.
                let before = expected ?? rules.count
                let triedIndices = explanation.tried.map(\.index), triedIds = explanation.tried.map(\.id)
                let triedMisses = explanation.tried.map { $0.misses.map(\.condition) }
                let naiveMisses = rules.prefix(before).map { Self.naiveMisses($0, request) }
                guard triedIndices == Array(0..<before), triedIds == rules.prefix(before).map(\.id), triedMisses == naiveMisses else {
                    Issue.record("explain tried \(triedIndices) \(triedMisses), expected 0..<\(before) \(naiveMisses) for \(request)")
                    return
                }
                // By default only rules about the report's category (or none) are listed; the rest are counted.
                let relevant = (0..<before).filter { !naiveMisses[$0].contains("categories") }
                guard brief.decision == decision, brief.tried.map(\.index) == relevant, brief.otherCategories == before - relevant.count,
                    brief.tried.map({ $0.misses.map(\.condition) }) == relevant.map({ naiveMisses[$0] })
                else {
                    Issue.record("brief explain tried \(brief.tried.map(\.index)), expected \(relevant) for \(request)")
                    return
                }
            }
        }
        print("route property: \(ruleDecisions) rule decisions, \(fallbacks) fallbacks")
        #expect(checked == 60_000)
        // The generator must exercise both outcomes substantially, or the property says little.
        #expect(ruleDecisions > 10_000)
        #expect(fallbacks > 10_000)
    }

    // MARK: local time

    @Test func localTimeIsTheWeekdayAndMinuteInTheCalendarsZone() {
        func beijing(_ iso: String, _ minute: Int, second: Double = 0) -> Date {
            Date(timeIntervalSince1970: Double(LocalDate(iso)!.dayNumber * 86_400 + minute * 60 - 28_800) + second)
        }
        let calendar = WorkCalendar.standard
        #expect(calendar.localTime(beijing("2026-01-01", 0)) == (4, 0), "1 January 2026 is a Thursday")
        #expect(calendar.localTime(beijing("2026-01-01", 0, second: -1)) == (3, 1439))
        #expect(calendar.localTime(beijing("2026-02-16", 510, second: 59.9)) == (1, 510), "a Monday, 08:30:59.9")
        #expect(calendar.localTime(beijing("2026-02-22", 1439)) == (7, 1439), "a Sunday")
        #expect(calendar.localTime(Date(timeIntervalSince1970: 0)) == (4, 480), "the epoch is 08:00 in Beijing")
        #expect(calendar.localTime(Date(timeIntervalSince1970: -28_800.5)) == (3, 1439), "before 1970, rounding down")
        var utc = WorkCalendar.standard
        utc.utcOffsetSeconds = 0
        #expect(utc.localTime(Date(timeIntervalSince1970: 0)) == (4, 0))
        #expect(utc.localTime(Date(timeIntervalSince1970: -1)) == (3, 1439))
    }

    @Test func localTimeAgreesWithFoundationsCalendar() throws {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = try #require(TimeZone(secondsFromGMT: 28_800))
        var g = F.SplitMix64(seed: 20_260_101)
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -2_000_000_000...4_000_000_000, using: &g)))
            let parts = gregorian.dateComponents([.weekday, .hour, .minute], from: date)
            let iso = (parts.weekday! + 5) % 7 + 1  // Foundation: 1 = Sunday
            let local = WorkCalendar.standard.localTime(date)
            #expect(local == (iso, parts.hour! * 60 + parts.minute!), "\(date)")
        }
    }
}
