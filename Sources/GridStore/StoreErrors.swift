import GridCore
import PostgresNIO

/// Maps constraint violations PostgreSQL reports to the domain's errors, so that a race the
/// service could not see coming (two imports of one code) is still a clear 409 and not a 500.
enum StoreErrors {
    static let connectionLost: Set<PSQLError.Code> = [.serverClosedConnection, .connectionError, .uncleanShutdown]
    static let unavailable = GridError(.unavailable, "db.unavailable", Text(zh: "数据库连接中断，请重试", en: "the database connection was lost; retry the request"))

    static func translate(_ error: PSQLError) -> any Error {
        guard let fields = error.serverInfo else {
            // The connection went away (the database restarted, a session was ended): the
            // transaction rolled back, and the request may be sent again.
            return Self.connectionLost.contains(error.code) ? unavailable : error
        }
        let state = fields[.sqlState] ?? ""
        let constraint = fields[.constraintName] ?? ""
        let detail = fields[.detail] ?? fields[.message] ?? ""
        switch state {
        case "23505":
            return GridError(.conflict, "db.duplicate", Text(zh: "数据重复（\(constraint)）：\(detail)", en: "duplicate value (\(constraint)): \(detail)"))
        case "23503":
            return GridError(.conflict, "db.reference", Text(zh: "引用的数据不存在或仍被引用（\(constraint)）", en: "a referenced row is missing or still referenced (\(constraint)): \(detail)"))
        case "22021", "22P05":
            return GridError(.badRequest, "request.badCharacter", Text(zh: "输入含有无法存储的字符（如 NUL）", en: "the input contains a character that cannot be stored (such as NUL)"))
        case "23514", "23502", "22P02", "22023", "22001", "22003":
            return GridError(.badRequest, "db.invalid", Text(zh: "数据不符合约束（\(constraint)）：\(detail)", en: "value violates a rule (\(constraint)): \(detail)"))
        case _ where state.hasPrefix("57P") || state.hasPrefix("08"):
            return unavailable
        case "40001", "40P01":
            return GridError(.conflict, "db.retry", Text(zh: "并发冲突，请重试", en: "concurrent update conflict; retry the request"))
        default:
            return error
        }
    }
}
