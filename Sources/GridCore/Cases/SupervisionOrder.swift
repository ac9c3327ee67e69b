import Foundation

public struct SupervisionOrder: Sendable, Equatable {
    public var id: Int64
    public var caseId: Int64
    public var card: String
    public var reason: String
    public var issuedAt: Date
    public var due: Date
    public var resolvedAt: Date?
    /// Raised by a person (a leader or shift leader), not by an overdue handling stage.
    public var manual: Bool = false
    public var raisedBy: Int64?
    public var reply: String?
    public var repliedAt: Date?
    /// When it lapsed unanswered and turned red (the red card).
    public var escalatedAt: Date?

    public init(
        id: Int64, caseId: Int64, card: String, reason: String, issuedAt: Date, due: Date, resolvedAt: Date? = nil, manual: Bool = false,
        raisedBy: Int64? = nil, reply: String? = nil, repliedAt: Date? = nil, escalatedAt: Date? = nil
    ) {
        self.id = id
        self.caseId = caseId
        self.card = card
        self.reason = reason
        self.issuedAt = issuedAt
        self.due = due
        self.resolvedAt = resolvedAt
        self.manual = manual
        self.raisedBy = raisedBy
        self.reply = reply
        self.repliedAt = repliedAt
        self.escalatedAt = escalatedAt
    }
}
