import Foundation

/// A member of a unit who acts for it on the ladder (`unit_members`).
public struct UnitMember: Sendable, Equatable {
    public var userId: Int64
    public var login: String
    public var displayName: String
    public var duty: String
    public var departmentId: Int64?
    public var departmentCode: String?

    public init(userId: Int64, login: String, displayName: String, duty: String, departmentId: Int64? = nil, departmentCode: String? = nil) {
        self.userId = userId
        self.login = login
        self.displayName = displayName
        self.duty = duty
        self.departmentId = departmentId
        self.departmentCode = departmentCode
    }
}
