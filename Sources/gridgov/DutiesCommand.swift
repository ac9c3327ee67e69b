import ArgumentParser
import Foundation
import GridCore
import GridService

struct DutiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duties", abstract: "The duty list (职责清单): who owns which items where.", subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the duty list (CSV or JSON), all or nothing.",
            discussion: "CSV columns: categoryCode/事项编码, areaCode/区域编码, department/责任部门, note/备注.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "csv or json (default: by the file's extension).") var format: ListFormat?
        @Argument(help: "File ('-' for standard input).") var file: String

        func run() async throws {
            let (entries, sources) = try await Files.list(
                file, format: format, key: "duties", csv: { try ListFormats.readDutyCSV($0) }, json: { try ListFormats.readDutyJSON($0) })
            let written = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.importDuties(.operator, tenantId: tenantId, entries: entries) { sources[$0] }
            }
            print(CLI.say("职责清单已替换：\(written) 行", "duty list replaced: \(written) rows"))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the duty list, or one department's part of it (\"what we own\").")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Only this department's rows.") var department: String?
        @Option(help: "csv or json.") var format: ListFormat = .csv
        @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

        func run() async throws {
            let department = department
            let entries = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.duties(.operator, tenantId: tenantId, department: department)
            }
            try Files.write(format == .csv ? Data(ListFormats.dutyCSV(entries).utf8) : try ListFormats.dutyJSON(entries), to: output)
        }
    }
}
