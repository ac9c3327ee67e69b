import Foundation

/// Reads a rule set from its JSON document and writes it back. Reading names every syntax
/// problem with its place (`rules[2].when.grades[0]`); whether the codes exist is
/// `RuleValidator`'s job.
public enum RuleSetCodec {
    static let idPattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
    static let maxRules = 5000

    public static func read(_ document: JSONValue) throws(GridError) -> RuleSet {
        var errors: [FieldError] = []
        guard var top = FieldReader(document, source: "$", errors: &errors) else { throw GridError.invalid(errors) }
        top.rejectUnknownKeys(["rules", "profiles", "name", "description"])
        var profiles: [String: DeadlineProfile] = [:]
        switch document["profiles"] {
        case nil, .null?: break
        case .object(let object)?:
            for (name, value) in object.sorted(by: { $0.key < $1.key }) {
                guard var p = FieldReader(value, source: "profiles.\(name)", errors: &errors) else { continue }
                p.rejectUnknownKeys(Set(Stage.allCases.map(\.rawValue)))
                var limits: [Stage: TimeLimit] = [:]
                for stage in Stage.allCases { if let limit = p.limit(stage.rawValue) { limits[stage] = limit } }
                errors.append(contentsOf: p.errors)
                profiles[name] = DeadlineProfile(limits: limits)
            }
        case let other?:
            top.fail("profiles", .fieldType, zh: "profiles 应为对象，实际为 \(other.brief)", en: "profiles must be an object, got \(other.brief)")
        }
        errors.append(contentsOf: top.errors)
        guard let items = document["rules"]?.array else {
            errors.append(FieldError("rules", .rulesNoRules, Text(zh: "缺少 rules 数组", en: "rules must be an array")))
            throw GridError.invalid(errors)
        }
        if items.count > maxRules {
            errors.append(
                FieldError(
                    "rules", .rulesTooMany, Text(zh: "规则数 \(items.count) 超过上限 \(maxRules)", en: "\(items.count) rules exceed the limit of \(maxRules)")))
            throw GridError.invalid(errors)
        }
        var rules: [Rule] = []
        for (i, item) in items.enumerated() {
            if let rule = readRule(item, source: "rules[\(i)]", errors: &errors) { rules.append(rule) }
            if errors.count >= OrgPlanner.maxErrors { break }
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return RuleSet(rules: rules, profiles: profiles)
    }

    static func readRule(_ value: JSONValue, source: String, errors: inout [FieldError]) -> Rule? {
        guard var r = FieldReader(value, source: source, errors: &errors) else { return nil }
        r.rejectUnknownKeys(["id", "name", "when", "then", "note"])
        let id = r.string("id", required: true, maxLength: 64)
        if let id, id.range(of: idPattern, options: .regularExpression) == nil {
            r.fail("id", .rulesBadId, zh: "规则编号“\(id)”只能含字母、数字、_ . -", en: "rule id '\(id)' may hold letters, digits, _ . - only")
        }
        let name = r.string("name", required: true, maxLength: 100)
        _ = r.string("note", maxLength: 1000)
        var condition = RuleCondition()
        if value["when"] != nil {
            var nested: [FieldError] = []
            if var w = FieldReader(value["when"], source: r.path("when"), errors: &nested) {
                w.rejectUnknownKeys(["categories", "areas", "grades", "sources", "timeWindow", "workingTime", "keywords"])
                condition.categories = w.strings("categories", maxLength: 32)
                condition.areas = w.strings("areas", maxLength: 32)
                condition.grades = w.strings("grades", maxLength: 32).map(Set.init)
                if let raw = w.strings("sources") {
                    var sources = Set<CaseSource>()
                    for (i, text) in raw.enumerated() {
                        if let source = CaseSource(rawValue: text) {
                            sources.insert(source)
                        } else {
                            w.fail(
                                "sources[\(i)]", .fieldUnknownValue, zh: "来源“\(text)”无效，可选：\(CaseSource.allowedList)",
                                en: "source '\(text)' is not one of: \(CaseSource.allowedList)")
                        }
                    }
                    condition.sources = sources
                }
                condition.workingTime = w.bool("workingTime")
                condition.keywords = w.strings("keywords", maxLength: 50)
                if value["when"]?["timeWindow"] != nil { condition.timeWindow = readWindow(value["when"]?["timeWindow"], reader: &w) }
                for key in ["categories", "areas", "grades", "sources", "keywords"] where value["when"]?[key]?.array?.isEmpty == true {
                    w.fail(
                        key, .rulesEmptyList, zh: "\(key) 为空列表，规则永远不会匹配；不限制请删去该条件",
                        en: "\(key) is an empty list, so the rule can never match; leave the condition out to match anything")
                }
                nested.append(contentsOf: w.errors)
            }
            r.absorb(nested)
        }
        var action: RuleAction?
        var nested: [FieldError] = []
        if var t = FieldReader(value["then"], source: r.path("then"), errors: &nested) {
            t.rejectUnknownKeys(["level", "lead", "assisting", "deadlineProfile", "whistle", "priority"])
            let level = t.enumValue("level", LadderLevel.self, required: true)
            let lead = t.string("lead", maxLength: 32).map { $0 == LeadTarget.territorialToken ? LeadTarget.territorialStreet : .department($0) }
            let assisting = t.strings("assisting", maxLength: 32) ?? []
            let profile = t.string("deadlineProfile", maxLength: 64)
            let whistle = t.bool("whistle") ?? false
            let priority = t.int("priority", in: 0...9) ?? 0
            nested.append(contentsOf: t.errors)
            if let level {
                action = RuleAction(level: level, lead: lead, assisting: assisting, deadlineProfile: profile, whistle: whistle, priority: priority)
            }
        }
        r.absorb(nested)
        errors.append(contentsOf: r.errors)
        guard r.errors.isEmpty, let id, let name, let action else { return nil }
        return Rule(id: id, name: name, when: condition, then: action)
    }

    static func readWindow(_ value: JSONValue?, reader w: inout FieldReader) -> TimeWindow? {
        var nested: [FieldError] = []
        guard var t = FieldReader(value, source: w.path("timeWindow"), errors: &nested) else {
            w.absorb(nested)
            return nil
        }
        t.rejectUnknownKeys(["weekdays", "from", "to"])
        var window = TimeWindow()
        switch value?["weekdays"] {
        case nil, .null?: break
        case .array(let days)?:
            for (i, day) in days.enumerated() {
                if let n = day.number, n == n.rounded(), (1...7).contains(n) {
                    window.weekdays.insert(Int(n))
                } else {
                    t.fail(
                        "weekdays[\(i)]", .rulesWeekday, zh: "星期应为 1（周一）到 7（周日），实际为 \(day.brief)",
                        en: "a weekday is 1 (Monday) to 7 (Sunday), got \(day.brief)")
                }
            }
        case let other?:
            // Not silently "every day": a misspelt list would widen the window to the whole week.
            t.fail("weekdays", .fieldType, zh: "weekdays 应为 1–7 的数组，实际为 \(other.brief)", en: "weekdays must be an array of 1–7, got \(other.brief)")
        }
        let from = t.string("from", maxLength: 5), to = t.string("to", maxLength: 5)
        for (key, text) in [("from", from), ("to", to)] {
            if let text, TimeWindow.minutes(text) == nil {
                t.fail(key, .rulesTime, zh: "时间“\(text)”应为 HH:MM", en: "time '\(text)' must be HH:MM")
            }
        }
        if (from == nil) != (to == nil) {
            t.fail(from == nil ? "from" : "to", .rulesTimeWindowHalf, zh: "时间窗需同时给出 from 和 to", en: "a time window needs both from and to")
        }
        window.from = from.flatMap(TimeWindow.minutes)
        window.to = to.flatMap(TimeWindow.minutes)
        if let a = window.from, let b = window.to, a == b {
            t.fail("to", .rulesTimeWindowEmpty, zh: "时间窗起止相同，永远不会匹配", en: "the window starts where it ends and can never match")
        }
        w.absorb(t.errors)
        return window
    }

    /// The document form of `set`, as stored and exported.
    public static func write(_ set: RuleSet) -> JSONValue {
        func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
        func limit(_ l: TimeLimit) -> JSONValue { .object(["amount": .number(Double(l.amount)), "unit": .string(l.unit.rawValue)]) }
        var profiles: [String: JSONValue] = [:]
        for (name, profile) in set.profiles {
            var stages: [String: JSONValue] = [:]
            for (stage, l) in profile.limits { stages[stage.rawValue] = limit(l) }
            profiles[name] = .object(stages)
        }
        let rules: [JSONValue] = set.rules.map { rule in
            var when: [String: JSONValue] = [:]
            let c = rule.when
            if let v = c.categories { when["categories"] = strings(v) }
            if let v = c.areas { when["areas"] = strings(v) }
            if let v = c.grades { when["grades"] = strings(v.sorted()) }
            if let v = c.sources { when["sources"] = strings(v.map(\.rawValue).sorted()) }
            if let v = c.workingTime { when["workingTime"] = .bool(v) }
            if let v = c.keywords { when["keywords"] = strings(v) }
            if let w = c.timeWindow {
                var window: [String: JSONValue] = [:]
                if !w.weekdays.isEmpty { window["weekdays"] = .array(w.weekdays.sorted().map { .number(Double($0)) }) }
                if let from = w.from, let to = w.to {
                    window["from"] = .string(TimeWindow.text(from))
                    window["to"] = .string(TimeWindow.text(to))
                }
                when["timeWindow"] = .object(window)
            }
            var then: [String: JSONValue] = ["level": .string(rule.then.level.rawValue)]
            if let lead = rule.then.lead { then["lead"] = .string(lead.token) }
            if !rule.then.assisting.isEmpty { then["assisting"] = strings(rule.then.assisting) }
            if let p = rule.then.deadlineProfile { then["deadlineProfile"] = .string(p) }
            if rule.then.whistle { then["whistle"] = .bool(true) }
            if rule.then.priority != 0 { then["priority"] = .number(Double(rule.then.priority)) }
            return .object(["id": .string(rule.id), "name": .string(rule.name), "when": .object(when), "then": .object(then)])
        }
        return .object(["profiles": .object(profiles), "rules": .array(rules)])
    }
}
