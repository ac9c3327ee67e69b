import Foundation
import GridCore
import Hummingbird
import Logging
import OpenAPIRuntime

/// Turns every error into an RFC 9457 problem+json response with a stable code, in the
/// request's language. Unknown errors are logged with the request id and answered with a 500
/// that reveals nothing.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, logger: context.logger)
            return Self.response(problem, path: request.uri.path)
        }
    }

    static func problem(for error: any Error, logger: Logger) -> GridError {
        switch error {
        case let error as GridError:
            return error
        case let error as ServerError:
            return problem(forServerError: error, logger: logger)
        case let error as HTTPError:
            return httpProblem(error.status, error.body)
        case let error as any HTTPResponseError:
            return httpProblem(error.status, nil)
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return GridError(.internal, Text(zh: "服务器内部错误，请联系管理员并提供请求编号", en: "internal error; report the request id to the administrators"))
        }
    }

    /// Errors from the generated layer: a decoding failure is the client's fault and says where.
    static func problem(forServerError error: ServerError, logger: Logger) -> GridError {
        let underlying = error.underlyingError
        if let grid = underlying as? GridError { return grid }
        if let decoding = underlying as? DecodingError ?? Mirror(reflecting: underlying).children.first?.value as? DecodingError {
            if let segment = misfitPathParameter(decoding, parameters: error.requestMetadata.pathParameters) {
                // `/v1/cases/abc` or `/v1/cases/1/actions/fly` names no endpoint: not found, not a malformed request.
                return GridError(
                    .routeNotFound,
                    Text(zh: "没有这个接口（路径中的“\(segment)”不是有效的取值）", en: "no such endpoint ('\(segment)' is not a valid value in the path)"))
            }
            var field = decodingFieldError(decoding)
            if field.field == "body", let name = misfitQueryParameter(decoding, path: error.request.path) {
                field = FieldError(name, .fieldType, Text(zh: "查询参数 \(name) 的值类型错误", en: "query parameter \(name) has a value of the wrong type"))
            }
            return GridError.invalid([field])
        }
        if let http = underlying as? any HTTPResponseError { return problem(for: http, logger: logger) }
        switch error.httpStatus.code {
        case 415:
            return GridError(
                .requestContentType,
                Text(zh: "不支持的内容类型：\(error.causeDescription)", en: "unsupported content type: \(error.causeDescription)"))
        case 400..<500:
            let detail = "\(underlying)"
            return GridError(.requestMalformed, Text(zh: "请求格式错误：\(detail)", en: "malformed request: \(detail)"))
        default:
            logger.error("unhandled error", metadata: ["operation": "\(error.operationID)", "error": "\(String(reflecting: underlying))"])
            return GridError(.internal, Text(zh: "服务器内部错误，请联系管理员并提供请求编号", en: "internal error; report the request id to the administrators"))
        }
    }

    /// The path parameter a path-less decoding error is about: one whose value is named in the
    /// error (an enum's raw value) or that does not read as the integer expected.
    static func misfitPathParameter(_ error: DecodingError, parameters: [String: Substring]) -> String? {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let text = context.debugDescription + (context.underlyingError.map { "\($0)" } ?? "")
            return parameters.values.map(String.init).first { text.hasSuffix("value \($0)") || text.contains("value \($0) ") }
        case .typeMismatch(let type, let context) where context.codingPath.isEmpty:
            guard type is Int64.Type || type is Int.Type || type is Int32.Type else { return nil }
            return parameters.values.map(String.init).first { Int64($0) == nil }
        default:
            return nil
        }
    }

    /// The JSON name of the type a value should have had, never a Swift type's name.
    static func jsonType(_ type: Any.Type) -> Text {
        switch type {
        case is String.Type, is Substring.Type: return Text(zh: "字符串", en: "a string")
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: return Text(zh: "整数", en: "an integer")
        case is Double.Type, is Float.Type: return Text(zh: "数字", en: "a number")
        case is Bool.Type: return Text(zh: "布尔值", en: "a boolean")
        case is Date.Type: return Text(zh: "RFC 3339 时间", en: "an RFC 3339 date-time")
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return Text(zh: "数组", en: "an array") }
            return Text(zh: "对象", en: "an object")
        }
    }

    /// The query parameter a path-less decoding error is about: the one whose value does not read
    /// as the number or flag that was expected.
    static func misfitQueryParameter(_ error: DecodingError, path: String?) -> String? {
        guard case .typeMismatch(let type, let context) = error, context.codingPath.isEmpty,
            let query = path?.split(separator: "?", maxSplits: 1).dropFirst().first
        else { return nil }
        let reads: (String) -> Bool =
            switch type {
            case is Double.Type, is Float.Type: { Double($0) != nil }
            case is Int.Type, is Int64.Type, is Int32.Type: { Int64($0) != nil }
            case is Bool.Type: { $0 == "true" || $0 == "false" }
            default: { _ in true }
            }
        let misfits = query.split(separator: "&").compactMap { item -> String? in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !reads(parts[1].removingPercentEncoding ?? parts[1]) else { return nil }
            return parts[0]
        }
        return misfits.count == 1 ? misfits[0] : nil
    }

    static func decodingFieldError(_ error: DecodingError) -> FieldError {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : (joined.isEmpty ? "body" : joined)
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context).isEmpty || path(context) == "body" ? key.stringValue : path(context) + "." + key.stringValue
            return FieldError(field, .fieldRequired, Text(zh: "缺少必填字段 \(field)", en: "required field \(field) is missing"))
        case .typeMismatch(let type, let context):
            let expected = jsonType(type)
            return FieldError(
                path(context), .fieldType,
                Text(zh: "字段 \(path(context)) 类型错误，应为\(expected.zh)", en: "field \(path(context)) has the wrong type; expected \(expected.en)"))
        case .valueNotFound(let type, let context):
            let expected = jsonType(type)
            return FieldError(
                path(context), .fieldNull,
                Text(zh: "字段 \(path(context)) 不能为 null，应为\(expected.zh)", en: "field \(path(context)) must not be null; expected \(expected.en)"))
        case .dataCorrupted(let context):
            let text = context.debugDescription + (context.underlyingError.map { " \($0)" } ?? "")
            // "Cannot initialize CaseRating from invalid String value great": a value outside the allowed set.
            if let range = text.range(of: "invalid String value ") {
                let value = text[range.upperBound...].prefix { $0 != "\n" }
                return FieldError(
                    path(context), .fieldNotAllowed,
                    Text(
                        zh: "\(path(context)) 的取值“\(value)”不在允许的取值中（见接口文档）",
                        en: "\(path(context)) cannot be '\(value)' (see the API contract for the allowed values)"))
            }
            return FieldError(
                path(context), .fieldInvalid,
                Text(zh: "\(path(context)) 的值无效（格式不符合接口文档）", en: "\(path(context)) is invalid (its format does not match the API contract)"))
        @unknown default:
            return FieldError("body", .fieldInvalid, Text(zh: "请求体无效", en: "the request body is invalid"))
        }
    }

    static func httpProblem(_ status: HTTPResponse.Status, _ message: String?) -> GridError {
        switch status.code {
        case 404:
            return GridError(.routeNotFound, Text(zh: "没有这个接口", en: "no such endpoint"))
        case 405:
            return GridError(.routeMethodNotAllowed, Text(zh: "该接口不支持此方法", en: "method not allowed on this endpoint"))
        case 413:
            return GridError(.requestTooLarge, Text(zh: "请求体过大", en: "request body too large"))
        default:
            let text = message ?? status.reasonPhrase
            return GridError(status.code < 500 ? .requestInvalid : .internal, Text(zh: text, en: text))
        }
    }

    static func status(_ kind: GridError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .preconditionFailed: .preconditionFailed
        case .unprocessable: .unprocessableContent
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    static func response(_ error: GridError, path: String) -> Response {
        let language = RequestScope.language
        let status = status(error.kind)
        var body: [String: Any] = [
            "type": "https://gridgov.dev/problems/\(error.code.rawValue)",
            "title": status.reasonPhrase,
            "status": status.code,
            "detail": error.message.localized(language),
            "code": error.code.rawValue,
            "instance": path,
            "requestId": RequestScope.requestId,
        ]
        if !error.fieldErrors.isEmpty {
            body["errors"] = error.fieldErrors.map { ["field": $0.field, "code": $0.code.rawValue, "message": $0.message.localized(language)] }
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json; charset=utf-8", .contentLanguage: language == .zh ? "zh-CN" : "en"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if error.kind == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
