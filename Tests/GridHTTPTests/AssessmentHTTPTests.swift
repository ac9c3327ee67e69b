import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The assessment indicators through the REST API on the demo district (issue 18): a small
/// history counted by hand, then changed, with the past figures re-run as of their time.
extension CaseHTTPTests {
    /// A report by the grid worker in their grid (routed to 城管委, CGW), filed and dispatched.
    static func dispatchedCase(_ desk: Desk, _ description: String) async throws -> Int64 {
        let created = try await desk.report("gridworker", intake(description))
        #expect(created.status == .created, "\(created.text)")
        let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
        try await desk.step("dispatcher", id, "file", to: "filed")
        try await desk.step("dispatcher", id, "dispatch", to: "dispatched")
        try await desk.step("liaison.cgw", id, "sign", to: "handling")
        return id
    }

    /// A period from ten days back to thirty days ahead, and `t1`: a whole second after what the
    /// test did so far, with whatever it does next a second later.
    static func periodAndPause() async throws -> (from: String, to: String, t1: String) {
        let formatter = ISO8601DateFormatter()
        let from = formatter.string(from: Date().addingTimeInterval(-10 * 86400))
        let to = formatter.string(from: Date().addingTimeInterval(30 * 86400))
        try await Task.sleep(for: .milliseconds(1100))
        let t1 = formatter.string(from: Date().addingTimeInterval(-0.05))
        try await Task.sleep(for: .milliseconds(1100))
        return (from, to, t1)
    }

    /// `indicator → (numerator, denominator)` of one row of `/v1/stats/indicators`.
    static func counts(_ row: [String: Any]?) -> [String: [Double]] {
        var result: [String: [Double]] = [:]
        for value in row?["values"] as? [[String: Any]] ?? [] {
            let numerator = (value["numerator"] as? NSNumber)?.doubleValue ?? -1
            let denominator = (value["denominator"] as? NSNumber)?.doubleValue
            result[value["indicator"] as? String ?? "?"] = denominator.map { [numerator, $0] } ?? [numerator]
        }
        return result
    }

