import Foundation

/// What a member is to the unit: its head (the grid head, 网格长; a team's leader, 队长) or a member.
public enum UnitDuty: String, Sendable, Codable, CaseIterable {
    case head, member

    public var label: Text {
        switch self {
        case .head: Text(zh: "负责人", en: "head")
        case .member: Text(zh: "成员", en: "member")
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A member of a unit who acts for it on the ladder (`unit_members`).
public struct UnitMember: Sendable, Equatable {
    public var userId: Int64
    public var login: String
    public var displayName: String
    public var duty: UnitDuty
    public var departmentId: Int64?
    public var departmentCode: String?

    public init(userId: Int64, login: String, displayName: String, duty: UnitDuty, departmentId: Int64? = nil, departmentCode: String? = nil) {
        self.userId = userId
        self.login = login
        self.displayName = displayName
        self.duty = duty
        self.departmentId = departmentId
        self.departmentCode = departmentCode
    }
}
