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

/// Creating users, binding roles, and what the new user can then do, over HTTP.
@Suite struct UsersHTTPTests {
    @Test func aTenantAdminCreatesAndBindsAUser() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let street1 = try await db.unit(d, code: d.street1)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let created = try await api.send(
                    .post, "/v1/users", token: admin,
                    json: jsonString(["login": "Zhang.San", "displayName": "张三", "phone": "13800000000"]))
                #expect(created.status == .created, "\(created.text)")
                let body = try created.json()
                let password = try #require(body["password"] as? String)
                #expect(password.count == 12)
                let user = try #require(body["user"] as? [String: Any])
                #expect(user["login"] as? String == "zhang.san")
                #expect(user["displayName"] as? String == "张三")
                #expect(user["status"] as? String == "active")
                #expect(user["mustChangePassword"] as? Bool == true)
                #expect((user["bindings"] as? [Any])?.isEmpty == true)

                let duplicate = try await api.send(.post, "/v1/users", token: admin, json: jsonString(["login": "zhang.san", "displayName": "重名"]))
                expectProblem(duplicate, .conflict, "user.duplicateLogin")

                let bound = try await api.send(
                    .post, "/v1/users/zhang.san/bindings", token: admin,
                    json: jsonString(["role": "dispatcher", "scopeCode": d.street1]))
                #expect(bound.status == .ok, "\(bound.text)")
                let bindings = try #require(try bound.json()["bindings"] as? [[String: Any]])
                #expect(bindings.count == 1)
                #expect(bindings.first?["role"] as? String == "dispatcher")
                #expect(int64(bindings.first?["scopeUnitId"]) == street1.id)
                #expect(bindings.first?["scopePath"] as? String == street1.path.raw)

                // The new user logs in with the one-time password and holds the binding.
                let login = try await api.loginResponse(tenant: d.code, login: "zhang.san", password: password)
                #expect(login.status == .ok, "\(login.text)")
                let loginBody = try login.json()
                #expect(loginBody["mustChangePassword"] as? Bool == true)
                let me = try #require(loginBody["me"] as? [String: Any])
                #expect((me["bindings"] as? [[String: Any]])?.map { $0["role"] as? String } == ["dispatcher"])
                let token = try #require(loginBody["token"] as? String)
                // The one-time password is changed before anything else.
                expectProblem(try await api.get("/v1/org-units/by-code/\(d.street1)", token: token), .forbidden, "auth.passwordChangeRequired")
                let changed = try await api.send(
                    .post, "/v1/auth/password", token: token,
                    json: jsonString(["currentPassword": password, "newPassword": "zhang-san-password"]))
                #expect(changed.status == .noContent, "\(changed.text)")
                #expect(try await api.get("/v1/org-units/by-code/\(d.street1)", token: token).status == .ok)
                expectProblem(try await api.get("/v1/org-units/by-code/\(d.street2)", token: token), .forbidden, "auth.outOfScope")

