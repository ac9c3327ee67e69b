/// The roles a user can be bound to, each at a scope (an org unit and its subtree).
public enum Role: String, Sendable, CaseIterable, Codable {
    case tenantAdmin, dispatcher, shiftLeader, departmentLiaison, gridWorker, communityChief, leader, viewer

    public var label: Text {
        switch self {
        case .tenantAdmin: Text(zh: "区网格办管理员", en: "tenant admin")
        case .dispatcher: Text(zh: "派遣员", en: "dispatcher")
        case .shiftLeader: Text(zh: "值班长", en: "shift leader")
        case .departmentLiaison: Text(zh: "部门联络员", en: "department liaison")
        case .gridWorker: Text(zh: "网格员", en: "grid worker")
        case .communityChief: Text(zh: "社区大格长", en: "community chief")
        case .leader: Text(zh: "领导", en: "leader")
        case .viewer: Text(zh: "查看者", en: "viewer")
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// A binding of the role names a department: a liaison always, a leader when they lead one
    /// (部门领导, told when it turns red on a whistle); no other role does.
    public var namesDepartment: Bool { self == .departmentLiaison || self == .leader }
}

/// What a principal may try to do. Each handler names one action and the unit it touches.
public enum Action: String, Sendable, CaseIterable {
    case orgRead, orgWrite, locate, userRead, userWrite, departmentRead, departmentWrite, tenantRead, tenantWrite
    /// Reading the problem list, duty list, calendar and routing rules, and asking routing to explain.
    case catalogRead
    /// Changing them: tenant admins only.
    case catalogWrite
    /// Reading cases and their history in scope.
    case caseRead
    /// Reporting a problem (a case intake) in scope.
    case caseReport
    /// Taking workflow actions on cases in scope; which ones, the case workflow table says by role.
    case caseWork
}

/// The permission table: role × action. One place decides what every role may do.
public enum Permissions {
    static let table: [Role: Set<Action>] = [
        .tenantAdmin: Set(Action.allCases),
        .dispatcher: [.orgRead, .locate, .userRead, .departmentRead, .tenantRead, .catalogRead, .caseRead, .caseReport, .caseWork],
        .shiftLeader: [.orgRead, .locate, .userRead, .departmentRead, .tenantRead, .catalogRead, .caseRead, .caseReport, .caseWork],
        .departmentLiaison: [.orgRead, .locate, .departmentRead, .tenantRead, .catalogRead, .caseRead, .caseReport, .caseWork],
        .gridWorker: [.orgRead, .locate, .departmentRead, .tenantRead, .catalogRead, .caseRead, .caseReport, .caseWork],
        .communityChief: [.orgRead, .locate, .userRead, .departmentRead, .tenantRead, .catalogRead, .caseRead, .caseReport, .caseWork],
        .leader: [.orgRead, .locate, .userRead, .departmentRead, .tenantRead, .catalogRead, .caseRead],
        .viewer: [.orgRead, .locate, .departmentRead, .tenantRead, .catalogRead, .caseRead],
    ]

    public static func allows(_ role: Role, _ action: Action) -> Bool { table[role]?.contains(action) ?? false }
}
