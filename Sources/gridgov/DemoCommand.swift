import ArgumentParser
import Foundation
import GridCore
import GridService

/// Sizes of a generated district.
struct DemoSize: ParsableArguments {
    @Option(help: "Division code of the generated district.") var division = "110108"
    @Option(help: "Streets (1–99).") var streets = 6
    @Option(help: "Communities per street.") var communities = 5
    @Option(name: .customLong("basic-grids"), help: "Basic grids per community.") var basicGrids = 4
    @Option(name: .customLong("unit-grids"), help: "Unit grids per basic grid.") var unitGrids = 25

    var district: DemoDistrict {
        DemoDistrict(
            divisionCode: division, streets: streets, communitiesPerStreet: communities,
            basicGridsPerCommunity: basicGrids, unitGridsPerBasicGrid: unitGrids)
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "A believable demo district.", subcommands: [Seed.self, GeoJSON.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the demo district (once): streets, communities, grids with polygons, departments, one user per role.",
            discussion: "The default size makes 3,000 unit grids; --streets 20 --communities 15 makes the 30,000-grid benchmark district.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var size: DemoSize
        @Option(help: "Tenant code.") var code = "DEMO"
        @Option(help: "Tenant name.") var name = "示范区"

        func run() async throws {
            let (code, name, district) = (code, name, size.district)
            let result = try await CLI.withService(connection) { service in
                let bar = ProgressBar(label: CLI.say("网格", "grids"))
                return try await service.seedDemo(code: code, name: name, district: district) { done, total in bar.update(done, total) }
            }
            let (tenantCode, tenantName) = (result.tenant.code, result.tenant.name)
            guard result.created else {
                print(CLI.say("示范区 \(tenantCode) \(tenantName) 已存在，未作改动。", "demo district \(tenantCode) \(tenantName) exists already; unchanged."))
                let reset = "gridgov user reset-password --tenant \(tenantCode) --login admin"
                print(CLI.say("为示范用户设置新密码：\(reset)", "new password for a demo user: \(reset)"))
                return
            }
            let kinds = (result.units?.byKind ?? [:]).sorted { $0.key < $1.key }.map { key, count in
                let label = OrgUnitKind(rawValue: key)?.label.localized(CLI.language) ?? key
                return CLI.say("\(count) 个\(label)", "\(count) \(key)")
            }
            print(
                CLI.say(
                    "示范区 \(tenantCode) \(tenantName)：\(kinds.joined(separator: "，"))",
                    "demo district \(tenantCode) \(tenantName): \(kinds.joined(separator: ", "))"))
            // The columns stay in this order in either language: scripts/faults.sh reads the password as the fourth.
            let header = CLI.language == .zh ? ["登录名", "角色", "范围", "密码"] : ["LOGIN", "ROLE", "SCOPE", "PASSWORD"]
            CLI.printTable([header] + result.users.map { [$0.login, $0.role.rawValue, $0.scope, $0.password] })
            print(
                CLI.say(
                    "以上均为一次性密码：首次登录的会话只能修改密码（POST /v1/auth/password）、查看 /v1/me 和退出登录",
                    "the passwords are one-time: a first session may only change its password (POST /v1/auth/password), read /v1/me and log out"))
        }
    }

    struct GeoJSON: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "geojson", abstract: "Write a generated district's units as GeoJSON (for import tests and benchmarks).")
        @OptionGroup var size: DemoSize
        @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

        func run() async throws {
            let district = size.district
            if let problem = district.problem { throw ValidationError(problem) }
            let data = try JSONEncoder().encode(district.featureCollection())
            if let output { try data.write(to: URL(fileURLWithPath: output)) } else { FileHandle.standardOutput.write(data) }
        }
    }
}