                let read = try await api.get("/v1/users/zhang.san", token: admin)
                #expect(read.status == .ok, "\(read.text)")
                #expect((try read.json()["bindings"] as? [Any])?.count == 1)
            }
        }
    }

    @Test func bindingsAreValidated() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let created = try await api.send(.post, "/v1/users", token: admin, json: jsonString(["login": "li.si", "displayName": "李四"]))
                #expect(created.status == .created, "\(created.text)")

                let liaison = try await api.send(
                    .post, "/v1/users/li.si/bindings", token: admin,
                    json: jsonString(["role": "departmentLiaison", "scopeCode": d.division]))
                expectProblem(liaison, .badRequest, "validation.failed")
                #expect(liaison.fieldErrorCodes == ["binding.departmentRequired"], "\(liaison.text)")

                let notLiaison = try await api.send(
                    .post, "/v1/users/li.si/bindings", token: admin,
                    json: jsonString(["role": "viewer", "scopeCode": d.division, "departmentCode": "CGW"]))
                expectProblem(notLiaison, .badRequest, "validation.failed")
                #expect(notLiaison.fieldErrorCodes == ["binding.departmentNotAllowed"], "\(notLiaison.text)")

                expectProblem(
                    try await api.send(
                        .post, "/v1/users/li.si/bindings", token: admin,
                        json: jsonString(["role": "viewer", "scopeCode": "999999999"])),
                    .notFound, "org.unit.notFound")
                expectProblem(
                    try await api.send(
                        .post, "/v1/users/nobody/bindings", token: admin,
                        json: jsonString(["role": "viewer", "scopeCode": d.street1])),
                    .notFound, "user.notFound")

                let badLogin = try await api.send(.post, "/v1/users", token: admin, json: jsonString(["login": "白", "displayName": "x"]))
                expectProblem(badLogin, .badRequest, "validation.failed")
                #expect(badLogin.fieldErrorFields == ["login"], "\(badLogin.text)")

                // None of the refused bindings was written.
                #expect(try await db.service.user(.operator, tenantId: d.tenantId, login: "li.si").bindings.isEmpty)
            }
        }
    }

    @Test func onlyAdminsManageUsers() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let password = try await db.makeUser(tenantId: d.tenantId, login: "dispatcher", role: .dispatcher, scope: d.division)
            let streetAdminPassword = try await db.makeUser(tenantId: d.tenantId, login: "street.admin", role: .tenantAdmin, scope: d.street1)
            try await withAPI(db) { api in
                let dispatcher = try await api.login(tenant: d.code, login: "dispatcher", password: password)
                expectProblem(
                    try await api.send(.post, "/v1/users", token: dispatcher, json: jsonString(["login": "x.y", "displayName": "x"])),
                    .forbidden, "auth.actionNotAllowed")
                expectProblem(
                    try await api.send(
                        .post, "/v1/users/dispatcher/bindings", token: dispatcher,
                        json: jsonString(["role": "tenantAdmin", "scopeCode": d.division])),
                    .forbidden, "auth.actionNotAllowed")

                // An admin of street 1 may not bind anyone over street 2 or the whole district.
                let streetAdmin = try await api.login(tenant: d.code, login: "street.admin", password: streetAdminPassword)
                #expect(
                    try await api.send(.post, "/v1/users", token: streetAdmin, json: jsonString(["login": "wang.wu", "displayName": "王五"])).status == .created)
                expectProblem(
                    try await api.send(
                        .post, "/v1/users/wang.wu/bindings", token: streetAdmin,
                        json: jsonString(["role": "viewer", "scopeCode": d.street2])),
                    .forbidden, "auth.outOfScope")
                expectProblem(
                    try await api.send(
                        .post, "/v1/users/wang.wu/bindings", token: streetAdmin,
                        json: jsonString(["role": "tenantAdmin", "scopeCode": d.division])),
                    .forbidden, "auth.outOfScope")
                #expect(
                    try await api.send(
                        .post, "/v1/users/wang.wu/bindings", token: streetAdmin,
                        json: jsonString(["role": "viewer", "scopeCode": d.community1])
                    ).status == .ok)
            }
        }
    }

    @Test func aPasswordResetEndsTheUsersSessions() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let password = try await db.makeUser(tenantId: d.tenantId, login: "viewer", role: .viewer, scope: d.street1)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let token = try await api.login(tenant: d.code, login: "viewer", password: password)
                let reset = try await api.send(.post, "/v1/users/Viewer/password-reset", token: admin)
                #expect(reset.status == .ok, "\(reset.text)")
                let body = try reset.json()
                #expect(body["login"] as? String == "viewer")
                let newPassword = try #require(body["password"] as? String)
                #expect(newPassword != password)
                expectProblem(try await api.get("/v1/me", token: token), .unauthorized, "auth.invalidToken")
                expectProblem(try await api.loginResponse(tenant: d.code, login: "viewer", password: password), .unauthorized, "auth.badCredentials")
                _ = try await api.login(tenant: d.code, login: "viewer", password: newPassword)
                // The new password is one-time again; once changed, the viewer still cannot reset anyone.
                let viewer = try await api.login(tenant: d.code, login: "viewer", password: newPassword)
                expectProblem(try await api.send(.post, "/v1/users/admin/password-reset", token: viewer), .forbidden, "auth.passwordChangeRequired")
                let changed = try await api.send(
                    .post, "/v1/auth/password", token: viewer,
                    json: jsonString(["currentPassword": newPassword, "newPassword": "viewer-password"]))
                #expect(changed.status == .noContent, "\(changed.text)")
                expectProblem(try await api.send(.post, "/v1/users/admin/password-reset", token: viewer), .forbidden, "auth.actionNotAllowed")
            }
        }
    }

    /// A tenant admin whose scope is the whole district just created this user; reading it back
    /// should not be a 404 only because it holds no binding yet (password-reset already treats an
    /// unbound user as belonging to the district root).
    @Test func theAdminCanReadAUserItJustCreated() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let created = try await api.send(.post, "/v1/users", token: admin, json: jsonString(["login": "zhao.liu", "displayName": "赵六"]))
                #expect(created.status == .created, "\(created.text)")
                let read = try await api.get("/v1/users/zhao.liu", token: admin)
                #expect(read.status == .ok, "\(read.text)")
                #expect(try read.json()["login"] as? String == "zhao.liu")
                // Resetting that same unbound user's password is allowed.
                #expect(try await api.send(.post, "/v1/users/zhao.liu/password-reset", token: admin).status == .ok)
            }
        }
    }
}
