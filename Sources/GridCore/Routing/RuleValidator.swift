/// What a rule set is checked against: the district's problem list, org units and departments.
public struct RoutingVocabulary: Sendable {
    /// Every category code with its chain from the root down to itself.
    public var categoryChains: [String: [String]]
    /// The area codes rules name that exist, each with its chain from the district down.
    public var areaChains: [String: [String]]
    public var departments: Set<String>
    /// Grade keys per item code.
    public var grades: [String: Set<String>]

    public init(categoryChains: [String: [String]], areaChains: [String: [String]], departments: Set<String>, grades: [String: Set<String>]) {
        self.categoryChains = categoryChains
        self.areaChains = areaChains
        self.departments = departments
        self.grades = grades
    }
}

/// The result of validating a rule set: errors block publishing, warnings do not.
public struct RuleSetReport: Sendable, Equatable {
    public var errors: [FieldError]
    public var warnings: [FieldError]

    public init(errors: [FieldError], warnings: [FieldError]) {
        self.errors = errors
        self.warnings = warnings
    }

    public var isPublishable: Bool { errors.isEmpty }
}

/// Checks a rule set before it is published: unknown codes and profiles are errors; a rule that
/// an earlier rule shadows completely (unreachable), and two rules that overlap partly with
/// different actions, are warnings.
public enum RuleValidator {
    public static func validate(_ set: RuleSet, against vocabulary: RoutingVocabulary) -> RuleSetReport {
        var errors: [FieldError] = [], warnings: [FieldError] = []
        var ids: [String: Int] = [:]
        let allGrades = vocabulary.grades.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        for (i, rule) in set.rules.enumerated() {
            let at = "rules[\(i)]"
            func error(_ field: String, _ code: ErrorCode, _ zh: String, _ en: String) {
                errors.append(FieldError("\(at).\(field)", code, Text(zh: zh, en: en)))
            }
            if let earlier = ids[rule.id] {
                error("id", .rulesDuplicateId, "规则编号“\(rule.id)”重复（rules[\(earlier)]）", "rule id '\(rule.id)' is used twice (rules[\(earlier)])")
            } else {
                ids[rule.id] = i
            }
            for (k, code) in (rule.when.categories ?? []).enumerated() where vocabulary.categoryChains[code] == nil {
                error("when.categories[\(k)]", .categoryUnknown, "问题类别“\(code)”不存在", "category '\(code)' does not exist")
            }
            for (k, code) in (rule.when.areas ?? []).enumerated() where vocabulary.areaChains[code] == nil {
                error("when.areas[\(k)]", .orgUnitUnknown, "区域“\(code)”不存在", "org unit '\(code)' does not exist")
            }
            if let grades = rule.when.grades {
                let offered = offeredGrades(rule.when.categories, vocabulary) ?? allGrades
                for grade in grades.sorted() where !offered.contains(grade) {
                    error(
                        "when.grades", .gradeUnknown, "等级“\(grade)”不是所选事项的等级（可选：\(offered.sorted().joined(separator: ", "))）",
                        "grade '\(grade)' is not a grade of the rule's items (known: \(offered.sorted().joined(separator: ", ")))")
                }
            }
            if case .department(let code)? = rule.then.lead, !vocabulary.departments.contains(code) {
                error(
                    "then.lead", .departmentUnknown, "部门“\(code)”不存在（属地街道请写 \(LeadTarget.territorialToken)）",
                    "department '\(code)' does not exist (write \(LeadTarget.territorialToken) for the territorial street)")
            }
            for (k, code) in rule.then.assisting.enumerated() where !vocabulary.departments.contains(code) {
                error("then.assisting[\(k)]", .departmentUnknown, "部门“\(code)”不存在", "department '\(code)' does not exist")
            }
            if let profile = rule.then.deadlineProfile, set.profiles[profile] == nil {
                let known = set.profiles.keys.sorted().joined(separator: ", ")
                error(
                    "then.deadlineProfile", .rulesUnknownProfile, "时限方案“\(profile)”未在 profiles 中定义（已有：\(known)）",
                    "deadline profile '\(profile)' is not defined in profiles (defined: \(known))")
            }
        }
        guard errors.isEmpty else { return RuleSetReport(errors: errors, warnings: []) }

        for j in set.rules.indices {
            let later = set.rules[j]
            for i in 0..<j {
                let earlier = set.rules[i]
                if covers(earlier.when, later.when, vocabulary) {
                    warnings.append(
                        FieldError(
                            "rules[\(j)]", .rulesRuleShadowed,
                            Text(
                                zh: "规则“\(later.id)”永远不会生效：前面的规则“\(earlier.id)”（rules[\(i)]）已匹配它能匹配的全部上报",
                                en: "rule '\(later.id)' is unreachable: the earlier rule '\(earlier.id)' (rules[\(i)]) matches everything it matches")))
                    break
                }
                if earlier.then != later.then, intersects(earlier.when, later.when, vocabulary), !covers(later.when, earlier.when, vocabulary) {
                    warnings.append(
                        FieldError(
                            "rules[\(j)]", .rulesRuleOverlaps,
                            Text(
                                zh: "规则“\(later.id)”与前面的规则“\(earlier.id)”（rules[\(i)]）部分重叠且处置不同：两者都匹配时以“\(earlier.id)”为准",
                                en:
                                    "rule '\(later.id)' overlaps the earlier rule '\(earlier.id)' (rules[\(i)]) with a different action; where both match, '\(earlier.id)' wins"
                            )))
                }
            }
        }
        return RuleSetReport(errors: errors, warnings: warnings)
    }

