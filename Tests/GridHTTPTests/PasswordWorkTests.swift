import Foundation
import GridCore
import GridService
import GridTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// bcrypt is the slow part of a login and of setting a password. A login costs the same bcrypt work
/// whether or not its district and user exist, and a request that is refused costs none: the
/// service's hasher counts what it did.
@Suite struct PasswordWorkTests {
    @Test func everyLoginChecksOnePasswordAtTheConfiguredCost() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            // A cost other than the test databases' own, so that a stand-in of a fixed cost would show.
            let cost = db.service.configuration.bcryptCost + 2
            let service = GridService(db: db.db, configuration: .init(bcryptCost: cost))
            let (_, password) = try await service.createUser(.operator, tenantId: d.tenantId, login: "known", displayName: "known", phone: nil)
            let attempts: [(tenant: String, login: String, password: String)] = [
                ("NOPE", "known", password), (d.code, "nobody", password), (d.code, "known", "not-the-password"), (d.code, "known", password),
            ]
            for attempt in attempts {
                let before = service.passwords.done.checkedCosts.count
                let result = try? await service.login(tenantCode: attempt.tenant, login: attempt.login, password: attempt.password)
                #expect((result != nil) == (attempt.password == password && attempt.login == "known" && attempt.tenant == d.code))
                #expect(
                    Array(service.passwords.done.checkedCosts.dropFirst(before)) == [cost],
                    "\(attempt.login)@\(attempt.tenant): one check at cost \(cost), got \(service.passwords.done.checkedCosts.dropFirst(before))")
            }
        }
    }

    @Test func aRefusedRequestHashesNoPassword() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let viewerPassword = try await db.makeUser(tenantId: d.tenantId, login: "viewer", role: .viewer, scope: d.street1)
            try await withAPI(db) { api in
                let viewer = try await api.login(tenant: d.code, login: "viewer", password: viewerPassword)
                let admin = try await api.adminToken(d)
                let hashes = db.service.passwords.done.hashes
                func newUser(_ login: String) -> String { jsonString(["login": login, "displayName": "新用户"]) }

                expectProblem(try await api.send(.post, "/v1/users", token: viewer, json: newUser("zhang.san")), .forbidden, "auth.actionNotAllowed")
                expectProblem(try await api.send(.post, "/v1/users/admin/password-reset", token: viewer), .forbidden, "auth.actionNotAllowed")
                expectProblem(try await api.send(.post, "/v1/users", token: admin, json: newUser("viewer")), .conflict, "user.duplicateLogin")
                expectProblem(try await api.send(.post, "/v1/users", token: admin, json: newUser("白")), .badRequest, "validation.failed")
                expectProblem(try await api.send(.post, "/v1/users/nobody/password-reset", token: admin), .notFound, "user.notFound")
                let wrongCurrent = jsonString(["currentPassword": "not-the-password", "newPassword": "a-new-password"])
                expectProblem(try await api.send(.post, "/v1/auth/password", token: viewer, json: wrongCurrent), .forbidden, "auth.badCurrentPassword")
                let unchanged = try await api.send(
                    .post, "/v1/auth/password", token: viewer,
                    json: jsonString(["currentPassword": viewerPassword, "newPassword": viewerPassword]))
                expectProblem(unchanged, .badRequest, "validation.failed")
                #expect(unchanged.fieldErrorCodes == ["user.passwordUnchanged"], "\(unchanged.text)")
                await #expect(throws: GridError.self) {
                    try await db.service.createTenant(code: d.code, name: "重复", divisionCode: "110105", adminLogin: "admin")
                }
                #expect(db.service.passwords.done.hashes == hashes, "a refused request made no hash")

                // What is allowed makes one hash each.
                #expect(try await api.send(.post, "/v1/users", token: admin, json: newUser("li.si")).status == .created)
                #expect(try await api.send(.post, "/v1/users/li.si/password-reset", token: admin).status == .ok)
                #expect(db.service.passwords.done.hashes == hashes + 2)
            }
        }
    }
}
