import Foundation
import GridCore

/// The CSV and JSON forms of the problem list, the duty list and routing test tables, shared by
/// the CLI and the HTTP layer. CSV headers may be English keys or the Chinese names districts use;
/// every error names the line and column.
public enum ListFormats {
    // MARK: problem list

    static let catalogColumns: [CSVColumn] = [
        CSVColumn(key: "code", names: ["code", "编码", "事项编码", "类别编码"], required: true),
        CSVColumn(key: "parentCode", names: ["parentCode", "上级编码", "父级编码"], required: false),
        CSVColumn(key: "name", names: ["name", "名称", "事项名称", "类别名称"], required: true),
        CSVColumn(key: "kind", names: ["kind", "类型"], required: true),
        CSVColumn(key: "public", names: ["public", "公开", "是否公开"], required: false),
        CSVColumn(key: "filingStandard", names: ["filingStandard", "立案标准"], required: false),
        CSVColumn(key: "closingStandard", names: ["closingStandard", "结案标准"], required: false),
        CSVColumn(key: "grades", names: ["grades", "等级时限", "处置时限"], required: false),
        CSVColumn(key: "leadDepartment", names: ["leadDepartment", "主办部门", "责任部门"], required: false),
        CSVColumn(key: "assistingDepartments", names: ["assistingDepartments", "协办部门"], required: false),
        CSVColumn(key: "defaultLevel", names: ["defaultLevel", "处置层级", "默认层级"], required: false),
        CSVColumn(key: "placeholderStandards", names: ["placeholderStandards", "标准待定"], required: false),
    ]

    static let kindNames: [String: CategoryKind] = ["事件": .event, "部件": .component, "事项": .matter]
    static let levelNames: [String: LadderLevel] = ["网格": .grid, "社区": .community, "片区": .zone, "街道": .street, "区级": .district, "区": .district]
    static let unitNames: [String: LimitUnit] = ["分钟": .minutes, "工作小时": .workHours, "工作日": .workDays, "自然日": .calendarDays, "天": .calendarDays]
    static let listSeparators = CharacterSet(charactersIn: ";；、|")

    /// The entries of a problem-list CSV, with a source label per entry ("line 7").
    public static func readCatalogCSV(_ data: Data) throws(GridError) -> (entries: [CategoryEntry], sources: [String]) {
        let table = try CSVTable.parse(data)
        let columns = try table.columns(catalogColumns)
        var entries: [CategoryEntry] = [], sources: [String] = [], errors: [FieldError] = []
        for row in table.rows {
            let at = "line \(row.line)"
            func fail(_ column: String, _ code: ErrorCode, _ zh: String, _ en: String) {
                errors.append(FieldError("\(at), \(column)", code, Text(zh: zh, en: en)))
            }
            let code = columns.value("code", in: row), name = columns.value("name", in: row)
            if code == nil { fail("code", .fieldRequired, "缺少编码", "code is required") }
            if name == nil { fail("name", .fieldRequired, "缺少名称", "name is required") }
            var kind: CategoryKind?
            if let text = columns.value("kind", in: row) {
                kind = CategoryKind(rawValue: text) ?? kindNames[text]
                if kind == nil { fail("kind", .fieldUnknownValue, "类型“\(text)”无效，可选：事件、部件、事项", "kind '\(text)' is not one of: \(CategoryKind.allowedList)") }
            } else {
                fail("kind", .fieldRequired, "缺少类型", "kind is required")
            }
            var isPublic = false
            if let text = columns.value("public", in: row) {
                if let value = yesNo(text) {
                    isPublic = value
                } else {
                    fail("public", .fieldType, "“公开”应为 是/否，实际为“\(text)”", "public must be true/false (是/否), got '\(text)'")
                }
            }
            var placeholders = false
            if let text = columns.value("placeholderStandards", in: row) {
                if let value = yesNo(text) {
                    placeholders = value
                } else {
                    fail(
                        "placeholderStandards", .fieldType, "“标准待定”应为 是/否，实际为“\(text)”",
                        "placeholderStandards must be true/false (是/否), got '\(text)'")
                }
            }
            var level: LadderLevel?
            if let text = columns.value("defaultLevel", in: row) {
                level = LadderLevel(rawValue: text) ?? levelNames[text]
                if level == nil {
                    fail(
                        "defaultLevel", .fieldUnknownValue, "处置层级“\(text)”无效，可选：社区、街道、区级",
                        "defaultLevel '\(text)' is not one of: \(LadderLevel.allowedList)")
                }
            }
            var grades: [Grade] = []
            if let text = columns.value("grades", in: row) {
                for part in text.components(separatedBy: listSeparators).map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
                    do throws(GridError) { grades.append(try grade(part)) } catch {
                        errors.append(FieldError("\(at), grades", error.code, error.message))
                    }
                }
            }
            guard let code, let name, let kind else { continue }
            entries.append(
                CategoryEntry(
                    code: code, parentCode: columns.value("parentCode", in: row), name: name, kind: kind, isPublic: isPublic,
                    filingStandard: columns.value("filingStandard", in: row), closingStandard: columns.value("closingStandard", in: row),
                    grades: grades, leadDepartment: columns.value("leadDepartment", in: row),
                    assistingDepartments: list(columns.value("assistingDepartments", in: row)), defaultLevel: level,
                    placeholderStandards: placeholders))
            sources.append(at)
            if errors.count >= OrgPlanner.maxErrors { break }
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return (entries, sources)
    }

