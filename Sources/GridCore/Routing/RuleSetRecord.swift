import Foundation

/// A routing rule set as stored: its number (the version cases record), status and document.
public struct RuleSetRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case draft, published, retired }

    public var id: Int64
    public var number: Int
    public var status: Status
    /// The rule set document as JSON text; nil when only the header was read (`withDocument: false`).
    public var document: String?
    /// The number of rules in the document.
    public var ruleCount: Int
    public var note: String?
    public var createdBy: String
    public var publishedBy: String?
    public var publishedAt: Date?
    public var version: Int64
    public var updatedAt: Date

    public init(
        id: Int64, number: Int, status: Status, document: String? = nil, ruleCount: Int, note: String? = nil, createdBy: String, publishedBy: String? = nil,
        publishedAt: Date? = nil, version: Int64, updatedAt: Date
    ) {
        self.id = id
        self.number = number
        self.status = status
        self.document = document
        self.ruleCount = ruleCount
        self.note = note
        self.createdBy = createdBy
        self.publishedBy = publishedBy
        self.publishedAt = publishedAt
        self.version = version
        self.updatedAt = updatedAt
    }
}
