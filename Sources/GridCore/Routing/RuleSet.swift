/// Where a report came from; routing rules may treat sources differently.
public enum CaseSource: String, Sendable, Codable, CaseIterable {
    case gridWorker, hotline, resident, department, camera, leader

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }

    public var label: Text {
        switch self {
        case .gridWorker: Text(zh: "网格员上报", en: "grid worker")
        case .hotline: Text(zh: "12345热线", en: "hotline")
        case .resident: Text(zh: "居民自报", en: "resident")
        case .department: Text(zh: "部门移交", en: "department")
        case .camera: Text(zh: "视频发现", en: "camera")
        case .leader: Text(zh: "领导交办", en: "leader")
        }
    }
}

/// The stages of a case that have a deadline, in the order they happen.
public enum Stage: String, Sendable, Codable, CaseIterable {
    /// Filing and dispatch by the command centre (立案派遣).
    case dispatch
    /// Signing for the task by the department (签收).
    case sign
    /// Handling until the department reports back (处置).
    case handle
    /// Checking on site by the grid worker (核查).
    case check
    /// Verifying a report on site by the grid worker (核实), when the command centre asks.
    case verify

    public var label: Text {
        switch self {
        case .dispatch: Text(zh: "立案派遣", en: "filing and dispatch")
        case .sign: Text(zh: "签收", en: "signing")
        case .handle: Text(zh: "处置", en: "handling")
        case .check: Text(zh: "核查", en: "checking")
        case .verify: Text(zh: "核实", en: "verification")
        }
    }
}

/// A named set of stage limits; a limit left out falls back to the default profile, and the
/// handling limit to the item's grade.
public struct DeadlineProfile: Sendable, Equatable, Codable {
    public var limits: [Stage: TimeLimit]

    public init(limits: [Stage: TimeLimit]) { self.limits = limits }

    /// Built-in stage limits (reference §3): filing + dispatch within 1 work hour, the
    /// department signs within 1 work hour, the grid worker verifies a report and checks a
    /// handled case within 4 work hours.
    public static let builtIn = DeadlineProfile(limits: [
        .dispatch: TimeLimit(amount: 1, unit: .workHours), .sign: TimeLimit(amount: 1, unit: .workHours),
        .check: TimeLimit(amount: 4, unit: .workHours), .verify: TimeLimit(amount: 4, unit: .workHours),
    ])
}

/// A daily window in local time, e.g. nights 18:00–08:00 on every day, or weekends.
public struct TimeWindow: Sendable, Equatable, Codable {
    /// ISO weekdays (1 = Monday); empty means every day.
    public var weekdays: Set<Int>
    /// Minutes of the day; `from > to` wraps over midnight; nil means the whole day.
    public var from: Int?
    public var to: Int?

    public init(weekdays: Set<Int> = [], from: Int? = nil, to: Int? = nil) {
        self.weekdays = weekdays
        self.from = from
        self.to = to
    }

    public func contains(weekday: Int, minute: Int) -> Bool {
        if !weekdays.isEmpty && !weekdays.contains(weekday) { return false }
        guard let from, let to else { return true }
        return from <= to ? (minute >= from && minute < to) : (minute >= from || minute < to)
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, text.allSatisfy({ $0 == ":" || ("0"..."9").contains($0) }),
            let h = Int(parts[0]), let m = Int(parts[1]),
            (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440
        else { return nil }
        return h * 60 + m
    }

    static func text(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}

/// What a rule asks of a report; every condition left out matches anything.
public struct RuleCondition: Sendable, Equatable {
    /// Category codes; each covers its subtree of the problem list.
    public var categories: [String]?
    /// Org unit codes; each covers its subtree of the district.
    public var areas: [String]?
    public var grades: Set<String>?
    public var sources: Set<CaseSource>?
    public var timeWindow: TimeWindow?
    /// True: only in the calendar's working time; false: only outside it.
    public var workingTime: Bool?
    /// Matches when the description contains any of these.
    public var keywords: [String]?

    public init(
        categories: [String]? = nil, areas: [String]? = nil, grades: Set<String>? = nil, sources: Set<CaseSource>? = nil,
        timeWindow: TimeWindow? = nil, workingTime: Bool? = nil, keywords: [String]? = nil
    ) {
        self.categories = categories
        self.areas = areas
        self.grades = grades
        self.sources = sources
        self.timeWindow = timeWindow
        self.workingTime = workingTime
        self.keywords = keywords
    }
}

/// Who leads a case: a named department, or the street that owns the case's location.
public enum LeadTarget: Sendable, Equatable, Hashable {
    case department(String)
    case territorialStreet

    /// The token rule documents use for the territorial street.
    public static let territorialToken = "@territorial"

    public var token: String {
        switch self {
        case .department(let code): code
        case .territorialStreet: Self.territorialToken
        }
    }
}

/// What a matching rule decides.
public struct RuleAction: Sendable, Equatable {
    public var level: LadderLevel
    public var lead: LeadTarget?
    public var assisting: [String]
    public var deadlineProfile: String?
    public var whistle: Bool
    public var priority: Int

    public init(
        level: LadderLevel, lead: LeadTarget? = nil, assisting: [String] = [], deadlineProfile: String? = nil,
        whistle: Bool = false, priority: Int = 0
    ) {
        self.level = level
        self.lead = lead
        self.assisting = assisting
        self.deadlineProfile = deadlineProfile
        self.whistle = whistle
        self.priority = priority
    }
}

public struct Rule: Sendable, Equatable {
    public var id: String
    public var name: String
    public var when: RuleCondition
    public var then: RuleAction

    public init(id: String, name: String, when: RuleCondition, then: RuleAction) {
        self.id = id
        self.name = name
        self.when = when
        self.then = then
    }
}

/// An ordered list of rules and the deadline profiles they name: what a district publishes.
public struct RuleSet: Sendable, Equatable {
    public var rules: [Rule]
    public var profiles: [String: DeadlineProfile]

    public init(rules: [Rule], profiles: [String: DeadlineProfile] = [:]) {
        self.rules = rules
        self.profiles = profiles
    }

    public static let empty = RuleSet(rules: [])

    /// The stage limits of a profile: its own, then the set's "default" profile, then built-in.
    public func limits(profile name: String?) -> [Stage: TimeLimit] {
        var limits = DeadlineProfile.builtIn.limits
        if let base = profiles["default"] { limits.merge(base.limits) { _, new in new } }
        if let name, let chosen = profiles[name] { limits.merge(chosen.limits) { _, new in new } }
        return limits
    }
}
