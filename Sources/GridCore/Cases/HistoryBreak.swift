import Foundation

/// A break in a case's history found by `verifyHistory`.
public struct HistoryBreak: Sendable, Equatable {
    public var caseId: Int64
    public var number: String
    public var seq: Int64?
    public var problem: Text

    public init(
        caseId: Int64, number: String, seq: Int64? = nil, problem: Text
    ) {
        self.caseId = caseId
        self.number = number
        self.seq = seq
        self.problem = problem
    }
}
