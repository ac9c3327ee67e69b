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

/// Cases through the REST API on the demo district: intake, the workflow with its roles and
/// versions, the history and its hash chain.
@Suite struct CaseHTTPTests {
    static let district = DemoDistrict(
        divisionCode: "110199", streets: 2, communitiesPerStreet: 2, basicGridsPerCommunity: 1, unitGridsPerBasicGrid: 2,
        origin: (116.20, 39.90))

    /// The demo district and a token per demo login.
    struct Desk: Sendable {
        var api: API
        var tokens: [String: String]
        var tenantId: Int64

        func token(_ login: String) -> String { tokens[login]! }

        func report(_ login: String, _ body: [String: Any], key: String? = nil) async throws -> TestResponse {
            var headers: HTTPFields = [:]
            if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
            return try await api.send(.post, "/v1/cases", token: token(login), json: jsonString(body), headers: headers)
        }

        func act(_ login: String, _ id: Int64, _ action: String, _ body: [String: Any] = [:], version: Int64? = nil) async throws -> TestResponse {
            var headers: HTTPFields = [:]
            if let version { headers[.ifMatch] = "\"\(version)\"" }
            return try await api.send(.post, "/v1/cases/\(id)/actions/\(action)", token: token(login), json: jsonString(body), headers: headers)
        }

        /// Acts and expects the case to end in `state`; returns the case.
        @discardableResult
        func step(
            _ login: String, _ id: Int64, _ action: String, _ body: [String: Any] = [:], to state: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> [String: Any] {
            let response = try await act(login, id, action, body)
            #expect(response.status == .ok, "\(login) \(action): \(response.text)", sourceLocation: sourceLocation)
            let json = try response.json()
            #expect(json["state"] as? String == state, "\(action) → \(json["state"] ?? "?")", sourceLocation: sourceLocation)
            return json
        }
    }

    func withDesk(_ body: @Sendable @escaping (Desk, TestDatabase) async throws -> Void) async throws {
        try await TestDatabase.with { db in
            let seeded = try await db.seedDemo(code: "DEMO", name: "演示区", district: Self.district)
            try await withAPI(db) { api in
                var tokens: [String: String] = [:]
                for user in seeded.users { tokens[user.login] = try await api.login(tenant: "DEMO", login: user.login, password: user.password) }
                try await body(Desk(api: api, tokens: tokens, tenantId: seeded.tenant.id), db)
            }
        }
    }

    static var pointInGridWorkersGrid: Coordinate { district.cellCentre(0, 0)! }

    static func intake(_ description: String = "人行道上井盖缺失", category: String? = "E0201", point: Coordinate = pointInGridWorkersGrid) -> [String: Any] {
        var body: [String: Any] = ["description": description, "lat": point.lat, "lng": point.lng, "address": "演示路 1 号"]
        if let category { body["category"] = category }
        return body
    }

