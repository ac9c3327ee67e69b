import Foundation

/// A functional department at district level, or an office (科室) of a street.
public struct DepartmentRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case district, streetOffice }

    public var id: Int64
    public var code: String
    public var name: String
    public var kind: Kind
    public var orgUnitId: Int64
    public var orgUnitPath: ScopePath
    public var version: Int64
    /// The street office that receives its street's territorial cases (属地兜底接收科室).
    public var receivesTerritorial: Bool = false

    public init(
        id: Int64, code: String, name: String, kind: Kind, orgUnitId: Int64, orgUnitPath: ScopePath, version: Int64, receivesTerritorial: Bool = false
    ) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.orgUnitId = orgUnitId
        self.orgUnitPath = orgUnitPath
        self.version = version
        self.receivesTerritorial = receivesTerritorial
    }
}
