import Foundation

/// An org unit as stored; `geometry` is GeoJSON text, filled only when asked for. A retired unit
/// (gone from the district's latest import) stays readable but takes no new reports.
public struct OrgUnitRecord: Sendable, Equatable {
    public var id: Int64
    public var parentId: Int64?
    public var kind: OrgUnitKind
    public var gridLevel: Int?
    public var code: String
    public var name: String
    public var path: ScopePath
    public var version: Int64
    public var updatedAt: Date
    public var geometry: String?
    public var retiredAt: Date?

    public init(
        id: Int64, parentId: Int64? = nil, kind: OrgUnitKind, gridLevel: Int? = nil, code: String, name: String, path: ScopePath, version: Int64,
        updatedAt: Date, geometry: String? = nil, retiredAt: Date? = nil
    ) {
        self.id = id
        self.parentId = parentId
        self.kind = kind
        self.gridLevel = gridLevel
        self.code = code
        self.name = name
        self.path = path
        self.version = version
        self.updatedAt = updatedAt
        self.geometry = geometry
        self.retiredAt = retiredAt
    }
}
