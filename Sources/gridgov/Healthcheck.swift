import ArgumentParser
import AsyncHTTPClient
import Foundation
import GridCore
import NIOCore
import NIOHTTP1

/// Asks a running server whether it is ready, for a container's health check: the image has no
/// curl, and a shell probe through /dev/tcp needs bash, which the image does not run checks with.
struct Healthcheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask the running service whether it is ready: exit 0 when it answers 200, else 1.",
        discussion: """
            GETs /readyz (the database is reachable) or, with --live, /healthz (the process answers) from the service on
            this machine, and prints one line saying why it passed or failed. Made for HEALTHCHECK in docker/Dockerfile.
            """)

    @Option(help: "Whole URL to GET instead of --host, --port and the path.") var url: String?
    @Option(help: "Address the service listens on.") var host = "127.0.0.1"
    @Option(help: "Port (default: $GRIDGOV_PORT or 8080).") var port: Int?
    @Flag(help: "Check only that the process answers (/healthz), not that the database is reachable (/readyz).") var live = false
    @Option(help: "Seconds to wait for the whole answer.") var timeout: Int64 = 3

    func validate() throws {
        guard timeout > 0 else { throw ValidationError(CLI.say("--timeout 至少为 1 秒，实际为 \(timeout)", "--timeout must be at least 1 second, not \(timeout)")) }
    }

    var target: String {
        if let url { return url }
        let port = port ?? Settings.current.port
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return "http://\(bracketed):\(port)\(live ? "/healthz" : "/readyz")"
    }

    func run() async throws {
        let target = target
        switch await Self.probe(target, within: .seconds(timeout)) {
        case .healthy:
            print(CLI.say("正常：\(target) 回答 200", "healthy: \(target) answered 200"))
        case .unhealthy(let why):
            FileHandle.standardError.write(Data((why + "\n").utf8))
            throw ExitCode.failure
        }
    }

    enum Verdict: Sendable {
        case healthy
        case unhealthy(String)
    }

    /// Whether `target` answered 200 within `limit`, body included.
    static func probe(_ target: String, within limit: Duration) async -> Verdict {
        let seconds = limit.components.seconds
        let late = Verdict.unhealthy(
            CLI.say("不正常：\(target) \(seconds) 秒内未回答完", "unhealthy: \(target) did not answer within \(seconds) s"))
        let deadline = ContinuousClock.now + limit
        var request = HTTPClientRequest(url: target)
        if CLI.language == .en { request.headers.add(name: "accept-language", value: "en") }
        do {
            // Refused connections are retried until the deadline, which then reports why they failed.
            let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(limit))
            guard let body = try await collect(response.body, before: deadline) else { return late }
            if response.status == .ok { return .healthy }
            let status = response.status.code
            return .unhealthy(CLI.say("不正常：\(target) 回答 \(status)", "unhealthy: \(target) answered \(status)") + summary(body))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return late
        } catch {
            return .unhealthy(CLI.say("不正常：无法访问 \(target)：\(error)", "unhealthy: cannot reach \(target): \(error)"))
        }
    }

    /// The body, or nil when it has not all arrived by `deadline` (AsyncHTTPClient's deadline ends with the head).
    static func collect(_ body: HTTPClientResponse.Body, before deadline: ContinuousClock.Instant) async throws -> ByteBuffer? {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: bodyLimit) }
            group.addTask {
                try await Task.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// The part of an answer worth a health log line: a problem's detail and code, else the start of the body.
    static func summary(_ body: ByteBuffer) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let code = object["code"] as? String
        {
            return ": \(object["detail"] as? String ?? object["title"] as? String ?? "") [\(code)]"
        }
        let text = String(buffer: body).split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.isEmpty ? "" : ": \(text.prefix(200))"
    }

    /// The longest answer read; health answers are a few dozen bytes.
    static let bodyLimit = 64 * 1024
}
