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

/// Webhooks never reach into the service's own network unless the district allows it, and a dead
/// endpoint costs the deliveries of its own lane, never the escalations.
@Suite struct WebhookTargetHTTPTests {
    func withAdmin(_ body: @Sendable @escaping (API, String, TestDatabase, DemoSeedResult) async throws -> Void) async throws {
        try await TestDatabase.with { db in
            let seeded = try await db.seedDemo(code: "DEMO", name: "演示区", district: CaseHTTPTests.district)
            let passwords = Dictionary(uniqueKeysWithValues: seeded.users.map { ($0.login, $0.password) })
            try await withAPI(db) { api in
                let admin = try await api.login(tenant: "DEMO", login: "admin", password: passwords["admin"]!)
                try await body(api, admin, db, seeded)
            }
        }
    }

    @Test(arguments: [
        "http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook", "http://[::1]:8080/",
        "http://localhost:8080/", "https://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://192.168.10.1/",
    ])
    func internalTargetsAreRefusedAtSubscription(url: String) async throws {
        try await withAdmin { api, admin, _, _ in
            let refused = try await api.send(.post, "/v1/webhooks", token: admin, json: jsonString(["url": url, "eventTypes": ["*"]]))
            expectProblem(refused, .badRequest, "validation.failed")
            #expect(refused.fieldErrorCodes == ["webhook.internalTarget"], "\(url): \(refused.text)")
            #expect((try await api.get("/v1/webhooks", token: admin).json()["items"] as? [Any])?.isEmpty == true, "nothing was stored")
        }
    }

    @Test func theAllowListOpensAnOnPremisesSystemAndIsCheckedAgainAtDelivery() async throws {
        try await withAdmin { api, admin, db, seeded in
            let bad = try await api.send(.put, "/v1/webhooks/allowed-targets", token: admin, json: jsonString(["entries": ["10.0.0.0/40", "crm.local"]]))
            expectProblem(bad, .badRequest, "validation.failed")
            #expect(bad.fieldErrorCodes == ["webhook.allowList.badEntry"])
            let dispatcherPassword = seeded.users.first { $0.login == "dispatcher" }!.password
            let dispatcher = try await api.login(tenant: "DEMO", login: "dispatcher", password: dispatcherPassword)
            expectProblem(
                try await api.send(.put, "/v1/webhooks/allowed-targets", token: dispatcher, json: jsonString(["entries": ["10.0.0.0/8"]])),
                .forbidden, "auth.actionNotAllowed")

            let set = try await api.send(.put, "/v1/webhooks/allowed-targets", token: admin, json: jsonString(["entries": ["127.0.0.0/8", "10.20.0.0/16"]]))
            #expect(set.status == .ok, "\(set.text)")
            #expect(try await api.get("/v1/webhooks/allowed-targets", token: admin).json()["entries"] as? [String] == ["10.20.0.0/16", "127.0.0.0/8"])
            // Port 9 (discard): nothing listens, and the allow-list lets the service try.
            let created = try await api.send(
                .post, "/v1/webhooks", token: admin, json: jsonString(["url": "http://127.0.0.1:9/hook", "eventTypes": ["case.report"]]))
            #expect(created.status == .created, "\(created.text)")

            // The district takes the entry back: the queued delivery is refused when it is due, not sent.
            _ = try await api.send(.put, "/v1/webhooks/allowed-targets", token: admin, json: jsonString(["entries": [String]()]))
            let report = try await api.send(.post, "/v1/cases", token: dispatcher, json: jsonString(CaseHTTPTests.intake()))
            let caseId = try #require(int64((try report.json()["case"] as? [String: Any])?["id"]))
            #expect(try await db.service.deliverDueWebhooks() == JobRunSummary(claimed: 1, done: 0, failed: 1))
            let jobs = try await db.db.withTenant(seeded.tenant.id) { tx in try await JobStore.caseJobs(tx, caseId: caseId) }.filter { $0.kind == .webhook }
            #expect(jobs.count == 1 && jobs[0].done, "refused for good, not retried")
            let outcome = try await db.db.withTenant(seeded.tenant.id) { tx in
                var text = ""
                for try await value in try await tx.query("SELECT outcome FROM jobs WHERE tenant_id = \(tx.tenant) AND id = \(jobs[0].id)").decode(String.self)
                {
                    text = value
                }
                return text
            }
            #expect(outcome.hasPrefix("refused:") && outcome.contains("127.0.0.1"), "\(outcome)")
        }
    }

    @Test func aDeadEndpointWaitsBehindItsBreakerAndEscalationsNeverWaitForIt() async throws {
        try await withAdmin { api, admin, db, seeded in
            _ = try await api.send(.put, "/v1/webhooks/allowed-targets", token: admin, json: jsonString(["entries": ["127.0.0.1"]]))
            let created = try await api.send(
                .post, "/v1/webhooks", token: admin, json: jsonString(["url": "http://127.0.0.1:9/dead", "eventTypes": ["case.report"]]))
            #expect(created.status == .created, "\(created.text)")
            let dispatcherPassword = seeded.users.first { $0.login == "dispatcher" }!.password
            let dispatcher = try await api.login(tenant: "DEMO", login: "dispatcher", password: dispatcherPassword)
            for n in 1...4 {
                let report = try await api.send(.post, "/v1/cases", token: dispatcher, json: jsonString(CaseHTTPTests.intake("第 \(n) 件")))
                #expect(report.status == .created)
            }
            // The escalation lane does not claim deliveries at all.
            #expect(try await db.service.runDueJobs().claimed == 0)
            let start = Date()
            let first = try await db.service.deliverDueWebhooks(now: start)
            #expect(first == JobRunSummary(claimed: 4, done: 0, failed: 4), "all four tried at once, all failed")
            // Past the retry back-off the breaker lets one trial through; the other deliveries wait untried, their attempts given back.
            let second = try await db.service.deliverDueWebhooks(now: start.addingTimeInterval(61))
            #expect(second == JobRunSummary(claimed: 4, done: 0, failed: 1, postponed: 3), "\(second)")
            let attempts = try await db.db.withTenant(seeded.tenant.id) { tx in
                var values: [Int32] = []
                for try await value in try await tx.query("SELECT attempts FROM jobs WHERE tenant_id = \(tx.tenant) AND kind = 'webhook'").decode(Int32.self) {
                    values.append(value)
                }
                return values.sorted()
            }
            #expect(attempts == [1, 1, 1, 2])
            // The failed trial opened it again for longer: nothing is tried before then.
            let third = try await db.service.deliverDueWebhooks(now: start.addingTimeInterval(61 + 119))
            #expect(third.claimed > 0 && third.postponed == third.claimed, "\(third)")
        }
    }
}
