import ArgumentParser
import Dispatch
import Foundation
import NIOCore
import NIOPosix

/// Runs Swift concurrency on NIO's event loops, so that a request's hops between the HTTP server,
/// the handler and PostgreSQL stay on one thread instead of waking another for each query.
@main
enum Entry {
    static func main() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        Task {
            await GridGov.main()
            exit(0)
        }
        dispatchMain()
    }
}

struct GridGov: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridgov",
        abstract: "gridgov: grid-based urban governance for many districts on PostgreSQL.",
        discussion: """
            Connection: DATABASE_URL (the service role, e.g. postgres://gridgov_app:…@127.0.0.1:54329/gridgov);
            migrations use GRIDGOV_OWNER_URL (the schema owner). Messages are in Chinese when LANG starts with zh.
            """,
        subcommands: [
            Serve.self, Worker.self, Migrate.self, TenantCommand.self, ImportCommand.self, ExportCommand.self, UserCommand.self,
            DepartmentCommand.self, CatalogCommand.self, DutiesCommand.self, RulesCommand.self, CalendarCommand.self, CasesCommand.self, DemoCommand.self,
            MembersCommand.self, WhistlesCommand.self, BriefCommand.self, Healthcheck.self,
        ]
    )
}
