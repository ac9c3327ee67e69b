import Foundation

public struct AttachmentMeta: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var contentType: String
    public var size: Int
    public var sha256: String
    public var uploadedBy: String?
    public var createdAt: Date

    public init(
        id: Int64, kind: String, contentType: String, size: Int, sha256: String, uploadedBy: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.uploadedBy = uploadedBy
        self.createdAt = createdAt
    }
}
