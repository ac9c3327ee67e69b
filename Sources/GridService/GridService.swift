import Foundation
import GridCore
import GridStore
import Logging

/// The use cases of gridgov, shared by the CLI and the HTTP layer; neither writes SQL itself.
public struct GridService: Sendable {
    public struct Configuration: Sendable {
        /// bcrypt work factor for new password hashes.
        public var bcryptCost: Int
        /// Failed logins allowed before a user is throttled.
        public var loginFailuresAllowed: Int
        /// How long a throttled user waits, in seconds.
        public var loginLockSeconds: Int

        public init(bcryptCost: Int = 11, loginFailuresAllowed: Int = 5, loginLockSeconds: Int = 300) {
            self.bcryptCost = bcryptCost
            self.loginFailuresAllowed = loginFailuresAllowed
            self.loginLockSeconds = loginLockSeconds
        }
    }

    public let db: Database
    /// A streaming standby for the figures, briefs and exports (`GRIDGOV_READ_URL`): nil reads
    /// them on the primary.
    public let reads: Database?
    public let configuration: Configuration
    /// Parsed routers of rule-set versions that no longer change.
    let routerCache = RouterCache()
    let calendarCache = CalendarCache()
    /// The breakers of the webhook endpoints this process delivers to.
    let webhookBreakers = WebhookBreakers()
    /// Every bcrypt hash and check of this service, at the configured cost.
    public let passwords: PasswordHasher
    public var logger: Logger { db.logger }

    public init(db: Database, reads: Database? = nil, configuration: Configuration = .init()) {
        self.db = db
        self.reads = reads
        self.configuration = configuration
        passwords = PasswordHasher(cost: configuration.bcryptCost)
    }

    /// Runs `body` in the tenant's transaction after checking the tenant exists and is active.
    func withActiveTenant<T: Sendable>(_ tenantId: Int64, _ body: (Tx, TenantRecord) async throws -> T) async throws -> T {
        try await db.withTenant(tenantId) { tx in try await body(tx, try await Self.activeTenant(tx, tenantId)) }
    }

    /// The tenant of the transaction, which must exist and be active.
    static func activeTenant(_ tx: Tx, _ tenantId: Int64) async throws -> TenantRecord {
        guard let tenant = try await TenantStore.find(tx, id: tenantId) else { throw Errors.tenantNotFound("\(tenantId)") }
        guard tenant.status == .active else { throw Errors.tenantSuspended(tenant.code) }
        return tenant
    }

    /// A read transaction for `caller`: a user's bearer was checked against the tenant's status
    /// when this request was authenticated, so only the operator's calls check it again.
    func withTenant<T: Sendable>(for caller: Caller, _ tenantId: Int64, on db: Database? = nil, _ body: (Tx) async throws -> T) async throws -> T {
        let db = db ?? self.db
        if case .user = caller { return try await db.withTenant(tenantId, body) }
        return try await db.withTenant(tenantId) { tx in
            _ = try await Self.activeTenant(tx, tenantId)
            return try await body(tx)
        }
    }

    /// A read transaction for figures, briefs and exports: on the standby when one is configured
    /// (`reads`), else — or when it cannot be reached — on the primary. What the standby answers is
    /// the primary's history up to the moment it has replayed (a fraction of a second behind).
    /// `limit`: a long read's bound (an export's) instead of the request's.
    func withReadTenant<T: Sendable>(for caller: Caller, _ tenantId: Int64, limit: Duration? = nil, _ body: (Tx) async throws -> T) async throws -> T {
        let primary = limit.map { db.limited(to: $0) } ?? db
        guard let reads else { return try await withTenant(for: caller, tenantId, on: primary, body) }
        do {
            return try await withTenant(for: caller, tenantId, on: limit.map { reads.limited(to: $0) } ?? reads, body)
        } catch let error as GridError where error.kind == .unavailable {
            logger.warning("the standby is unavailable: reading on the primary", metadata: ["error": "\(error)"])
            return try await withTenant(for: caller, tenantId, on: primary, body)
        }
    }

    /// Resolves a tenant code for the CLI and login.
    public func tenantId(code: String) async throws -> Int64 {
        guard let found = try await db.withoutTenant({ tx in try await TenantStore.lookup(tx, code: code) }) else {
            throw Errors.tenantNotFound(code)
        }
        return found.id
    }
}

/// Errors several use cases raise.
enum Errors {
    static func tenantNotFound(_ code: String) -> GridError {
        GridError(.tenantNotFound, Text(zh: "区“\(code)”不存在", en: "district '\(code)' does not exist"))
    }

    static func tenantSuspended(_ code: String) -> GridError {
        GridError(.tenantSuspended, Text(zh: "区“\(code)”已停用，请联系平台管理员", en: "district '\(code)' is suspended; contact the platform administrator"))
    }

    static func idempotencyKeyReused(_ key: String) -> GridError {
        GridError(
            .idempotencyKeyReused,
            Text(
                zh: "Idempotency-Key“\(key)”已用于另一个不同内容的请求", en: "Idempotency-Key '\(key)' was already used for a request with another body"))
    }

    static func unitNotFound(_ what: String) -> GridError {
        GridError(.orgUnitNotFound, Text(zh: "组织单元“\(what)”不存在", en: "org unit '\(what)' does not exist"))
    }

    static func userNotFound(_ what: String) -> GridError {
        GridError(.userNotFound, Text(zh: "用户“\(what)”不存在", en: "user '\(what)' does not exist"))
    }

    static func departmentNotFound(_ what: String) -> GridError {
        GridError(.departmentNotFound, Text(zh: "部门“\(what)”不存在", en: "department '\(what)' does not exist"))
    }

    static func categoryNotFound(_ code: String) -> GridError {
        GridError(.categoryNotFound, Text(zh: "问题类别“\(code)”不存在", en: "category '\(code)' does not exist"))
    }

    static func versionMismatch(_ what: String) -> GridError {
        GridError(
            .versionMismatch,
            Text(zh: "\(what) 已被他人修改，请刷新后重试", en: "\(what) was changed by someone else; reload it and try again"))
    }

    static func field(_ field: String, _ code: ErrorCode, zh: String, en: String) -> GridError {
        GridError.invalid([FieldError(field, code, Text(zh: zh, en: en))])
    }
}
