import Foundation

/// A department's part of a case.
public struct CaseTask: Sendable, Equatable {
    public var id: Int64
    public var departmentId: Int64
    public var departmentCode: String
    public var departmentName: String
    public var lead: Bool
    public var state: TaskState
    public var dispatchedAt: Date
    public var signedAt: Date?
    public var handledAt: Date?

    public init(
        id: Int64, departmentId: Int64, departmentCode: String, departmentName: String, lead: Bool, state: TaskState, dispatchedAt: Date, signedAt: Date? = nil,
        handledAt: Date? = nil
    ) {
        self.id = id
        self.departmentId = departmentId
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.lead = lead
        self.state = state
        self.dispatchedAt = dispatchedAt
        self.signedAt = signedAt
        self.handledAt = handledAt
    }
}
