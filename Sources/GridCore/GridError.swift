import Foundation

/// The one error type the domain and the services throw: a stable machine code, a category the
/// HTTP layer maps to a status, and the human text in Chinese and English.
public struct GridError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case badRequest, unauthorized, forbidden, notFound, conflict, preconditionFailed
        case unprocessable, payloadTooLarge, unsupportedMediaType, tooManyRequests
        /// 503: a dependency (the database) is unavailable for now; the request may be sent again.
        case unavailable
        /// 500: a bug.
        case `internal`
    }

    /// Stable machine code, e.g. `org.unit.notFound`; it decides the kind (the HTTP status).
    public var code: ErrorCode
    public var kind: Kind { code.kind }
    public var message: Text
    public var fieldErrors: [FieldError]
    /// Seconds a client should wait before trying again (throttling, an unavailable database).
    public var retryAfter: Int?

    public init(_ code: ErrorCode, _ message: Text, fieldErrors: [FieldError] = [], retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.fieldErrors = fieldErrors
        self.retryAfter = retryAfter
    }

    /// Seconds a client is asked to wait before sending a request again after a 503.
    public static let unavailableRetryAfter = 2

    public var description: String {
        ([message.en] + fieldErrors.map { "\($0.field): \($0.message.en)" }).joined(separator: "; ")
    }

    /// A validation failure: 400 with one entry per offending field.
    public static func invalid(_ fieldErrors: [FieldError]) -> GridError {
        let count = fieldErrors.count
        return GridError(
            .validationFailed,
            Text(zh: "请求有 \(count) 处错误", en: "The request has \(count) invalid field(s)"),
            fieldErrors: fieldErrors)
    }

}

/// One problem with one input field: where (a JSON pointer-like path or a column name), what.
public struct FieldError: Sendable, Equatable {
    public var field: String
    public var code: ErrorCode
    public var message: Text

    public init(_ field: String, _ code: ErrorCode, _ message: Text) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// A user-facing sentence in the two languages the system speaks.
public struct Text: Sendable, Equatable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public func localized(_ language: Language) -> String { language == .zh ? zh : en }
}

public enum Language: Sendable, Equatable {
    case zh, en

    /// Picks the language from an Accept-Language header: English only when it is asked for
    /// before Chinese; Chinese is the default.
    public static func from(acceptLanguage header: String?) -> Language {
        guard let header else { return .zh }
        for part in header.lowercased().split(separator: ",") {
            let tag = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if tag.hasPrefix("zh") { return .zh }
            if tag.hasPrefix("en") { return .en }
        }
        return .zh
    }
}
