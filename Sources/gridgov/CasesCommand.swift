import ArgumentParser
import Foundation
import GridCore
import GridService

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "Cases: checks an operator runs.",
        subcommands: [VerifyHistory.self, Anchor.self])

    struct VerifyHistory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-history",
            abstract: "Recompute the hash chains of case histories and report every edited or deleted event; exits 1 on any break.",
            discussion: """
                It also rebuilds the check rounds the assessment counts (case_checks) from the events and names each kept round \
                that is missing, has no request behind it or differs (times, deadline, checker, outcome).

                With --anchor (files written by `gridgov cases anchor` and kept outside the database) the database is also compared \
                with each anchor: a case deleted, rewound (its last events deleted) or re-hashed after an edit since the anchor was \
                taken is named with its district and day of report, which the chains alone cannot show. Cases and events added after \
                the anchor are not findings. Give several anchors (older ones too: an anchor taken after a change has it already), \
                and --root with one anchor to check the file against its root line kept apart.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Tenant code (default: every district).") var tenant: String?
        @Option(name: .customLong("anchor"), help: "An anchor file to compare the database with (repeatable).") var anchors: [String] = []
        @Option(help: "The root (hex) of the anchor's last line as kept elsewhere; with one --anchor.") var root: String?

        func validate() throws {
            if root != nil && anchors.count != 1 {
                throw ValidationError(CLI.say("--root 只校验一个锚点：请恰好给出一个 --anchor", "--root checks one anchor: give exactly one --anchor with it"))
            }
        }

        func run() async throws {
            let files = try await CLI.report { try anchors.map { ($0, try AnchorFile.read($0)) } }
            let tenant = tenant?.uppercased()
            let anchored = files.flatMap(\.1.districts)
            let reports = try await CLI.withService(connection) { service in
                var districts: [(id: Int64, code: String)] = []
                if let tenant {
                    districts = [(try await service.tenantId(code: tenant), tenant)]
                } else {
                    districts = try await service.listTenants().map { ($0.id, $0.code) }
                }
                var reports: [HistoryReport] = []
                for district in districts {
                    reports.append(try await service.verifyHistory(tenantId: district.id, anchors: anchored.filter { $0.code == district.code }))
                }
                return reports
            }
            var findings = 0
            let say = CLI.say
            for (path, anchor) in files {
                let problems = anchor.inconsistencies(digest: GridService.historyDigest, expectedRoot: root)
                print(
                    say(
                        "锚点 \(path)：\(anchor.districts.count) 个区，\(anchor.cases) 件案件，\(anchor.events) 个事件，根哈希 \(anchor.rootHex)",
                        "anchor \(path): \(anchor.districts.count) district(s), \(anchor.cases) cases, \(anchor.events) events, root \(anchor.rootHex)"))
                for problem in problems { print("  " + problem.text.localized(CLI.language)) }
                findings += problems.count
            }
            var missing: [AnchorFinding] = []
            if let tenant {
                if !files.isEmpty && !anchored.contains(where: { $0.code == tenant }) { missing.append(.districtNotAnchored(district: tenant)) }
            } else {
                let present = Set(reports.map(\.tenantCode))
                var named = Set<String>()
                for district in anchored where !present.contains(district.code) && named.insert(district.code).inserted {
                    missing.append(.districtMissing(district: district.code, tenantId: district.tenantId))
                }
            }
            for finding in missing { print(finding.text.localized(CLI.language)) }
            findings += missing.count
            for report in reports {
                let state = report.breaks.isEmpty ? say("历史完好", "history intact") : say("\(report.breaks.count) 处断裂", "\(report.breaks.count) break(s)")
                print(
                    say(
                        "\(report.tenantCode)：\(report.cases) 件案件，\(report.events) 个事件，\(state)",
                        "\(report.tenantCode): \(report.cases) cases, \(report.events) events, \(state)"))
                for item in report.breaks {
                    let problem = item.problem.localized(CLI.language)
                    print(say("  \(item.number)（案件 \(item.caseId)）：\(problem)", "  \(item.number) (case \(item.caseId)): \(problem)"))
                }
                for check in report.anchorChecks {
                    let taken = CLI.localTime(check.taken)
                    let state = check.findings.isEmpty ? say("均未改变", "all unchanged") : say("\(check.findings.count) 处不符", "\(check.findings.count) finding(s)")
                    print(
                        say(
                            "  锚点（\(taken)）：锚定 \(check.cases) 件、\(check.events) 个事件，\(state)",
                            "  anchor taken \(taken): \(check.cases) cases, \(check.events) events anchored, \(state)"))
                    for finding in check.findings { print("    " + finding.text.localized(CLI.language)) }
                    findings += check.findings.count
                }
                findings += report.breaks.count
            }
            if findings > 0 { throw ExitCode(1) }
        }
    }
}

/// Reading anchor files for the CLI.
enum AnchorFile {
    static func read(_ path: String) throws -> HistoryAnchor {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIError(message: CLI.say("无法读取 \(path)：\(error.localizedDescription)", "cannot read \(path): \(error.localizedDescription)"))
        }
        do {
            return try HistoryAnchor.parse(text)
        } catch {
            throw GridError(error.code, Text(zh: "\(path)：\(error.message.zh)", en: "\(path): \(error.message.en)"))
        }
    }
}
