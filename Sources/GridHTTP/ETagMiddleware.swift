import Foundation
import GridCore
import GridService
import HTTPTypes
import Hummingbird
import Logging

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
