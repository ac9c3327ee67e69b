import ArgumentParser
import GridCore
import GridService
import GridStore

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Provision and administer districts (tenants).",
        subcommands: [Create.self, List.self, Show.self, Suspend.self, Resume.self])

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
            print("tenant admin: \(result.adminLogin)  one-time password: \(result.adminPassword)  (shown once; change it at first login)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List districts.")
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let tenants = try await CLI.withService(connection) { service in try await service.listTenants() }
            CLI.printTable([["ID", "CODE", "NAME", "DIVISION", "STATUS"]] + tenants.map { [String($0.id), $0.code, $0.name, $0.divisionCode, $0.status] })
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
            print("time zone: \(tenant.timeZone)\nstatus:    \(tenant.status)\ngrid levels: \(tenant.settings.gridLevels.map { "\($0.key) (\($0.name))" }.joined(separator: " → "))")
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a district: its users get 403 until it is resumed.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String

        func run() async throws {
            let code = code
            let tenant = try await CLI.withService(connection) { service in try await service.setTenantStatus(code: code, active: false) }
            print("\(tenant.code) is \(tenant.status)")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended district.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String

        func run() async throws {
            let code = code
            let tenant = try await CLI.withService(connection) { service in try await service.setTenantStatus(code: code, active: true) }
            print("\(tenant.code) is \(tenant.status)")
        }
    }
}
