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

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service.",
        discussion: """
            Environment: DATABASE_URL (service role), GRIDGOV_OWNER_URL (for --migrate), GRIDGOV_HOST, GRIDGOV_PORT,
            GRIDGOV_MAX_BODY_BYTES, LOG_LEVEL, GRIDGOV_BCRYPT_COST, GRIDGOV_DB_POOL. Logs are JSON lines on stdout.
            SIGTERM or SIGINT stops it gracefully: running requests finish, then the pool closes.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Address to listen on (default: $GRIDGOV_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port (default: $GRIDGOV_PORT or 8080).") var port: Int?
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (default: $GRIDGOV_MAX_BODY_BYTES or 1 MiB).") var maxBodyBytes: Int?
    @Flag(help: "Apply pending migrations (as $GRIDGOV_OWNER_URL) before serving.") var migrate = false
    @Flag(name: .customLong("no-worker"), help: "Do not run the job worker (deadline lights, escalation) in this process.") var noWorker = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let level = Logger.Level(rawValue: environment["LOG_LEVEL"] ?? "") ?? .info
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "gridgov")
        logger.logLevel = level

        if migrate || environment["GRIDGOV_MIGRATE"] == "1" {
            let applied = try await Migrate.migrate(ownerURL: nil, directory: nil)
            logger.info("migrations", metadata: ["applied": "\(applied.joined(separator: ","))"])
        }
        let settings = ServerSettings(
            host: host ?? environment["GRIDGOV_HOST"] ?? "127.0.0.1",
            port: port ?? environment["GRIDGOV_PORT"].flatMap(Int.init) ?? 8080,
            maxBodyBytes: maxBodyBytes ?? environment["GRIDGOV_MAX_BODY_BYTES"].flatMap(Int.init) ?? 1 << 20)
        var configuration = try DatabaseURL.configuration(try connection.url)
        // The pool keeps its connections open: a fresh backend spends some 40 ms loading PostGIS and
        // planning the hot statements again, which a quiet minute would otherwise cost the next burst.
        configuration.options.minimumConnections = configuration.options.maximumConnections
        let client = PostgresClient(configuration: configuration, eventLoopGroup: SpreadingEventLoopGroup(base: MultiThreadedEventLoopGroup.singleton),
                                    backgroundLogger: logger)
        let service = GridService(db: Database(client: client, logger: logger), configuration: .fromEnvironment())
        var services: [any Service] = [client]
        if !noWorker { services.append(JobWorker(service: service, logger: logger)) }
        let app = try buildApplication(service: service, settings: settings, logger: logger, metrics: registry, services: services)
        try await CLI.report { try await app.runService() }
    }
}

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
            let summary = try await CLI.withService(connection) { service in try await service.runDueJobs() }
            print("jobs: \(summary.claimed) claimed, \(summary.done) done, \(summary.failed) failed")
            return
        }
        let client = PostgresClient(configuration: try DatabaseURL.configuration(try connection.url), backgroundLogger: logger)
        let service = GridService(db: Database(client: client, logger: logger), configuration: .fromEnvironment())
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: client), .init(service: JobWorker(service: service, interval: .seconds(interval), logger: logger))],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await CLI.report { try await group.run() }
    }
}
