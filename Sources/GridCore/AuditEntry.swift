import Foundation

public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var entity: String
    public var entityKey: String
    public var before: String?
    public var after: String?

    public init(
        id: Int64, at: Date, actor: String, action: String, entity: String, entityKey: String, before: String? = nil, after: String? = nil
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityKey = entityKey
        self.before = before
        self.after = after
    }
}
