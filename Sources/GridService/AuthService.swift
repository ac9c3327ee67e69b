import Foundation
import GridCore
import GridStore

/// A fresh login: the bearer token (shown once) and who it belongs to.
public struct LoginResult: Sendable {
    public var token: String
    public var expiresAt: Date
    public var principal: Principal
    public var mustChangePassword: Bool
}

extension GridService {
    /// Checks a password and opens a session. Repeated failures throttle the login for a while. The
    /// password is checked between two transactions (bcrypt holds no connection); the second one
    /// makes sure the hash it was checked against is still the user's. A login without a hash to
    /// check (an unknown district or user) does a check of the same cost all the same.
    public func login(tenantCode: String, login rawLogin: String, password: String) async throws -> LoginResult {
        let login = rawLogin.lowercased()
        let badCredentials = GridError(
            .authBadCredentials,
            Text(zh: "区代码、登录名或密码错误", en: "wrong district, login or password"))
        guard let tenant = try await db.withoutTenant({ tx in try await TenantStore.lookup(tx, code: tenantCode) }) else {
            try await passwords.verifyAgainstStandIn(password)
            throw badCredentials
        }
        let (found, sessionDays) = try await withActiveTenant(tenant.id) { tx, record in
            (try await UserStore.credentials(tx, login: login), record.settings.sessionDays)
        }
        guard let credentials = found, credentials.status == "active" else {
            try await passwords.verifyAgainstStandIn(password)
            throw badCredentials
        }
        if credentials.failedLogins >= configuration.loginFailuresAllowed, let last = credentials.lastFailedLoginAt {
            let wait = Int(last.addingTimeInterval(TimeInterval(configuration.loginLockSeconds)).timeIntervalSinceNow.rounded(.up))
            if wait > 0 {
                throw GridError(
                    .authThrottled,
                    Text(zh: "登录失败次数过多，请 \(wait) 秒后再试", en: "too many failed logins; try again in \(wait) seconds"),
                    retryAfter: wait)
            }
        }
        let matches = try await passwords.verify(password, hash: credentials.passwordHash)
        // A wrong password returns nil so that the failure counter is committed before the 401.
        let result: LoginResult? = try await withActiveTenant(tenant.id) { tx, _ in
            guard let current = try await UserStore.credentials(tx, login: login), current.userId == credentials.userId,
                current.status == "active", current.passwordHash == credentials.passwordHash
            else { throw badCredentials }
            guard matches else {
                try await UserStore.recordLogin(tx, userId: credentials.userId, succeeded: false)
                return nil
            }
            try await UserStore.recordLogin(tx, userId: credentials.userId, succeeded: true)
            let token = Secrets.newToken(tenantId: tenant.id)
            let expires = Date().addingTimeInterval(TimeInterval(sessionDays * 86_400))
            try await SessionStore.insert(tx, userId: credentials.userId, tokenHash: Secrets.tokenHash(token), expiresAt: expires)
            guard let user = try await UserStore.find(tx, id: credentials.userId) else { throw badCredentials }
            let principal = Principal(tenantId: tenant.id, userId: user.id, login: user.login, bindings: try await UserStore.bindings(tx, userId: user.id))
            return LoginResult(token: token, expiresAt: expires, principal: principal, mustChangePassword: user.mustChangePassword)
        }
        guard let result else { throw badCredentials }
        return result
    }

    /// The principal behind a bearer token, or 401 when it is unknown, expired or revoked. A session
    /// whose user still holds a one-time password is good only for what `allowingOneTimePassword`
    /// is given for (changing it, saying who is logged in, logging out): anything else is 403 until
    /// the password is changed.
    public func authenticate(token: String, allowingOneTimePassword: Bool = false) async throws -> Principal {
        let invalid = GridError(
            .authInvalidToken,
            Text(zh: "登录凭证无效、已过期或已注销，请重新登录", en: "the bearer token is unknown, expired or revoked; log in again"))
        guard let tenantId = Secrets.tenant(ofToken: token) else { throw invalid }
        guard let found = try await SessionStore.authenticate(db, tenantId: tenantId, tokenHash: Secrets.tokenHash(token))
        else { throw invalid }
        guard found.tenantStatus == "active" else { throw Errors.tenantSuspended(found.tenantCode) }
        guard !found.mustChangePassword || allowingOneTimePassword else {
            let login = found.principal.login
            throw GridError(
                .authPasswordChangeRequired,
                Text(
                    zh: "用户“\(login)”仍在使用一次性密码：请先修改密码（POST /v1/auth/password），再进行其他操作",
                    en: "user '\(login)' still has a one-time password: change it first (POST /v1/auth/password), then try again"))
        }
        return found.principal
    }

    public func logout(token: String) async throws {
        guard let tenantId = Secrets.tenant(ofToken: token) else { return }
        try await db.withTenant(tenantId) { tx in try await SessionStore.revoke(tx, tokenHash: Secrets.tokenHash(token)) }
    }

    /// Changes one's own password (clears the must-change flag); every session but the one
    /// making the change (`token`) ends. The new password is hashed only once the current one checked.
    public func changePassword(_ principal: Principal, token: String?, current: String, new: String) async throws {
        if let problem = Users.passwordProblem(new) { throw GridError.invalid([FieldError("newPassword", .userWeakPassword, problem)]) }
        guard new != current else {
            throw Errors.field("newPassword", .userPasswordUnchanged, zh: "新密码与当前密码相同，请换一个", en: "the new password is the current one; choose another")
        }
        let wrong = GridError(.authBadCurrentPassword, Text(zh: "当前密码不正确", en: "the current password is wrong"))
        let stored = try await withActiveTenant(principal.tenantId) { tx, _ in try await UserStore.credentials(tx, login: principal.login)?.passwordHash }
        guard let stored, try await passwords.verify(current, hash: stored) else { throw wrong }
        let hash = try await passwords.hash(new)
        try await withActiveTenant(principal.tenantId) { tx, _ in
            // The password checked must still be the one stored.
            guard try await UserStore.credentials(tx, login: principal.login)?.passwordHash == stored else { throw wrong }
            try await UserStore.setPassword(tx, userId: principal.userId, hash: hash, mustChange: false)
            try await SessionStore.revokeAll(tx, userId: principal.userId, keeping: token.map(Secrets.tokenHash))
        }
    }
}