    /// A yes/no cell in English or Chinese; nil for anything else.
    static func yesNo(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "y", "1", "是": true
        case "false", "no", "n", "0", "否": false
        default: nil
        }
    }

    /// A grade cell part: `key:名称:amount unit`, e.g. `general:一般:7 workDays` or `urgent:紧急:4工作小时`.
    static func grade(_ text: String) throws(GridError) -> Grade {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "：" }).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw GridError(
                .catalogGrade,
                Text(zh: "等级“\(text)”应写成 键:名称:时限，如 general:一般:7 workDays", en: "grade '\(text)' must read key:name:limit, e.g. general:一般:7 workDays"))
        }
        let digits = parts[2].prefix { $0.isASCII && $0.isNumber }
        let unitText = parts[2].dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let amount = Int(digits), amount <= TimeLimit.maxAmount else {
            throw GridError(
                .catalogGrade,
                Text(zh: "等级“\(text)”的时限“\(parts[2])”应以数字开头", en: "the limit '\(parts[2])' of grade '\(text)' must start with a number"))
        }
        guard !unitText.isEmpty else {
            throw GridError(
                .catalogGrade,
                Text(zh: "等级“\(text)”的时限缺少单位（分钟、工作小时、工作日、自然日）", en: "the limit of grade '\(text)' has no unit (\(LimitUnit.allowedList))"))
        }
        guard let unit = LimitUnit(rawValue: unitText) ?? unitNames[unitText] else {
            throw GridError(
                .catalogGrade,
                Text(zh: "时限单位“\(unitText)”无效，可选：分钟、工作小时、工作日、自然日", en: "limit unit '\(unitText)' is not one of: \(LimitUnit.allowedList)"))
        }
        return Grade(key: parts[0], name: parts[1], limit: TimeLimit(amount: amount, unit: unit))
    }

    static func list(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.components(separatedBy: listSeparators).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The header a CSV export writes for a column: its first Chinese name (imports accept every name).
    static func chineseHeader(_ column: CSVColumn) -> String {
        column.names.first { $0.unicodeScalars.contains { $0.value >= 0x4E00 } } ?? column.key
    }

    public static func catalogCSV(_ entries: [CategoryEntry]) -> String {
        let rows = entries.map { e in
            [
                e.code, e.parentCode ?? "", e.name, chinese(e.kind), e.isPublic ? "是" : "否", e.filingStandard ?? "", e.closingStandard ?? "",
                e.grades.map { "\($0.key):\($0.name):\($0.limit.amount)\(chinese($0.limit.unit))" }.joined(separator: "；"),
                e.leadDepartment ?? "", e.assistingDepartments.joined(separator: "、"), e.defaultLevel?.label.zh ?? "",
                e.placeholderStandards ? "是" : "",
            ]
        }
        return CSVTable.render(header: catalogColumns.map(chineseHeader), rows: rows)
    }

    static func chinese(_ kind: CategoryKind) -> String {
        switch kind {
        case .event: "事件"
        case .component: "部件"
        case .matter: "事项"
        }
    }

    static func chinese(_ unit: LimitUnit) -> String {
        switch unit {
        case .minutes: "分钟"
        case .workHours: "工作小时"
        case .workDays: "工作日"
        case .calendarDays: "自然日"
        }
    }

    public static func catalogJSON(_ entries: [CategoryEntry]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(CatalogDocument(categories: entries))
    }

    // MARK: duty list

    static let dutyColumns: [CSVColumn] = [
        CSVColumn(key: "categoryCode", names: ["categoryCode", "事项编码", "类别编码"], required: true),
        CSVColumn(key: "areaCode", names: ["areaCode", "区域编码", "单元编码", "组织编码"], required: true),
        CSVColumn(key: "department", names: ["department", "责任部门", "部门编码"], required: true),
        CSVColumn(key: "note", names: ["note", "备注", "依据", "法律依据"], required: false),
    ]

    public static func readDutyCSV(_ data: Data) throws(GridError) -> (entries: [DutyEntry], sources: [String]) {
        let table = try CSVTable.parse(data)
        let columns = try table.columns(dutyColumns)
        var entries: [DutyEntry] = [], sources: [String] = [], errors: [FieldError] = []
        for row in table.rows {
            var values: [String: String] = [:]
            for column in dutyColumns where column.required {
                if let value = columns.value(column.key, in: row) {
                    values[column.key] = value
                } else {
                    errors.append(
                        FieldError("line \(row.line), \(column.key)", .fieldRequired, Text(zh: "缺少 \(column.names[1])", en: "\(column.key) is required")))
                }
            }
            if let category = values["categoryCode"], let area = values["areaCode"], let department = values["department"] {
                entries.append(DutyEntry(categoryCode: category, areaCode: area, department: department, note: columns.value("note", in: row)))
                sources.append("line \(row.line)")
            }
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return (entries, sources)
    }

    /// `{"duties": [{"categoryCode", "areaCode", "department", "note"}]}`.
    public static func readDutyJSON(_ document: JSONValue) throws(GridError) -> [DutyEntry] {
        guard let items = document["duties"]?.array else {
            throw GridError.invalid([FieldError("duties", .dutyNoDuties, Text(zh: "缺少 duties 数组", en: "duties must be an array"))])
        }
        var entries: [DutyEntry] = [], errors: [FieldError] = []
        for (i, item) in items.enumerated() {
            guard var r = FieldReader(item, source: "duties[\(i)]", errors: &errors) else { continue }
            r.rejectUnknownKeys(["categoryCode", "areaCode", "department", "note"])
            let category = r.string("categoryCode", required: true, maxLength: 32), area = r.string("areaCode", required: true, maxLength: 32)
            let department = r.string("department", required: true, maxLength: 32), note = r.string("note", maxLength: 1000)
            errors.append(contentsOf: r.errors)
            if let category, let area, let department { entries.append(DutyEntry(categoryCode: category, areaCode: area, department: department, note: note)) }
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return entries
    }

    public static func dutyCSV(_ entries: [DutyEntry]) -> String {
        CSVTable.render(header: dutyColumns.map(chineseHeader), rows: entries.map { [$0.categoryCode, $0.areaCode, $0.department, $0.note ?? ""] })
    }

    public static func dutyJSON(_ entries: [DutyEntry]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(["duties": entries])
    }

    // MARK: routing test tables

    static let testColumns: [CSVColumn] = [
        CSVColumn(key: "category", names: ["category", "事项编码", "类别编码"], required: true),
        CSVColumn(key: "grade", names: ["grade", "等级"], required: false),
        CSVColumn(key: "source", names: ["source", "来源"], required: false),
        CSVColumn(key: "lat", names: ["lat", "纬度"], required: true),
        CSVColumn(key: "lng", names: ["lng", "经度"], required: true),
        CSVColumn(key: "description", names: ["description", "描述"], required: false),
        CSVColumn(key: "at", names: ["at", "时间", "上报时间"], required: false),
        CSVColumn(key: "expectRule", names: ["expectRule", "期望规则"], required: false),
        CSVColumn(key: "expectLead", names: ["expectLead", "期望主办"], required: false),
        CSVColumn(key: "expectLevel", names: ["expectLevel", "期望层级"], required: false),
    ]

    /// A routing test table: one expected routing per line. Times are RFC 3339 or
    /// `YYYY-MM-DD HH:MM` in the district's time (UTC+8).
    public static func readRoutingTests(_ data: Data, now: Date = Date()) throws(GridError) -> [RoutingTestCase] {
        let table = try CSVTable.parse(data)
        let columns = try table.columns(testColumns)
        var cases: [RoutingTestCase] = [], errors: [FieldError] = []
        for row in table.rows {
            let at = "line \(row.line)"
            func fail(_ column: String, _ zh: String, _ en: String) {
                errors.append(FieldError("\(at), \(column)", .routingTestInvalid, Text(zh: zh, en: en)))
            }
            let lat = columns.value("lat", in: row).flatMap(Double.init), lng = columns.value("lng", in: row).flatMap(Double.init)
            if lat == nil { fail("lat", "纬度应为数字", "lat must be a number") }
            if lng == nil { fail("lng", "经度应为数字", "lng must be a number") }
            var source = CaseSource.gridWorker
            if let text = columns.value("source", in: row) {
                if let known = CaseSource(rawValue: text) {
                    source = known
                } else {
                    fail("source", "来源“\(text)”无效，可选：\(CaseSource.allowedList)", "source '\(text)' is not one of: \(CaseSource.allowedList)")
                }
            }
            var time = now
            if let text = columns.value("at", in: row) {
                if let parsed = parseTime(text) {
                    time = parsed
                } else {
                    fail("at", "时间“\(text)”应为 2026-11-23 10:00 或 RFC 3339", "time '\(text)' must be 2026-11-23 10:00 or RFC 3339")
                }
            }
            var level: LadderLevel?
            if let text = columns.value("expectLevel", in: row) {
                level = LadderLevel(rawValue: text) ?? levelNames[text]
                if level == nil { fail("expectLevel", "层级“\(text)”无效", "level '\(text)' is not one of: \(LadderLevel.allowedList)") }
            }
            guard let category = columns.value("category", in: row), let lat, let lng else { continue }
            cases.append(
                RoutingTestCase(
                    source: at,
                    question: RoutingQuestion(
                        categoryCode: category, grade: columns.value("grade", in: row), source: source, lat: lat, lng: lng,
                        description: columns.value("description", in: row) ?? "", at: time),
                    expectedBasis: columns.value("expectRule", in: row), expectedLead: columns.value("expectLead", in: row), expectedLevel: level))
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return cases
    }

    /// RFC 3339, or `YYYY-MM-DD HH:MM` read as China Standard Time.
    public static func parseTime(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let local = text.replacingOccurrences(of: " ", with: "T")
        return try? Date(local + ":00+08:00", strategy: .iso8601)
    }
}
