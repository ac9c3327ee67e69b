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

/// The API when its database fails it: 503 `db.unavailable` with a Retry-After, never a 500,
/// and a report never refused for a fault of the database.
@Suite struct FaultHTTPTests {
    @Test func anUnreachableDatabaseAnswers503WithRetryAfterFromTheSessionLookupOn() async throws {
        try await TestDatabase.with { db in
            try await db.withOwnPool(waitLimit: .milliseconds(500), reachable: false) { database in
                let service = GridService(db: database)
                let app = Application(router: try buildRouter(service: service, settings: ServerSettings(maxBodyBytes: testMaxBodyBytes)))
                try await app.test(.router) { client in
                    let api = API(client: client)
                    let token = "gg_1_" + String(repeating: "A", count: 43)
                    for response in [
                        try await api.get("/v1/me", token: token), try await api.get("/readyz"),
                        try await api.loginResponse(tenant: "HD", login: "admin", password: "whatever-it-is"),
                    ] {
                        expectProblem(response, .serviceUnavailable, "db.unavailable")
                        #expect(response.headers[.retryAfter].flatMap(Int.init) != nil, "Retry-After: \(response.headers[.retryAfter] ?? "none")")
                    }
                    #expect(try await api.get("/healthz").status == .ok, "the process is up, whatever the database does")
                }
            }
        }
    }
}

extension CaseHTTPTests {
    /// After a crash the day's counter can come back behind numbers its cases carry (it commits
    /// without waiting for its flush): intake numbers the case past them instead of refusing it.
    @Test func aReportIsNumberedPastTheNumbersInUseWhenTheDaysCounterFellBehind() async throws {
        try await withDesk { desk, db in
            for n in 1...2 {
                let created = try await desk.report("gridworker", Self.intake("第 \(n) 件"))
                #expect(created.status == .created, "\(created.text)")
            }
            try await db.owner.query("UPDATE case_numbers SET last = 0", logger: db.logger)
            let third = try await desk.report("gridworker", Self.intake("计数器回退后的第 3 件"), key: "after-crash")
            #expect(third.status == .created, "\(third.text)")
            let number = try #require((try third.json()["case"] as? [String: Any])?["number"] as? String)
            #expect(number.hasSuffix("-000003"), "\(number)")
            // The repaired counter goes on from there, and a replay answers the same case.
            let fourth = try await desk.report("gridworker", Self.intake("第 4 件"))
            #expect(((try fourth.json()["case"] as? [String: Any])?["number"] as? String)?.hasSuffix("-000004") == true, "\(fourth.text)")
            let replay = try await desk.report("gridworker", Self.intake("计数器回退后的第 3 件"), key: "after-crash")
            #expect((try replay.json()["case"] as? [String: Any])?["number"] as? String == number)
        }
    }
}
