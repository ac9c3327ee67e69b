import Foundation
import GridCore
import GridService
import HTTPTypes
import Hummingbird
import Logging

/// Refuses bodies over the limit with 413 before anything reads them. A POST, PUT or PATCH sent
/// with no body and no Content-Type (an action that needs no fields, `curl -X POST`) reads as the
/// empty JSON object `{}`, so an optional body may be left out.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let generalLimit: Int

    init(maxBytes: Int) { generalLimit = maxBytes }

    /// Photo uploads (a case's, a whistle's) may be larger than other bodies.
    func limit(for request: Request) -> Int {
        let path = request.uri.path
        let photo =
            (path.hasPrefix("/v1/cases/") && path.hasSuffix("/attachments")) || (path.hasPrefix("/v1/whistles/") && path.hasSuffix("/photos"))
        if request.method == .post, photo { return max(generalLimit, AttachmentRules.maxBytes) }
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
                if buffer.readableBytes == 0, request.headers[.contentType] == nil {
                    var head = request.head
                    head.headerFields[.contentType] = "application/json"
                    request = Request(head: head, body: .init(buffer: ByteBuffer(string: "{}")))
                } else {
                    request.body = .init(buffer: buffer)
                }
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
