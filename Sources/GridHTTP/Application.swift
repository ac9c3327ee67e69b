import Foundation
import GridAPI
import GridCore
import GridService
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import Prometheus
import ServiceLifecycle

/// How the HTTP server runs.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Largest accepted request body.
    public var maxBodyBytes: Int
    /// How long a kept-alive connection may carry nothing before the server closes it. Longer than
    /// the minute that clients' and proxies' pools commonly keep an idle connection (AsyncHTTPClient,
    /// nginx upstreams), so that the client, not the server, is the one to drop it.
    public var idleTimeout: Duration

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, idleTimeout: Duration = .seconds(75)) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeout = idleTimeout
    }
}

/// Builds the router every front door shares: operations routes, then /v1 through the generated
/// OpenAPI server. Tests call this too.
public func buildRouter(service: GridService, settings: ServerSettings, metrics: PrometheusCollectorRegistry? = nil) throws
    -> Hummingbird.Router<BasicRequestContext>
{
    let router = Hummingbird.Router()
    router.middlewares.add(RequestIdMiddleware())
    if metrics != nil { router.middlewares.add(MetricsMiddleware()) }
    router.middlewares.add(ProblemMiddleware())
    router.middlewares.add(BodyLimitMiddleware(maxBytes: settings.maxBodyBytes))
    router.middlewares.add(AuthMiddleware(service: service))
    router.middlewares.add(ETagMiddleware())

    router.get("/healthz") { _, _ in ["status": "ok"] }
    router.get("/readyz") { _, _ -> Response in
        do {
            // Ready once the database answers; what the calendar lacks is a warning, not a failure.
            let warnings = try await service.nationalCalendarWarnings()
            var body: [String: Any] = ["status": "ready"]
            if !warnings.isEmpty { body["warnings"] = warnings.map { ["zh": $0.zh, "en": $0.en] } }
            let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        } catch {
            throw GridError(.dbUnavailable, Text(zh: "数据库不可用", en: "the database is not reachable"), retryAfter: GridError.unavailableRetryAfter)
        }
    }
    router.get("/metrics") { _, _ -> Response in
        var bytes: [UInt8] = []
        metrics?.emit(into: &bytes)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
    let document = try OpenAPIDocument.yaml()
    router.get("/openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }
    try APIHandler(service: service).registerHandlers(
        on: router, configuration: .init(dateTranscoder: ShanghaiDateTranscoder(), jsonEncodingOptions: [.withoutEscapingSlashes]))
    return router
}

public func buildApplication(
    service: GridService, settings: ServerSettings, logger: Logger, metrics: PrometheusCollectorRegistry? = nil,
    services: [any Service] = []
) throws -> some ApplicationProtocol {
    Application(
        router: try buildRouter(service: service, settings: settings, metrics: metrics),
        server: .persistentHTTP1(idleTimeout: settings.idleTimeout),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "gridgov"),
        services: services,
        logger: logger)
}
