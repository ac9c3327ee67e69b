import Foundation

/// A tenant's configurable facts, kept as jsonb.
public struct TenantSettings: Sendable, Equatable, Codable {
    public var gridLevels: [GridLevel]
    /// Days a login token stays valid.
    public var sessionDays: Int
    /// Open cases of the same category this close to a new report, and reported this many hours
    /// before it, come back with the intake as possible duplicates (并案).
    public var duplicateRadiusMeters: Double
    public var duplicateWindowHours: Int

    public init(gridLevels: [GridLevel] = GridLevel.defaults, sessionDays: Int = 7, duplicateRadiusMeters: Double = 50, duplicateWindowHours: Int = 72) {
        self.gridLevels = gridLevels
        self.sessionDays = sessionDays
        self.duplicateRadiusMeters = duplicateRadiusMeters
        self.duplicateWindowHours = duplicateWindowHours
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gridLevels = try container.decodeIfPresent([GridLevel].self, forKey: .gridLevels) ?? GridLevel.defaults
        sessionDays = try container.decodeIfPresent(Int.self, forKey: .sessionDays) ?? 7
        duplicateRadiusMeters = try container.decodeIfPresent(Double.self, forKey: .duplicateRadiusMeters) ?? 50
        duplicateWindowHours = try container.decodeIfPresent(Int.self, forKey: .duplicateWindowHours) ?? 72
    }
}
