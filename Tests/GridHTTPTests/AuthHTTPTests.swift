import Foundation
import GridCore
import GridHTTP
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Login, bearer tokens, logout, throttling and suspended districts, over HTTP.
@Suite struct AuthHTTPTests {
    @Test func loginReturnsATokenAndTheBindings() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let root = try await db.unit(d, code: d.division)
            try await withAPI(db) { api in
                // The tenant code is case-insensitive, the answer names it in capitals.
                let response = try await api.loginResponse(tenant: "hd", login: "Admin", password: d.adminPassword)
                #expect(response.status == .ok, "\(response.text)")
                let body = try response.json()
                let token = try #require(body["token"] as? String)
                #expect(token.hasPrefix("gg_\(d.tenantId)_"))
                #expect(body["expiresAt"] is String)
                #expect(body["mustChangePassword"] as? Bool == false, "the fixture's admin has replaced the one-time password")
                let me = try #require(body["me"] as? [String: Any])
                #expect((me["tenant"] as? [String: Any])?["code"] as? String == "HD")
                #expect(((me["tenant"] as? [String: Any])?["id"] as? NSNumber)?.int64Value == d.tenantId)
                #expect((me["user"] as? [String: Any])?["login"] as? String == "admin")
                let bindings = try #require(me["bindings"] as? [[String: Any]])
                #expect(bindings.count == 1)
                #expect(bindings.first?["role"] as? String == "tenantAdmin")
                #expect(bindings.first?["scopePath"] as? String == root.path.raw)
                #expect((bindings.first?["scopeUnitId"] as? NSNumber)?.int64Value == root.id)
            }
        }
    }

    @Test func wrongPasswordIs401AndTheFourthAttemptIsThrottled() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                for attempt in 1...3 {
                    let response = try await api.loginResponse(tenant: d.code, login: "admin", password: "wrong-password-\(attempt)")
                    expectProblem(response, .unauthorized, "auth.badCredentials")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    #expect(response.headers[.retryAfter] == nil)
                }
                // Throttled now, even with the right password.
                let throttled = try await api.loginResponse(tenant: d.code, login: "admin", password: d.adminPassword)
                expectProblem(throttled, .tooManyRequests, "auth.throttled")
                let retryAfter = try #require(throttled.headers[.retryAfter].flatMap(Int.init), "Retry-After: \(throttled.headers[.retryAfter] ?? "missing")")
                #expect(retryAfter > 0 && retryAfter <= 60)
                // Another user of the same district is not affected.
                let password = try await db.makeUser(tenantId: d.tenantId, login: "other", role: .viewer, scope: d.street1)
                _ = try await api.login(tenant: d.code, login: "other", password: password)
            }
        }
    }

    @Test func unknownTenantOrUserIs401() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let unknownTenant = try await api.loginResponse(tenant: "NOPE", login: "admin", password: d.adminPassword)
                expectProblem(unknownTenant, .unauthorized, "auth.badCredentials")
                let unknownUser = try await api.loginResponse(tenant: d.code, login: "nobody", password: d.adminPassword)
                expectProblem(unknownUser, .unauthorized, "auth.badCredentials")
                // The two answers do not tell which part was wrong.
                #expect((try unknownTenant.json())["detail"] as? String == (try unknownUser.json())["detail"] as? String)
            }
        }
    }

    @Test func meNeedsAValidToken() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                let me = try await api.get("/v1/me", token: token)
                #expect(me.status == .ok, "\(me.text)")
                let body = try me.json()
                #expect((body["user"] as? [String: Any])?["login"] as? String == "admin")
                #expect((body["tenant"] as? [String: Any])?["code"] as? String == "HD")
                #expect((body["bindings"] as? [Any])?.count == 1)

                let anonymous = try await api.get("/v1/me")
                expectProblem(anonymous, .unauthorized, "auth.required")
                #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")

                let basic = try await api.get("/v1/me", headers: [.authorization: "Basic YWRtaW46YWRtaW4="])
                expectProblem(basic, .unauthorized, "auth.required")

                let forged = [
                    "garbage",
                    "gg_1_" + String(repeating: "A", count: 43),
                    "gg_\(d.tenantId)_" + String(repeating: "A", count: 43),
                    "gg_99999999999999999999999_" + String(repeating: "A", count: 43),
                    token + "x",
                ]
                for bad in forged {
                    let response = try await api.get("/v1/me", token: bad)
                    expectProblem(response, .unauthorized, "auth.invalidToken")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
            }
        }
    }

    @Test func logoutRevokesTheToken() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                let other = try await api.adminToken(d)
                #expect(try await api.get("/v1/me", token: token).status == .ok)
                let logout = try await api.send(.post, "/v1/auth/logout", token: token)
                #expect(logout.status == .noContent, "\(logout.text)")
                expectProblem(try await api.get("/v1/me", token: token), .unauthorized, "auth.invalidToken")
                // A second logout with the dead token is refused by the auth middleware.
                expectProblem(try await api.send(.post, "/v1/auth/logout", token: token), .unauthorized, "auth.invalidToken")
                // Only that session ended.
                #expect(try await api.get("/v1/me", token: other).status == .ok)
            }
        }
    }

    @Test func aSuspendedDistrictIsRefusedUntilResumed() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                #expect(try await api.get("/v1/me", token: token).status == .ok)

                _ = try await db.service.setTenantStatus(code: d.code, active: false)
                expectProblem(try await api.get("/v1/me", token: token), .forbidden, "tenant.suspended")
                expectProblem(try await api.get("/v1/org-units/by-code/\(d.street1)", token: token), .forbidden, "tenant.suspended")
                expectProblem(try await api.get(locateURI(d.pointInStreet1), token: token), .forbidden, "tenant.suspended")
                expectProblem(try await api.loginResponse(tenant: d.code, login: "admin", password: d.adminPassword), .forbidden, "tenant.suspended")

                _ = try await db.service.setTenantStatus(code: d.code, active: true)
                #expect(try await api.get("/v1/me", token: token).status == .ok)
                _ = try await api.adminToken(d)
            }
        }
    }

    @Test func changingThePassword() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                let weak = try await api.send(
                    .post, "/v1/auth/password", token: token,
                    json: jsonString(["currentPassword": d.adminPassword, "newPassword": "short"]))
                expectProblem(weak, .badRequest, "validation.failed")
                #expect(weak.fieldErrorCodes == ["user.weakPassword"], "\(weak.text)")

                let wrongCurrent = try await api.send(
                    .post, "/v1/auth/password", token: token,
                    json: jsonString(["currentPassword": "not-the-password", "newPassword": "a-much-better-password"]))
                expectProblem(wrongCurrent, .forbidden, "auth.badCurrentPassword")

                let changed = try await api.send(
                    .post, "/v1/auth/password", token: token,
                    json: jsonString(["currentPassword": d.adminPassword, "newPassword": "a-much-better-password"]))
                #expect(changed.status == .noContent, "\(changed.text)")
                expectProblem(try await api.loginResponse(tenant: d.code, login: "admin", password: d.adminPassword), .unauthorized, "auth.badCredentials")
                let login = try await api.loginResponse(tenant: d.code, login: "admin", password: "a-much-better-password")
                #expect(login.status == .ok, "\(login.text)")
                #expect(try login.json()["mustChangePassword"] as? Bool == false)
                // The session that changed it goes on.
                #expect(try await api.get("/v1/me", token: token).status == .ok)
            }
        }
    }

    /// A one-time password (a new user's, a reset one, a new district's admin's) opens a session that
    /// may change it, say who is logged in and log out; everything else is refused until it is changed.
    @Test func aOneTimePasswordOpensOnlyThePasswordChange() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let password = try await db.makeUser(tenantId: d.tenantId, login: "newcomer", role: .dispatcher, scope: d.street1, oneTime: true)
            let other = try await db.service.createTenant(code: "CY", name: "朝阳区", divisionCode: "110105", adminLogin: "admin")
            try await withAPI(db) { api in
                let login = try await api.loginResponse(tenant: d.code, login: "newcomer", password: password)
                #expect(try login.json()["mustChangePassword"] as? Bool == true, "\(login.text)")
                let token = try #require(try login.json()["token"] as? String)
                let elsewhere = try await api.login(tenant: d.code, login: "newcomer", password: password)
                let point = d.pointInStreet1
                let blocked: [(HTTPRequest.Method, String, String?)] = [
                    (.get, "/v1/tenant", nil), (.get, "/v1/org-units/by-code/\(d.street1)", nil), (.get, locateURI(point), nil),
                    (.get, "/v1/cases", nil), (.get, "/v1/notifications", nil), (.get, "/v1/users", nil), (.get, "/v1/catalog/categories", nil),
                    (.post, "/v1/cases", jsonString(["description": "井盖缺失", "lat": point.lat, "lng": point.lng, "category": "E0201"])),
                    (.post, "/v1/users", jsonString(["login": "x.y", "displayName": "x"])),
                ]
                for (method, uri, body) in blocked {
                    let english = try await api.send(method, uri, token: token, json: body, headers: [.acceptLanguage: "en"])
                    expectProblem(english, .forbidden, "auth.passwordChangeRequired")
                    let detail = (try english.json())["detail"] as? String ?? ""
                    #expect(detail.contains("newcomer") && detail.contains("/v1/auth/password"), "\(english.text)")
                    let chinese = try await api.send(method, uri, token: token, json: body)
                    expectProblem(chinese, .forbidden, "auth.passwordChangeRequired")
                    #expect(containsCJK((try chinese.json())["detail"] as? String ?? ""), "\(chinese.text)")
                }
                #expect(
                    try await db.service.cases(.operator, tenantId: d.tenantId, CaseListFilter(), page: PageRequest(after: nil, limit: 10)).items.isEmpty,
                    "the refused report was not taken in")
                #expect(try await api.get("/v1/me", token: token).status == .ok)
                #expect(try await api.send(.post, "/v1/auth/logout", token: elsewhere).status == .noContent)

                let changed = try await api.send(
                    .post, "/v1/auth/password", token: token,
                    json: jsonString(["currentPassword": password, "newPassword": "my-own-password"]))
                #expect(changed.status == .noContent, "\(changed.text)")
                #expect(try await api.get("/v1/tenant", token: token).status == .ok, "the same session goes on")
                #expect(try await api.get("/v1/org-units/by-code/\(d.street1)", token: token).status == .ok)

                // The first administrator of a new district starts the same way.
                let admin = try await api.login(tenant: "CY", login: "admin", password: other.adminPassword)
                expectProblem(try await api.get("/v1/tenant", token: admin), .forbidden, "auth.passwordChangeRequired")
            }
        }
    }

    /// bcrypt reads 72 bytes at most and stops at a NUL: a password it would cut short is refused
    /// where a user sets one (creating and resetting a user set a generated one), and the old one stays.
    @Test func aPasswordBcryptWouldCutShortIsRefused() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                for (password, named) in [("Z\u{0}bcdefghijk", "NUL"), (String(repeating: "网", count: 25), "75")] {
                    let refused = try await api.send(
                        .post, "/v1/auth/password", token: token,
                        json: jsonString(["currentPassword": d.adminPassword, "newPassword": password]),
                        headers: [.acceptLanguage: "en"])
                    expectProblem(refused, .badRequest, "validation.failed")
                    #expect(refused.fieldErrorFields == ["newPassword"] && refused.fieldErrorCodes == ["user.weakPassword"], "\(refused.text)")
                    #expect(refused.text.contains(named), "\(refused.text)")
                }
                expectProblem(try await api.loginResponse(tenant: d.code, login: "admin", password: "Z"), .unauthorized, "auth.badCredentials")
                _ = try await api.adminToken(d)
            }
        }
    }

    /// AuthService.changePassword is documented "other sessions end": a token from another
    /// login must stop working once the password changed.
    @Test func changingThePasswordEndsOtherSessions() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                let elsewhere = try await api.adminToken(d)
                let changed = try await api.send(
                    .post, "/v1/auth/password", token: token,
                    json: jsonString(["currentPassword": d.adminPassword, "newPassword": "a-much-better-password"]))
                #expect(changed.status == .noContent, "\(changed.text)")
                expectProblem(try await api.get("/v1/me", token: elsewhere), .unauthorized, "auth.invalidToken")
            }
        }
    }
}
