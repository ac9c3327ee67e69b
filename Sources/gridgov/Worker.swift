import ArgumentParser
import Foundation
import GridHTTP
import GridService
import GridStore
import Hummingbird
import Logging
import Metrics
import NIOPosix
import PostgresNIO
import Prometheus
import ServiceLifecycle
import UnixSignals

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the job worker alone: deadline lights, escalation, supervision orders (also runs inside serve).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Seconds between passes over the job table.") var interval: Int = 5
    @Flag(help: "Run the due jobs once and exit.") var once = false

    func run() async throws {
        var logger = Logger(label: "gridgov-worker")
        logger.logLevel = .info
        if once {
            let (jobs, deliveries) = try await CLI.withService(connection) { service in (try await service.runDueJobs(), try await service.deliverDueWebhooks())
            }
            print(
                CLI.say(
                    "任务：领取 \(jobs.claimed) 个，完成 \(jobs.done) 个，失败 \(jobs.failed) 个",
                    "jobs: \(jobs.claimed) claimed, \(jobs.done) done, \(jobs.failed) failed"))
            let d = deliveries
            print(
                CLI.say(
                    "回调：领取 \(d.claimed) 个，送达 \(d.done) 个，失败 \(d.failed) 个，推迟 \(d.postponed) 个",
                    "webhooks: \(d.claimed) claimed, \(d.done) done, \(d.failed) failed, \(d.postponed) postponed"))
            return
        }
        // The server's pool settings: its statement timeout, and no JIT for the jobs' short statements either.
        let client = PostgresClient(configuration: try Serve.poolConfiguration(try connection.url, environment: Settings.current), backgroundLogger: logger)
        let service = GridService(db: Database(client: client, logger: logger), configuration: Settings.current.service)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: client), .init(service: JobWorker(service: service, interval: .seconds(interval), logger: logger))],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await CLI.report { try await group.run() }
    }
}
