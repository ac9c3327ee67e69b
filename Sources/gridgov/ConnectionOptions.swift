import ArgumentParser
import Foundation
import GridCore
import GridService
import GridStore
import Logging
import PostgresNIO

/// Options every database command shares.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL of the service role (default: $DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .customLong("as"), help: "Who you are, as the audit log records your changes (default: your OS user).")
    var actingAs: String?

    /// The operator the audit log names.
    var operatorName: String {
        let given = actingAs?.trimmingCharacters(in: .whitespaces) ?? ""
        return given.isEmpty ? ProcessInfo.processInfo.userName : String(given.prefix(100))
    }

    var url: String {
        get throws {
            guard let url = databaseURL ?? Settings.current.databaseURL else {
                throw ValidationError(
                    CLI.say(
                        "未指定数据库：请设置 DATABASE_URL 或传 --database-url（本机集群：eval \"$(scripts/db.sh env)\"）",
                        "no database: set DATABASE_URL or pass --database-url (eval \"$(scripts/db.sh env)\" for the local cluster)"))
            }
            return url
        }
    }
}
