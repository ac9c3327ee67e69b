import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every stage is watched on a controlled clock: filing and dispatch, signing, verification and
/// check each turn yellow and red once, tell the people the notice table names (once each), and
/// record on the case how late they ended; supervision orders turn red when they lapse; a leader
/// raises an order by hand and the department answers it; people mark their notices read.
extension CaseHTTPTests {
    func stages(_ desk: Desk, _ id: Int64, as login: String = "dispatcher") async throws -> [[String: Any]] {
        try await desk.api.get("/v1/cases/\(id)", token: desk.token(login)).json()["stages"] as? [[String: Any]] ?? []
    }

    func kinds(_ desk: Desk, _ login: String) async throws -> [String] {
        let items = try await desk.api.get("/v1/notifications?limit=100", token: desk.token(login)).json()["items"] as? [[String: Any]] ?? []
        return items.compactMap { $0["kind"] as? String }
    }

    @Test func filingAndDispatchThenSigningTurnYellowAndRedOnceAndTellTheirPeople() async throws {
        try await withDesk { desk, db in
            let report = try await desk.report("gridworker", Self.intake())
            let created = try #require(try report.json()["case"] as? [String: Any])
            let id = try #require(int64(created["id"]))
            let intakeStages = created["stages"] as? [[String: Any]] ?? []
            #expect(intakeStages.map { $0["stage"] as? String } == ["dispatch"], "\(created)")
            var dispatchClock = try #require(try await stages(desk, id).first)
            #expect(Self.date(dispatchClock["due"]) == Self.date(created["dispatchDue"]))
            let warn = try #require(Self.date(dispatchClock["warnAt"])), red = try #require(Self.date(dispatchClock["redAt"]))

            #expect(try await db.service.runDueJobs(now: warn.addingTimeInterval(-1)).claimed == 0)
            #expect(try await db.service.runDueJobs(now: warn.addingTimeInterval(1)).done == 1)
            #expect(try await kinds(desk, "dispatcher") == ["dispatchYellow"], "the command centre's own stage")
            #expect(try await kinds(desk, "street.dispatcher") == ["dispatchYellow"])
            #expect(try await kinds(desk, "shift.leader").isEmpty, "yellow is the dispatchers'")
            #expect(try await db.service.runDueJobs(now: red.addingTimeInterval(1)).done == 1)
            #expect(try await kinds(desk, "shift.leader") == ["dispatchRed"])
            #expect(try await kinds(desk, "dispatcher") == ["dispatchRed", "dispatchYellow"], "each told once")
            for login in ["liaison.cgw", "leader", "admin"] { #expect(try await kinds(desk, login).isEmpty, "\(login)") }
            #expect(try await db.service.runDueJobs(now: red.addingTimeInterval(3600)).claimed == 0, "each light fires once")
            let overdue = try await db.service.cases(
                .operator, tenantId: desk.tenantId, CaseListFilter(queue: .overdue),
                page: PageRequest(after: nil, limit: 10), now: red.addingTimeInterval(1))
            #expect(overdue.items.map(\.id) == [id], "a case late to dispatch is overdue")
            let events = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("dispatcher")).json()["items"] as? [[String: Any]] ?? []
            #expect(events.suffix(2).compactMap { $0["action"] as? String } == ["stageYellow", "stageOverdue"])

            // Dispatched: filing and dispatch ends (with its lateness recorded), signing and handling begin.
            try await desk.step("dispatcher", id, "file", to: "filed")
            try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            let afterDispatch = try await stages(desk, id)
            #expect(afterDispatch.map { $0["stage"] as? String } == ["dispatch", "sign", "handle"], "\(afterDispatch)")
            dispatchClock = afterDispatch[0]
            #expect(dispatchClock["stoppedAt"] != nil && dispatchClock["lateSeconds"] as? Int == 0, "stopped before its deadline in real time")
            #expect(dispatchClock["light"] as? String == "red", "it keeps the light its jobs gave it")
            #expect(afterDispatch[1]["stoppedAt"] == nil && afterDispatch[1]["lateSeconds"] == nil)
            let signRed = try #require(Self.date(afterDispatch[1]["redAt"]))
            #expect(
                Self.date(afterDispatch[1]["due"]) == Self.date(try await desk.api.get("/v1/cases/\(id)", token: desk.token("dispatcher")).json()["signDue"]))

            #expect(try await db.service.runDueJobs(now: signRed.addingTimeInterval(1)).done == 2, "signing's yellow and red")
            #expect(try await kinds(desk, "liaison.cgw") == ["signRed", "signYellow"])
            #expect(try await kinds(desk, "dispatcher").first == "signRed")
            #expect(try await kinds(desk, "shift.leader") == ["dispatchRed"], "a late signature is the dispatchers' to chase")
            try await desk.step("liaison.cgw", id, "sign", to: "handling")
            let signed = try await stages(desk, id)
            #expect(signed[1]["stoppedAt"] != nil && signed[2]["stoppedAt"] == nil)
        }
    }

    @Test func verificationAndCheckAreTheGridWorkersStagesAndEndWhenDone() async throws {
        try await withDesk { desk, db in
            let report = try await desk.report("dispatcher", Self.intake("核实一下"))
            let id = try #require(int64((try report.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("dispatcher", id, "requestVerify", to: "verifying")
            let verifying = try await stages(desk, id)
            #expect(verifying.map { $0["stage"] as? String } == ["dispatch", "verify"])
            let verifyRed = try #require(Self.date(verifying[1]["redAt"]))
            _ = try await db.service.runDueJobs(now: verifyRed.addingTimeInterval(1))
            #expect(Set(try await kinds(desk, "gridworker")).isSuperset(of: ["verifyYellow", "verifyRed"]))
            #expect(try await kinds(desk, "liaison.cgw").isEmpty)
            try await desk.step("gridworker", id, "confirm", to: "verified")
            let verified = try await stages(desk, id)
            #expect(verified[1]["stoppedAt"] != nil && verified[0]["stoppedAt"] == nil, "verification ended, filing goes on")

            try await desk.step("dispatcher", id, "file", to: "filed")
            try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            try await desk.step("liaison.cgw", id, "sign", to: "handling")
            try await desk.step("liaison.cgw", id, "reportHandled", ["note": "已清理"], to: "handled")
            // A handled case waits on the command centre: the desks are told once each.
            #expect(try await kinds(desk, "shift.leader").filter { $0 == "waitingForCentre" }.count == 1)
            try await desk.step("dispatcher", id, "requestCheck", to: "checking")
            let checking = try await stages(desk, id)
            let check = try #require(checking.last)
            #expect(check["stage"] as? String == "check")
            let checkDue = try await desk.api.get("/v1/cases/\(id)", token: desk.token("dispatcher")).json()["checkDue"]
            #expect(Self.date(check["due"]) == Self.date(checkDue))
            _ = try await db.service.runDueJobs(now: try #require(Self.date(check["redAt"])).addingTimeInterval(1))
            #expect(Set(try await kinds(desk, "gridworker")).isSuperset(of: ["checkYellow", "checkRed"]))
            try await desk.step("gridworker", id, "passCheck", to: "checkPassed")
            #expect(try await stages(desk, id).allSatisfy { $0["stoppedAt"] != nil }, "nothing waits once checked")
        }
    }

    /// The red card: an order nobody answered by its deadline turns red and goes up to the
    /// street's and the district's leaders; a manual order answered in time does not.
    @Test func aLapsedOrderTurnsRedAndAnAnsweredOneDoesNot() async throws {
        try await withDesk { desk, db in
            let report = try await desk.report("gridworker", Self.intake())
            let id = try #require(int64((try report.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("dispatcher", id, "file", to: "filed")
            let dispatched = try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            try await desk.step("liaison.cgw", id, "sign", to: "handling")
            let red = try #require(Self.date(dispatched["redAt"]))
            _ = try await db.service.runDueJobs(now: red.addingTimeInterval(1))
            var orders = try await desk.api.get("/v1/cases/\(id)", token: desk.token("leader")).json()["supervisionOrders"] as? [[String: Any]] ?? []
            let auto = try #require(orders.first)
            #expect(auto["card"] as? String == "yellow" && auto["manual"] as? Bool == false)
            #expect((auto["reason"] as? String)?.contains("+0000") == false, "people read Beijing time: \(auto)")
            #expect(try await kinds(desk, "leader").isEmpty, "the yellow card is the department's and the centre's")
            let orderDue = try #require(Self.date(auto["due"]))
            let lapsed = try await db.service.runDueJobs(now: orderDue.addingTimeInterval(1))
            #expect(lapsed.done >= 1)
            orders = try await desk.api.get("/v1/cases/\(id)", token: desk.token("leader")).json()["supervisionOrders"] as? [[String: Any]] ?? []
            #expect(orders.first?["card"] as? String == "red" && orders.first?["escalatedAt"] != nil, "\(orders)")
            #expect(try await kinds(desk, "leader") == ["orderRed"], "the district's leader hears of the red card once")
            #expect(try await kinds(desk, "shift.leader").contains("orderRed"))
            #expect(try await kinds(desk, "liaison.cgw").contains("orderRed"))
            #expect(!(try await kinds(desk, "gridworker")).contains("orderRed"))
            #expect(try await db.service.runDueJobs(now: orderDue.addingTimeInterval(7200)).claimed == 0)

            // A manual order from the leader, with its own deadline, answered by the department.
            let bad = try await desk.api.send(.post, "/v1/cases/\(id)/orders", token: desk.token("gridworker"), json: #"{"reason": "快办"}"#)
            expectProblem(bad, .forbidden, "case.order.notAllowed")
            expectProblem(
                try await desk.api.send(.post, "/v1/cases/\(id)/orders", token: desk.token("leader"), json: #"{"reason": "  "}"#),
                .badRequest, "validation.failed")
            let raised = try await desk.api.send(
                .post, "/v1/cases/\(id)/orders", token: desk.token("leader"),
                json: #"{"reason": "群众反映强烈，请加快处置", "limit": {"amount": 2, "unit": "workHours"}}"#)
            #expect(raised.status == .created, "\(raised.text)")
            let manual = try #require((try raised.json()["supervisionOrders"] as? [[String: Any]])?.last)
            #expect(manual["manual"] as? Bool == true && manual["card"] as? String == "yellow")
            #expect(try await kinds(desk, "liaison.cgw").first == "orderRaised")
            let orderId = try #require(int64(manual["id"]))
            expectProblem(
                try await desk.api.send(.post, "/v1/cases/\(id)/orders/\(orderId)/reply", token: desk.token("dispatcher"), json: #"{"reply": "好"}"#),
                .forbidden, "case.order.notYours")
            expectProblem(
                try await desk.api.send(.post, "/v1/cases/\(id)/orders/999999/reply", token: desk.token("liaison.cgw"), json: #"{"reply": "好"}"#),
                .notFound, "case.order.notFound")
            let replied = try await desk.api.send(
                .post, "/v1/cases/\(id)/orders/\(orderId)/reply", token: desk.token("liaison.cgw"),
                json: #"{"reply": "已增派人手，今日办结"}"#)
            #expect(replied.status == .ok, "\(replied.text)")
            #expect((try replied.json()["supervisionOrders"] as? [[String: Any]])?.last?["reply"] as? String == "已增派人手，今日办结")
            #expect(try await kinds(desk, "leader").first == "orderReplied", "whoever raised it hears the answer")
            expectProblem(
                try await desk.api.send(.post, "/v1/cases/\(id)/orders/\(orderId)/reply", token: desk.token("liaison.cgw"), json: #"{"reply": "再答"}"#),
                .conflict, "case.order.alreadyAnswered")
            let manualDue = try #require(Self.date(manual["due"]))
            _ = try await db.service.runDueJobs(now: manualDue.addingTimeInterval(1))
            orders = try await desk.api.get("/v1/cases/\(id)", token: desk.token("leader")).json()["supervisionOrders"] as? [[String: Any]] ?? []
            #expect(orders.last?["card"] as? String == "yellow", "an answered order does not turn red")
            let events = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("leader")).json()["items"] as? [[String: Any]] ?? []
            let actions = events.compactMap { $0["action"] as? String }
            #expect(actions.contains("orderRed") && actions.contains("raiseOrder") && actions.contains("replyOrder"))
            #expect(try await db.service.verifyHistory(tenantId: desk.tenantId).breaks.isEmpty)
        }
    }

    @Test func peopleAreToldOnceMarkTheirNoticesReadAndTheReporterHearsOfTheClose() async throws {
        try await withDesk { desk, _ in
            let report = try await desk.report("gridworker", Self.intake())
            let id = try #require(int64((try report.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("dispatcher", id, "file", to: "filed")
            try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
            try await desk.step("liaison.cgw", id, "sign", to: "handling")
            try await desk.step(
                "liaison.cgw", id, "requestExtension", ["reason": "需采购配件", "extensionLimit": ["amount": 1, "unit": "workDays"]],
                to: "extensionRequested")
            for login in ["dispatcher", "street.dispatcher", "shift.leader"] {
                #expect(try await kinds(desk, login) == ["waitingForCentre"], "\(login) is told once")
            }
            for login in ["leader", "liaison.cgw"] { #expect(try await kinds(desk, login).isEmpty, "\(login)") }

            let unread = try await desk.api.get("/v1/notifications?unread=true", token: desk.token("dispatcher")).json()["items"] as? [[String: Any]] ?? []
            let noticeId = try #require(int64(unread.first?["id"]))
            #expect(unread.first?["readAt"] == nil)
            expectProblem(
                try await desk.api.send(.post, "/v1/notifications/\(noticeId)/read", token: desk.token("shift.leader")),
                .notFound, "notification.notFound")
            #expect(try await desk.api.send(.post, "/v1/notifications/\(noticeId)/read", token: desk.token("dispatcher")).status == .noContent)
            #expect(
                try await desk.api.send(.post, "/v1/notifications/\(noticeId)/read", token: desk.token("dispatcher")).status == .noContent, "again is harmless")
            #expect(
                (try await desk.api.get("/v1/notifications?unread=true", token: desk.token("dispatcher")).json()["items"] as? [[String: Any]])?.isEmpty == true)
            let all = try await desk.api.get("/v1/notifications", token: desk.token("dispatcher")).json()["items"] as? [[String: Any]] ?? []
            #expect(all.first?["readAt"] != nil)
            let marked = try await desk.api.send(.post, "/v1/notifications/read-all", token: desk.token("shift.leader"))
            #expect(try marked.json()["marked"] as? Int == 1)

            try await desk.step("dispatcher", id, "approveExtension", to: "handling")
            try await desk.step("liaison.cgw", id, "reportHandled", ["note": "已处理"], to: "handled")
            try await desk.step("dispatcher", id, "requestCheck", to: "checking")
            try await desk.step("gridworker", id, "passCheck", to: "checkPassed")
            try await desk.step("shift.leader", id, "close", to: "closed")
            let told = try await desk.api.get("/v1/notifications", token: desk.token("gridworker")).json()["items"] as? [[String: Any]] ?? []
            let closed = try #require(told.first { $0["kind"] as? String == "caseClosed" })
            #expect((closed["message"] as? String)?.contains("办结") == true)
        }
    }

    /// A calendar without holiday data for a year a deadline spans flags the deadline on the case.
    @Test func aDeadlineOverAYearWithoutHolidayDataIsFlaggedOnTheCase() async throws {
        try await withDesk { desk, db in
            var document = CalendarDocument(WorkCalendar.standard)
            document.days = [CalendarDocument.Day(date: "2020-10-01", type: "holiday", name: "国庆节")]
            _ = try await db.service.setCalendar(.operator, tenantId: desk.tenantId, document: document, ifVersion: nil)
            let report = try await desk.report("gridworker", Self.intake())
            let created = try #require(try report.json()["case"] as? [String: Any])
            #expect((created["stages"] as? [[String: Any]])?.first?["calendarGap"] as? Bool == true, "\(created)")
            let warnings = try await db.service.calendarWarnings(.operator, tenantId: desk.tenantId)
            #expect(warnings.count == 2, "neither this year nor the next has data: \(warnings)")
            #expect(warnings.first?.zh.contains("没有") == true)

            _ = try await db.service.loadNationalHolidays(.operator, tenantId: desk.tenantId, year: 2026)
            let later = try await desk.report("gridworker", Self.intake("又一处"))
            let stages = (try later.json()["case"] as? [String: Any])?["stages"] as? [[String: Any]] ?? []
            let now = Date()
            let expectGap = WorkCalendar.standard.localDate(now).year != 2026
            #expect(stages.first?["calendarGap"] as? Bool == expectGap, "flagged only when the deadline leaves the years with data")
        }
    }

    /// `/readyz` stays ready but says which of this year and the next the national table lacks.
    @Test func theNationalTablesMissingYearsAreWarnedOfNotFailed() async throws {
        try await withDesk { desk, db in
            let farFuture = try #require(ISO8601DateFormatter().date(from: "2150-06-01T00:00:00Z"))
            let warnings = try await db.service.nationalCalendarWarnings(now: farFuture)
            #expect(warnings.map(\.en).count == 2 && warnings[0].en.contains("2150") && warnings[1].en.contains("2151"), "\(warnings)")
            let known = try #require(ISO8601DateFormatter().date(from: "2025-06-01T00:00:00Z"))
            #expect(try await db.service.nationalCalendarWarnings(now: known).isEmpty, "2025 and 2026 are in the table")
            let ready = try await desk.api.get("/readyz")
            #expect(ready.status == .ok)
            let expected = try await db.service.nationalCalendarWarnings()
            #expect(((try ready.json()["warnings"] as? [[String: Any]]) ?? []).count == expected.count, "\(ready.text)")
        }
    }
}

extension CaseHTTPTests {
    /// An order on a case that ended before its deadline (voided here) does not turn red.
    @Test func anOrderOnACaseThatEndedDoesNotTurnRed() async throws {
        try await withDesk { desk, db in
            let report = try await desk.report("gridworker", Self.intake())
            let id = try #require(int64((try report.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("dispatcher", id, "file", to: "filed")
            let raised = try await desk.api.send(.post, "/v1/cases/\(id)/orders", token: desk.token("shift.leader"), json: #"{"reason": "尽快派遣"}"#)
            #expect(raised.status == .created, "\(raised.text)")
            let due = try #require(Self.date((try raised.json()["supervisionOrders"] as? [[String: Any]])?.first?["due"]))
            try await desk.step("shift.leader", id, "void", ["reason": "重复上报"], to: "voided")
            _ = try await db.service.runDueJobs(now: due.addingTimeInterval(1))
            let orders = try await desk.api.get("/v1/cases/\(id)", token: desk.token("leader")).json()["supervisionOrders"] as? [[String: Any]] ?? []
            #expect(orders.first?["card"] as? String == "yellow" && orders.first?["escalatedAt"] == nil, "\(orders)")
            #expect(!(try await kinds(desk, "leader")).contains("orderRed"))
        }
    }
}
