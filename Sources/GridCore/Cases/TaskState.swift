/// Where a department's task on a case stands (`case_tasks.state`): dispatched to it, signed
/// for, handled, returned by it, or cancelled (the case was dispatched again or ended).
public enum TaskState: String, Sendable, Codable, CaseIterable {
    case dispatched, signed, handled, returned, cancelled

    /// Still work for its department.
    public var isOpen: Bool {
        switch self {
        case .dispatched, .signed: true
        case .handled, .returned, .cancelled: false
        }
    }
}

/// Whether a district may be used (`tenants.status`); a suspended one answers 403 `tenant.suspended`.
public enum TenantStatus: String, Sendable, Codable, CaseIterable {
    case active, suspended
}