    /// A month of seven reports by the grid worker, counted by hand:
    /// - A handled, checked and closed; B dispatched and left, its deadline moved eight days back
    ///   (open and overdue); C extended, then handled; G handled, failed its check (rework) and
    ///   handled again; D not filed; E filed and voided; F self-handled by the grid worker and closed.
    /// - A is called back twice (not reached, then reached: solved, basically satisfied), C once
    ///   (reached: not solved, dissatisfied). 城管委 is summoned to two whistles: in on time and
    ///   scored 5, 4, 5; late and not scored.
    /// Then, after the time `t1`, B is handled (late), C fails its check, G is closed: the figures
    /// as of `t1` stay what they were, and those of now follow the changes.
    @Test func theIndicatorsOfAHandBuiltHistoryMatchAHandCountAndStayTheSameAsOfTheirTime() async throws {
        try await withDesk { desk, db in
            let a = try await Self.dispatchedCase(desk, "A 井盖缺失")
            try await desk.step("liaison.cgw", a, "reportHandled", ["note": "已补装"], to: "handled")
            try await desk.step("dispatcher", a, "requestCheck", to: "checking")
            try await desk.step("gridworker", a, "passCheck", to: "checkPassed")
            try await desk.step("shift.leader", a, "close", to: "closed")

            let b = try await Self.dispatchedCase(desk, "B 井盖缺失")
            // B's deadline eight days back, in its row and in the dispatch event that set it.
            try await db.owner.query(
                """
                UPDATE cases SET handle_due = now() - interval '8 days' WHERE id = \(b);
                """, logger: db.logger)
            try await db.owner.query(
                """
                UPDATE case_events e SET payload = jsonb_set(payload, '{handleDue}', to_jsonb(c.handle_due))
                FROM cases c WHERE c.id = e.case_id AND e.case_id = \(b) AND e.action = 'dispatch'
                """, logger: db.logger)

            let c = try await Self.dispatchedCase(desk, "C 井盖缺失")
            try await desk.step(
                "liaison.cgw", c, "requestExtension", ["reason": "需采购配件", "extensionLimit": ["amount": 2, "unit": "workDays"]],
                to: "extensionRequested")
            try await desk.step("dispatcher", c, "approveExtension", to: "handling")
            try await desk.step("liaison.cgw", c, "reportHandled", ["note": "已更换"], to: "handled")

            let g = try await Self.dispatchedCase(desk, "G 井盖缺失")
            try await desk.step("liaison.cgw", g, "reportHandled", ["note": "已补装"], to: "handled")
            try await desk.step("dispatcher", g, "requestCheck", to: "checking")
            try await desk.step("gridworker", g, "failCheck", ["reason": "尺寸不符"], to: "handling")
            try await desk.step("liaison.cgw", g, "reportHandled", ["note": "已更换合格井盖"], to: "handled")

            func reported(_ description: String) async throws -> Int64 {
                let created = try await desk.report("gridworker", Self.intake(description))
                return try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            }
            let d = try await reported("D 井盖缺失")
            try await desk.step("dispatcher", d, "notFile", ["reason": "不属于受理范围"], to: "notFiled")
            let e = try await reported("E 井盖缺失")
            try await desk.step("dispatcher", e, "file", to: "filed")
            try await desk.step("shift.leader", e, "void", ["reason": "重复录入"], to: "voided")
            let f = try await reported("F 井盖缺失")
            try await desk.step("gridworker", f, "selfHandle", ["note": "随手盖好"], to: "selfHandled")
            try await desk.step("shift.leader", f, "close", to: "closed")

            // The events that set a deadline or a lead record them.
            let events = try await desk.api.get("/v1/cases/\(c)/events", token: desk.token("leader")).json()["items"] as? [[String: Any]] ?? []
            let approved = events.first { $0["action"] as? String == "approveExtension" }
            #expect((approved?["payload"] as? [String: Any])?["handleDue"] as? String != nil, "\(approved ?? [:])")
            let filing = events.first { $0["action"] as? String == "file" }
            #expect((filing?["payload"] as? [String: Any])?["leadDepartmentId"] != nil, "\(filing ?? [:])")

            try await db.owner.query(
                """
                INSERT INTO case_callbacks (tenant_id, id, case_id, at, contacted, resolved, satisfaction)
                SELECT tenant_id, 9001, \(a), now() - interval '2 minutes', false, NULL, NULL FROM cases WHERE id = \(a);
                """, logger: db.logger)
            try await db.owner.query(
                """
                INSERT INTO case_callbacks (tenant_id, id, case_id, at, contacted, resolved, satisfaction)
                SELECT tenant_id, 9002, \(a), now() - interval '1 minute', true, true, 'basicallySatisfied' FROM cases WHERE id = \(a);
                """, logger: db.logger)
            try await db.owner.query(
                """
                INSERT INTO case_callbacks (tenant_id, id, case_id, at, contacted, resolved, satisfaction)
                SELECT tenant_id, 9003, \(c), now() - interval '1 minute', true, false, 'dissatisfied' FROM cases WHERE id = \(c);
                """, logger: db.logger)
            // Two whistles of the first street summoning 城管委: in on time and scored; late, not scored.
            try await db.owner.query(
                """
                INSERT INTO whistles (tenant_id, id, state, unit_id, unit_path, street_id, level, kind, kind_name, reason, limit_minutes, radius_m,
                                      created_login, created_at, whistled_at, accepted_at, updated_at)
                SELECT u.tenant_id, 9000 + n, 'accepted', u.id, u.path, u.id, 'street', 'enforce', '执法哨', '占道经营', 30, 500, 'street.dispatcher',
                       now() - interval '3 hours', now() - interval '3 hours', now() - interval '3 hours', now()
                FROM org_units u, generate_series(1, 2) n WHERE u.code = '\(unescaped: Self.street)';
                """, logger: db.logger)
            try await db.owner.query(
                """
                INSERT INTO whistle_summons (tenant_id, whistle_id, department_id, position, status, summoned_at, due_at, check_in_at,
                                             check_in_lat, check_in_lng, minutes_late, score_on_time, score_attitude, score_result, scored_at)
                SELECT d.tenant_id, 9000 + n, d.id, 1, 'summoned', now() - interval '3 hours', now() - interval '150 minutes',
                       now() - interval '150 minutes' + CASE WHEN n = 1 THEN interval '-5 minutes' ELSE interval '20 minutes' END, 39.9, 116.2,
                       CASE WHEN n = 1 THEN 0 ELSE 20 END,
                       CASE WHEN n = 1 THEN 5 END, CASE WHEN n = 1 THEN 4 END, CASE WHEN n = 1 THEN 5 END, CASE WHEN n = 1 THEN now() - interval '1 hour' END
                FROM departments d, generate_series(1, 2) n WHERE d.code = 'CGW';
                """, logger: db.logger)

            let formatter = ISO8601DateFormatter()
            let (from, to, t1) = try await Self.periodAndPause()

            func figures(_ query: String, as login: String = "leader") async throws -> [String: Any] {
                let response = try await desk.api.get("/v1/stats/indicators?from=\(from)&to=\(to)&\(query)", token: desk.token(login))
                #expect(response.status == .ok, "\(response.text)")
                return try response.json()
            }
            func row(_ json: [String: Any], _ code: String) -> [String: Any]? {
                (json["rows"] as? [[String: Any]])?.first { ($0["subject"] as? [String: Any])?["code"] as? String == code }
            }
            let streets = try await figures("by=street&asOf=\(t1)")
            let street = Self.counts(row(streets, Self.street))
            #expect(street["filed"] == [4], "A, B, C, G (E voided): \(street)")
            #expect(street["closureRate"] == [1, 4])
            #expect(street["handlingRate"] == [3, 4], "due: A, B, C, G; handled A, C, G")
            #expect(street["onTimeHandlingRate"] == [3, 4])
            #expect(street["reworkRate"] == [1, 3] && street["extensionRate"] == [1, 3], "handled A, C, G; G reworked, C extended")
            #expect(street["openOverdue"] == [1], "B")
            #expect(street["frontLineShare"] == [1, 2], "closed A (district's department) and F (the grid)")
            #expect(street["responseRate"] == [2, 2] && street["resolutionRate"] == [1, 2], "A's last call-back and C's")
            #expect(street["satisfactionRate"] == [0.9, 2])
            #expect(street["reportInOnTimeRate"] == [1, 2] && street["whistleScore"] == [14, 3])
            #expect(street["discoveryAccuracy"] == [6, 7], "seven reports decided, D not filed")
            let other = Self.counts(row(streets, "110199002"))
            #expect(other["filed"] == [0] && other["closureRate"] == [0, 0])
            #expect(street["onTimeDiscoveryRate"] == [0, 7], "seven reports by the grid worker, none after a round (no check-ins)")
            #expect(street["patrolCoverage"] == [0, 40], "the street's 4 finest grids, each due on the 10 days begun, none patrolled")
            var total = Self.counts(streets["total"] as? [String: Any])
            #expect(total.removeValue(forKey: "patrolCoverage") == [0, 80], "the district's 8 grids")
            #expect(total == street.filter { $0.key != "patrolCoverage" }, "all of it lies in the first street")
            let definitions = streets["indicators"] as? [[String: Any]] ?? []
            #expect(definitions.count == Indicator.allCases.filter { $0.applies(to: .street) }.count)
            #expect((definitions.first { $0["key"] as? String == "onTimeHandlingRate" }?["definition"] as? String)?.contains("17:30") == true)

            let departments = try await figures("by=department&asOf=\(t1)")
            let cgw = Self.counts(row(departments, "CGW"))
            #expect(cgw["filed"] == [4] && cgw["openOverdue"] == [1] && cgw["reportInOnTimeRate"] == [1, 2], "\(cgw)")
            #expect(cgw["frontLineShare"] == nil, "front-line share is a unit's")
            let people = try await figures("by=person&asOf=\(t1)")
            #expect(Self.counts(row(people, "gridworker"))["discoveryAccuracy"] == [6, 7])

            // After t1: B handled (late), C fails its check, G checked and closed; A is evaluated,
            // which changes none of its assessed facts (its row still answers for it, `facts_at`).
            func factsAt(_ id: Int64) async throws -> Date? {
                for try await at in try await db.owner.query("SELECT facts_at FROM cases WHERE id = \(id)", logger: db.logger).decode(Date.self) {
                    return at
                }
                return nil
            }
            let aFacts = try await factsAt(a), bFacts = try await factsAt(b)
            try await desk.step("dispatcher", a, "evaluate", ["rating": "satisfied"], to: "evaluated")
            #expect(try await factsAt(a) == aFacts, "an evaluation is no assessed fact")
            try await desk.step("liaison.cgw", b, "reportHandled", ["note": "已补装"], to: "handled")
            #expect(try await factsAt(b) != bFacts, "a handling is")
            try await desk.step("dispatcher", c, "requestCheck", to: "checking")
            try await desk.step("gridworker", c, "failCheck", ["reason": "仍有缺口"], to: "handling")
            try await desk.step("dispatcher", g, "requestCheck", to: "checking")
            try await desk.step("gridworker", g, "passCheck", to: "checkPassed")
            try await desk.step("shift.leader", g, "close", to: "closed")

            let again = try await figures("by=street&asOf=\(t1)")
            #expect(Self.counts(row(again, Self.street)) == street, "re-run as of t1: the same figures")
            let departmentsAgain = try await figures("by=department&asOf=\(t1)")
            #expect(Self.counts(row(departmentsAgain, "CGW")) == cgw)

            // Every figure links to the cases behind it, as of the same time: the due cases and the
            // on-time ones of the first street as of t1, B open and overdue then, C the department's extended one.
            func listed(_ link: Any?) async throws -> [Int64] {
                let path = try #require(link as? String)
                let page = try await desk.api.get(path, token: desk.token("leader"))
                #expect(page.status == .ok, "\(path): \(page.text)")
                return (try page.json()["items"] as? [[String: Any]] ?? []).compactMap { int64($0["id"]) }
            }
            let streetValues = row(again, Self.street)?["values"] as? [[String: Any]] ?? []
            func value(_ indicator: String, in values: [[String: Any]]) -> [String: Any] { values.first { $0["indicator"] as? String == indicator } ?? [:] }
            let onTimeLinks = value("onTimeHandlingRate", in: streetValues)
            #expect(try await listed(onTimeLinks["cases"]) == [g, c, b, a])
            #expect(try await listed(onTimeLinks["numeratorCases"]) == [g, c, a])
            #expect(try await listed(value("openOverdue", in: streetValues)["cases"]) == [b])
            #expect(value("openOverdue", in: streetValues)["numeratorCases"] == nil, "a count has one list")
            #expect(value("responseRate", in: streetValues)["cases"] == nil, "call-backs are not listed as cases")
            // Every link a figure carries answers (the kinds of figure that list cases agree with the lists).
            for figure in streetValues {
                for key in ["cases", "numeratorCases"] {
                    guard let link = figure[key] as? String else { continue }
                    #expect(try await desk.api.get(link, token: desk.token("leader")).status == .ok, "\(link)")
                }
            }
            #expect(streetValues.filter { $0["cases"] != nil }.count == Indicator.allCases.filter(\.countsCases).count)
            let cgwValues = row(departmentsAgain, "CGW")?["values"] as? [[String: Any]] ?? []
            let extensionLink = try #require(value("extensionRate", in: cgwValues)["numeratorCases"] as? String)
            #expect(extensionLink.contains("department=CGW"), "\(extensionLink)")
            #expect(try await listed(extensionLink) == [c])
            let reporterLink = value("discoveryAccuracy", in: row(try await figures("by=person&asOf=\(t1)"), "gridworker")?["values"] as? [[String: Any]] ?? [])
            #expect(try await listed(reporterLink["cases"]) == [f, e, d, g, c, b, a], "the seven reports decided")
            expectProblem(
                try await desk.api.get("/v1/stats/indicators/cases?indicator=responseRate&from=\(from)&to=\(to)", token: desk.token("leader")),
                .badRequest, "validation.failed")
            expectProblem(
                try await desk.api.get(
                    "/v1/stats/indicators/cases?indicator=filed&from=\(from)&to=\(to)&scope=110199002", token: desk.token("street.dispatcher")),
                .forbidden, "auth.outOfScope")

            let now = Self.counts(row(try await figures("by=street"), Self.street))
            #expect(now["closureRate"] == [2, 4], "A and G")
            #expect(now["handlingRate"] == [3, 4], "A, G and B (late); C reworked")
            #expect(now["onTimeHandlingRate"] == [2, 4])
            #expect(now["reworkRate"] == [1, 3] && now["extensionRate"] == [0, 3], "handled A, G, B")
            #expect(now["openOverdue"] == [0])
            #expect(now["frontLineShare"] == [1, 3])

            // A period none of the history lies in, the second after t1, asked as of a time after
            // B's handling and closing: B was due before it and handled after it, so open and
            // overdue at its end, and its closed row answers for it (its facts last changed over
            // two seconds before).
            try await desk.step("dispatcher", b, "requestCheck", to: "checking")
            try await desk.step("gridworker", b, "passCheck", to: "checkPassed")
            try await desk.step("shift.leader", b, "close", to: "closed")
            try await Task.sleep(for: .milliseconds(3100))
            let quietFrom = try #require(formatter.date(from: t1))
            let quiet = "from=\(t1)&to=\(formatter.string(from: quietFrom.addingTimeInterval(1)))&asOf=\(formatter.string(from: Date()))"
            let quietFigures = try await desk.api.get("/v1/stats/indicators?by=street&\(quiet)", token: desk.token("leader"))
            #expect(quietFigures.status == .ok, "\(quietFigures.text)")
            let quietStreet = Self.counts(row(try quietFigures.json(), Self.street))
            #expect(quietStreet["openOverdue"] == [1] && quietStreet["filed"] == [0] && quietStreet["handlingRate"] == [0, 0], "\(quietStreet)")
            #expect(try await listed("/v1/stats/indicators/cases?indicator=openOverdue&\(quiet)") == [b])

            // CSV: BOM, Chinese headers, codes as text, the total last.
            let csv = try await desk.api.get(
                "/v1/stats/indicators?from=\(from)&to=\(to)&asOf=\(t1)&indicators=filed,onTimeHandlingRate&format=csv", token: desk.token("leader"))
            #expect(csv.status == .ok)
            #expect(csv.text.hasPrefix("\u{FEFF}编码,名称,立案数,按期处置率,按期处置率分子,按期处置率分母\r\n"), "\(csv.text.prefix(80))")
            #expect(csv.text.contains("\"=\"\"\(Self.street)\"\"\",学院路街道,4,0.7500,3,4\r\n"), "\(csv.text)")
            #expect(csv.text.hasSuffix(",合计,4,0.7500,3,4\r\n"), "\(csv.text)")
            // XLSX, written by libxlsxwriter: a zip holding the workbook's parts.
            let xlsx = try await desk.api.get(
                "/v1/stats/indicators?from=\(from)&to=\(to)&asOf=\(t1)&indicators=filed,onTimeHandlingRate&format=xlsx", token: desk.token("leader"))
            #expect(xlsx.status == .ok)
            #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let bytes = Array(xlsx.body.readableBytesView)
            #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) && bytes.count > 3000, "\(bytes.count) bytes")
            let names = String(decoding: bytes, as: UTF8.self)
            #expect(names.contains("xl/worksheets/sheet1.xml") && names.contains("xl/sharedStrings.xml") && names.contains("xl/workbook.xml"))
            // Its cells, read back (unzip, XML): the same table as the CSV, the code a string, the counts numbers.
            let cells = try XLSXCells(bytes)
            #expect(cells["A1"] == .text("编码") && cells["C1"] == .text("立案数") && cells["D1"] == .text("按期处置率"), "\(cells.all)")
            let streetRow = try #require(cells.rows.first { cells["A\($0)"] == .text(Self.street) }, "the street's code as text: \(cells.all)")
            #expect(cells["B\(streetRow)"] == .text("学院路街道"))
            #expect(cells["C\(streetRow)"] == .number(4) && cells["D\(streetRow)"] == .number(0.75), "\(cells.all)")
            #expect(cells["E\(streetRow)"] == .number(3) && cells["F\(streetRow)"] == .number(4))
            let last = try #require(cells.rows.last)
            #expect(cells["B\(last)"] == .text("合计") && cells["C\(last)"] == .number(4), "\(cells.all)")

            // Bad questions: an unknown indicator, one not counted by the grouping, a reversed
            // period, asOf before the period, a scope outside the caller's.
            let unknown = try await desk.api.get("/v1/stats/indicators?from=\(from)&to=\(to)&indicators=filed,speed", token: desk.token("leader"))
            expectProblem(unknown, .badRequest, "validation.failed")
            #expect(unknown.fieldErrorCodes == ["assessment.indicatorUnknown"] && unknown.text.contains("speed"), "\(unknown.text)")
            let notByPerson = try await desk.api.get(
                "/v1/stats/indicators?from=\(from)&to=\(to)&by=person&indicators=closureRate", token: desk.token("leader"))
            #expect(notByPerson.fieldErrorCodes == ["stats.badGroup"] && notByPerson.text.contains("closureRate"), "\(notByPerson.text)")
            expectProblem(try await desk.api.get("/v1/stats/indicators?from=\(to)&to=\(from)", token: desk.token("leader")), .badRequest, "validation.failed")
            let early = try await desk.api.get(
                "/v1/stats/indicators?from=\(from)&to=\(to)&asOf=2020-01-01T00:00:00Z", token: desk.token("leader"))
            #expect(early.fieldErrorCodes == ["period.reversed"], "\(early.text)")
            expectProblem(
                try await desk.api.get("/v1/stats/indicators?from=\(from)&to=\(to)&scope=110199002", token: desk.token("street.dispatcher")),
                .forbidden, "auth.outOfScope")
        }
    }

