import ArgumentParser
import GridCore
import GridService

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Provision and administer districts (tenants).",
        subcommands: [Create.self, List.self, Show.self, Suspend.self, Resume.self, SetGridLevels.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a district with its root unit and first administrator.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Short code, e.g. HD.") var code: String
        @Option(help: "Name, e.g. 海淀区.") var name: String
        @Option(help: "6-digit administrative division code, e.g. 110108.") var division: String
        @Option(help: "Login of the tenant administrator.") var admin: String = "admin"

        func run() async throws {
            let (code, name, division, admin) = (code, name, division, admin)
            let result = try await CLI.withService(connection) { service in
                try await service.createTenant(code: code, name: name, divisionCode: division, adminLogin: admin)
            }
            print("created district \(result.tenant.code) \(result.tenant.name) (id \(result.tenant.id), division \(result.tenant.divisionCode))")
            print("tenant admin: \(result.adminLogin)  one-time password: \(result.adminPassword)  (shown once; the first login must change it)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List districts.")
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let tenants = try await CLI.withService(connection) { service in try await service.listTenants() }
            CLI.printTable(
                [["ID", "CODE", "NAME", "DIVISION", "STATUS"]] + tenants.map { [String($0.id), $0.code, $0.name, $0.divisionCode, $0.status.rawValue] })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one district.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String

        func run() async throws {
            let code = code
            let tenant = try await CLI.withService(connection) { service in try await service.tenant(code: code) }
            print("id:        \(tenant.id)\ncode:      \(tenant.code)\nname:      \(tenant.name)\ndivision:  \(tenant.divisionCode)")
            print(
                "time zone: \(tenant.timeZone)\nstatus:    \(tenant.status)\ngrid levels: \(tenant.settings.gridLevels.map { "\($0.key) (\($0.name))" }.joined(separator: " → "))"
            )
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a district: its users get 403 until it is resumed.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String

        func run() async throws { try await TenantCommand.setStatus(code, active: false, connection) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended district.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String

        func run() async throws { try await TenantCommand.setStatus(code, active: true, connection) }
    }

    struct SetGridLevels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-grid-levels", abstract: "Name a district's grid levels, outermost first.",
            discussion: "Example: gridgov tenant set-grid-levels HD basicGrid=基础网格 unitGrid=单元网格")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String
        @Argument(help: "Levels as key=name, outermost first.") var levels: [String]

        func run() async throws {
            let code = code
            var parsed: [GridLevel] = []
            for level in levels {
                let parts = level.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("'\(level)' is not key=name, e.g. unitGrid=单元网格") }
                parsed.append(GridLevel(key: parts[0], name: parts[1]))
            }
            let levels = parsed
            let tenant = try await CLI.withService(connection) { service in try await service.setGridLevels(code: code, levels: levels) }
            print("\(tenant.code) grid levels: \(tenant.settings.gridLevels.map { "\($0.key) (\($0.name))" }.joined(separator: " → "))")
        }
    }

    static func setStatus(_ code: String, active: Bool, _ connection: ConnectionOptions) async throws {
        let tenant = try await CLI.withService(connection) { service in try await service.setTenantStatus(code: code, active: active) }
        print("\(tenant.code) is \(tenant.status)")
    }
}
