import ArgumentParser
import Foundation
import GridCore
import GridService

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "The problem list (问题清单): load the national profile, import, export.",
        subcommands: [LoadStandard.self, Import.self, Export.self])

    struct LoadStandard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "load-standard", abstract: "Merge the national standard event and component classes.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Profile name.") var profile = GridService.standardProfile

        func run() async throws {
            let profile = profile
            let summary = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.loadStandardCatalog(.operator, tenantId: tenantId, profile: profile)
            }
            print("\(profile): \(CatalogCommand.describe(summary))")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a problem list (CSV or JSON) by code, all or nothing.",
            discussion: """
                CSV columns (English or Chinese): code/编码, parentCode/上级编码, name/名称, kind/类型 (event 事件 | component 部件 | matter 事项),
                public/公开, filingStandard/立案标准, closingStandard/结案标准, grades/等级时限 (e.g. "general:一般:7 workDays; urgent:紧急:4工作小时"),
                leadDepartment/主办部门, assistingDepartments/协办部门 (separated by ;), defaultLevel/处置层级 (community | street | district),
                placeholderStandards/标准待定 (exported; an item keeps it while its standards are unchanged).
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "csv or json (default: by the file's extension).") var format: ListFormat?
        @Argument(help: "File ('-' for standard input).") var file: String

        func run() async throws {
            let (entries, sources) = try await Files.list(
                file, format: format, key: "categories", csv: { try ListFormats.readCatalogCSV($0) }, json: { try CatalogPlanner.read($0).categories })
            let summary = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.importCatalog(.operator, tenantId: tenantId, document: CatalogDocument(categories: entries)) {
                    sources[$0]
                }
            }
            print(CatalogCommand.describe(summary))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the problem list as CSV (with BOM, for Excel/WPS) or JSON.",
            discussion: "Items whose filing and closing standards are still the national profile's template are marked 标准待定 (placeholderStandards).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "csv or json.") var format: ListFormat = .csv
        @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

        func run() async throws {
            let entries = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.catalog(.operator, tenantId: tenantId).map(\.entry)
            }
            try Files.write(format == .csv ? Data(ListFormats.catalogCSV(entries).utf8) : try ListFormats.catalogJSON(entries), to: output)
        }
    }

    /// What a merge changed, in the CLI's language.
    static func describe(_ summary: CatalogImportSummary) -> String {
        let (added, updated, unchanged) = (summary.inserted, summary.updated, summary.unchanged)
        return CLI.say("新增 \(added) 项，更新 \(updated) 项，未变 \(unchanged) 项", "\(added) added, \(updated) updated, \(unchanged) unchanged")
    }
}