    /// The on-time check rate (案件核查及时率) counts check rounds, each by its own deadline, counted
    /// by hand. Before t1, P and Q (reported by the grid worker) are sent for checks, Q's round
    /// moved eight days past due. After t1 a second grid worker of the grid passes P in time and
    /// fails Q late, and after rework Q is checked again in a second round not yet done. Rounds not
    /// done count against the reporting grid worker, done ones for whoever checked: as of t1 both
    /// are the reporter's and neither is done. The rounds kept (`case_checks`) equal those rebuilt
    /// from the history's events alone.
    @Test func theCheckRateCountsEachRoundByItsDeadlineForTheGridWorkerWhoChecked() async throws {
        try await withDesk { desk, db in
            var desk = desk
            let password = try await db.makeUser(tenantId: desk.tenantId, login: "gridworker.2", role: .gridWorker, scope: Self.street + "001001")
            desk.tokens["gridworker.2"] = try await desk.api.login(tenant: "DEMO", login: "gridworker.2", password: password)

            let p = try await Self.dispatchedCase(desk, "P 井盖缺失")
            try await desk.step("liaison.cgw", p, "reportHandled", ["note": "已补装"], to: "handled")
            try await desk.step("dispatcher", p, "requestCheck", to: "checking")
            let q = try await Self.dispatchedCase(desk, "Q 井盖缺失")
            try await desk.step("liaison.cgw", q, "reportHandled", ["note": "已补装"], to: "handled")
            try await desk.step("dispatcher", q, "requestCheck", to: "checking")
            // Q's round eight days past due: in the round kept, the case row and the event that set it.
            try await db.owner.query("UPDATE case_checks SET due_at = now() - interval '8 days' WHERE case_id = \(q)", logger: db.logger)
            try await db.owner.query(
                "UPDATE cases c SET check_due = k.due_at FROM case_checks k WHERE k.case_id = c.id AND c.id = \(q)", logger: db.logger)
            try await db.owner.query(
                """
                UPDATE case_events e SET payload = jsonb_set(payload, '{checkDue}', to_jsonb(c.check_due))
                FROM cases c WHERE c.id = e.case_id AND e.case_id = \(q) AND e.action = 'requestCheck'
                """, logger: db.logger)

            let (from, to, t1) = try await Self.periodAndPause()
            try await desk.step("gridworker.2", p, "passCheck", to: "checkPassed")
            try await desk.step("gridworker.2", q, "failCheck", ["reason": "尺寸不符"], to: "handling")
            try await desk.step("liaison.cgw", q, "reportHandled", ["note": "已更换"], to: "handled")
            try await desk.step("dispatcher", q, "requestCheck", to: "checking")

            func figures(_ query: String) async throws -> [String: Any] {
                let response = try await desk.api.get(
                    "/v1/stats/indicators?from=\(from)&to=\(to)&indicators=onTimeCheckRate&\(query)", token: desk.token("leader"))
                #expect(response.status == .ok, "\(response.text)")
                return try response.json()
            }
            func row(_ json: [String: Any], _ code: String) -> [String: Any]? {
                (json["rows"] as? [[String: Any]])?.first { ($0["subject"] as? [String: Any])?["code"] as? String == code }
            }
            func rate(_ json: [String: Any], _ code: String) -> [Double]? { Self.counts(row(json, code))["onTimeCheckRate"] }

            // As of t1: P's round and Q's first due, neither done, both the reporter's.
            let thenStreets = try await figures("by=street&asOf=\(t1)")
            #expect(rate(thenStreets, Self.street) == [0, 2], "\(thenStreets)")
            let thenPeople = try await figures("by=person&asOf=\(t1)")
            #expect(rate(thenPeople, "gridworker") == [0, 2] && rate(thenPeople, "gridworker.2") == [0, 0], "\(thenPeople)")
            // Now: P passed in time, Q's first round failed late (both by the second grid worker),
            // Q's second round open (the reporter's).
            let streets = try await figures("by=street")
            #expect(rate(streets, Self.street) == [1, 3], "\(streets)")
            #expect(rate(try await figures("by=grid"), Self.street + "001001") == [1, 3])
            let people = try await figures("by=person")
            #expect(rate(people, "gridworker.2") == [1, 2] && rate(people, "gridworker") == [0, 1], "\(people)")
            // A past time re-run gives what it gave.
            #expect(rate(try await figures("by=street&asOf=\(t1)"), Self.street) == [0, 2])
            let byDepartment = try await desk.api.get(
                "/v1/stats/indicators?from=\(from)&to=\(to)&by=department&indicators=onTimeCheckRate", token: desk.token("leader"))
            #expect(byDepartment.fieldErrorCodes == ["stats.badGroup"], "grid workers check, not departments: \(byDepartment.text)")

            // The cases behind the figures: each case once, however many rounds.
            func listed(_ link: Any?) async throws -> [Int64] {
                let path = try #require(link as? String)
                let page = try await desk.api.get(path, token: desk.token("leader"))
                #expect(page.status == .ok, "\(path): \(page.text)")
                return (try page.json()["items"] as? [[String: Any]] ?? []).compactMap { int64($0["id"]) }
            }
            let streetFigure = (row(streets, Self.street)?["values"] as? [[String: Any]])?.first
            #expect(try await listed(streetFigure?["cases"]) == [q, p])
            #expect(try await listed(streetFigure?["numeratorCases"]) == [p])
            let workerFigure = (row(people, "gridworker")?["values"] as? [[String: Any]])?.first
            #expect((workerFigure?["cases"] as? String)?.hasSuffix("&reporter=gridworker") == true, "\(workerFigure ?? [:])")
            #expect(try await listed(workerFigure?["cases"]) == [q])
            #expect(try await listed(workerFigure?["numeratorCases"]) == [])
            let checkerFigure = (row(people, "gridworker.2")?["values"] as? [[String: Any]])?.first
            #expect(try await listed(checkerFigure?["cases"]) == [q, p])
            #expect(try await listed(checkerFigure?["numeratorCases"]) == [p])
            let departmentList = try await desk.api.get(
                "/v1/stats/indicators/cases?indicator=onTimeCheckRate&from=\(from)&to=\(to)&department=CGW", token: desk.token("leader"))
            #expect(departmentList.fieldErrorCodes == ["stats.badGroup"], "\(departmentList.text)")

            // The rounds kept are those the events alone give (each requestCheck with its `checkDue` and
            // the first pass or fail after it), as the operator's check of the history rebuilds them;
            // it finds a round altered or deleted behind the service's back. (Q's request event,
            // edited above to move its deadline, breaks its hash chain too.)
            var kept = 0
            for try await n in try await db.owner.query("SELECT count(*)::int FROM case_checks", logger: db.logger).decode(Int.self) { kept = n }
            #expect(kept == 3, "P's round and Q's two")
            func roundBreaks() async throws -> [HistoryBreak] {
                try await db.service.verifyHistory(tenantId: desk.tenantId).breaks.filter { $0.problem.zh.contains("核查轮次") }
            }
            #expect(try await roundBreaks().isEmpty)
            try await db.owner.query("UPDATE case_checks SET due_at = due_at + interval '1 day' WHERE case_id = \(p)", logger: db.logger)
            try await db.owner.query(
                "DELETE FROM case_checks WHERE case_id = \(q) AND seq = (SELECT max(seq) FROM case_checks WHERE case_id = \(q))", logger: db.logger)
            let breaks = try await roundBreaks()
            #expect(breaks.map(\.caseId) == [p, q], "\(breaks)")
        }
    }

