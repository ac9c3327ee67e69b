import Foundation

public struct NoticeRecord: Sendable, Equatable {
    public var id: Int64
    public var caseId: Int64?
    public var whistleId: Int64?
    public var kind: String
    public var message: String
    public var createdAt: Date
    public var readAt: Date?

    public init(
        id: Int64, caseId: Int64? = nil, whistleId: Int64? = nil, kind: String, message: String, createdAt: Date, readAt: Date? = nil
    ) {
        self.id = id
        self.caseId = caseId
        self.whistleId = whistleId
        self.kind = kind
        self.message = message
        self.createdAt = createdAt
        self.readAt = readAt
    }
}
