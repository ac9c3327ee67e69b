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
                let bar = ProgressBar(label: "grids")
                return try await service.seedDemo(code: code, name: name, district: district) { done, total in bar.update(done, total) }
            }
            guard result.created else {
                print("demo district \(result.tenant.code) \(result.tenant.name) exists already; unchanged.")
                print("new password for a demo user: gridgov user reset-password --tenant \(result.tenant.code) --login admin")
                return
            }
            let kinds = result.units?.byKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") ?? ""
            print("demo district \(result.tenant.code) \(result.tenant.name): \(kinds)")
            CLI.printTable([["LOGIN", "ROLE", "SCOPE", "PASSWORD"]] + result.users.map { [$0.login, $0.role.rawValue, $0.scope, $0.password] })
            print("the passwords are one-time: a first session may only change its password (POST /v1/auth/password), read /v1/me and log out")
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
