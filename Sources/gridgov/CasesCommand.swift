import ArgumentParser
import Foundation
import GridService
import GridStore

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cases", abstract: "Cases: checks an operator runs.", subcommands: [VerifyHistory.self])

    struct VerifyHistory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-history",
            abstract: "Recompute the hash chains of case histories and report every edited or deleted event; exits 1 on any break.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Tenant code (default: every district).") var tenant: String?

        func run() async throws {
            let tenant = tenant
            let reports = try await CLI.withService(connection) { service in
                var ids: [Int64] = []
                if let tenant { ids = [try await service.tenantId(code: tenant)] } else { ids = try await service.listTenants().map(\.id) }
                var reports: [HistoryReport] = []
                for id in ids { reports.append(try await service.verifyHistory(tenantId: id)) }
                return reports
            }
            var broken = 0
            for report in reports {
                print("\(report.tenantCode): \(report.cases) cases, \(report.events) events, \(report.breaks.isEmpty ? "history intact" : "\(report.breaks.count) break(s)")")
                for item in report.breaks { print("  \(item.number) (case \(item.caseId)): \(item.problem)") }
                broken += report.breaks.count
            }
            if broken > 0 { throw ExitCode(1) }
        }
    }
}
