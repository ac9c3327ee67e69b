import Foundation
import GridCore
import Logging
import ServiceLifecycle

/// Runs the job table's due work until shutdown, in four lanes that never wait on each other:
/// escalations (deadline lights, supervision orders, the ladder's limits), report-ins (a whistle's
/// limit, told within a second of it even behind a burst of lights), each woken for its next due
/// job or every `interval`, the briefs published on schedule, and webhook deliveries (several at
/// once, a failing endpoint behind its breaker). Inside `gridgov serve`, or on its
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
            for (name, kinds) in [("escalations", JobKind.escalations), ("report-ins", JobKind.reportIns), ("briefs", JobKind.briefs)] {
                group.addTask {
                    await lane(name, next: { try await service.nextDue(kinds) }) { try await service.runDueJobs(kinds: kinds) }
                }
            }
            group.addTask { await lane("webhooks", next: nil) { try await service.deliverDueWebhooks() } }
        }
    }

    /// Runs `pass` until shutdown: at once again while a pass finds a full batch, else after
    /// `interval`, or sooner when `next` says a job falls due before then (a report-in limit
    /// passing is told within a second of it, not at the next fixed pass).
    func lane(_ name: String, next: (@Sendable () async throws -> Date?)?, _ pass: @Sendable () async throws -> JobRunSummary) async {
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
            var soonest = interval
            if let next, let due = try? await next() {
                let seconds = max(0.05, due.timeIntervalSinceNow)
                if seconds < Double(interval.components.seconds) { soonest = .milliseconds(Int(seconds * 1000)) }
            }
            let wait = soonest
            // SIGTERM ends the wait at once, not after it.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
    }
}
