import Foundation
import GridCore

/// The brief as PDF, printed by WeasyPrint (Debian's `weasyprint`, which lays out with Pango and
/// draws with Cairo; the Chinese text in a CJK font such as `fonts-wqy-microhei`): the same page
/// the browser shows, on A4.
public enum BriefPDF {
    /// Where WeasyPrint is looked for: `GRIDGOV_WEASYPRINT`, else the PATH.
    static func renderer() -> URL? {
        if let path = ProcessInfo.processInfo.environment["GRIDGOV_WEASYPRINT"], FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("weasyprint")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// The PDF of `html`. Throws 503 when no renderer is installed, naming the package.
    public static func render(_ html: String) async throws -> Data {
        guard let renderer = renderer() else {
            throw GridError(
                .briefRendererMissing,
                Text(
                    zh: "本机没有 PDF 排版程序 weasyprint：请安装 Debian 软件包 weasyprint 与 fonts-wqy-microhei，或取 HTML 简报",
                    en: "no PDF renderer (weasyprint) here: install the Debian packages weasyprint and fonts-wqy-microhei, or take the HTML brief"))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridgov-brief-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("brief.html"), output = directory.appendingPathComponent("brief.pdf")
        try Data(html.utf8).write(to: input)
        let process = Process()
        process.executableURL = renderer
        process.arguments = ["--quiet", "--encoding", "utf-8", input.path, output.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard status == 0 else {
            throw GridError(.internal, Text(zh: "PDF 排版失败：\(message)", en: "the PDF could not be laid out: \(message)"))
        }
        return try Data(contentsOf: output)
    }
}
