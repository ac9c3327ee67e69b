import ArgumentParser
import Foundation
import GridCore
import GridService

struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "A district's work calendar: hours, holidays, make-up days (调休).",
        subcommands: [Show.self, Load.self, National.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the calendar document (JSON).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption

        func run() async throws {
            let (calendar, warnings) = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                let tenantId = tenantId
                return (try await service.calendar(.operator, tenantId: tenantId), try await service.calendarWarnings(.operator, tenantId: tenantId))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(calendar.document), as: UTF8.self))
            // The document goes to stdout (it can be loaded back); what it lacks to stderr.
            for warning in warnings { FileHandle.standardError.write(Data(CLI.say("警告：\(warning.zh)\n", "warning: \(warning.en)\n").utf8)) }
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the calendar with a JSON document.",
            discussion:
                #"{"weekdays":[1,2,3,4,5],"hours":[{"start":"08:30","end":"12:00"},{"start":"13:30","end":"17:30"}],"days":[{"date":"2026-02-15","type":"holiday","name":"春节"},{"date":"2026-02-14","type":"workday","name":"春节调休"}],"trafficLight":{"yellow":0.8,"red":1.0}}"#
        )
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Argument(help: "Calendar JSON file ('-' for standard input).") var file: String

        func run() async throws {
            let file = file
            let data = try Files.read(file)
            let document: CalendarDocument
            do { document = try JSONDecoder().decode(CalendarDocument.self, from: data) } catch {
                throw CLIError(message: CLI.say("\(file) 不是日历文档：\(Files.describe(error))", "\(file) is not a calendar document: \(Files.describe(error))"))
            }
            let calendar = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.setCalendar(.operator, tenantId: tenantId, document: document, ifVersion: nil)
            }
            let (version, special) = (calendar.version ?? 0, calendar.document.days?.count ?? 0)
            print(CLI.say("工作日历已保存（版本 \(version)）：\(special) 个特殊日期", "calendar saved (version \(version)): \(special) special days"))
        }
    }

    struct National: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load the national holidays and make-up days of a year.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Year, e.g. 2026.") var year: Int

        func run() async throws {
            let year = year
            let calendar = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.loadNationalHolidays(.operator, tenantId: tenantId, year: year)
            }
            let days = (calendar.document.days ?? []).filter { $0.date.hasPrefix("\(year)-") }
            let (holidays, workdays) = (days.filter { $0.type == "holiday" }.count, days.filter { $0.type == "workday" }.count)
            print(CLI.say("\(year) 年：\(holidays) 天节假日，\(workdays) 天调休上班", "\(year): \(holidays) holidays, \(workdays) make-up working days"))
        }
    }
}
