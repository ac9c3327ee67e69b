import Foundation

/// A user as stored (without the password hash, which only `credentials` reads).
public struct UserRecord: Sendable, Equatable {
    public var id: Int64
    public var login: String
    public var displayName: String
    public var phone: String?
    public var status: String
    public var mustChangePassword: Bool
    public var version: Int64
    public var createdAt: Date

    public init(
        id: Int64, login: String, displayName: String, phone: String? = nil, status: String, mustChangePassword: Bool, version: Int64, createdAt: Date
    ) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.phone = phone
        self.status = status
        self.mustChangePassword = mustChangePassword
        self.version = version
        self.createdAt = createdAt
    }
}
