import Foundation

/// One entry of a case's history.
public struct CaseEventRecord: Sendable, Equatable {
    public var seq: Int64
    public var at: Date
    public var actorId: Int64?
    public var actor: String
    public var role: String?
    public var action: String
    public var from: CaseState?
    public var to: CaseState
    /// The event's details as JSON text.
    public var payload: String

    public init(
        seq: Int64, at: Date, actorId: Int64? = nil, actor: String, role: String? = nil, action: String, from: CaseState? = nil, to: CaseState, payload: String
    ) {
        self.seq = seq
        self.at = at
        self.actorId = actorId
        self.actor = actor
        self.role = role
        self.action = action
        self.from = from
        self.to = to
        self.payload = payload
    }
}
