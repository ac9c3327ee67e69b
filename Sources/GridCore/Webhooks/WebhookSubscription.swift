import Foundation

public struct WebhookSubscription: Sendable, Equatable {
    public var id: Int64
    public var url: String
    public var secret: String
    public var eventTypes: [String]
    public var departmentId: Int64?
    public var departmentCode: String?
    public var active: Bool
    public var createdBy: String
    public var createdAt: Date

    public init(
        id: Int64, url: String, secret: String, eventTypes: [String], departmentId: Int64? = nil, departmentCode: String? = nil, active: Bool,
        createdBy: String, createdAt: Date
    ) {
        self.id = id
        self.url = url
        self.secret = secret
        self.eventTypes = eventTypes
        self.departmentId = departmentId
        self.departmentCode = departmentCode
        self.active = active
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}