    /// The district sets its weights as versions (the first from a past month, later ones only
    /// for months to come) and ranks its streets and departments on a small history: the first
    /// street's A handled on time and closed, B dispatched and open.
    @Test func aDistrictSetsItsWeightsAsVersionsAndRanksItsStreetsAndDepartments() async throws {
        try await withDesk { desk, _ in
            let listed = try await desk.api.get("/v1/assessment/schemes", token: desk.token("leader"))
            #expect(listed.status == .ok, "\(listed.text)")
            let standard = try listed.json()["inForce"] as? [[String: Any]] ?? []
            #expect(standard.map { $0["subject"] as? String } == ["street", "community", "department", "person"])
            #expect(standard.allSatisfy { $0["version"] as? Int == 0 })

            let offset = 8 * 3600
            let now = Date()
            let past = AssessmentMonth(containing: now.addingTimeInterval(-45 * 86400), utcOffsetSeconds: offset)
            let current = AssessmentMonth(containing: now, utcOffsetSeconds: offset)
            func put(_ month: AssessmentMonth, _ body: [String: Any], as login: String = "admin", subject: String = "street") async throws -> TestResponse {
                try await desk.api.send(.put, "/v1/assessment/schemes/\(subject)/\(month)", token: desk.token(login), json: jsonString(body))
            }
            let halves: [String: Any] = [
                "weights": [["indicator": "closureRate", "weight": 50], ["indicator": "onTimeHandlingRate", "weight": 50]],
                "deductions": [["indicator": "openOverdue", "points": 1, "max": 10]],
            ]
            expectProblem(try await put(past, halves, as: "dispatcher"), .forbidden, "auth.actionNotAllowed")
            let short = try await put(past, ["weights": [["indicator": "closureRate", "weight": 50], ["indicator": "onTimeHandlingRate", "weight": 40]]])
            #expect(short.fieldErrorCodes == ["assessment.weightsSum"] && short.text.contains("90"), "\(short.text)")
            let unknown = try await put(past, ["weights": [["indicator": "speed", "weight": 100]]])
            #expect(unknown.fieldErrorCodes == ["assessment.indicatorUnknown"] && unknown.text.contains("speed"), "\(unknown.text)")
            expectProblem(try await put(past, halves, subject: "village"), .badRequest, "validation.failed")
            expectProblem(
                try await desk.api.send(.put, "/v1/assessment/schemes/street/2026-13", token: desk.token("admin"), json: jsonString(halves)), .badRequest,
                "validation.failed")

            // The first version may start in the past; after it, a month begun is history.
            let first = try await put(past, halves)
            #expect(first.status == .ok, "\(first.text)")
            #expect(try first.json()["version"] as? Int == 1 && (try first.json()["month"] as? String) == past.description)
            let late = try await put(current, halves)
            expectProblem(late, .conflict, "assessment.versionInForce")
            #expect(late.text.contains(current.next.description), "\(late.text)")
            expectProblem(try await put(past, halves), .conflict, "assessment.versionInForce")
            let next = try await put(current.next, ["weights": [["indicator": "closureRate", "weight": 100]], "note": "下月起"])
            #expect(try next.json()["version"] as? Int == 2)
            let replaced = try await put(current.next, ["weights": [["indicator": "closureRate", "weight": 100]], "note": "下月起（修订）"])
            #expect(try replaced.json()["version"] as? Int == 2 && (try replaced.json()["note"] as? String) == "下月起（修订）")
            let audit = try await desk.api.get("/v1/audit?entity=assessmentScheme", token: desk.token("admin")).json()["items"] as? [[String: Any]] ?? []
            #expect(audit.map { $0["action"] as? String } == ["update", "create", "create"], "\(audit)")
            let versions = try await desk.api.get("/v1/assessment/schemes", token: desk.token("leader")).json()
            #expect((versions["versions"] as? [[String: Any]])?.map { $0["version"] as? Int } == [1, 2])
            #expect(((versions["inForce"] as? [[String: Any]])?.first)?["version"] as? Int == 1, "the street's version in force now")

            let a = try await Self.dispatchedCase(desk, "A 井盖缺失")
            try await desk.step("liaison.cgw", a, "reportHandled", ["note": "已补装"], to: "handled")
            try await desk.step("dispatcher", a, "requestCheck", to: "checking")
            try await desk.step("gridworker", a, "passCheck", to: "checkPassed")
            try await desk.step("shift.leader", a, "close", to: "closed")
            _ = try await Self.dispatchedCase(desk, "B 井盖缺失")

            let formatter = ISO8601DateFormatter()
            let from = formatter.string(from: now.addingTimeInterval(-10 * 86400))
            let to = formatter.string(from: now.addingTimeInterval(30 * 86400))
            let streets = try await desk.api.get("/v1/stats/rankings?subject=street&from=\(from)&to=\(to)", token: desk.token("leader"))
            #expect(streets.status == .ok, "\(streets.text)")
            let ranking = try streets.json()
            #expect((ranking["scheme"] as? [String: Any])?["version"] as? Int == 1)
            let rows = ranking["rows"] as? [[String: Any]] ?? []
            #expect(rows.count == 2)
            // Closure 1/2 × 50 + on time 1/2 × 50 (A of A and B due) = 50, no open overdue case: D.
            #expect(rows.first?["rank"] as? Int == 1 && (rows.first?["subject"] as? [String: Any])?["code"] as? String == Self.street)
            #expect(rows.first?["score"] as? Double == 50 && rows.first?["grade"] as? String == "D", "\(rows.first ?? [:])")
            #expect(rows.last?["rank"] == nil && rows.last?["score"] == nil, "the second street has no figure")
            #expect(rows.first?["previousRank"] == nil, "nothing the period before")

            // Departments by the standard scheme: closure 35 × 1/2 + on time 35 × 1/2 + (1 − rework 0/1) × 30 = 65: C.
            let departments = try await desk.api.get("/v1/stats/rankings?subject=department&from=\(from)&to=\(to)", token: desk.token("leader")).json()
            #expect((departments["scheme"] as? [String: Any])?["version"] as? Int == 0)
            let cgw = (departments["rows"] as? [[String: Any]])?.first { ($0["subject"] as? [String: Any])?["code"] as? String == "CGW" }
            #expect(cgw?["rank"] as? Int == 1 && cgw?["score"] as? Double == 65 && cgw?["grade"] as? String == "C", "\(cgw ?? [:])")

            let csv = try await desk.api.get("/v1/stats/rankings?subject=street&from=\(from)&to=\(to)&format=csv", token: desk.token("leader"))
            #expect(csv.text.hasPrefix("\u{FEFF}名次,编码,名称,综合得分,等级,结案率,按期处置率,扣分,上期名次,名次变化,上期得分\r\n"), "\(csv.text)")
            #expect(csv.text.contains("1,\"=\"\"\(Self.street)\"\"\",学院路街道,50.00,D,0.5000,0.5000,0.00,,,\r\n"), "\(csv.text)")
            let monthly = try await desk.api.get("/v1/stats/rankings?month=\(current)", token: desk.token("leader"))
            #expect(monthly.status == .ok, "\(monthly.text)")
            #expect((try monthly.json()["previous"] as? [String: Any])?["from"] as? String != nil)
            // The weekly series: this week (A and B filed) against the week before and the year before.
            let series = try await desk.api.get("/v1/stats/series?interval=week&count=2&indicators=filed,closureRate", token: desk.token("leader"))
            #expect(series.status == .ok, "\(series.text)")
            let points = try series.json()["points"] as? [[String: Any]] ?? []
            #expect(points.count == 2)
            #expect(Self.counts(points.last)["filed"] == [2] && Self.counts(points.last)["closureRate"] == [1, 2], "\(points)")
            let yearBefore = try series.json()["yearBefore"] as? [String: Any]
            #expect(Self.counts(points.first)["filed"] == [0] && Self.counts(yearBefore)["filed"] == [0])
            let filedChange = (try series.json()["changes"] as? [[String: Any]])?.first { $0["indicator"] as? String == "filed" }
            #expect(filedChange?["value"] as? Double == 2 && filedChange?["vsPrevious"] as? Double == 2 && filedChange?["vsPreviousRatio"] == nil)
            let monday = try #require((points.last?["from"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
            #expect(Calendar(identifier: .iso8601).dateComponents(in: TimeZone(secondsFromGMT: 8 * 3600)!, from: monday).weekday == 2, "weeks start on Monday")
            let seriesCSV = try await desk.api.get("/v1/stats/series?interval=month&count=3&indicators=filed&format=csv", token: desk.token("leader"))
            #expect(seriesCSV.text.hasPrefix("\u{FEFF}期间开始,期间结束,截至,立案数\r\n") && seriesCSV.text.components(separatedBy: "\r\n").count == 6, "\(seriesCSV.text)")
            let tooMany = try await desk.api.get("/v1/stats/series?interval=month&count=25", token: desk.token("leader"))
            #expect(tooMany.fieldErrorCodes == ["field.outOfRange"], "\(tooMany.text)")

            // The month's brief: one well-formed page (any XML parser reads it) with its sections,
            // the ranking and its SVG charts; and the same as a PDF with its pages.
            let brief = try await desk.api.get("/v1/briefs/\(current)", token: desk.token("leader"))
            #expect(brief.status == .ok, "\(brief.text.prefix(300))")
            #expect(brief.headers[.contentType]?.hasPrefix("text/html") == true)
            let page = brief.text
            let parser = XMLParser(data: Data(page.utf8))
            #expect(parser.parse(), "the brief is well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
            for part in ["一、本月主要指标", "二、各街道综合考核排名", "三、近八周趋势", "四、各部门按期处置率", "五、网格按期处置率分布", "六、本月值得关注的案件"] {
                #expect(page.contains(part), "\(part)")
            }
            #expect(page.contains("学院路街道") && page.contains("结案率") && page.contains("区城市管理委员会"), "ranking, figures, departments")
            #expect(page.components(separatedBy: "<svg").count - 1 == 3, "trend, departments, map")
            #expect(page.contains("@page { size: A4"))
            let pdf = try await desk.api.get("/v1/briefs/\(current)?format=pdf", token: desk.token("leader"))
            #expect(pdf.status == .ok, "\(pdf.text.prefix(300))")
            let pdfBytes = Array(pdf.body.readableBytesView)
            #expect(pdfBytes.starts(with: Array("%PDF-".utf8)))
            let pdfText = String(decoding: pdfBytes, as: UTF8.self)
            func occurrences(_ marker: String) -> Int { pdfText.components(separatedBy: marker).count - 1 }
            #expect(occurrences("/Type /Page") - occurrences("/Type /Pages") >= 1, "the PDF has its pages")
            let future = try await desk.api.get("/v1/briefs/\(current.next.next)", token: desk.token("leader"))
            #expect(future.fieldErrorCodes == ["field.future"], "\(future.text)")

            // A street's weekly brief (周报): the same page for the ISO week, against the week before.
            let thisWeek = AssessmentWeek(containing: LocalDate.containing(Date(), utcOffsetSeconds: 8 * 3600))
            let weekly = try await desk.api.get("/v1/briefs/\(thisWeek)?scope=110199001", token: desk.token("leader"))
            #expect(weekly.status == .ok, "\(weekly.text.prefix(300))")
            let weekParser = XMLParser(data: Data(weekly.text.utf8))
            #expect(weekParser.parse(), "the weekly brief is well-formed")
            for part in ["学院路街道 \(BriefPeriod.week(thisWeek).label)网格化管理工作简报", "一、本周主要指标", "<th>上周</th>", "二、各社区综合考核排名", "六、本周值得关注的案件"] {
                #expect(weekly.text.contains(part), "\(part)")
            }
            #expect(weekly.text.components(separatedBy: "<svg").count - 1 == 3)
            for bad in ["2026-W60", "2026-13", "week48"] {
                #expect(try await desk.api.get("/v1/briefs/\(bad)", token: desk.token("leader")).fieldErrorCodes == ["field.format"], "\(bad)")
            }

            let noPeriod = try await desk.api.get("/v1/stats/rankings?subject=street", token: desk.token("leader"))
            #expect(noPeriod.fieldErrorCodes == ["field.required"], "\(noPeriod.text)")
            let badMonth = try await desk.api.get("/v1/stats/rankings?month=2026-1", token: desk.token("leader"))
            #expect(badMonth.fieldErrorCodes == ["field.format"], "\(badMonth.text)")
        }
    }

