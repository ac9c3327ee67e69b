import ArgumentParser
import Foundation
import GridCore
import GridService

extension CasesCommand {
    /// Writes what `verify-history --anchor` compares the database with.
    struct Anchor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anchor",
            abstract: "Write an anchor of the case histories (the last event of every case, under SHA-256 Merkle roots) to keep outside the database.",
            discussion: """
                The hash chains of case histories show an edited or deleted event, but not what the database's owner can also do: \
                delete a case's last events and rewind it, re-hash a history after editing it, or delete a whole case. An anchor kept \
                where that owner cannot write shows those too.

                The anchor lists, per district and local day of report (the district's time zone: the day in the case number), each \
                case's id, last event (seq and hash) and number, with a root per day, per district and for the file; the last line, \
                `root …`, stands for everything above it. About 100 bytes a case.

                Keep it:
                - take one every day, e.g. from cron: gridgov cases anchor -o /var/lib/gridgov/anchors/$(date +%F).anchor
                - copy each file off this host at once (write-once object storage, another machine) and keep every file, not only \
                the last: an anchor taken after a change has the change in it already
                - note the root line apart from the file too (print it, publish it): verify-history --root checks a file against it

                Check: gridgov cases verify-history --anchor FILE [--anchor FILE …] [--tenant CODE]

                Without -o the anchor goes to standard output (e.g. | ssh backup 'cat > anchors/…'); its root line also goes to \
                standard error.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Tenant code (default: every district).") var tenant: String?
        @Option(name: [.short, .customLong("output")], help: "A new file to write; an existing file is never overwritten (default: standard output).")
        var output: String?

        func validate() throws {
            if let output, FileManager.default.fileExists(atPath: output) {
                throw ValidationError(
                    CLI.say("\(output) 已存在：锚点只写入新文件，旧锚点保留", "\(output) exists: an anchor is written to a new file, and earlier anchors are kept"))
            }
        }

        func run() async throws {
            let tenant = tenant
            let districts = try await CLI.withService(connection) { service in
                var ids: [Int64] = []
                if let tenant { ids = [try await service.tenantId(code: tenant)] } else { ids = try await service.listTenants().map(\.id) }
                var districts: [DistrictAnchor] = []
                for id in ids { districts.append(try await service.anchorHistory(tenantId: id)) }
                return districts
            }
            let anchor = HistoryAnchor(districts: districts, digest: GridService.historyDigest)
            let text = anchor.rendered
            if let output {
                try await CLI.report {
                    do {
                        try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .withoutOverwriting)
                    } catch {
                        throw CLIError(
                            message: CLI.say("无法写入 \(output)：\(error.localizedDescription)", "cannot write \(output): \(error.localizedDescription)"))
                    }
                }
            } else {
                print(text, terminator: "")
            }
            let summary = CLI.say(
                "已锚定 \(anchor.districts.count) 个区，\(anchor.cases) 件案件，\(anchor.events) 个事件",
                "anchored \(anchor.districts.count) district(s), \(anchor.cases) cases, \(anchor.events) events")
            FileHandle.standardError.write(Data("\(summary)\nroot \(anchor.districts.count) \(anchor.cases) \(anchor.events) \(anchor.rootHex)\n".utf8))
        }
    }
}
