import Foundation
import GridCore
import GridService
import HTTPTypes
import Hummingbird
import Logging

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
