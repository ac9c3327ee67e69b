import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

/// Briefs sent on schedule (issue 18): users subscribe to the monthly or weekly brief of the
/// district or a street; the `briefDue` job publishes each period's once on the morning after,
/// tells the subscribers and posts to the webhooks subscribed to `brief.month` or `brief.week`.
extension WebhookHTTPTests {
    @Test func briefsGoOutOnTheMorningAfterToSubscribersAndWebhooksOnce() async throws {
        try await withReceiver { port, inbox in
            try await TestDatabase.with { db in
                let seeded = try await db.seedDemo(code: "DEMO", name: "演示区", district: CaseHTTPTests.district)
                let passwords = Dictionary(uniqueKeysWithValues: seeded.users.map { ($0.login, $0.password) })
                try await withAPI(db) { api in
                    var tokens: [String: String] = [:]
                    for login in ["admin", "leader", "street.dispatcher", "community.chief", "dispatcher"] {
                        tokens[login] = try await api.login(tenant: "DEMO", login: login, password: passwords[login]!)
                    }
                    func subscribe(_ login: String, _ body: [String: Any]) async throws -> TestResponse {
                        try await api.send(.post, "/v1/brief-subscriptions", token: tokens[login]!, json: jsonString(body))
                    }
                    func notices(_ login: String) async throws -> [[String: Any]] {
                        let listed = try await api.get("/v1/notifications", token: tokens[login]!)
                        return ((try listed.json()["items"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "briefPublished" }
                    }
                    func count(_ sql: String) async throws -> Int {
                        for try await n in try await db.owner.query(PostgresQuery(unsafeSQL: sql), logger: db.logger).decode(Int.self) { return n }
                        return -1
                    }

                    // Subscriptions: the district's monthly brief for the leader (their scope), a
                    // street's weekly brief for its dispatcher; the same again is the same one.
                    try await allowLoopback(api, tokens["admin"]!)
                    let hook = try await api.send(
                        .post, "/v1/webhooks", token: tokens["admin"]!,
                        json: jsonString(["url": "http://127.0.0.1:\(port)/hook", "eventTypes": ["brief.month"]]))
                    #expect(hook.status == .created, "\(hook.text)")
                    let secret = try #require(try hook.json()["secret"] as? String)
                    let monthly = try await subscribe("leader", ["cadence": "month"])
                    #expect(monthly.status == .created, "\(monthly.text)")
                    let monthlyId = try #require(int64(try monthly.json()["id"]))
                    #expect((try monthly.json()["scope"] as? [String: Any])?["code"] as? String == CaseHTTPTests.district.divisionCode)
                    let again = try await subscribe("leader", ["cadence": "month"])
                    let againId = int64(try again.json()["id"])
                    #expect(again.status == .ok && againId == monthlyId, "\(again.text)")
                    let weekly = try await subscribe("street.dispatcher", ["cadence": "week", "scope": "110199001"])
                    #expect(weekly.status == .created, "\(weekly.text)")

                    // Bad asks: a cadence that is not one, a grid's brief, a scope outside the caller's.
                    #expect(try await subscribe("leader", ["cadence": "daily"]).fieldErrorCodes == ["field.invalid"])
                    var gridCode = ""
                    for try await code in try await db.owner.query(
                        "SELECT code FROM org_units WHERE tenant_id = \(seeded.tenant.id) AND kind = 'grid' ORDER BY code LIMIT 1", logger: db.logger
                    ).decode(String.self) { gridCode = code }
                    #expect(try await subscribe("leader", ["cadence": "week", "scope": gridCode]).fieldErrorCodes == ["field.invalid"])
                    expectProblem(
                        try await subscribe("community.chief", ["cadence": "month", "scope": CaseHTTPTests.district.divisionCode]), .forbidden,
                        "auth.outOfScope")
                    let mine = try await api.get("/v1/brief-subscriptions", token: tokens["leader"]!)
                    #expect((try mine.json()["items"] as? [[String: Any]])?.count == 1, "\(mine.text)")
                    #expect(try await count("SELECT count(*)::int FROM jobs WHERE kind = 'briefDue' AND done_at IS NULL") == 2, "one job per cadence")

                    // A case this week, so that the figures count something.
                    let report = try await api.send(.post, "/v1/cases", token: tokens["dispatcher"]!, json: jsonString(CaseHTTPTests.intake()))
                    let caseId = try #require(int64((try report.json()["case"] as? [String: Any])?["id"]))
                    #expect(try await api.send(.post, "/v1/cases/\(caseId)/actions/file", token: tokens["dispatcher"]!, json: "{}").status == .ok)

                    // Nothing before the morning after the week; then the week's brief of the street.
                    let offset = 8 * 3600
                    let now = Date()
                    let week = BriefPeriod.lastEnded(.week, before: now, utcOffsetSeconds: offset).next
                    let month = BriefPeriod.lastEnded(.month, before: now, utcOffsetSeconds: offset).next
                    let weekMorning = week.period(utcOffsetSeconds: offset).to.addingTimeInterval(8 * 3600)
                    #expect(try await db.service.runDueJobs(now: weekMorning.addingTimeInterval(-60), kinds: JobKind.briefs).claimed == 0)
                    #expect(try await db.service.runDueJobs(now: weekMorning.addingTimeInterval(1), kinds: JobKind.briefs).done == 1)
                    let weekNotices = try await notices("street.dispatcher")
                    #expect(weekNotices.count == 1, "\(weekNotices)")
                    let weekText = weekNotices.first?["message"] as? String ?? ""
                    #expect(weekText.contains("学院路街道") && weekText.contains("周") && weekText.contains("/v1/briefs/\(week)?scope=110199001"), "\(weekText)")
                    #expect(try await notices("leader").isEmpty, "the leader wants the month only")
                    #expect(try await db.service.deliverDueWebhooks(now: weekMorning.addingTimeInterval(1)).claimed == 0, "the webhook wants the month only")

                    // The month's on its morning: the district's, to the leader and the webhook; the
                    // week's job goes on week after week meanwhile.
                    let monthMorning = month.period(utcOffsetSeconds: offset).to.addingTimeInterval(8 * 3600)
                    #expect(try await db.service.runDueJobs(now: monthMorning.addingTimeInterval(1), kinds: JobKind.briefs).done >= 1)
                    let monthNotices = try await notices("leader")
                    #expect(monthNotices.count == 1, "\(monthNotices)")
                    let monthText = monthNotices.first?["message"] as? String ?? ""
                    #expect(
                        monthText.contains("立案 1 件") && monthText.contains("/v1/briefs/\(month)?scope=\(CaseHTTPTests.district.divisionCode)"), "\(monthText)")
                    #expect(try await db.service.deliverDueWebhooks(now: monthMorning.addingTimeInterval(1)).done == 1)
                    let delivered = try #require(await inbox.deliveries.last)
                    #expect(delivered.event == "brief.month")
                    #expect(delivered.signature == "sha256=" + GridService.signature(delivered.body, secret: secret))
                    let body = try #require(try JSONSerialization.jsonObject(with: Data(delivered.body.utf8)) as? [String: Any])
                    let brief = try #require(body["brief"] as? [String: Any])
                    #expect(brief["period"] as? String == month.description && brief["cadence"] as? String == "month")
                    let figures = brief["figures"] as? [[String: Any]] ?? []
                    #expect(figures.first { $0["indicator"] as? String == "filed" }?["numerator"] as? Int == 1, "\(figures)")
                    #expect((brief["html"] as? String)?.hasPrefix("/v1/briefs/\(month)") == true)

                    // Once: a job for a period already published (run again) tells nobody again.
                    let issues = try await count("SELECT count(*)::int FROM brief_issues WHERE cadence = 'month'")
                    #expect(issues == 1)
                    try await db.owner.query(
                        """
                        INSERT INTO jobs (tenant_id, kind, run_at, payload)
                        VALUES (\(seeded.tenant.id), 'briefDue', now(), jsonb_build_object('cadence', 'month', 'period', \(month.description)::text))
                        """, logger: db.logger)
                    #expect(try await db.service.runDueJobs(now: monthMorning.addingTimeInterval(2), kinds: JobKind.briefs).done >= 1)
                    #expect(try await notices("leader").count == 1, "told once")
                    #expect(try await count("SELECT count(*)::int FROM brief_issues WHERE cadence = 'month'") == 1)
                    #expect(
                        try await count("SELECT count(*)::int FROM jobs WHERE kind = 'briefDue' AND done_at IS NULL AND payload->>'cadence' = 'month'") == 1,
                        "the next month's is pending, once")

                    // Ending a subscription: once; not another's.
                    let weeklyId = try #require(int64(try weekly.json()["id"]))
                    expectProblem(
                        try await api.send(.delete, "/v1/brief-subscriptions/\(weeklyId)", token: tokens["leader"]!), .notFound, "brief.subscriptionNotFound")
                    #expect(try await api.send(.delete, "/v1/brief-subscriptions/\(monthlyId)", token: tokens["leader"]!).status == .noContent)
                    expectProblem(
                        try await api.send(.delete, "/v1/brief-subscriptions/\(monthlyId)", token: tokens["leader"]!), .notFound, "brief.subscriptionNotFound")
                }
            }
        }
    }
}
