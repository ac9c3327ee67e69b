import Foundation

/// A kind of whistle a district uses (巡查哨, 会商哨, 执法哨, 管理哨…), with its report-in limit.
public struct WhistleKind: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    /// Minutes the summoned departments have to report in on site.
    public var limitMinutes: Int

    public init(code: String, name: String, limitMinutes: Int = ReportIn.defaultLimitMinutes) {
        self.code = code
        self.name = name
        self.limitMinutes = limitMinutes
    }
}

/// A district's whistle settings: its kinds and their limits, how far from the whistle's place a
/// check-in may be before it is flagged, whether communities and villages may whistle to their
/// street's offices (村社吹哨、科室报到), and the top of the street's scoring scale.
public struct WhistleSettings: Sendable, Equatable, Codable {
    public var kinds: [WhistleKind]
    public var radiusMeters: Double
    public var communityWhistles: Bool
    /// Each department is scored 1…scoreMax on each criterion (on time, attitude, result).
    public var scoreMax: Int

    public static let defaultKinds = [
        WhistleKind(code: "patrol", name: "巡查哨"), WhistleKind(code: "consult", name: "会商哨"),
        WhistleKind(code: "enforce", name: "执法哨"), WhistleKind(code: "manage", name: "管理哨"),
    ]
    public static let maxKinds = 20
    public static let maxLimitMinutes = 24 * 60
    public static let scoreMaxRange = 3...100

    public init(
        kinds: [WhistleKind] = WhistleSettings.defaultKinds, radiusMeters: Double = ReportIn.defaultRadiusMeters, communityWhistles: Bool = false,
        scoreMax: Int = 5
    ) {
        self.kinds = kinds
        self.radiusMeters = radiusMeters
        self.communityWhistles = communityWhistles
        self.scoreMax = scoreMax
    }

    enum CodingKeys: String, CodingKey { case kinds, radiusMeters, communityWhistles, scoreMax }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kinds = try c.decodeIfPresent([WhistleKind].self, forKey: .kinds) ?? Self.defaultKinds
        radiusMeters = try c.decodeIfPresent(Double.self, forKey: .radiusMeters) ?? ReportIn.defaultRadiusMeters
        communityWhistles = try c.decodeIfPresent(Bool.self, forKey: .communityWhistles) ?? false
        scoreMax = try c.decodeIfPresent(Int.self, forKey: .scoreMax) ?? 5
    }

    public func kind(_ code: String) -> WhistleKind? { kinds.first { $0.code == code } }

    public var allowedKinds: String { kinds.map(\.code).joined(separator: ", ") }

    /// A kind as the CLI gives it: `CODE=NAME[:MINUTES]` (`enforce=执法哨:30`).
    public static func parseKind(_ text: String) throws -> WhistleKind {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let nameLimit = parts.count == 2 ? parts[1].split(separator: ":", omittingEmptySubsequences: false).map(String.init) : []
        guard parts.count == 2, !parts[0].isEmpty, (1...2).contains(nameLimit.count), !nameLimit[0].isEmpty,
            nameLimit.count == 1 || Int(nameLimit[1]) != nil
        else {
            throw GridError.invalid([
                FieldError(
                    "kind", .fieldFormat,
                    Text(
                        zh: "哨种“\(text)”应写作 代码=名称[:分钟]，如 enforce=执法哨:30", en: "kind '\(text)' should read CODE=NAME[:MINUTES], e.g. enforce=执法哨:30"))
            ])
        }
        return WhistleKind(code: parts[0], name: nameLimit[0], limitMinutes: nameLimit.count == 2 ? Int(nameLimit[1])! : ReportIn.defaultLimitMinutes)
    }

    /// Every problem named: no kind, too many, a code twice or malformed, a name too long, a limit,
    /// radius or scale out of range.
    public func check() throws {
        var errors: [FieldError] = []
        if kinds.isEmpty || kinds.count > Self.maxKinds {
            errors.append(
                FieldError(
                    "kinds", .fieldOutOfRange,
                    Text(zh: "哨种应有 1–\(Self.maxKinds) 种，实际 \(kinds.count) 种", en: "a district has 1–\(Self.maxKinds) whistle kinds, got \(kinds.count)")))
        }
        var seen: Set<String> = []
        for (i, kind) in kinds.enumerated() {
            if kind.code.range(of: "^[A-Za-z0-9_-]{1,32}$", options: .regularExpression) == nil {
                errors.append(
                    FieldError(
                        "kinds[\(i)].code", .fieldFormat,
                        Text(zh: "哨种代码“\(kind.code)”应为 1–32 位字母、数字、_ 或 -", en: "kind code '\(kind.code)' must be 1–32 letters, digits, _ or -")))
            }
            if !seen.insert(kind.code).inserted {
                errors.append(
                    FieldError("kinds[\(i)].code", .fieldInvalid, Text(zh: "哨种代码“\(kind.code)”重复", en: "kind code '\(kind.code)' is listed twice")))
            }
            if kind.name.isEmpty || kind.name.count > 50 {
                errors.append(
                    FieldError("kinds[\(i)].name", .fieldOutOfRange, Text(zh: "哨种名称应为 1–50 个字", en: "a kind's name has 1–50 characters")))
            }
            if !(1...Self.maxLimitMinutes).contains(kind.limitMinutes) {
                errors.append(
                    FieldError(
                        "kinds[\(i)].limitMinutes", .fieldOutOfRange,
                        Text(
                            zh: "报到时限应为 1–\(Self.maxLimitMinutes) 分钟，实际为 \(kind.limitMinutes)",
                            en: "a report-in limit is 1–\(Self.maxLimitMinutes) minutes, got \(kind.limitMinutes)")))
            }
        }
        if !(10...50_000).contains(radiusMeters) {
            errors.append(
                FieldError(
                    "radiusMeters", .fieldOutOfRange,
                    Text(zh: "报到半径应为 10–50000 米，实际为 \(radiusMeters)", en: "the check-in radius is 10–50000 m, got \(radiusMeters)")))
        }
        if !Self.scoreMaxRange.contains(scoreMax) {
            errors.append(
                FieldError(
                    "scoreMax", .fieldOutOfRange,
                    Text(
                        zh: "评分满分应为 \(Self.scoreMaxRange.lowerBound)–\(Self.scoreMaxRange.upperBound)，实际为 \(scoreMax)",
                        en: "the top score is \(Self.scoreMaxRange.lowerBound)–\(Self.scoreMaxRange.upperBound), got \(scoreMax)")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
    }
}
