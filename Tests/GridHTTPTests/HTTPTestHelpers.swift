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

/// The largest request body the apps under test accept.
let testMaxBodyBytes = 64 * 1024

/// Runs `body` with a client of the full router (all middlewares, the OpenAPI handlers) over `db`.
func withAPI<T: Sendable>(_ db: TestDatabase, _ body: @Sendable (API) async throws -> T) async throws -> T {
    let app = Application(router: try buildRouter(service: db.service, settings: ServerSettings(maxBodyBytes: testMaxBodyBytes)))
    return try await app.test(.router) { client in try await body(API(client: client)) }
}

/// A thin wrapper over the test client: JSON bodies, bearer tokens, logins.
struct API: Sendable {
    let client: any TestClientProtocol

    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func get(_ uri: String, token: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(.get, uri, token: token, headers: headers)
    }

    /// POST /v1/auth/login with the three fields.
    func loginResponse(tenant: String, login: String, password: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(.post, "/v1/auth/login", json: jsonString(["tenant": tenant, "login": login, "password": password]), headers: headers)
    }

    /// Logs in and returns the bearer token; fails the test when the login does not succeed.
    func login(tenant: String, login: String, password: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let response = try await loginResponse(tenant: tenant, login: login, password: password)
        try #require(response.status == .ok, "login of \(login)@\(tenant) answered \(response.status): \(response.text)", sourceLocation: sourceLocation)
        return try #require(try response.json()["token"] as? String, sourceLocation: sourceLocation)
    }

    /// The admin of a seeded district, logged in.
    func adminToken(_ district: SmallDistrict) async throws -> String {
        try await login(tenant: district.code, login: "admin", password: district.adminPassword)
    }
}

/// A JSON text from a dictionary (keys sorted; CJK left as is).
func jsonString(_ object: [String: Any]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [])
        return try #require(object as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
    }

    /// The `code` of a problem+json body, nil when the body is not one.
    var problemCode: String? { (try? json())?["code"] as? String }

    /// The `errors[]` entries of a problem+json body.
    var fieldErrors: [[String: Any]] { ((try? json())?["errors"] as? [[String: Any]]) ?? [] }

    var fieldErrorFields: [String] { fieldErrors.compactMap { $0["field"] as? String } }
    var fieldErrorCodes: [String] { fieldErrors.compactMap { $0["code"] as? String } }

    var isProblemJSON: Bool { headers[.contentType]?.hasPrefix("application/problem+json") ?? false }
}

/// Expects a problem+json answer with this status and code.
func expectProblem(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "expected \(status.code) \(code), got \(response.status.code): \(response.text)", sourceLocation: sourceLocation)
    #expect(response.problemCode == code, "expected code \(code) in \(response.text)", sourceLocation: sourceLocation)
    #expect(response.isProblemJSON, "content type \(response.headers[.contentType] ?? "none")", sourceLocation: sourceLocation)
    if let body = try? response.json() {
        #expect(body["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
    }
}

extension TestDatabase {
    /// Creates a user through the service (as the operator) with one binding; returns the password:
    /// the one-time password when `oneTime`, else the one the user replaced it with at a first login.
    @discardableResult
    func makeUser(tenantId: Int64, login: String, role: Role, scope: String, department: String? = nil, oneTime: Bool = false) async throws -> String {
        let (_, password) = try await service.createUser(.operator, tenantId: tenantId, login: login, displayName: login, phone: nil)
        _ = try await service.grant(.operator, tenantId: tenantId, login: login, role: role, scopeCode: scope, departmentCode: department)
        guard !oneTime else { return password }
        let tenant = try await service.listTenants().first { $0.id == tenantId }
        return try await settlePassword(tenant: try #require(tenant).code, login: login, oneTimePassword: password)
    }

    /// A unit as the operator sees it.
    func unit(_ district: SmallDistrict, code: String) async throws -> OrgUnitRecord {
        try await service.unit(.operator, tenantId: district.tenantId, code: code)
    }
}

/// Query string for a WGS84 point.
func locateURI(_ point: Coordinate) -> String { "/v1/locate?lat=\(point.lat)&lng=\(point.lng)" }

/// True when the text holds a CJK ideograph.
func containsCJK(_ text: String) -> Bool {
    text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
}

/// A JSON number as Int64.
func int64(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }

/// A GeoJSON Polygon of one closed ring through `points` ([lng, lat]).
func polygonJSON(_ points: [(Double, Double)]) -> [String: Any] {
    var ring = points.map { [$0.0, $0.1] }
    if let first = ring.first, first != ring.last { ring.append(first) }
    return ["type": "Polygon", "coordinates": [ring]]
}

extension HTTPField.Name {
    static let requestId = HTTPField.Name("X-Request-Id")!
}

/// The version an ETag header names, read leniently: percent-escapes undone, `W/` and quotes dropped.
func eTagVersion(_ response: TestResponse) -> Int64? {
    guard var tag = response.headers[.eTag] else { return nil }
    tag = tag.removingPercentEncoding ?? tag
    if tag.hasPrefix("W/") { tag.removeFirst(2) }
    return Int64(tag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
}
