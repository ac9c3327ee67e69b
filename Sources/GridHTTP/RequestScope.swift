import GridCore

/// What the middlewares learn about a request and the handlers need: carried as task locals, since
/// the OpenAPI handlers receive only their typed input.
public enum RequestScope {
    @TaskLocal public static var principal: Principal?
    @TaskLocal public static var bearerToken: String?
    @TaskLocal public static var language: Language = .zh
    @TaskLocal public static var requestId: String = "-"

    /// The authenticated principal; the auth middleware guarantees one on protected routes.
    static func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw GridError(.authRequired, Text(zh: "请先登录", en: "authentication required: send Authorization: Bearer <token>"))
        }
        return principal
    }
}
