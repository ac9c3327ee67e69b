import Foundation
import GridCore
import GridService
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id (a sane incoming `X-Request-Id` is kept), picks the language from
/// Accept-Language, logs one line per request with id, tenant, principal, status and duration,
/// and echoes the id on the response.
struct RequestIdMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let incoming = request.headers[.xRequestId]
        let requestId =
            incoming.flatMap { $0.count <= 64 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } ? $0 : nil }
            ?? UUID().uuidString.lowercased()
        let language = Language.from(acceptLanguage: request.headers[.acceptLanguage])
        let started = ContinuousClock.now
        var response = try await RequestScope.$requestId.withValue(requestId) {
            try await RequestScope.$language.withValue(language) {
                try await next(request, context)
            }
        }
        response.headers[.xRequestId] = requestId
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let level: Logger.Level = response.status.code >= 500 ? .error : .info
        context.logger.log(
            level: level, "request",
            metadata: [
                "requestId": "\(requestId)", "method": "\(request.method)", "path": "\(request.uri.path)",
                "status": "\(response.status.code)", "ms": "\(String(format: "%.2f", milliseconds))",
            ])
        return response
    }
}

/// Sends entity tags as RFC 9110 wants them: the generated server percent-encodes header values
/// (`%221%22` for `"1"`), which clients cannot echo as If-Match.
struct ETagMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let tag = response.headers[.eTag], tag.contains("%"), let decoded = tag.removingPercentEncoding {
            response.headers[.eTag] = decoded
        }
        return response
    }
}

/// Refuses bodies over the limit with 413 before anything reads them.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let generalLimit: Int

    init(maxBytes: Int) { generalLimit = maxBytes }

    /// Photo uploads may be larger than other bodies.
    func limit(for request: Request) -> Int {
        let path = request.uri.path
        if request.method == .post, path.hasPrefix("/v1/cases/"), path.hasSuffix("/attachments") { return max(generalLimit, AttachmentRules.maxBytes) }
        return generalLimit
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let maxBytes = limit(for: request)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw Self.tooLarge(maxBytes)
        }
        var request = request
        if request.method == .post || request.method == .put || request.method == .patch {
            do {
                let buffer = try await request.collectBody(upTo: maxBytes)
                request.body = .init(buffer: buffer)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw Self.tooLarge(maxBytes)
            }
        }
        return try await next(request, context)
    }

    static func tooLarge(_ max: Int) -> GridError {
        GridError(.requestTooLarge, Text(zh: "请求体超过 \(max) 字节的上限", en: "request body exceeds the limit of \(max) bytes"))
    }
}

/// Authenticates bearer tokens on /v1 (login excepted) and puts the principal in the task's
/// scope; the logger learns the tenant and user. A session with a one-time password reaches only
/// the paths that change it, say who is logged in and log out.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let service: GridService
    static var openPaths: Set<String> { ["/v1/auth/login"] }
    static var oneTimePasswordPaths: Set<String> { ["/v1/auth/password", "/v1/me", "/v1/auth/logout"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/v1/"), !Self.openPaths.contains(path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw GridError(
                .authRequired,
                Text(zh: "请先登录（Authorization: Bearer <token>）", en: "authentication required: send Authorization: Bearer <token>"))
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let principal = try await service.authenticate(token: token, allowingOneTimePassword: Self.oneTimePasswordPaths.contains(path))
        var context = context
        context.logger[metadataKey: "tenant"] = "\(principal.tenantId)"
        context.logger[metadataKey: "user"] = "\(principal.login)"
        let scoped = context
        return try await RequestScope.$principal.withValue(principal) {
            try await RequestScope.$bearerToken.withValue(token) {
                try await next(request, scoped)
            }
        }
    }
}

extension HTTPField.Name {
    static let xRequestId = Self("X-Request-Id")!
}
