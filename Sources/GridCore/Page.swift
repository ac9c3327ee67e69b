import Foundation

/// Keyset pagination: an opaque cursor holding the last sort key of a page, and the page limit.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 50
    public static let maxLimit = 200

    public var after: String?
    public var limit: Int

    public init(after: String? = nil, limit: Int = PageRequest.defaultLimit) {
        self.after = after
        self.limit = limit
    }

    /// Reads the query parameters `cursor` and `limit`, refusing what cannot be right.
    public static func parse(cursor: String?, limit: Int?) throws(GridError) -> PageRequest {
        var problems: [FieldError] = []
        var after: String?
        if let cursor, !cursor.isEmpty {
            if let data = Data(
                base64Encoded: cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/").padding(
                    toLength: (cursor.count + 3) / 4 * 4, withPad: "=", startingAt: 0)),
                let key = String(data: data, encoding: .utf8), key.hasPrefix("k:")
            {
                after = String(key.dropFirst(2))
            } else {
                problems.append(
                    FieldError(
                        "cursor", .paginationBadCursor,
                        Text(zh: "分页游标“\(cursor.prefix(40))”无效", en: "cursor '\(cursor.prefix(40))' is not one this server issued")))
            }
        }
        let size = limit ?? defaultLimit
        if !(1...maxLimit).contains(size) {
            problems.append(
                FieldError(
                    "limit", .paginationBadLimit, Text(zh: "limit 应在 1–\(maxLimit) 之间，实际为 \(size)", en: "limit must be within 1–\(maxLimit), got \(size)")))
        }
        if !problems.isEmpty { throw GridError.invalid(problems) }
        return PageRequest(after: after, limit: size)
    }

    /// The cursor that continues after `key`.
    public static func cursor(after key: String) -> String {
        Data(("k:" + key).utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The key a page continues after, for lists keyed by a number (an id, a rule set's number);
    /// a cursor whose key is not one is refused as a cursor this server did not issue.
    public func afterNumber() throws -> Int64? {
        guard let after else { return nil }
        guard let number = Int64(after) else {
            throw GridError.invalid([FieldError("cursor", .paginationBadCursor, Text(zh: "分页游标无效", en: "the cursor is not one this server issued"))])
        }
        return number
    }
}

/// One page of results and the cursor of the next, if any.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
    public init(fetched: [Item], limit: Int, key: (Item) -> String) {
        if fetched.count > limit {
            items = Array(fetched.prefix(limit))
            nextCursor = items.last.map { PageRequest.cursor(after: key($0)) }
        } else {
            items = fetched
            nextCursor = nil
        }
    }
}
