import Foundation

/// A district as stored.
public struct TenantRecord: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var name: String
    public var divisionCode: String
    public var timeZone: String
    public var status: TenantStatus
    public var settings: TenantSettings
    public var version: Int64
    public var createdAt: Date

    public init(
        id: Int64, code: String, name: String, divisionCode: String, timeZone: String, status: TenantStatus, settings: TenantSettings, version: Int64,
        createdAt: Date
    ) {
        self.id = id
        self.code = code
        self.name = name
        self.divisionCode = divisionCode
        self.timeZone = timeZone
        self.status = status
        self.settings = settings
        self.version = version
        self.createdAt = createdAt
    }
}
