import Foundation
import GridCore
import GridHTTP
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

/// Outbound case events: subscriptions, signed deliveries from the job table, retries.
@Suite struct WebhookHTTPTests {
    /// What a department's system received.
    actor Inbox {
        struct Delivery: Sendable {
            var path: String
            var event: String?
            var signature: String?
            var body: String
        }

        var deliveries: [Delivery] = []
        var failuresLeft = 1
        /// Counts the service's sessions idle inside a transaction, while a delivery is being answered.
        var probe: (@Sendable () async throws -> Int)?
        var openTransactionsSeen: [Int] = []

        func setProbe(_ probe: @escaping @Sendable () async throws -> Int) { self.probe = probe }
        func look() async throws { if let probe { openTransactionsSeen.append(try await probe()) } }

        func record(_ delivery: Delivery) { deliveries.append(delivery) }

        /// The flaky endpoint fails once, then accepts.
        func failOnce() -> Bool {
            guard failuresLeft > 0 else { return false }
            failuresLeft -= 1
            return true
        }
    }

    /// A receiving server on a free port for the duration of `body`.
    func withReceiver(_ body: @Sendable @escaping (Int, Inbox) async throws -> Void) async throws {
        let inbox = Inbox()
        let router = Router()
        @Sendable func receive(_ request: Request, _ path: String) async throws {
            let bytes = try await request.body.collect(upTo: 1 << 20)
            await inbox.record(
                .init(
                    path: path, event: request.headers[HTTPField.Name("X-Gridgov-Event")!],
                    signature: request.headers[HTTPField.Name("X-Gridgov-Signature")!], body: String(buffer: bytes)))
        }
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            try await receive(request, "/hook")
            return .noContent
        }
        router.post("/watch") { request, _ -> HTTPResponse.Status in
            try await inbox.look()
            try await receive(request, "/watch")
            return .ok
        }
        router.post("/flaky") { request, _ -> HTTPResponse.Status in
            if await inbox.failOnce() { return .serviceUnavailable }
            try await receive(request, "/flaky")
            return .ok
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(try #require(client.port), inbox) }
    }

    /// The receivers of these tests listen on loopback, which a district must allow first.
    func allowLoopback(_ api: API, _ admin: String) async throws {
        let allowed = try await api.send(.put, "/v1/webhooks/allowed-targets", token: admin, json: jsonString(["entries": ["127.0.0.1"]]))
        #expect(allowed.status == .ok, "\(allowed.text)")
    }

    @Test func subscribedCaseEventsArriveSignedAndAFailedDeliveryIsRetried() async throws {
        try await withReceiver { port, inbox in
            try await TestDatabase.with { db in
                let seeded = try await db.seedDemo(code: "DEMO", name: "演示区", district: CaseHTTPTests.district)
                let passwords = Dictionary(uniqueKeysWithValues: seeded.users.map { ($0.login, $0.password) })
                @Sendable func password(_ login: String) -> String { passwords[login]! }
                try await withAPI(db) { api in
                    let admin = try await api.login(tenant: "DEMO", login: "admin", password: password("admin"))
                    let dispatcher = try await api.login(tenant: "DEMO", login: "dispatcher", password: password("dispatcher"))
                    try await allowLoopback(api, admin)
                    func subscribe(_ body: [String: Any]) async throws -> TestResponse {
                        try await api.send(.post, "/v1/webhooks", token: admin, json: jsonString(body))
                    }
                    let bad = try await subscribe(["url": "ftp://example.org/x", "eventTypes": ["case.nothing"]])
                    expectProblem(bad, .badRequest, "validation.failed")
                    #expect(bad.fieldErrorCodes == ["webhook.badURL", "webhook.badEventType"], "\(bad.text)")
                    expectProblem(
                        try await api.send(.post, "/v1/webhooks", token: dispatcher, json: jsonString(["url": "http://127.0.0.1/x", "eventTypes": ["*"]])),
                        .forbidden, "auth.actionNotAllowed")

                    let created = try await subscribe(["url": "http://127.0.0.1:\(port)/hook", "eventTypes": ["case.report", "case.dispatch"]])
                    #expect(created.status == .created, "\(created.text)")
                    let secret = try #require(try created.json()["secret"] as? String)
                    #expect(secret.count == 64)
                    let listed = try await api.get("/v1/webhooks", token: admin)
                    #expect(!listed.text.contains(secret), "the secret is shown once")

                    let report = try await api.send(.post, "/v1/cases", token: dispatcher, json: jsonString(CaseHTTPTests.intake()))
                    let id = try #require(int64((try report.json()["case"] as? [String: Any])?["id"]))
                    #expect(try await db.service.deliverDueWebhooks().done == 1)
                    _ = try await api.send(.post, "/v1/cases/\(id)/actions/file", token: dispatcher, json: "{}")
                    #expect(try await db.service.deliverDueWebhooks().claimed == 0, "filing is not subscribed")
                    _ = try await api.send(.post, "/v1/cases/\(id)/actions/dispatch", token: dispatcher, json: "{}")
                    #expect(try await db.service.deliverDueWebhooks().done == 1)

                    let received = await inbox.deliveries
                    #expect(received.map(\.event) == ["case.report", "case.dispatch"])
                    for delivery in received {
                        #expect(delivery.signature == "sha256=" + GridService.signature(delivery.body, secret: secret), "a receiver can check the signature")
                    }
                    let body = try #require(try JSONSerialization.jsonObject(with: Data(received[1].body.utf8)) as? [String: Any])
                    #expect((body["case"] as? [String: Any])?["state"] as? String == "dispatched")
                    #expect((body["case"] as? [String: Any])?["leadDepartment"] as? String == "CGW")
                    #expect((body["at"] as? String)?.hasSuffix("+08:00") == true, "times carry Beijing's offset: \(body)")
                    #expect(((body["case"] as? [String: Any])?["handleDue"] as? String)?.hasSuffix("+08:00") == true)

                    // A flaky endpoint: the first attempt fails and is retried after its back-off.
                    let flaky = try await subscribe(["url": "http://127.0.0.1:\(port)/flaky", "eventTypes": ["*"], "department": "CGW"])
                    let flakyId = try #require(int64((try flaky.json()["webhook"] as? [String: Any])?["id"]))
                    _ = try await api.send(
                        .post, "/v1/cases/\(id)/actions/void",
                        token: try await api.login(
                            tenant: "DEMO", login: "shift.leader", password: password("shift.leader")), json: jsonString(["reason": "测试"]))
                    let first = try await db.service.deliverDueWebhooks()
                    #expect(first == JobRunSummary(claimed: 1, done: 0, failed: 1))
                    #expect(try await db.service.deliverDueWebhooks().claimed == 0, "not before its back-off")
                    #expect(try await db.service.deliverDueWebhooks(now: Date().addingTimeInterval(120)).done == 1)
                    #expect(await inbox.deliveries.last?.path == "/flaky")
                    #expect(await inbox.deliveries.last?.event == "case.void")

                    let deleted = try await api.send(.delete, "/v1/webhooks/\(flakyId)", token: admin)
                    #expect(deleted.status == .noContent)
                    expectProblem(try await api.send(.delete, "/v1/webhooks/\(flakyId)", token: admin), .notFound, "webhook.notFound")
                }
            }
        }
    }

    /// The endpoint is called with no transaction of the service open: a slow receiver holds no
    /// connection and no lock, and the delivery is recorded after it answered.
    @Test func aDeliveryHoldsNoTransactionWhileTheEndpointAnswers() async throws {
        try await withReceiver { port, inbox in
            try await TestDatabase.with { db in
                let seeded = try await db.seedDemo(code: "DEMO", name: "演示区", district: CaseHTTPTests.district)
                let passwords = Dictionary(uniqueKeysWithValues: seeded.users.map { ($0.login, $0.password) })
                await inbox.setProbe {
                    let rows = try await db.app.query(
                        """
                        SELECT count(*)::int8 FROM pg_stat_activity
                        WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'
                        """, logger: db.logger)
                    var n = 0
                    for try await count in rows.decode(Int64.self) { n = Int(count) }
                    return n
                }
                try await withAPI(db) { api in
                    let admin = try await api.login(tenant: "DEMO", login: "admin", password: passwords["admin"]!)
                    let dispatcher = try await api.login(tenant: "DEMO", login: "dispatcher", password: passwords["dispatcher"]!)
                    try await allowLoopback(api, admin)
                    let created = try await api.send(
                        .post, "/v1/webhooks", token: admin,
                        json: jsonString(["url": "http://127.0.0.1:\(port)/watch", "eventTypes": ["case.report"]]))
                    #expect(created.status == .created, "\(created.text)")
                    let report = try await api.send(.post, "/v1/cases", token: dispatcher, json: jsonString(CaseHTTPTests.intake()))
                    #expect(report.status == .created)
                    #expect(try await db.service.deliverDueWebhooks() == JobRunSummary(claimed: 1, done: 1, failed: 0))
                    #expect(await inbox.openTransactionsSeen == [0])
                    #expect(try await db.service.deliverDueWebhooks().claimed == 0, "delivered once")
                }
            }
        }
    }
}
