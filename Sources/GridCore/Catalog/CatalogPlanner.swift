import Foundation

/// Reads a problem list from its JSON form and checks it against the district's current list and
/// departments before anything is written: every problem is reported with the entry and field.
public enum CatalogPlanner {
    static let codePattern = "^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
    static let maxStandardLength = 2000
    static let entryKeys: Set<String> = [
        "code", "parentCode", "name", "kind", "public", "filingStandard", "closingStandard", "grades", "leadDepartment",
        "assistingDepartments", "defaultLevel", "placeholderStandards", "localExtension", "mustReport", "powers",
    ]

    /// The entries of a `{"categories": [...]}` document.
    public static func read(_ document: JSONValue) throws(GridError) -> CatalogDocument {
        var errors: [FieldError] = []
        guard var top = FieldReader(document, source: "$", errors: &errors) else { throw GridError.invalid(errors) }
        top.rejectUnknownKeys(["profile", "name", "categories"])
        let profile = top.string("profile"), name = top.string("name")
        guard let items = document["categories"]?.array else {
            throw GridError.invalid(
                top.errors + [FieldError("categories", .catalogNoCategories, Text(zh: "缺少 categories 数组", en: "categories must be an array"))])
        }
        errors = top.errors
        var entries: [CategoryEntry] = []
        for (i, item) in items.enumerated() {
            if let entry = readEntry(item, source: "categories[\(i)]", errors: &errors) { entries.append(entry) }
            if errors.count >= OrgPlanner.maxErrors { break }
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return CatalogDocument(profile: profile, name: name, categories: entries)
    }

    static func readEntry(_ value: JSONValue, source: String, errors: inout [FieldError]) -> CategoryEntry? {
        guard var r = FieldReader(value, source: source, errors: &errors) else { return nil }
        r.rejectUnknownKeys(entryKeys)
        let code = r.string("code", required: true, maxLength: 32)
        let parentCode = r.string("parentCode", maxLength: 32)
        let name = r.string("name", required: true, maxLength: 100)
        let kind = r.enumValue("kind", CategoryKind.self, required: true)
        let isPublic = r.bool("public") ?? false
        let filing = r.string("filingStandard", maxLength: maxStandardLength)
        let closing = r.string("closingStandard", maxLength: maxStandardLength)
        let lead = r.string("leadDepartment", maxLength: 32)
        let assisting = r.strings("assistingDepartments", maxLength: 32) ?? []
        let level = r.enumValue("defaultLevel", LadderLevel.self)
        let placeholders = r.bool("placeholderStandards") ?? false
        let mustReport = r.strings("mustReport", maxLength: 32) ?? []
        let powers = r.string("powers", maxLength: maxStandardLength)
        // A profile marks the codes that are not the standard's own; nothing is kept of it.
        _ = r.bool("localExtension")
        var grades: [Grade] = []
        switch value["grades"] {
        case nil, .null?: break
        case .array(let items)?:
            for (g, item) in items.enumerated() {
                var nestedErrors: [FieldError] = []
                guard var gr = FieldReader(item, source: r.path("grades[\(g)]"), errors: &nestedErrors) else {
                    r.absorb(nestedErrors)
                    continue
                }
                gr.rejectUnknownKeys(["key", "name", "limit", "default"])
                let key = gr.string("key", required: true, maxLength: 32), gradeName = gr.string("name", required: true, maxLength: 50)
                let limit = gr.limit("limit", required: true), isDefault = gr.bool("default") ?? false
                r.absorb(gr.errors)
                if let key, let gradeName, let limit { grades.append(Grade(key: key, name: gradeName, limit: limit, isDefault: isDefault)) }
            }
        case let other?:
            r.fail("grades", .fieldType, zh: "grades 应为数组，实际为 \(other.brief)", en: "grades must be an array, got \(other.brief)")
        }
        errors.append(contentsOf: r.errors)
        guard r.errors.isEmpty, let code, let name, let kind else { return nil }
        return CategoryEntry(
            code: code, parentCode: parentCode, name: name, kind: kind, isPublic: isPublic, filingStandard: filing,
            closingStandard: closing, grades: grades, leadDepartment: lead, assistingDepartments: assisting, defaultLevel: level,
            placeholderStandards: placeholders, mustReport: mustReport, powers: powers)
    }

    /// `entry` of a district's own document, marked as placeholder standards only while they are
    /// the ones stored under the mark.
    static func keepingStoredMark(_ entry: CategoryEntry, _ stored: CategoryEntry?) -> CategoryEntry {
        var entry = entry
        entry.placeholderStandards =
            stored?.placeholderStandards == true && stored?.filingStandard == entry.filingStandard
            && stored?.closingStandard == entry.closingStandard
        return entry
    }

    /// What an import will do: the entries to write, parents before children.
    public struct Plan: Sendable, Equatable {
        public var upserts: [CategoryEntry]
        public var inserted: Int
        public var updated: Int
        public var unchanged: Int
    }

    /// Checks `entries` merged over `existing` (by code): codes, parents, cycles, grades and
    /// departments. Entries equal to what is stored are left out of the plan.
    ///
    /// Only a national profile (`fromProfile`) says which standards are placeholders. A district's
    /// own document cannot: its entry keeps the stored mark while its standards stay as they are,
    /// and loses it when they change, so editing the standards is what clears it.
    public static func plan(
        _ entries: [CategoryEntry], existing: [CategoryEntry], departmentCodes: Set<String>,
        source: (Int) -> String = { "categories[\($0)]" }, fromProfile: Bool = false
    ) throws(GridError) -> Plan {
        let stored = Dictionary(existing.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let entries = fromProfile ? entries : entries.map { keepingStoredMark($0, stored[$0.code]) }
        var errors: [FieldError] = []
        var merged: [String: CategoryEntry] = Dictionary(existing.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var firstIndex: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            let at = source(i)
            if let earlier = firstIndex[entry.code] {
                errors.append(
                    FieldError(
                        "\(at).code", .catalogDuplicateCode,
                        Text(zh: "编码“\(entry.code)”重复（已在 \(source(earlier)) 出现）", en: "code '\(entry.code)' appears twice (first at \(source(earlier)))")))
                continue
            }
            firstIndex[entry.code] = i
            if entry.code.range(of: codePattern, options: .regularExpression) == nil {
                errors.append(
                    FieldError(
                        "\(at).code", .catalogBadCode,
                        Text(zh: "编码“\(entry.code)”只能含字母、数字、_ 和 -，且不超过 32 位", en: "code '\(entry.code)' may hold letters, digits, _ and - only (≤ 32)")))
            }
            if entry.parentCode == entry.code {
                errors.append(
                    FieldError("\(at).parentCode", .catalogSelfParent, Text(zh: "“\(entry.code)”不能是自己的上级", en: "'\(entry.code)' cannot be its own parent")))
            }
            var seen = Set<String>()
            for (g, grade) in entry.grades.enumerated() where !seen.insert(grade.key).inserted {
                errors.append(
                    FieldError(
                        "\(at).grades[\(g)].key", .catalogDuplicateGrade,
                        Text(zh: "等级“\(grade.key)”重复", en: "grade '\(grade.key)' appears twice")))
            }
            let defaults = entry.grades.filter(\.isDefault).map(\.key)
            if defaults.count > 1 {
                errors.append(
                    FieldError(
                        "\(at).grades", .catalogTwoDefaultGrades,
                        Text(
                            zh: "事项“\(entry.code)”只能有一个默认等级，实际有 \(defaults.joined(separator: "、"))",
                            en: "item '\(entry.code)' may have one default grade, got \(defaults.joined(separator: ", "))")))
            }
            if let lead = entry.leadDepartment, !departmentCodes.contains(lead) {
                errors.append(
                    FieldError(
                        "\(at).leadDepartment", .departmentUnknown,
                        Text(zh: "部门“\(lead)”不存在", en: "department '\(lead)' does not exist")))
            }
            for (k, department) in entry.assistingDepartments.enumerated() where !departmentCodes.contains(department) {
                errors.append(
                    FieldError(
                        "\(at).assistingDepartments[\(k)]", .departmentUnknown,
                        Text(zh: "部门“\(department)”不存在", en: "department '\(department)' does not exist")))
            }
            for (k, department) in entry.mustReport.enumerated() where !departmentCodes.contains(department) {
                errors.append(
                    FieldError(
                        "\(at).mustReport[\(k)]", .departmentUnknown,
                        Text(zh: "部门“\(department)”不存在", en: "department '\(department)' does not exist")))
            }
            if let lead = entry.leadDepartment, entry.assistingDepartments.contains(lead) {
                errors.append(
                    FieldError(
                        "\(at).assistingDepartments", .catalogLeadAssists,
                        Text(zh: "主办部门“\(lead)”不应同时是协办部门", en: "lead department '\(lead)' cannot also assist")))
            }
            merged[entry.code] = entry
        }
        var hasChildren = Set<String>()
        // A self-parent is reported once, as such: it neither makes the entry a class nor counts as a cycle.
        for entry in merged.values { if let parent = entry.parentCode, parent != entry.code { hasChildren.insert(parent) } }
        for (code, i) in firstIndex.sorted(by: { $0.value < $1.value }) {
            guard let entry = merged[code] else { continue }
            let at = source(i)
            if let parent = entry.parentCode, parent != code, merged[parent] == nil {
                errors.append(
                    FieldError(
                        "\(at).parentCode", .catalogUnknownParent,
                        Text(zh: "上级编码“\(parent)”不存在", en: "parent code '\(parent)' does not exist")))
            }
            // A new child under a stored item that keeps its grades would turn that item into a class with grades.
            if let parent = entry.parentCode, firstIndex[parent] == nil, let stored = merged[parent], !stored.grades.isEmpty {
                errors.append(
                    FieldError(
                        "\(at).parentCode", .catalogGradesOnClass,
                        Text(zh: "上级“\(parent)”是带等级时限的事项，不能再有子项", en: "parent '\(parent)' is an item with grades and cannot have sub-items")))
            }
            if hasChildren.contains(code), !entry.grades.isEmpty {
                errors.append(
                    FieldError(
                        "\(at).grades", .catalogGradesOnClass,
                        Text(zh: "“\(code)”下有子项，等级时限应定义在子项上", en: "'\(code)' has sub-items; grades and limits belong on its items")))
            }
            if !hasChildren.contains(code), entry.grades.isEmpty {
                errors.append(
                    FieldError(
                        "\(at).grades", .catalogItemWithoutGrades,
                        Text(zh: "事项“\(code)”至少需要一个带处置时限的等级", en: "item '\(code)' needs at least one grade with a time limit")))
            }
        }
        // Cycles: walk up from every entry of the document; a walk longer than the tree is a loop.
        for (code, i) in firstIndex.sorted(by: { $0.value < $1.value }) {
            guard merged[code]?.parentCode != code else { continue }
            var current = merged[code]?.parentCode, steps = 0
            while let step = current, steps <= merged.count {
                if step == code {
                    errors.append(
                        FieldError(
                            "\(source(i)).parentCode", .catalogCycle,
                            Text(zh: "“\(code)”的上级链回到了自身", en: "the parent chain of '\(code)' leads back to itself")))
                    break
                }
                current = merged[step]?.parentCode
                steps += 1
            }
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }

        var changed = entries.filter { stored[$0.code] != $0 }
        let depth: (CategoryEntry) -> Int = { entry in
            var d = 0, current = entry.parentCode
            while let step = current {
                d += 1
                current = merged[step]?.parentCode
            }
            return d
        }
        changed.sort { depth($0) < depth($1) }
        let inserted = changed.filter { stored[$0.code] == nil }.count
        return Plan(upserts: changed, inserted: inserted, updated: changed.count - inserted, unchanged: entries.count - changed.count)
    }
}
