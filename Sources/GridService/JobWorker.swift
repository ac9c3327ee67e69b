import Foundation
import Logging
import ServiceLifecycle

/// Runs the job table's due work until shutdown, in two lanes that never wait on each other:
/// escalations (deadline lights, supervision orders) every `interval`, and webhook deliveries
/// (several at once, a failing endpoint behind its breaker). Inside `gridgov serve`, or on its
/// own as `gridgov worker`; several workers (processes or machines) share the table safely.
public struct JobWorker: Service {
    let service: GridService
    let interval: Duration
    let logger: Logger

    public init(service: GridService, interval: Duration = .seconds(5), logger: Logger) {
        self.service = service
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await lane("escalations") { try await service.runDueJobs() } }
            group.addTask { await lane("webhooks") { try await service.deliverDueWebhooks() } }
        }
    }

    /// Runs `pass` until shutdown: at once again while a pass finds a full batch, else after `interval`.
    func lane(_ name: String, _ pass: @Sendable () async throws -> JobRunSummary) async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                var summary = try await pass()
                while summary.claimed == 100 && !Task.isShuttingDownGracefully { summary = try await pass() }
                if summary.claimed > 0 {
                    logger.info(
                        "jobs",
                        metadata: [
                            "lane": "\(name)", "done": "\(summary.done)", "failed": "\(summary.failed)",
                            "postponed": "\(summary.postponed)",
                        ])
                }
            } catch {
                logger.error("job worker pass failed", metadata: ["lane": "\(name)", "error": "\(error)"])
            }
            // SIGTERM ends the wait at once, not after it.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
