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

extension HTTPField.Name {
    static let xRequestId = Self("X-Request-Id")!
}