    /// Grade keys of the items under `categories`, or nil for "any category".
    static func offeredGrades(_ categories: [String]?, _ v: RoutingVocabulary) -> Set<String>? {
        guard let categories else { return nil }
        var result = Set<String>()
        for (item, grades) in v.grades where v.categoryChains[item].map({ $0.contains(where: categories.contains) }) ?? false {
            result.formUnion(grades)
        }
        return result
    }

    /// Whether every report `b` matches is matched by `a`.
    static func covers(_ a: RuleCondition, _ b: RuleCondition, _ v: RoutingVocabulary) -> Bool {
        func treeCovers(_ x: [String]?, _ y: [String]?, _ chains: [String: [String]]) -> Bool {
            guard let x else { return true }
            guard let y else { return false }
            return y.allSatisfy { code in (chains[code] ?? [code]).contains(where: x.contains) }
        }
        func setCovers<T>(_ x: Set<T>?, _ y: Set<T>?) -> Bool {
            guard let x else { return true }
            guard let y else { return false }
            return y.isSubset(of: x)
        }
        let keywordsCovered: Bool = {
            guard let x = a.keywords else { return true }
            guard let y = b.keywords else { return false }
            return y.allSatisfy { kb in x.contains { kb.contains($0) } }
        }()
        return treeCovers(a.categories, b.categories, v.categoryChains) && treeCovers(a.areas, b.areas, v.areaChains)
            && setCovers(a.grades, b.grades) && setCovers(a.sources, b.sources)
            && (a.timeWindow == nil || a.timeWindow == b.timeWindow) && (a.workingTime == nil || a.workingTime == b.workingTime)
            && keywordsCovered
    }

    /// Whether some report could match both (time windows and keywords are assumed to meet).
    static func intersects(_ a: RuleCondition, _ b: RuleCondition, _ v: RoutingVocabulary) -> Bool {
        func treeMeets(_ x: [String]?, _ y: [String]?, _ chains: [String: [String]]) -> Bool {
            guard let x, let y else { return true }
            return x.contains { cx in y.contains { cy in (chains[cy] ?? [cy]).contains(cx) || (chains[cx] ?? [cx]).contains(cy) } }
        }
        func setsMeet<T>(_ x: Set<T>?, _ y: Set<T>?) -> Bool {
            guard let x, let y else { return true }
            return !x.isDisjoint(with: y)
        }
        return treeMeets(a.categories, b.categories, v.categoryChains) && treeMeets(a.areas, b.areas, v.areaChains)
            && setsMeet(a.grades, b.grades) && setsMeet(a.sources, b.sources)
            && (a.workingTime == nil || b.workingTime == nil || a.workingTime == b.workingTime)
    }
}