    /// Settled figures (as of a time five minutes past) are kept once computed and equal a full
    /// recomputation, on a generated history: 24 reports taken along random paths, then moved on
    /// after the time asked. The kept answer is read back (a tampered one shows it is used), and it
    /// equals the figures computed afresh for the same time.
    @Test func settledFiguresAreKeptAndEqualAFullRecomputation() async throws {
        try await withDesk { desk, db in
            var random = SplitMix64(seed: 1818)
            func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
            var ids: [Int64] = []
            var paths: [[(String, String, [String: Any], String)]] = []
            let handle: [(String, String, [String: Any], String)] = [("liaison.cgw", "reportHandled", ["note": "已处置"], "handled")]
            let check: [(String, String, [String: Any], String)] = [("dispatcher", "requestCheck", [:], "checking")]
            for k in 0..<24 {
                let created = try await desk.report("gridworker", Self.intake("井盖\(k)"))
                let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
                ids.append(id)
                let filed: [(String, String, [String: Any], String)] = [("dispatcher", "file", [:], "filed")]
                let worked = filed + [("dispatcher", "dispatch", [:], "dispatched"), ("liaison.cgw", "sign", [:], "handling")]
                let path: [(String, String, [String: Any], String)] =
                    switch pick(6) {
                    case 0: worked + handle + check + [("gridworker", "passCheck", [:], "checkPassed"), ("shift.leader", "close", [:], "closed")]
                    case 1: worked + handle + check + [("gridworker", "failCheck", ["reason": "返工"], "handling")] + handle
                    case 2:
                        worked + [
                            ("liaison.cgw", "requestExtension", ["reason": "配件", "extensionLimit": ["amount": 2, "unit": "workDays"]], "extensionRequested"),
                            ("dispatcher", "approveExtension", [:], "handling"),
                        ] + handle
                    case 3: [("dispatcher", "notFile", ["reason": "不予受理"], "notFiled")]
                    case 4: [("gridworker", "selfHandle", ["note": "自处置"], "selfHandled"), ("shift.leader", "close", [:], "closed")]
                    default: worked
                    }
                paths.append(path)
            }
            // Half of each path before t1, the rest after.
            for (id, path) in zip(ids, paths) {
                for step in path.prefix(path.count / 2 + 1) { try await desk.step(step.0, id, step.1, step.2, to: step.3) }
            }
            try await Task.sleep(for: .milliseconds(2100))
            let t1 = Date()
            try await Task.sleep(for: .milliseconds(1100))
            for (id, path) in zip(ids, paths) {
                for step in path.dropFirst(path.count / 2 + 1) { try await desk.step(step.0, id, step.1, step.2, to: step.3) }
            }

            let leader = Caller.user(try await db.service.authenticate(token: desk.token("leader")))
            let from = t1.addingTimeInterval(-86400), to = t1.addingTimeInterval(30 * 86400)
            func figures(now: Date) async throws -> [String: IndicatorTally] {
                let result = try await db.service.indicatorFigures(
                    leader, tenantId: desk.tenantId, grouping: .street, scopeCode: nil, from: from, to: to, asOf: t1, indicators: [], now: now)
                return Dictionary(uniqueKeysWithValues: result.rows.map { ($0.subject.code, $0.tally) } + [("total", result.total)])
            }
            func kept() async throws -> Int {
                for try await n in try await db.owner.query("SELECT count(*)::int FROM assessment_tallies", logger: db.logger).decode(Int.self) { return n }
                return -1
            }
            let later = Date().addingTimeInterval(600)
            let fresh = try await figures(now: Date())
            #expect(try await kept() == 0, "figures as of a moment ago are not settled yet")
            #expect(fresh["total"]?.filed ?? 0 > 0 && fresh["total"]?.reportsDecided ?? 0 > 0, "\(fresh)")
            let first = try await figures(now: later)
            #expect(try await kept() == 1, "settled: kept")
            #expect(first == fresh, "the kept answer is a full recomputation's")
            #expect(try await figures(now: later) == first)
            // The kept answer is what is read: tampered with, it shows.
            try await db.owner.query(
                "UPDATE assessment_tallies SET rows = jsonb_set(rows, '{0,1,0}', '999')", logger: db.logger)
            let tampered = try await figures(now: later)
            #expect(tampered != first)
            // A moved org tree is another question: computed afresh.
            try await db.owner.query("UPDATE org_units SET updated_at = now() WHERE code = '110199002'", logger: db.logger)
            #expect(try await figures(now: later) == first)
            #expect(try await kept() == 2)
        }
    }

