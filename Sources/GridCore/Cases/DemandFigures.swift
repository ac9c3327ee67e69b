import Foundation

/// The demand figures of the cases reported by residents or the hotline in [from, to) within
/// any of `scopes`: received, still open, closed by outcome, replied to; and of the latest
/// call-back of each: reached, solved in the reporter's eyes, satisfaction.
public struct DemandFigures: Sendable, Equatable {
    public var received = 0, open = 0, closed = 0, resolved = 0, explained = 0, referred = 0, replied = 0
    public var calledBack = 0, contacted = 0, confirmedResolved = 0, satisfied = 0, basicallySatisfied = 0, dissatisfied = 0
    public init() {}
}
