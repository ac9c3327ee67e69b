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
            Environment: DATABASE_URL (service role), GRIDGOV_READ_URL (a streaming standby where figures, briefs and
            exports are read; the primary when unset or unreachable), GRIDGOV_OWNER_URL (for --migrate), GRIDGOV_HOST, GRIDGOV_PORT,
            GRIDGOV_MAX_BODY_BYTES, LOG_LEVEL, GRIDGOV_BCRYPT_COST, GRIDGOV_DB_POOL, GRIDGOV_DB_WAIT_SECONDS (how long a
            database call may wait before the request answers 503, default 10), GRIDGOV_STATEMENT_TIMEOUT (default 30s),
            GRIDGOV_IDLE_SECONDS (how long a kept-alive connection may stay idle, default 75).
            Logs are JSON lines on stdout. SIGTERM or SIGINT stops it gracefully: running requests finish (at most 8 s),
            then the pool closes.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Address to listen on (default: $GRIDGOV_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port (default: $GRIDGOV_PORT or 8080).") var port: Int?
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (default: $GRIDGOV_MAX_BODY_BYTES or 1 MiB).") var maxBodyBytes: Int?
    @Flag(help: "Apply pending migrations (as $GRIDGOV_OWNER_URL) before serving.") var migrate = false
    @Flag(name: .customLong("no-worker"), help: "Do not run the job worker (deadline lights, escalation) in this process.") var noWorker = false

    func run() async throws {
        let environment = Settings.current
        let level = environment.logLevel ?? .info
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "gridgov")
        logger.logLevel = level

        if migrate || environment.migrateOnStart {
            let applied = try await Migrate.migrate(ownerURL: nil, directory: nil)
            logger.info("migrations", metadata: ["applied": "\(applied.joined(separator: ","))"])
        }
        let settings = ServerSettings(
            host: host ?? environment.host,
            port: port ?? environment.port,
            maxBodyBytes: maxBodyBytes ?? environment.maxBodyBytes,
            idleTimeout: environment.idleSeconds.map { .seconds($0) } ?? ServerSettings().idleTimeout)
        let client = PostgresClient(
            configuration: try Self.poolConfiguration(try connection.url, environment: environment),
            eventLoopGroup: SpreadingEventLoopGroup(base: MultiThreadedEventLoopGroup.singleton), backgroundLogger: logger)
        let waitLimit = Duration.seconds(environment.databaseWaitSeconds)
        var services: [any Service] = [client]
        // The standby's pool: figures wait for it at most 3 s before reading on the primary instead.
        var reads: Database?
        if let readURL = environment.readURL {
            let standby = PostgresClient(
                configuration: try Self.poolConfiguration(readURL, environment: environment),
                eventLoopGroup: SpreadingEventLoopGroup(base: MultiThreadedEventLoopGroup.singleton), backgroundLogger: logger)
            reads = Database(client: standby, logger: logger, waitLimit: .seconds(min(3, environment.databaseWaitSeconds)))
            services.append(standby)
        }
        let service = GridService(
            db: Database(client: client, logger: logger, waitLimit: waitLimit), reads: reads, configuration: environment.service)
        if !noWorker { services.append(JobWorker(service: service, logger: logger)) }
        let app = try buildApplication(service: service, settings: settings, logger: logger, metrics: registry)
        services.append(app)
        // Stopped in reverse order: the server drains its requests, the worker ends its pass, the pool closes.
        var group = ServiceGroupConfiguration(services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = Self.drainLimit
        group.maximumCancellationDuration = .seconds(1)
        try await CLI.report { try await ServiceGroup(configuration: group).run() }
    }

    /// How long SIGTERM waits for running requests and jobs before cancelling them.
    static let drainLimit = Duration.seconds(8)

    /// The service's pool: a minimum of zero connections (PostgresNIO's pool asserts that the
    /// connections it keeps at its minimum never fall short when it must open one on demand, which
    /// they do for a moment when the database restarts with requests in flight), connections kept
    /// while idle for half an hour instead (a fresh backend spends some 40 ms loading PostGIS and
    /// planning the hot statements again), and a statement timeout so that no statement outlives the
    /// request that waits for it by much, and no JIT compilation.
    static func poolConfiguration(_ url: String, environment: Settings) throws -> PostgresClient.Configuration {
        var configuration = try DatabaseURL.configuration(url, maximumConnections: environment.poolSize)
        configuration.options.minimumConnections = 0
        configuration.options.connectionIdleTimeout = .seconds(30 * 60)
        configuration.options.connectTimeout = .seconds(5)
        let statementTimeout = environment.statementTimeout
        // No JIT: the service's statements are short, and a plan whose estimate passes jit_above_cost
        // only because of a branch that never runs (the reporter's in a notice, over a million cases)
        // spent 170 ms compiling for a statement that runs in 0.2 ms.
        configuration.options.additionalStartupParameters += [
            ("statement_timeout", statementTimeout), ("idle_in_transaction_session_timeout", "60s"), ("jit", "off"),
        ]
        return configuration
    }
}