    @Test func aReportRunsTheMainPathWithReworkToEvaluationAndItsHistoryChains() async throws {
        try await withDesk { desk, db in
            let created = try await desk.report("gridworker", Self.intake(), key: "phone-1")
            #expect(created.status == .created, "\(created.text)")
            let body = try created.json()
            let report = try #require(body["case"] as? [String: Any])
            let id = try #require(int64(report["id"]))
            #expect((report["number"] as? String)?.range(of: #"^DEMO-\d{8}-000001$"#, options: .regularExpression) != nil, "\(report["number"] ?? "")")
            #expect(report["state"] as? String == "reported")
            #expect(report["stateLabel"] as? String == "已上报")
            #expect(report["source"] as? String == "gridWorker")
            #expect(report["reportedBy"] as? String == "gridworker")
            #expect((report["grid"] as? [String: Any])?["code"] as? String != nil)
            #expect(report["dispatchDue"] as? String != nil, "filing and dispatch has a deadline from the report")
            #expect(report["allowedActions"] as? [String] == ["selfHandle"])
            #expect(body["replayed"] as? Bool == false)
            #expect(eTagVersion(created) == 1)

            // A retry under the same key answers the same case; the same key with another body is refused.
            let retry = try await desk.report("gridworker", Self.intake(), key: "phone-1")
            #expect(retry.status == .created)
            #expect(int64((try retry.json()["case"] as? [String: Any])?["id"]) == id)
            #expect(try retry.json()["replayed"] as? Bool == true)
            expectProblem(try await desk.report("gridworker", Self.intake("另一处问题"), key: "phone-1"), .unprocessableContent, "idempotency.keyReused")

            // The liaison cannot sign what is not dispatched; the answer lists what the state allows.
            let filed = try await desk.step("dispatcher", id, "file", to: "filed")
            #expect(filed["routingBasis"] as? String == "duty")
            #expect((filed["leadDepartment"] as? [String: Any])?["code"] as? String == "CGW")
            #expect(filed["ruleSet"] as? Int == 1)
            let signTooEarly = try await desk.act("liaison.cgw", id, "sign")
            expectProblem(signTooEarly, .conflict, "case.transition.notAllowed")
            #expect(signTooEarly.text.contains("dispatch"))

            // Dispatch with a stale version is refused; with the current one it creates the lead task.
            expectProblem(try await desk.act("dispatcher", id, "dispatch", version: 1), .preconditionFailed, "case.versionMismatch")
            let dispatched = try await desk.act("dispatcher", id, "dispatch", version: 2)
            #expect(dispatched.status == .ok, "\(dispatched.text)")
            let tasks = try dispatched.json()["tasks"] as? [[String: Any]] ?? []
            #expect(tasks.count == 1)
            #expect((tasks.first?["department"] as? [String: Any])?["code"] as? String == "CGW")
            #expect(tasks.first?["lead"] as? Bool == true)
            #expect(try dispatched.json()["handleDue"] as? String != nil)

            expectProblem(try await desk.act("gridworker", id, "sign"), .forbidden, "case.transition.roleNotAllowed")
            try await desk.step("liaison.cgw", id, "sign", to: "handling")
            let noNote = try await desk.act("liaison.cgw", id, "reportHandled")
            expectProblem(noNote, .badRequest, "validation.failed")
            #expect(noNote.text.contains("note"))
            try await desk.step("liaison.cgw", id, "reportHandled", ["note": "已补装井盖"], to: "handled")
            try await desk.step("dispatcher", id, "requestCheck", to: "checking")
            let rework = try await desk.step("gridworker", id, "failCheck", ["reason": "井盖尺寸不符"], to: "handling")
            #expect(rework["reworkCount"] as? Int == 1)
            try await desk.step("liaison.cgw", id, "reportHandled", ["note": "已更换合格井盖"], to: "handled")
            try await desk.step("dispatcher", id, "requestCheck", to: "checking")
            try await desk.step("gridworker", id, "passCheck", to: "checkPassed")
            expectProblem(try await desk.act("dispatcher", id, "close"), .forbidden, "case.transition.roleNotAllowed")
            try await desk.step("shift.leader", id, "close", to: "closed")
            let rated = try await desk.step("dispatcher", id, "evaluate", ["rating": "satisfied"], to: "evaluated")
            #expect(rated["rating"] as? String == "satisfied")
            #expect(rated["allowedActions"] as? [String] == [])

            let history = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("leader"))
            #expect(history.status == .ok, "\(history.text)")
            let events = try history.json()["items"] as? [[String: Any]] ?? []
            #expect(
                events.compactMap { $0["action"] as? String } == [
                    "report", "file", "dispatch", "sign", "reportHandled", "requestCheck", "failCheck", "reportHandled", "requestCheck", "passCheck",
                    "close", "evaluate",
                ])
            #expect(events.compactMap { int64($0["seq"]) } == Array(1...12))
            #expect(int64(rated["version"]) == 12)
            #expect((events[6]["payload"] as? [String: Any])?["reason"] as? String == "井盖尺寸不符")
            #expect(events[6]["role"] as? String == "gridWorker")