    /// Reads off the primary: with a streaming standby configured (`GRIDGOV_READ_URL`), figures are
    /// read there and equal the primary's once it has replayed the history; with the standby
    /// unreachable they are read on the primary.
    @Test func figuresReadOnTheStandbyEqualThePrimarysOnceItHasCaughtUp() async throws {
        try await withDesk { desk, db in
            let a = try await Self.dispatchedCase(desk, "A 井盖缺失")
            try await desk.step("liaison.cgw", a, "reportHandled", ["note": "已补装"], to: "handled")
            _ = try await Self.dispatchedCase(desk, "B 井盖缺失")
            let leader = Caller.user(try await db.service.authenticate(token: desk.token("leader")))
            let now = Date()
            let from = now.addingTimeInterval(-86400), to = now.addingTimeInterval(30 * 86400)
            let tenantId = desk.tenantId
            @Sendable func figures(_ service: GridService) async throws -> [String: IndicatorTally] {
                let result = try await service.indicatorFigures(
                    leader, tenantId: tenantId, grouping: .street, scopeCode: nil, from: from, to: to, asOf: now, indicators: [], now: now)
                return Dictionary(uniqueKeysWithValues: result.rows.map { ($0.subject.code, $0.tally) } + [("total", result.total)])
            }
            let onPrimary = try await figures(db.service)
            #expect(onPrimary["total"]?.filed == 2 && onPrimary["total"]?.handled == 1, "\(onPrimary)")

            // The primary's position in its WAL, and the standby's replay until it passes it.
            var position = ""
            for try await lsn in try await db.owner.query("SELECT pg_current_wal_lsn()::text", logger: db.logger).decode(String.self) { position = lsn }
            let written = position
            try await db.withOwnPool(waitLimit: .seconds(10), standby: true) { standby in
                var caughtUp = false
                for _ in 0..<200 where !caughtUp {
                    caughtUp = try await standby.withoutTenant { tx in
                        for try await (recovering, replayed) in try await tx.query(
                            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= \(written)::pg_lsn"
                        ).decode((Bool, Bool).self) {
                            #expect(recovering, "a standby")
                            return replayed
                        }
                        return false
                    }
                    if !caughtUp { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(caughtUp, "the standby replayed the history within 10 s")
                // Read with the primary out of reach: the figures can only have come from the standby.
                let onStandby = try await db.withOwnPool(waitLimit: .seconds(1), reachable: false) { nowhere in
                    try await figures(GridService(db: nowhere, reads: standby))
                }
                #expect(onStandby == onPrimary, "the standby's figures are the primary's")
            }
            // The standby unreachable: the same figures, read on the primary.
            let fallback = try await db.withOwnPool(waitLimit: .seconds(1), reachable: false) { nowhere in
                try await figures(GridService(db: db.service.db, reads: nowhere))
            }
            #expect(fallback == onPrimary)
        }
    }
}

/// The cells of an XLSX's first sheet, read back with `unzip` and `XMLParser`: "A1" → text (shared
/// strings resolved) or number.
struct XLSXCells {
    enum Cell: Equatable, CustomStringConvertible {
        case text(String)
        case number(Double)

        var description: String {
            switch self {
            case .text(let text): "\"\(text)\""
            case .number(let value): "\(value)"
            }
        }
    }

    var all: [String: Cell] = [:]
    /// The row numbers that have cells, in order.
    var rows: [Int] { Set(all.keys.compactMap { Int($0.drop { $0.isLetter }) }).sorted() }

    subscript(reference: String) -> Cell? { all[reference] }

    init(_ bytes: [UInt8]) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gridgov-test-\(UUID().uuidString).xlsx")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let strings = Self.elements(try Self.unzip(file, "xl/sharedStrings.xml")).filter { $0.name == "t" }.map(\.text)
        var reference = "", type = ""
        for element in Self.elements(try Self.unzip(file, "xl/worksheets/sheet1.xml")) {
            switch element.name {
            case "c":
                reference = element.attributes["r"] ?? ""
                type = element.attributes["t"] ?? ""
            case "v":
                if type == "s", let index = Int(element.text), strings.indices.contains(index) {
                    all[reference] = .text(strings[index])
                } else if let value = Double(element.text) {
                    all[reference] = .number(value)
                }
            default: break
            }
        }
    }

    static func unzip(_ file: URL, _ part: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        process.arguments = ["-p", file.path, part]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    /// Each element in document order with its attributes and its own text (elements nest: a
    /// cell's `<v>` follows its `<c>`).
    static func elements(_ data: Data) -> [(name: String, attributes: [String: String], text: String)] {
        final class Reader: NSObject, XMLParserDelegate {
            var found: [(name: String, attributes: [String: String], text: String)] = []
            var open: [Int] = []
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]
            ) {
                open.append(found.count)
                found.append((name, attributes, ""))
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) {
                if let index = open.last { found[index].text += string }
            }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }
        }
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        parser.parse()
        return reader.found
    }
}
