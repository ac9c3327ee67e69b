import ArgumentParser
import Foundation
import GridCore
import GridService

/// `gridgov brief --tenant HD --month 2026-11 -o brief.pdf` (or `--week 2026-W48`): the monthly or
/// weekly brief of a district (or of one street), as HTML or PDF by the output's extension.
struct BriefCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brief", abstract: "Write a district's (or a street's) monthly or weekly brief as HTML or PDF.",
        discussion: """
            Example: gridgov brief --tenant HD --month 2026-11 -o brief.pdf
                     gridgov brief --tenant HD --week 2026-W48 --scope 110108001 -o week.html
            The PDF is laid out by WeasyPrint (Debian packages weasyprint and fonts-wqy-microhei); .html writes the page itself.
            """)
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var tenant: TenantOption
    @Option(help: "The month, YYYY-MM.") var month: String?
    @Option(help: "Or the ISO week, YYYY-Www.") var week: String?
    @Option(help: "A street's code (default: the whole district).") var scope: String?
    @Option(name: .shortAndLong, help: "The file to write: .html or .pdf.") var output: String

    func run() async throws {
        guard (month == nil) != (week == nil) else {
            throw CLIError(message: CLI.say("请给出 --month 或 --week 之一", "give one of --month and --week"))
        }
        let (month, week) = (month, week)
        let period: BriefPeriod = try await CLI.report {
            try month.map { .month(try AssessmentMonth.parse($0)) } ?? .week(try AssessmentWeek.parse(week ?? ""))
        }
        let pdf = output.lowercased().hasSuffix(".pdf")
        guard pdf || output.lowercased().hasSuffix(".html") || output.lowercased().hasSuffix(".htm") else {
            throw CLIError(message: CLI.say("输出文件应以 .html 或 .pdf 结尾：\(output)", "the output must end in .html or .pdf: \(output)"))
        }
        let scope = scope
        let data = try await CLI.withDistrict(connection, tenant) { service, tenantId in
            let brief = try await service.brief(.operator, tenantId: tenantId, scopeCode: scope, period: period)
            let html = BriefPage.html(brief)
            return pdf ? try await BriefPDF.render(html) : Data(html.utf8)
        }
        try data.write(to: URL(fileURLWithPath: output))
        print(CLI.say("已写入 \(output)（\(data.count) 字节）", "wrote \(output) (\(data.count) bytes)"))
    }
}
