import ArgumentParser

@main
struct GridGov: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridgov",
        abstract: "gridgov: grid-based urban governance for many districts on PostgreSQL.",
        discussion: """
            Connection: DATABASE_URL (the service role, e.g. postgres://gridgov_app:…@127.0.0.1:54329/gridgov);
            migrations use GRIDGOV_OWNER_URL (the schema owner). Messages are in Chinese when LANG starts with zh.
            """,
        subcommands: [
            Serve.self, Migrate.self, TenantCommand.self, ImportCommand.self, ExportCommand.self, UserCommand.self,
            DepartmentCommand.self, DemoCommand.self,
        ]
    )
}
