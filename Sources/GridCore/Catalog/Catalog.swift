/// What kind of problem a problem-list node describes: an event (暴露垃圾), a damaged component
/// (井盖), or an administrative matter of the district's own list.
public enum CategoryKind: String, Sendable, Codable, CaseIterable {
    case event, component, matter

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A grade of a problem-list item (一般/紧急, 轻微/一般/严重) and how long handling may take.
/// One grade of each item is its default, the grade a report without one takes: the one the
/// list marks `"default": true`, else the least urgent (`CategoryEntry.defaultGrade`).
public struct Grade: Sendable, Hashable, Codable {
    public var key: String
    public var name: String
    public var limit: TimeLimit
    public var isDefault: Bool

    public init(key: String, name: String, limit: TimeLimit, isDefault: Bool = false) {
        self.key = key
        self.name = name
        self.limit = limit
        self.isDefault = isDefault
    }

    enum CodingKeys: String, CodingKey {
        case key, name, limit
        case isDefault = "default"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        name = try c.decode(String.self, forKey: .name)
        limit = try c.decode(TimeLimit.self, forKey: .limit)
        isDefault = try c.decodeIfPresent(Bool.self, forKey: .isDefault) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(name, forKey: .name)
        try c.encode(limit, forKey: .limit)
        if isDefault { try c.encode(true, forKey: .isDefault) }
    }

    /// The least urgent of `grades`: the longest limit, compared as elapsed time on a standard
    /// week (a work hour ≈ 4.2 h, a work day ≈ 1.4 days); the first of equals.
    public static func leastUrgent(_ grades: [Grade]) -> Grade? {
        grades.enumerated().max { a, b in
            let x = a.element.limit.approximateMinutes, y = b.element.limit.approximateMinutes
            return x != y ? x < y : a.offset > b.offset
        }?.element
    }
}

extension TimeLimit {
    /// Roughly how long the limit lasts in elapsed minutes on a standard week (40 work hours in
    /// 168): only for ordering limits of different units, never for deadlines.
    public var approximateMinutes: Double {
        switch unit {
        case .minutes: Double(amount)
        case .workHours: Double(amount) * 60 * 168 / 40
        case .workDays: Double(amount) * 1440 * 7 / 5
        case .calendarDays: Double(amount) * 1440
        }
    }
}

/// One node of a district's problem list (问题清单) as it is imported, exported and stored:
/// classes and sub-classes carry a name; items (the leaves) carry standards, grades with time
/// limits, departments, a default level and whether residents may report them. An item loaded
/// from a national profile whose standards are only a template says so (`placeholderStandards`)
/// until the district writes its own.
public struct CategoryEntry: Sendable, Equatable, Codable {
    public var code: String
    public var parentCode: String?
    public var name: String
    public var kind: CategoryKind
    public var isPublic: Bool
    public var filingStandard: String?
    public var closingStandard: String?
    public var grades: [Grade]
    public var leadDepartment: String?
    public var assistingDepartments: [String]
    public var defaultLevel: LadderLevel?
    public var placeholderStandards: Bool
    /// The departments that must report in when the item is whistled (应报到部门), by code.
    public var mustReport: [String]
    /// The powers the item falls under (职权): the law or mandate that names who acts.
    public var powers: String?

    public init(
        code: String, parentCode: String? = nil, name: String, kind: CategoryKind, isPublic: Bool = false,
        filingStandard: String? = nil, closingStandard: String? = nil, grades: [Grade] = [], leadDepartment: String? = nil,
        assistingDepartments: [String] = [], defaultLevel: LadderLevel? = nil, placeholderStandards: Bool = false, mustReport: [String] = [],
        powers: String? = nil
    ) {
        self.mustReport = mustReport
        self.powers = powers
        self.code = code
        self.parentCode = parentCode
        self.name = name
        self.kind = kind
        self.isPublic = isPublic
        self.filingStandard = filingStandard
        self.closingStandard = closingStandard
        self.grades = grades
        self.leadDepartment = leadDepartment
        self.assistingDepartments = assistingDepartments
        self.defaultLevel = defaultLevel
        self.placeholderStandards = placeholderStandards
    }

    enum CodingKeys: String, CodingKey {
        case code, parentCode, name, kind, filingStandard, closingStandard, grades, leadDepartment, assistingDepartments, defaultLevel
        case placeholderStandards, mustReport, powers
        case isPublic = "public"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encodeIfPresent(parentCode, forKey: .parentCode)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(isPublic, forKey: .isPublic)
        try c.encodeIfPresent(filingStandard, forKey: .filingStandard)
        try c.encodeIfPresent(closingStandard, forKey: .closingStandard)
        if !grades.isEmpty { try c.encode(grades, forKey: .grades) }
        try c.encodeIfPresent(leadDepartment, forKey: .leadDepartment)
        if !assistingDepartments.isEmpty { try c.encode(assistingDepartments, forKey: .assistingDepartments) }
        try c.encodeIfPresent(defaultLevel, forKey: .defaultLevel)
        if placeholderStandards { try c.encode(true, forKey: .placeholderStandards) }
        if !mustReport.isEmpty { try c.encode(mustReport, forKey: .mustReport) }
        try c.encodeIfPresent(powers, forKey: .powers)
    }

    /// The grade by key, or the item's default grade when none is named.
    public func grade(_ key: String?) -> Grade? {
        guard let key else { return defaultGrade }
        return grades.first { $0.key == key }
    }

    /// The grade the list marks default, else the least urgent (never simply the first listed).
    public var defaultGrade: Grade? { grades.first(where: \.isDefault) ?? Grade.leastUrgent(grades) }

}

/// A problem list as a whole, in the JSON form the CLI and the API exchange.
public struct CatalogDocument: Sendable, Equatable, Codable {
    public var profile: String?
    public var name: String?
    public var categories: [CategoryEntry]

    public init(profile: String? = nil, name: String? = nil, categories: [CategoryEntry]) {
        self.profile = profile
        self.name = name
        self.categories = categories
    }
}
