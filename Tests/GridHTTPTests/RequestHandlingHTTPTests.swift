import Foundation
import GridCore
import GridHTTP
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Bad input, unknown routes, languages, request ids and the operations endpoints.
@Suite struct RequestHandlingHTTPTests {
    @Test func malformedAndMistypedJSONIs400() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let malformed = try await api.send(.post, "/v1/auth/login", json: #"{"tenant": "HD", "login": "#)
                expectProblem(malformed, .badRequest, "validation.failed")

                let notAnObject = try await api.send(.post, "/v1/auth/login", json: "[1, 2]")
                expectProblem(notAnObject, .badRequest, "validation.failed")

                let wrongType = try await api.send(
                    .post, "/v1/auth/login",
                    json: jsonString(["tenant": d.code, "login": 1, "password": d.adminPassword]))
                expectProblem(wrongType, .badRequest, "validation.failed")
                #expect(wrongType.fieldErrorFields == ["login"], "\(wrongType.text)")
                #expect(wrongType.fieldErrorCodes == ["field.type"])

                let missing = try await api.send(.post, "/v1/auth/login", json: jsonString(["tenant": d.code, "login": "admin"]))
                expectProblem(missing, .badRequest, "validation.failed")
                #expect(missing.fieldErrorFields == ["password"], "\(missing.text)")
                #expect(missing.fieldErrorCodes == ["field.required"])

                let null = try await api.send(.post, "/v1/auth/login", json: #"{"tenant": "HD", "login": null, "password": "x"}"#)
                expectProblem(null, .badRequest, "validation.failed")
                #expect(null.fieldErrorFields == ["login"], "\(null.text)")

                // Nested: a binding with a role that does not exist names the field.
                let token = try await api.adminToken(d)
                let badRole = try await api.send(
                    .post, "/v1/users/admin/bindings", token: token,
                    json: jsonString(["role": "emperor", "scopeCode": d.street1]))
                #expect(badRole.status == .badRequest, "\(badRole.text)")
                #expect(badRole.fieldErrorFields == ["role"], "\(badRole.text)")

                // Not JSON at all.
                let form = try await api.send(.post, "/v1/auth/login", json: "tenant=HD", headers: [.contentType: "application/x-www-form-urlencoded"])
                #expect(form.status == .unsupportedMediaType || form.status == .badRequest, "\(form.text)")
                #expect(form.isProblemJSON)
                // The server still works.
                _ = try await api.adminToken(d)
            }
        }
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let padding = String(repeating: "x", count: testMaxBodyBytes + 1)
                let huge = jsonString(["tenant": d.code, "login": "admin", "password": padding])
                let response = try await api.send(.post, "/v1/auth/login", json: huge)
                expectProblem(response, .contentTooLarge, "request.tooLarge")
                #expect(response.headers[.requestId] != nil)

                let token = try await api.adminToken(d)
                let hugeUnit = try await api.send(
                    .post, "/v1/org-units", token: token,
                    json: jsonString([
                        "parentId": 1, "kind": "grid", "code": "x", "name": padding,
                    ]))
                expectProblem(hugeUnit, .contentTooLarge, "request.tooLarge")

