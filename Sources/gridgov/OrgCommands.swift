import ArgumentParser
import Foundation
import GridCore
import GridService

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Load data into a district.", subcommands: [Org.self])

    struct Org: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load org units from a GeoJSON FeatureCollection (properties: code, name, kind, parentCode[, gridLevel]).",
            discussion: """
                Matched to the tree by code: new codes are added, known ones renamed, redrawn or moved, and units \
                under the file's top units that it no longer lists are retired (never deleted). kind may be English \
                or Chinese (区, 街道, 乡镇, 镇, 片区, 社区, 居委会, 村, 行政村, 网格, or a grid level); parentCode null \
                means under the district. All or nothing: any bad feature is reported by index and field, and \
                nothing is written. --dry-run prints what would change and writes nothing.
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Flag(help: "Print what the import would change; write nothing.") var dryRun = false
        @Argument(help: "GeoJSON file ('-' for standard input).") var file: String

        func run() async throws {
            let (file, dryRun) = (file, dryRun)
            let data: Data
            do {
                data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw ValidationError(CLI.say("无法读取 \(file)：\(error.localizedDescription)", "cannot read \(file): \(error.localizedDescription)"))
            }
            let started = Date()
            let summary = try await CLI.withDistrict(connection, tenant) { service, id in
                let bar = ProgressBar(label: "importing")
                return try await service.importOrg(tenantId: id, geoJSON: data, dryRun: dryRun) { done, total in bar.update(done, total) }
            }
            let chinese = CLI.language == .zh
            if dryRun {
                print(CLI.say("试运行，未写入任何内容：", "dry run, nothing written:"))
                for line in summary.diff.lines(chinese: chinese) { print(line) }
                return
            }
            print(summary.diff.lines(chinese: chinese)[0])
            if summary.diff.openCasesInRetired > 0 {
                print(
                    CLI.say(
                        "撤销的单元中有 \(summary.diff.openCasesInRetired) 件未办结案件，仍需办结",
                        "\(summary.diff.openCasesInRetired) open cases lie in retired units and still need finishing"))
            }
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            print(CLI.say("用时 \(seconds) 秒", "in \(seconds) s"))
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write a district's data out.", subcommands: [Org.self])

    struct Org: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the org units below the root as a GeoJSON FeatureCollection.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

        func run() async throws {
            let output = output
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                    throw ValidationError(CLI.say("无法写入 \(output)", "cannot write \(output)"))
                }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            let sink = OutputSink(handle: handle)
            try await CLI.withDistrict(connection, tenant) { service, id in
                try await service.exportOrg(tenantId: id) { text in sink.write(text) }
            }
            sink.flush()
        }
    }
}

/// Buffers output so that a large export is written in big blocks.
final class OutputSink: @unchecked Sendable {
    private let handle: FileHandle
    private var buffer = Data()

    init(handle: FileHandle) { self.handle = handle }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 20 { flush() }
    }

    func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
