import Foundation

/// A tenant's configurable facts, kept as jsonb.
public struct TenantSettings: Sendable, Equatable, Codable {
    enum CodingKeys: String, CodingKey { case gridLevels, sessionDays, duplicateRadiusMeters, duplicateWindowHours, ladder, ladderLimits, whistle, patrol }

    public var gridLevels: [GridLevel]
    /// Days a login token stays valid.
    public var sessionDays: Int
    /// Open cases of the same category this close to a new report, and reported this many hours
    /// before it, come back with the intake as possible duplicates (并案).
    public var duplicateRadiusMeters: Double
    public var duplicateWindowHours: Int
    /// The levels the district handles cases at, lowest first (`LevelLadder`): the standard ladder
    /// (grid, community, street, district) unless the district set its own (with zones, say).
    public var ladder: LevelLadder
    /// How long each level below the street has a case before it goes up by itself (its local
    /// limit); the levels not named keep `LadderLimits.defaults`.
    public var ladderLimits: [LadderLevel: TimeLimit]
    /// The whistle's kinds and limits, check-in radius, community whistles and scoring scale.
    public var whistle: WhistleSettings
    /// The patrols' rule: how soon after a round passes a grid its problems should be reported.
    public var patrol: PatrolSettings

    public init(
        gridLevels: [GridLevel] = GridLevel.defaults, sessionDays: Int = 7, duplicateRadiusMeters: Double = 50, duplicateWindowHours: Int = 72,
        ladder: LevelLadder = .standard, ladderLimits: [LadderLevel: TimeLimit] = LadderLimits.defaults,
        whistle: WhistleSettings = WhistleSettings(), patrol: PatrolSettings = PatrolSettings()
    ) {
        self.whistle = whistle
        self.patrol = patrol
        self.ladderLimits = ladderLimits
        self.gridLevels = gridLevels
        self.sessionDays = sessionDays
        self.duplicateRadiusMeters = duplicateRadiusMeters
        self.duplicateWindowHours = duplicateWindowHours
        self.ladder = ladder
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gridLevels = try container.decodeIfPresent([GridLevel].self, forKey: .gridLevels) ?? GridLevel.defaults
        sessionDays = try container.decodeIfPresent(Int.self, forKey: .sessionDays) ?? 7
        duplicateRadiusMeters = try container.decodeIfPresent(Double.self, forKey: .duplicateRadiusMeters) ?? 50
        duplicateWindowHours = try container.decodeIfPresent(Int.self, forKey: .duplicateWindowHours) ?? 72
        ladder = try container.decodeIfPresent([LadderLevel].self, forKey: .ladder).flatMap { try? LevelLadder($0) } ?? .standard
        let limits = try container.decodeIfPresent([String: TimeLimit].self, forKey: .ladderLimits) ?? [:]
        ladderLimits = LadderLimits.defaults.merging(
            limits.compactMap { key, limit in LadderLevel(rawValue: key).map { ($0, limit) } }, uniquingKeysWith: { $1 })
        whistle = try container.decodeIfPresent(WhistleSettings.self, forKey: .whistle) ?? WhistleSettings()
        patrol = try container.decodeIfPresent(PatrolSettings.self, forKey: .patrol) ?? PatrolSettings()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(gridLevels, forKey: .gridLevels)
        try container.encode(sessionDays, forKey: .sessionDays)
        try container.encode(duplicateRadiusMeters, forKey: .duplicateRadiusMeters)
        try container.encode(duplicateWindowHours, forKey: .duplicateWindowHours)
        try container.encode(ladder.levels, forKey: .ladder)
        try container.encode(
            Dictionary(uniqueKeysWithValues: ladderLimits.map { ($0.key.rawValue, $0.value) }), forKey: .ladderLimits)
        try container.encode(whistle, forKey: .whistle)
        try container.encode(patrol, forKey: .patrol)
    }
}