                // Just under the limit is read (and then judged on its merits).
                let fits = jsonString(["tenant": d.code, "login": "admin", "password": String(repeating: "y", count: testMaxBodyBytes - 200)])
                let fitting = try await api.send(.post, "/v1/auth/login", json: fits)
                #expect(fitting.status != .contentTooLarge, "\(fitting.text)")
                #expect(fitting.status.code < 500, "\(fitting.text)")
            }
        }
    }

    @Test func unknownRoutesAre404() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                expectProblem(try await api.get("/nope"), .notFound, "route.notFound")
                let token = try await api.adminToken(d)
                expectProblem(try await api.get("/v1/nope", token: token), .notFound, "route.notFound")
                // Under /v1 the token is checked first.
                expectProblem(try await api.get("/v1/nope"), .unauthorized, "auth.required")
                let badId = try await api.get("/v1/org-units/not-a-number", token: token)
                #expect(badId.status == .badRequest || badId.status == .notFound, "\(badId.text)")
                #expect(badId.isProblemJSON)
            }
        }
    }

    @Test func problemsFollowAcceptLanguage() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let english = try await api.loginResponse(tenant: d.code, login: "admin", password: "wrong", headers: [.acceptLanguage: "en"])
                expectProblem(english, .unauthorized, "auth.badCredentials")
                let englishDetail = try #require(try english.json()["detail"] as? String)
                #expect(englishDetail == "wrong district, login or password")
                #expect(!containsCJK(englishDetail))
                #expect(english.headers[.contentLanguage] == "en")

                let chinese = try await api.loginResponse(tenant: d.code, login: "admin", password: "wrong")
                let chineseDetail = try #require(try chinese.json()["detail"] as? String)
                #expect(containsCJK(chineseDetail), "\(chineseDetail)")
                #expect(chinese.headers[.contentLanguage] == "zh-CN")

                let preferred = try await api.get("/v1/me", headers: [.acceptLanguage: "en-US,en;q=0.9,zh-CN;q=0.5"])
                #expect(!containsCJK(try preferred.json()["detail"] as? String ?? "中"))
                let chineseFirst = try await api.get("/v1/me", headers: [.acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.5"])
                #expect(containsCJK(try chineseFirst.json()["detail"] as? String ?? ""))

                // Field messages too.
                let fields = try await api.get("/v1/locate", token: try await api.adminToken(d), headers: [.acceptLanguage: "en"])
                #expect(fields.fieldErrors.allSatisfy { !containsCJK($0["message"] as? String ?? "中") }, "\(fields.text)")
            }
        }
    }

    @Test func everyResponseCarriesARequestId() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                let responses = [
                    try await api.get("/healthz"),
                    try await api.get("/v1/me", token: token),
                    try await api.get("/v1/me"),
                    try await api.get("/nope"),
                    try await api.get("/v1/locate?lat=10&lng=10", token: token),
                    try await api.loginResponse(tenant: d.code, login: "admin", password: "wrong"),
                ]
                var ids: Set<String> = []
                for response in responses {
                    let id = try #require(response.headers[.requestId], "no X-Request-Id on \(response.status)")
                    #expect(!id.isEmpty)
                    ids.insert(id)
                    if response.isProblemJSON {
                        #expect(try response.json()["requestId"] as? String == id)
                    }
                }
                #expect(ids.count == responses.count)

                let echoed = try await api.get("/healthz", headers: [.requestId: "trace-abc-123"])
                #expect(echoed.headers[.requestId] == "trace-abc-123")
                let echoedProblem = try await api.get("/v1/me", headers: [.requestId: "Trace-42"])
                #expect(echoedProblem.headers[.requestId] == "Trace-42")
                #expect(try echoedProblem.json()["requestId"] as? String == "Trace-42")

                for insane in ["has space", "semi;colon", "<script>", String(repeating: "a", count: 65), "zhōng"] {
                    let replaced = try await api.get("/healthz", headers: [.requestId: insane])
                    let id = try #require(replaced.headers[.requestId])
                    #expect(id != insane && !id.isEmpty)
                }
            }
        }
    }

    @Test func operationsEndpoints() async throws {
        try await TestDatabase.with { db in
            try await withAPI(db) { api in
                let document = try await api.get("/openapi.yaml")
                #expect(document.status == .ok)
                #expect(document.text.hasPrefix("openapi: 3.1"))
                #expect(document.headers[.contentType]?.contains("yaml") == true)

                let health = try await api.get("/healthz")
                #expect(health.status == .ok)
                #expect(try health.json()["status"] as? String == "ok")

                let ready = try await api.get("/readyz")
                #expect(ready.status == .ok, "\(ready.text)")
                #expect(try ready.json()["status"] as? String == "ready")

                // Without a registry the metrics endpoint answers empty, not an error.
                #expect(try await api.get("/metrics").status == .ok)
            }
        }
    }

    /// A NUL character is valid JSON and valid UTF-8 but PostgreSQL text cannot hold it: input that
    /// carries one is the client's mistake (4xx), never an internal error.
    @Test func nulCharactersInInputAreNotServerErrors() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let root = try await db.unit(d, code: d.division)
            try await withAPI(db) { api in
                let tenant = try await api.loginResponse(tenant: "H\u{0}D", login: "admin", password: d.adminPassword)
                #expect((400..<500).contains(tenant.status.code), "tenant with NUL: \(tenant.status.code) \(tenant.text)")

                let login = try await api.loginResponse(tenant: d.code, login: "ad\u{0}min", password: d.adminPassword)
                #expect((400..<500).contains(login.status.code), "login with NUL: \(login.status.code) \(login.text)")

                let token = try await api.adminToken(d)
                let code = try await api.get("/v1/org-units/by-code/110108%00", token: token)
                #expect((400..<500).contains(code.status.code), "code with NUL: \(code.status.code) \(code.text)")

                // A cursor is base64url of "k:<last key>": one whose key holds a NUL.
                let cursor = Data("k:110108\u{0}".utf8).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                let page = try await api.get("/v1/org-units/\(root.id)/children?cursor=\(cursor)", token: token)
                #expect((400..<500).contains(page.status.code), "cursor with NUL: \(page.status.code) \(page.text)")

                let user = try await api.send(.post, "/v1/users", token: token, json: jsonString(["login": "nul.user", "displayName": "N\u{0}UL"]))
                #expect((400..<500).contains(user.status.code), "display name with NUL: \(user.status.code) \(user.text)")
            }
        }
    }

    /// A query parameter of the wrong type is a validation failure that names the parameter, as a
    /// missing one does (not the request "body", which a GET does not have).
    @Test func mistypedQueryParametersAreNamed() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let root = try await db.unit(d, code: d.division)
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                let lat = try await api.get("/v1/locate?lat=abc&lng=116.3", token: token)
                expectProblem(lat, .badRequest, "validation.failed")
                #expect(lat.fieldErrorFields == ["lat"], "\(lat.text)")

                let limit = try await api.get("/v1/org-units/\(root.id)/children?limit=many", token: token)
                expectProblem(limit, .badRequest, "validation.failed")
                #expect(limit.fieldErrorFields == ["limit"], "\(limit.text)")
            }
        }
    }
}
