import Foundation
import GridCore
import GridService
import HTTPTypes
import Hummingbird
import Logging

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