            // The chain holds; an edited event and a deleted one are both found.
            #expect(try await db.service.verifyHistory(tenantId: desk.tenantId).breaks.isEmpty)
            try await db.owner.query("UPDATE case_events SET payload = '{\"note\": \"改过\"}' WHERE case_id = \(id) AND seq = 5", logger: db.logger)
            let edited = try await db.service.verifyHistory(tenantId: desk.tenantId)
            #expect(edited.breaks.map(\.seq) == [5])
            try await db.owner.query("DELETE FROM case_events WHERE case_id = \(id) AND seq = 12", logger: db.logger)
            let deleted = try await db.service.verifyHistory(tenantId: desk.tenantId)
            #expect(deleted.breaks.contains { $0.seq == nil && $0.problem.en.contains("version 12") })
        }
    }

    @Test func badReportsAreRefusedWithTheFieldAndNothingIsWritten() async throws {
        try await withDesk { desk, db in
            let outside = Coordinate(lng: 100.0, lat: 30.0)!
            expectProblem(try await desk.report("dispatcher", Self.intake(point: outside)), .unprocessableContent, "case.outsideDistrict")
            let unknown = try await desk.report("dispatcher", Self.intake(category: "E9999"))
            expectProblem(unknown, .badRequest, "validation.failed")
            #expect(unknown.text.contains("E9999"))
            expectProblem(try await desk.report("dispatcher", Self.intake(category: "E02")), .badRequest, "validation.failed")
            let long = try await desk.report("dispatcher", Self.intake(String(repeating: "很", count: 2001)))
            expectProblem(long, .badRequest, "validation.failed")
            #expect(long.text.contains("2001"))
            var badGrade = Self.intake()
            badGrade["grade"] = "catastrophic"
            let grade = try await desk.report("dispatcher", badGrade)
            expectProblem(grade, .badRequest, "validation.failed")
            #expect(grade.text.contains("catastrophic"))
            expectProblem(try await desk.report("leader", Self.intake()), .forbidden, "auth.actionNotAllowed")
            let wrongType = try await desk.api.send(.post, "/v1/cases", token: desk.token("dispatcher"), json: "{\"description\": 5}")
            expectProblem(wrongType, .badRequest, "validation.failed")
            #expect(wrongType.text.contains("description"), "\(wrongType.text)")
            let count = try await db.owner.query("SELECT count(*)::int4 FROM cases", logger: db.logger)
            for try await n in count.decode(Int32.self) { #expect(n == 0) }

            // Another district's case is not found, and neither is one outside the reader's scope.
            let created = try await desk.report("dispatcher", Self.intake(category: nil))
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            let other = try await db.seedSmallDistrict(code: "HD", division: "110108")
            let otherToken = try await desk.api.adminToken(other)
            expectProblem(try await desk.api.get("/v1/cases/\(id)", token: otherToken), .notFound, "case.notFound")
            expectProblem(try await desk.api.send(.post, "/v1/cases/\(id)/actions/file", token: otherToken, json: "{}"), .notFound, "case.notFound")
            // Filing a report without a category asks for one.
            let unclassified = try await desk.act("dispatcher", id, "file")
            expectProblem(unclassified, .badRequest, "validation.failed")
            #expect(unclassified.text.contains("category"))
            try await desk.step("dispatcher", id, "file", ["category": "E0201"], to: "filed")
        }
    }

    /// A caller with no point to give: an address and the grid the dispatcher names; the case works like any other.
    @Test func aReportByAddressNamesItsGridAndHasNoPoint() async throws {
        try await withDesk { desk, db in
            func gridCode(_ response: TestResponse) throws -> String {
                try #require(((try response.json()["case"] as? [String: Any])?["grid"] as? [String: Any])?["code"] as? String, "\(response.text)")
            }
            let mine = try gridCode(try await desk.report("gridworker", Self.intake()))
            let (columns, rows) = Self.district.latticeSize
            let far = try gridCode(try await desk.report("dispatcher", Self.intake(category: "E0101", point: Self.district.cellCentre(columns - 1, rows - 1)!)))
            #expect(far != mine)

            let nowhere: [String: Any] = ["description": "热线来电：小区门口井盖缺失", "category": "E0201"]
            for (body, field, code) in [
                (nowhere, "lat,lng", "case.placeRequired"), (nowhere.merging(["address": "演示路 8 号"]) { $1 }, "lat,lng", "case.placeRequired"),
                (nowhere.merging(["lat": 39.9]) { $1 }, "lat,lng", "geo.badCoordinate"),
                (nowhere.merging(["address": "演示路 8 号", "grid": "999999999"]) { $1 }, "grid", "case.gridUnknown"),
            ] {
                let refused = try await desk.report("dispatcher", body)
                expectProblem(refused, .badRequest, "validation.failed")
                #expect(refused.text.contains(field) && refused.text.contains(code), "\(refused.text)")
            }
            var mismatch = Self.intake()
            mismatch["grid"] = far
            let wrongGrid = try await desk.report("dispatcher", mismatch)
            expectProblem(wrongGrid, .unprocessableContent, "case.gridMismatch")
            #expect(wrongGrid.text.contains(far))
            let call = nowhere.merging(["address": "演示路 8 号 3 单元门口", "reporterName": "李女士", "reporterPhone": "13900139000"]) { $1 }
            expectProblem(try await desk.report("gridworker", call.merging(["grid": far]) { $1 }), .forbidden, "auth.outOfScope")
            for try await n in try await db.owner.query("SELECT count(*)::int4 FROM cases", logger: db.logger).decode(Int32.self) { #expect(n == 2) }

            let created = try await desk.report("dispatcher", call.merging(["grid": mine]) { $1 })
            #expect(created.status == .created, "\(created.text)")
            let json = try created.json()
            let record = try #require(json["case"] as? [String: Any])
            #expect(try gridCode(created) == mine)
            #expect(record["lat"] == nil && record["lng"] == nil, "\(record)")
            #expect(record["address"] as? String == "演示路 8 号 3 单元门口")
            #expect((json["duplicates"] as? [Any])?.isEmpty != false, "no point, no suggestions by distance")
            let id = try #require(int64(record["id"]))
            try await desk.step("dispatcher", id, "file", to: "filed")
            try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            let events = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("dispatcher")).text
            #expect(events.contains(mine), "the report's event keeps the grid it named")
        }
    }

    /// The service's connection dies in the middle of an intake (its server process gone): nothing of
    /// the case is left, not its event or key, and the phone's retry under the same key writes it once
    /// (under the next number: the one the lost write took is not given again).
    @Test func aReportCutOffMidTransactionLeavesNothingAndItsRetryWritesItOnce() async throws {
        try await withDesk { desk, db in
            try await db.owner.query(
                """
                CREATE FUNCTION test_slow_event() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$
                """, logger: db.logger)
            try await db.owner.query(
                """
                CREATE TRIGGER test_slow_event BEFORE INSERT ON case_events FOR EACH ROW
                WHEN (NEW.payload ->> 'description' = '慢') EXECUTE FUNCTION test_slow_event()
                """, logger: db.logger)
            async let cut = desk.report("gridworker", Self.intake("慢"), key: "cut-1")
            // The intake's session, asleep inside its transaction after the case row was written.
            var killed = false
            for _ in 0..<200 where !killed {
                try await Task.sleep(for: .milliseconds(50))
                let rows = try await db.app.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = current_user AND datname = current_database() AND wait_event = 'PgSleep'",
                    logger: db.logger)
                for try await done in rows.decode(Bool.self) { killed = killed || done }
            }
            #expect(killed)
            let answer = try await cut
            expectProblem(answer, .serviceUnavailable, "db.unavailable")
            for table in ["cases", "case_events", "idempotency_keys", "jobs", "case_clocks", "notifications"] {
                let rows = try await db.owner.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \(table)"), logger: db.logger)
                for try await n in rows.decode(Int64.self) { #expect(n == 0, "\(table) has \(n) rows") }
            }

            try await db.owner.query("DROP TRIGGER test_slow_event ON case_events", logger: db.logger)
            let retried = try await desk.report("gridworker", Self.intake("慢"), key: "cut-1")
            #expect(retried.status == .created, "\(retried.text)")
            #expect(try retried.json()["replayed"] as? Bool == false)
            let record = try #require(try retried.json()["case"] as? [String: Any])
            #expect((record["number"] as? String)?.hasSuffix("-000002") == true, "\(record["number"] ?? "")")
            let again = try await desk.report("gridworker", Self.intake("慢"), key: "cut-1")
            #expect(try again.json()["replayed"] as? Bool == true)
            #expect(int64((try again.json()["case"] as? [String: Any])?["id"]) == int64(record["id"]))
            #expect(try await db.service.verifyHistory(tenantId: desk.tenantId).breaks.isEmpty)
        }
    }

    @Test func filingRecordsTheRuleAndDispatchGivesAssistingDepartmentsTheirTasks() async throws {
        try await withDesk { desk, db in
            let created = try await desk.report("dispatcher", Self.intake("路边售卖熟食，占道经营", category: "E0501"))
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            #expect((try created.json()["case"] as? [String: Any])?["source"] as? String == "hotline")
            let filed = try await desk.step("dispatcher", id, "file", to: "filed")
            #expect(filed["routingBasis"] as? String == "rule")
            #expect(filed["rule"] as? String == "food-vendors")
            #expect(filed["assisting"] as? [String] == ["SCJGJ"])
            let dispatched = try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            let tasks = dispatched["tasks"] as? [[String: Any]] ?? []
            #expect(tasks.compactMap { ($0["department"] as? [String: Any])?["code"] as? String }.last == "SCJGJ")
            #expect(tasks.compactMap { $0["lead"] as? Bool } == [true, false])
            #expect(dispatched["routeOverridden"] as? Bool == false)

            // The assisting department's liaison reads the case, signs for its task and reports it handled.
            let password = try await db.makeUser(
                tenantId: desk.tenantId, login: "liaison.scjgj", role: .departmentLiaison, scope: "110199", department: "SCJGJ")
            let assistant = try await desk.api.login(tenant: "DEMO", login: "liaison.scjgj", password: password)
            expectProblem(try await desk.api.send(.post, "/v1/cases/\(id)/assist/handled", token: assistant, json: "{}"), .conflict, "case.task.notAllowed")
            let signed = try await desk.api.send(.post, "/v1/cases/\(id)/assist/sign", token: assistant, json: "{}")
            #expect(signed.status == .ok, "\(signed.text)")
            let handled = try await desk.api.send(.post, "/v1/cases/\(id)/assist/handled", token: assistant, json: jsonString(["note": "已配合查处"]))
            #expect((try handled.json()["tasks"] as? [[String: Any]])?.compactMap { $0["state"] as? String }.last == "handled")
            #expect(try handled.json()["state"] as? String == "dispatched", "the case follows its lead")
            expectProblem(
                try await desk.api.send(.post, "/v1/cases/\(id)/assist/sign", token: desk.token("liaison.cgw"), json: "{}"), .forbidden,
                "case.task.notYours")
        }
    }

    @Test func twoDispatchersAtOnceMakeExactlyOneChange() async throws {
        try await withDesk { desk, _ in
            let created = try await desk.report("gridworker", Self.intake())
            let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 { group.addTask { try await desk.act("dispatcher", id, "file", version: 1).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            #expect(statuses.allSatisfy { [.ok, .preconditionFailed, .conflict].contains($0) }, "\(statuses)")
            let events = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("dispatcher"))
            #expect((try events.json()["items"] as? [Any])?.count == 2)
        }
    }

    /// Duplicate suggestions: open cases of the same item within the radius (50 m by default), nearest first.
    @Test func duplicateSuggestionsKeepToTheRadiusTheItemAndOpenCases() async throws {
        try await withDesk { desk, _ in
            let p = Self.pointInGridWorkersGrid
            func at(_ dLat: Double, _ category: String = "E0201") -> [String: Any] {
                Self.intake("井盖缺失", category: category, point: Coordinate(lng: p.lng, lat: p.lat + dLat)!)
            }
            func report(_ body: [String: Any]) async throws -> (id: Int64, duplicates: [[String: Any]]) {
                let response = try await desk.report("dispatcher", body)
                #expect(response.status == .created, "\(response.text)")
                let json = try response.json()
                return (try #require(int64((json["case"] as? [String: Any])?["id"])), json["duplicates"] as? [[String: Any]] ?? [])
            }
            let a = try await report(at(0))
            #expect(a.duplicates.isEmpty)
            let b = try await report(at(0.0004))  // about 44 m north of a
            #expect(b.duplicates.compactMap { int64($0["id"]) } == [a.id])
            let meters = try #require(b.duplicates.first?["meters"] as? Double)
            #expect(abs(meters - 44.4) < 1, "\(meters)")
            let c = try await report(at(-0.0005))  // about 56 m south of a, 100 m of b
            #expect(c.duplicates.isEmpty, "\(c.duplicates)")
            let other = try await report(at(0, "E0101"))  // another item at the same place
            #expect(other.duplicates.isEmpty, "\(other.duplicates)")
            // Nearest first; a merged case is no longer suggested.
            let d = try await report(at(0.0001))
            #expect(d.duplicates.compactMap { int64($0["id"]) } == [a.id, b.id])
            try await desk.step("dispatcher", b.id, "merge", ["mergeInto": a.id], to: "merged")
            let e = try await report(at(0.0003))
            #expect(e.duplicates.compactMap { int64($0["id"]) } == [d.id, a.id])
        }
    }

    @Test func returnsExtensionsSuspensionsAndMergesFollowTheirSidePaths() async throws {
        try await withDesk { desk, _ in
            let first = try await desk.report("gridworker", Self.intake())
            let id = try #require(int64((try first.json()["case"] as? [String: Any])?["id"]))
            let second = try await desk.report("gridworker", Self.intake("同一处井盖缺失，再报一次"))
            let duplicates = try second.json()["duplicates"] as? [[String: Any]] ?? []
            #expect(duplicates.compactMap { int64($0["id"]) } == [id], "the first report comes back as a possible duplicate")
            let secondId = try #require(int64((try second.json()["case"] as? [String: Any])?["id"]))
            let merged = try await desk.step("dispatcher", secondId, "merge", ["mergeInto": id], to: "merged")
            #expect(int64(merged["mergedInto"]) == id)
            expectProblem(try await desk.act("dispatcher", id, "merge", ["mergeInto": id]), .badRequest, "validation.failed")
            // The merged case's reporter is told in the app; a caller who left a number gets a call-back request at the command centre.
            let firstNumber = try #require((try first.json()["case"] as? [String: Any])?["number"] as? String)
            let reporterTold = try await desk.api.get("/v1/notifications", token: desk.token("gridworker")).json()["items"] as? [[String: Any]] ?? []
            #expect(
                reporterTold.contains {
                    $0["kind"] as? String == "caseMerged" && int64($0["caseId"]) == secondId
                        && ($0["message"] as? String ?? "").contains(firstNumber)
                }, "\(reporterTold)")
            var call = Self.intake("热线：同一处井盖缺失")
            call["reporterName"] = "张先生"
            call["reporterPhone"] = "13800138000"
            let third = try await desk.report("dispatcher", call)
            let thirdId = try #require(int64((try third.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("dispatcher", thirdId, "merge", ["mergeInto": id], to: "merged")
            let centreTold = try await desk.api.get("/v1/notifications", token: desk.token("shift.leader")).json()["items"] as? [[String: Any]] ?? []
            let callback = centreTold.first { $0["kind"] as? String == "reporterCallback" && int64($0["caseId"]) == thirdId }
            #expect((callback?["message"] as? String ?? "").contains("张先生（13800138000）"), "\(centreTold)")
            for other in ["liaison.cgw", "leader"] {
                let told = try await desk.api.get("/v1/notifications", token: desk.token(other)).json()["items"] as? [[String: Any]] ?? []
                #expect(!told.contains { ["caseMerged", "reporterCallback"].contains($0["kind"] as? String) }, "\(other): \(told)")
            }

            try await desk.step("dispatcher", id, "file", to: "filed")
            try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            let returned = try await desk.step("liaison.cgw", id, "return", ["reason": "不属于本部门职责"], to: "returned")
            #expect(returned["returnCount"] as? Int == 1)
            // Re-dispatched elsewhere and back: an override of the proposal, counted.
            let redispatched = try await desk.step("dispatcher", id, "dispatch", ["department": "CGW"], to: "dispatched")
            #expect((redispatched["tasks"] as? [[String: Any]])?.compactMap { $0["state"] as? String } == ["returned", "dispatched"])
            try await desk.step("liaison.cgw", id, "sign", to: "handling")
            let handleDue = try #require(try await desk.api.get("/v1/cases/\(id)", token: desk.token("dispatcher")).json()["handleDue"] as? String)
            try await desk.step(
                "liaison.cgw", id, "requestExtension", ["reason": "需采购配件", "extensionLimit": ["amount": 2, "unit": "workDays"]],
                to: "extensionRequested")
            let extended = try await desk.step("dispatcher", id, "approveExtension", to: "handling")
            #expect(extended["extensionCount"] as? Int == 1)
            #expect((extended["handleDue"] as? String ?? "") > handleDue, "the deadline moved")
            try await desk.step("liaison.cgw", id, "requestSuspension", ["reason": "冬季无法施工"], to: "suspensionRequested")
            let suspended = try await desk.step("dispatcher", id, "approveSuspension", to: "suspended")
            #expect(suspended["suspendedAt"] as? String != nil)
            let resumed = try await desk.step("liaison.cgw", id, "resume", to: "handling")
            #expect(resumed["suspendedAt"] == nil)
            #expect(resumed["handleDue"] as? String != nil)
            expectProblem(try await desk.act("street.dispatcher", id, "void", ["reason": "重复"]), .conflict, "case.transition.notAllowed")
        }
    }

    static func date(_ text: Any?) -> Date? { (text as? String).flatMap { ISO8601DateFormatter().date(from: $0) } }

    @Test func workListsShowEachRoleTheCasesItActsOnNext() async throws {
        try await withDesk { desk, _ in
            var ids: [Int64] = []
            for n in 1...2 {
                let created = try await desk.report("gridworker", Self.intake("井盖缺失 \(n)"))
                ids.append(try #require(int64((try created.json()["case"] as? [String: Any])?["id"])))
            }
            func list(_ login: String, _ query: String) async throws -> [Int64] {
                let response = try await desk.api.get("/v1/cases?\(query)", token: desk.token(login))
                #expect(response.status == .ok, "\(login) \(query): \(response.text)")
                return (try response.json()["items"] as? [[String: Any]] ?? []).compactMap { int64($0["id"]) }
            }
            #expect(try await list("dispatcher", "queue=dispatch") == ids.reversed())
            #expect(try await list("liaison.cgw", "queue=department") == [])
            try await desk.step("dispatcher", ids[0], "file", to: "filed")
            try await desk.step("dispatcher", ids[0], "dispatch", to: "dispatched")
            #expect(try await list("liaison.cgw", "queue=department") == [ids[0]])
            #expect(try await list("dispatcher", "queue=dispatch") == [ids[1]])
            #expect(try await list("gridworker", "queue=check") == [])
            try await desk.step("dispatcher", ids[1], "requestVerify", to: "verifying")
            #expect(try await list("gridworker", "queue=check") == [ids[1]])
            expectProblem(try await desk.api.get("/v1/cases?queue=dispatch", token: desk.token("viewer")), .forbidden, "case.queue.notYours")
            #expect(try await list("viewer", "category=E0201") == ids.reversed())
            #expect(try await list("viewer", "state=dispatched") == [ids[0]])
            #expect(try await list("viewer", "department=CGW") == [ids[0]])
            #expect(try await list("viewer", "light=red") == [])
            #expect(try await list("leader", "scope=110199002") == [], "nothing was reported in street 2")
            let first = try await desk.api.get("/v1/cases?limit=1", token: desk.token("leader"))
            let cursor = try #require(try first.json()["nextCursor"] as? String)
            #expect(try await list("leader", "limit=1&cursor=\(cursor)") == [ids[0]])
            expectProblem(try await desk.api.get("/v1/cases?department=NOPE", token: desk.token("leader")), .badRequest, "validation.failed")
            // A well-formed cursor whose key is not a case id ("k:abc"): the same error as any cursor this server did not issue.
            let forged = try await desk.api.get("/v1/cases?cursor=azphYmM", token: desk.token("leader"))
            expectProblem(forged, .badRequest, "validation.failed")
            #expect(forged.fieldErrorCodes == ["pagination.badCursor"], "\(forged.text)")
        }
    }

    @Test func deadlineJobsTurnTheLightsAndEscalateOnceOnAControlledClock() async throws {
        try await withDesk { desk, db in
            let created = try await desk.report("gridworker", Self.intake())
            let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("dispatcher", id, "file", to: "filed")
            let dispatched = try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            let warnAt = try #require(Self.date(dispatched["warnAt"])), redAt = try #require(Self.date(dispatched["redAt"]))
            #expect(warnAt < redAt)
            #expect(Self.date(dispatched["handleDue"]) == redAt, "red at 100 % of the limit: the deadline")
            #expect(dispatched["light"] as? String == "green")
            // Signed at once: the signing stage's clock stops and its jobs with it; only handling's remain.
            try await desk.step("liaison.cgw", id, "sign", to: "handling")

            #expect(try await db.service.runDueJobs(now: warnAt.addingTimeInterval(-1)).claimed == 0)
            let yellow = try await db.service.runDueJobs(now: warnAt.addingTimeInterval(1))
            #expect(yellow == JobRunSummary(claimed: 1, done: 1, failed: 0))
            let afterYellow = try await desk.api.get("/v1/cases/\(id)", token: desk.token("dispatcher")).json()
            #expect((afterYellow["version"] as? Int) == 5, "the warning is an event of its own")
            let told = try await desk.api.get("/v1/notifications", token: desk.token("liaison.cgw"))
            #expect((try told.json()["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["handleYellow"], "\(told.text)")
            for other in ["leader", "admin", "dispatcher"] {
                let notices = try await desk.api.get("/v1/notifications", token: desk.token(other)).json()["items"] as? [[String: Any]] ?? []
                #expect(!notices.contains { $0["kind"] as? String == "handleYellow" }, "a yellow warning is the department's, not \(other)'s")
            }

            let red = try await db.service.runDueJobs(now: redAt.addingTimeInterval(1))
            #expect(red.done == 1)
            #expect(try await db.service.runDueJobs(now: redAt.addingTimeInterval(3600)).claimed == 0, "each job runs once")
            let overdue = try await desk.api.get("/v1/cases/\(id)", token: desk.token("dispatcher")).json()
            #expect((overdue["supervisionOrders"] as? [[String: Any]])?.count == 1)
            let events = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("dispatcher")).json()["items"] as? [[String: Any]] ?? []
            #expect(events.suffix(2).compactMap { $0["action"] as? String } == ["warnYellow", "markOverdue"])
            #expect(events.last?["actor"] as? String == "system")
            let listed = try await db.service.cases(
                .operator, tenantId: desk.tenantId, CaseListFilter(queue: .overdue), page: PageRequest(after: nil, limit: 10),
                now: redAt.addingTimeInterval(1))
            #expect(listed.items.map(\.id) == [id])
            // The district's shift leader is told once, though the case lies in their scope twice over.
            let districtTold = try await desk.api.get("/v1/notifications", token: desk.token("shift.leader")).json()["items"] as? [[String: Any]] ?? []
            #expect(districtTold.compactMap { $0["kind"] as? String }.filter { $0 == "handleRed" }.count == 1, "\(districtTold)")

            // Handling it resolves the order; the history still verifies.
            try await desk.step("liaison.cgw", id, "reportHandled", ["note": "已处理"], to: "handled")
            let handled = try await desk.api.get("/v1/cases/\(id)", token: desk.token("dispatcher")).json()
            #expect((handled["supervisionOrders"] as? [[String: Any]])?.first?["resolvedAt"] as? String != nil)
            #expect(try await db.service.verifyHistory(tenantId: desk.tenantId).breaks.isEmpty)
        }
    }

    /// A suspension stops the clock: on resumption the deadline and both lights are as much work time
    /// away as they were when it stopped, however long it stood still.
    @Test func aResumedCaseHasTheWorkTimeItHadLeftToEachLight() async throws {
        try await withDesk { desk, db in
            let created = try await desk.report("gridworker", Self.intake())
            let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("dispatcher", id, "file", to: "filed")
            try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            try await desk.step("liaison.cgw", id, "sign", to: "handling")
            try await desk.step("liaison.cgw", id, "requestSuspension", ["reason": "涉及拆迁，暂无法处置"], to: "suspensionRequested")
            try await desk.step("dispatcher", id, "approveSuspension", to: "suspended")
            // As if it had been dispatched and suspended three weeks ago.
            try await db.owner.query(
                """
                UPDATE cases SET dispatched_at = dispatched_at - interval '21 days', suspended_at = suspended_at - interval '21 days',
                                 warn_at = warn_at - interval '21 days', red_at = red_at - interval '21 days', handle_due = handle_due - interval '21 days'
                WHERE id = \(id)
                """, logger: db.logger)
            let before = try await desk.api.get("/v1/cases/\(id)", token: desk.token("dispatcher")).json()
            let stopped = try #require(Self.date(before["suspendedAt"]))
            let old = try [before["warnAt"], before["redAt"], before["handleDue"]].map { try #require(Self.date($0)) }
            let t0 = Date()
            let resumed = try await desk.step("dispatcher", id, "resume", to: "handling")
            let t1 = Date()
            let new = try [resumed["warnAt"], resumed["redAt"], resumed["handleDue"]].map { try #require(Self.date($0)) }
            let calendar = try await db.service.calendar(.operator, tenantId: desk.tenantId).calendar
            for (label, (was, now)) in zip(["yellow", "red", "deadline"], zip(old, new)) {
                let left = calendar.workSeconds(from: stopped, to: was)
                #expect(left > 0)
                let earliest = calendar.addingWorkSeconds(left, to: t0).addingTimeInterval(-2),
                    latest = calendar.addingWorkSeconds(left, to: t1).addingTimeInterval(2)
                #expect(now >= earliest && now <= latest, "\(label): \(now) not within [\(earliest), \(latest)] (\(left) work seconds after resumption)")
            }
            #expect(
                abs(calendar.workSeconds(from: new[0], to: new[2]) - calendar.workSeconds(from: old[0], to: old[2])) <= 2,
                "yellow stays as far from the deadline in work time")
            #expect(resumed["light"] as? String == "green")
            let jobs = try await db.db.withTenant(desk.tenantId) { tx in try await JobStore.caseJobs(tx, caseId: id) }
            #expect(jobs.filter { !$0.done }.map(\.kind) == [.caseYellow, .caseRed])
        }
    }

    @Test func anExtensionReplansTheJobsAndAnUnfinishedClaimIsTakenAgainAfterItsLease() async throws {
        try await withDesk { desk, db in
            let created = try await desk.report("gridworker", Self.intake())
            let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("dispatcher", id, "file", to: "filed")
            let dispatched = try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            try await desk.step("liaison.cgw", id, "sign", to: "handling")
            try await desk.step(
                "liaison.cgw", id, "requestExtension", ["reason": "配件", "extensionLimit": ["amount": 3, "unit": "workDays"]],
                to: "extensionRequested")
            let extended = try await desk.step("dispatcher", id, "approveExtension", to: "handling")
            let oldRed = try #require(Self.date(dispatched["redAt"])), newRed = try #require(Self.date(extended["redAt"]))
            #expect(newRed > oldRed)
            let jobs = try await db.db.withTenant(desk.tenantId) { tx in try await JobStore.caseJobs(tx, caseId: id) }
            #expect(jobs.filter { !$0.done }.map(\.kind) == [.caseYellow, .caseRed])
            #expect(jobs.filter { $0.done && [.caseYellow, .caseRed].contains($0.kind) }.count == 2, "the jobs of the old deadline were cancelled")
            #expect(jobs.filter { !$0.done && [.stageYellow, .stageRed].contains($0.kind) }.isEmpty, "filing and signing ended: their jobs with them")
            #expect(try await db.service.runDueJobs(now: oldRed.addingTimeInterval(1)).done <= 1, "at most the new yellow, never the old red")
            let afterOldRed = try await desk.api.get("/v1/cases/\(id)", token: desk.token("dispatcher")).json()
            #expect(afterOldRed["light"] as? String != "red")
            let newWarn = try #require(Self.date(extended["warnAt"]))
            _ = try await db.service.runDueJobs(now: newWarn.addingTimeInterval(1))

            // A worker that claimed a job and died: the job is claimed again once the lease ends.
            let at = newRed.addingTimeInterval(1)
            let claimed = try await JobStore.claim(db.db, kinds: JobKind.escalations, now: at, limit: 10, lease: 60)
            #expect(claimed.map(\.kind) == [.caseRed])
            #expect(try await JobStore.claim(db.db, kinds: JobKind.escalations, now: at.addingTimeInterval(30), limit: 10, lease: 60).isEmpty)
            #expect(try await db.service.runDueJobs(now: at.addingTimeInterval(61)).done == 1)
            let overdue = try await desk.api.get("/v1/cases/\(id)", token: desk.token("dispatcher")).json()
            #expect(overdue["light"] as? String == "red")
        }
    }

    @Test func photosAreImagesWithinLimitsServedOnlyToReadersAndRecordedInTheHistory() async throws {
        try await withDesk { desk, db in
            let created = try await desk.report("gridworker", Self.intake())
            let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            let jpeg = TestImages.jpeg(width: 64, height: 48)
            func upload(_ login: String, _ bytes: [UInt8], type: String, kind: String = "before") async throws -> TestResponse {
                try await desk.api.client.execute(
                    uri: "/v1/cases/\(id)/attachments?kind=\(kind)", method: .post,
                    headers: [.authorization: "Bearer \(desk.token(login))", .contentType: type], body: ByteBuffer(bytes: bytes))
            }
            let stored = try await upload("gridworker", jpeg, type: "image/jpeg")
            #expect(stored.status == .created, "\(stored.text)")
            let meta = try stored.json()
            #expect(meta["size"] as? Int == jpeg.count)
            #expect((meta["sha256"] as? String)?.count == 64)
            let photoId = try #require(int64(meta["id"]))

            expectProblem(try await upload("gridworker", Array("not a picture".utf8), type: "image/png"), .unsupportedMediaType, "attachment.notImage")
            expectProblem(try await upload("gridworker", jpeg, type: "image/png"), .unsupportedMediaType, "attachment.typeMismatch")
            let pdf = try await upload("gridworker", Array("%PDF-1.7".utf8), type: "application/pdf")
            #expect(pdf.status.code >= 400 && pdf.status.code < 500, "\(pdf.status): \(pdf.text)")
            expectProblem(
                try await upload("gridworker", jpeg + Array(repeating: 0, count: AttachmentRules.maxBytes), type: "image/jpeg"), .contentTooLarge,
                "request.tooLarge")
            expectProblem(try await upload("leader", jpeg, type: "image/jpeg"), .forbidden, "attachment.notAllowed")

            let listed = try await desk.api.get("/v1/cases/\(id)/attachments", token: desk.token("viewer"))
            #expect((try listed.json()["items"] as? [[String: Any]])?.count == 1)
            let photo = try await desk.api.get("/v1/cases/\(id)/attachments/\(photoId)", token: desk.token("dispatcher"))
            #expect(photo.status == .ok)
            #expect(photo.headers[.contentType] == "image/jpeg")
            #expect(Array(photo.body.readableBytesView) == jpeg)
            let other = try await db.seedSmallDistrict(code: "HD", division: "110108")
            expectProblem(
                try await desk.api.get("/v1/cases/\(id)/attachments/\(photoId)", token: try await desk.api.adminToken(other)), .notFound, "case.notFound")

            let events = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("dispatcher")).json()["items"] as? [[String: Any]] ?? []
            #expect(events.last?["action"] as? String == "attach")
            #expect((events.last?["payload"] as? [String: Any])?["sha256"] as? String == meta["sha256"] as? String)
        }
    }
}
