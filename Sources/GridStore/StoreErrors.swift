import GridCore
import PostgresNIO
import _ConnectionPoolModule

/// The one place where what PostgreSQL and the pool report becomes the domain's errors: a lost
/// connection, a pool that cannot connect or a wait past the limit is 503 `db.unavailable` (the
/// transaction rolled back, the request may be sent again); a constraint violation from a race the
/// service could not see coming (two imports of one code) is a clear 409, not a 500.
public enum StoreErrors {
    /// Seconds a client is asked to wait before sending a request again after a 503.
    static let retryAfter = GridError.unavailableRetryAfter
    static let unavailable = GridError(
        .dbUnavailable, Text(zh: "数据库连接中断，请稍后重试", en: "the database connection was lost; retry the request"),
        retryAfter: retryAfter)
    /// COMMIT was sent and no answer came back: the transaction may or may not have committed.
    static let commitUnknown = GridError(
        .dbUnavailable,
        Text(
            zh: "提交时数据库连接中断，结果未知：请用相同的 Idempotency-Key 重试（重复提交不会产生重复数据）",
            en:
                "the database connection was lost during the commit, so the outcome is unknown: retry with the same Idempotency-Key (a replay does not write twice)"
        ),
        retryAfter: retryAfter)

    static func waitExpired(_ limit: Duration, stage: DatabaseWaitExpired.Stage) -> GridError {
        let seconds = limit.components.seconds
        return switch stage {
        case .lease:
            GridError(
                .dbUnavailable,
                Text(zh: "数据库 \(seconds) 秒内未能提供连接，请稍后重试", en: "the database gave no connection within \(seconds) s; retry the request"),
                retryAfter: retryAfter)
        case .statement:
            GridError(
                .dbUnavailable,
                Text(
                    zh: "数据库 \(seconds) 秒内未完成请求，已放弃（未提交）；请稍后重试",
                    en: "the database did not finish within \(seconds) s; the request was abandoned (not committed): retry it"),
                retryAfter: retryAfter)
        }
    }

    /// Any error a database call raised, translated; what is not the database's passes through.
    public static func translate(_ error: any Error, waitLimit: Duration? = nil) -> any Error {
        switch error {
        case let error as PSQLError: return translate(error)
        case let error as DatabaseWaitExpired: return waitExpired(waitLimit ?? .zero, stage: error.stage)
        case is DatabaseConnectionClosed: return unavailable
        case is ConnectionPoolError: return unavailable  // the pool cannot connect (circuit breaker) or shuts down
        default: return error
        }
    }

    static func translate(_ error: PSQLError) -> any Error {
        guard let fields = error.serverInfo else {
            // No answer from the server: the connection went away (the database restarted, a session
            // was ended, the pool is closing, the wait was given up); the transaction rolled back.
            switch error.code {
            case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection, .poolClosed, .queryCancelled:
                return unavailable
            default:
                return error
            }
        }
        let state = fields[.sqlState] ?? ""
        let constraint = fields[.constraintName] ?? ""
        let detail = fields[.detail] ?? fields[.message] ?? ""
        switch state {
        case "23505" where constraint == "cases_tenant_id_number_key":
            // The day's counter was behind the numbers in use (a crash lost its last increments):
            // intake takes a number again (`CaseStore.takeNumber(resync:)`).
            return GridError(.caseNumberInUse, Text(zh: "案件编号已被占用", en: "the case number is in use"))
        case "23505":
            return GridError(.dbDuplicate, Text(zh: "数据重复（\(constraint)）：\(detail)", en: "duplicate value (\(constraint)): \(detail)"))
        case "23503":
            return GridError(
                .dbReference,
                Text(zh: "引用的数据不存在或仍被引用（\(constraint)）", en: "a referenced row is missing or still referenced (\(constraint)): \(detail)"))
        case "22021", "22P05":
            return GridError(.requestBadCharacter, Text(zh: "输入含有无法存储的字符（如 NUL）", en: "the input contains a character that cannot be stored (such as NUL)"))
        case "23514", "23502", "22P02", "22023", "22001", "22003":
            return GridError(.dbInvalid, Text(zh: "数据不符合约束（\(constraint)）：\(detail)", en: "value violates a rule (\(constraint)): \(detail)"))
        case _ where state.hasPrefix("57P") || state.hasPrefix("08") || state == "53300":
            return unavailable  // shutting down, connection failure, too many connections
        case "57014":
            return GridError(
                .dbUnavailable, Text(zh: "数据库语句超时，已回滚；请稍后重试", en: "a database statement timed out and was rolled back; retry the request"),
                retryAfter: retryAfter)
        // The joint whistle's functions (0026) say what is wrong with an invitation or an answer.
        case "GJ001":
            return GridError(
                .jointPartnerUnknown, Text(zh: "本市没有这个可邀请的区：\(detail)", en: "no other district of this city to invite: \(detail)"))
        case "GJ003":
            return GridError(.jointPartnerSuspended, Text(zh: "被邀请的区已停用：\(detail)", en: "the invited district is suspended: \(detail)"))
        case "GJ004":
            return GridError(.jointAlreadyAnswered, Text(zh: "该邀请已答复过：\(detail)", en: "the invitation was answered already: \(detail)"))
        // An assessment scheme in force is history (0027's trigger).
        case "GA001":
            return GridError(
                .assessmentVersionInForce, Text(zh: "该考核方案已生效，不能再改：\(detail)", en: "the assessment scheme is in force and cannot change: \(detail)"))
        case "40001", "40P01":
            return GridError(.dbRetry, Text(zh: "并发冲突，请重试", en: "concurrent update conflict; retry the request"))
        default:
            return error
        }
    }
}
