import ArgumentParser
import Foundation
import GridCore
import GridService

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Load data into a district.", subcommands: [Org.self])

    struct Org: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load org units from a GeoJSON FeatureCollection (properties: code, name, kind, parentCode[, gridLevel]).",
            discussion: "All or nothing: any bad feature is reported by index and field, and nothing is written.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Tenant code.") var tenant: String
        @Argument(help: "GeoJSON file ('-' for standard input).") var file: String

        func run() async throws {
            let (tenant, file) = (tenant, file)
            let data: Data
            do {
                data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            let started = Date()
            let summary = try await CLI.withService(connection) { service in
                let id = try await service.tenantId(code: tenant)
                let bar = ProgressBar(label: "importing")
                return try await service.importOrg(tenantId: id, geoJSON: data) { done, total in bar.update(done, total) }
            }
            let kinds = summary.byKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("imported \(summary.created) units (\(kinds)) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write a district's data out.", subcommands: [Org.self])

    struct Org: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the org units below the root as a GeoJSON FeatureCollection.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Tenant code.") var tenant: String
        @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

        func run() async throws {
            let (tenant, output) = (tenant, output)
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                    throw ValidationError("cannot write \(output)")
                }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            let sink = OutputSink(handle: handle)
            try await CLI.withService(connection) { service in
                let id = try await service.tenantId(code: tenant)
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
