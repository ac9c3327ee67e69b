import Foundation
import GridService
import Logging
import ServiceLifecycle

/// Runs the job table's due work every `interval` until shutdown: inside `gridgov serve`, or on
/// its own as `gridgov worker`. Several workers (processes or machines) share the table safely.
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
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                var summary = try await service.runDueJobs()
                // A full batch means more is due: go on at once.
                while summary.claimed == 100 && !Task.isShuttingDownGracefully { summary = try await service.runDueJobs() }
                if summary.claimed > 0 {
                    logger.info("jobs", metadata: ["done": "\(summary.done)", "failed": "\(summary.failed)"])
                }
            } catch {
                logger.error("job worker pass failed", metadata: ["error": "\(error)"])
            }
            // SIGTERM ends the wait at once, not after it.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
