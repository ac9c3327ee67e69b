import ArgumentParser
import Foundation
import GridCore
import GridService

struct DepartmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "department", abstract: "Manage departments and street offices.", subcommands: [Create.self, Import.self, List.self, Receive.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a district department or a street office (科室).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Department code.") var code: String
        @Option(help: "Name, e.g. 区城市管理委员会.") var name: String
        @Option(help: "Code of the street, for a street office.") var street: String?

        func run() async throws {
            let (code, name, street) = (code, name, street)
            let department = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.createDepartment(
                    .operator, tenantId: tenantId, code: code, name: name,
                    kind: street == nil ? .district : .streetOffice, unitCode: street)
            }
            print(
                CLI.say(
                    "已创建 \(department.kind.rawValue) \(department.code) \(department.name)（id \(department.id)）",
                    "created \(department.kind.rawValue) \(department.code) \(department.name) (id \(department.id))"))
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or rename departments from CSV (部门编码/code, 部门名称/name, 类型/kind, 所属单位/unit).",
            discussion: """
                Matched by code. kind is district (区级部门) or streetOffice (街道科室), else taken from the unit: the \
                district (left empty) or a street or township. All or nothing: every bad row is named by line, column and value.
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @OptionGroup var sheet: SheetImportOptions

        func run() async throws {
            let (data, dryRun) = (try CLI.read(sheet.file), sheet.dryRun)
            let result = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.importDepartments(.operator, tenantId: tenantId, csv: data, dryRun: dryRun)
            }
            CLI.printSheetImport(result, noun: CLI.say("部门", "departments"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List departments.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption

        func run() async throws {
            let page = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.departments(.operator, tenantId: tenantId, page: PageRequest(limit: PageRequest.maxLimit))
            }
            CLI.printTable(
                [CLI.say("ID 编码 名称 类型 属地接收", "ID CODE NAME KIND RECEIVES").split(separator: " ").map(String.init)]
                    + page.items.map {
                        [String($0.id), $0.code, $0.name, $0.kind.rawValue, $0.receivesTerritorial ? CLI.say("属地兜底", "territorial") : ""]
                    })
        }
    }

    struct Receive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a street office its street's receiving office (属地兜底接收科室): cases routed to the territory go to it.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "The street office's code, e.g. its 网格办 or command centre.") var code: String

        func run() async throws {
            let code = code
            let office = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.designateReceivingOffice(.operator, tenantId: tenantId, code: code)
            }
            print(CLI.say("\(office.code) \(office.name) 现接收本街道的属地案件", "\(office.code) \(office.name) now receives its street's territorial cases"))
        }
    }
}
