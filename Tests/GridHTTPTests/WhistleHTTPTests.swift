import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

/// 街乡吹哨、部门报到 through the REST API on the demo district: a whistle proposed by the fire rule,
/// confirmed and blown by the street, accepted by the district's platform with three departments,
/// their check-ins (one far, one late and red), joint handling, release, the street's scores and
/// the figures; a community's whistle to its street's offices; and the bad inputs of each step.
extension CaseHTTPTests {
    /// Liaisons of the fire brigade and the police, with their tokens added to the desk's.
    func withLiaisons(_ desk: Desk, _ db: TestDatabase) async throws -> Desk {
        var tokens = desk.tokens
        for (login, department) in [("liaison.xfzd", "XFZD"), ("liaison.gafj", "GAFJ")] {
            let password = try await db.makeUser(tenantId: desk.tenantId, login: login, role: .departmentLiaison, scope: "110199", department: department)
            tokens[login] = try await desk.api.login(tenant: "DEMO", login: login, password: password)
        }
        return Desk(api: desk.api, tokens: tokens, tenantId: desk.tenantId)
    }

    func whistleStep(_ desk: Desk, _ login: String, _ id: Int64, _ action: String, _ body: [String: Any] = [:]) async throws -> TestResponse {
        try await desk.api.send(.post, "/v1/whistles/\(id)/actions/\(action)", token: desk.token(login), json: jsonString(body))
    }

    @discardableResult
    func whistleStep(
        _ desk: Desk, _ login: String, _ id: Int64, _ action: String, _ body: [String: Any] = [:], to state: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let response = try await whistleStep(desk, login, id, action, body)
        #expect(response.status == .ok, "\(login) \(action): \(response.text)", sourceLocation: sourceLocation)
        let json = try response.json()
        #expect(json["state"] as? String == state, "\(action) → \(json["state"] ?? "?")", sourceLocation: sourceLocation)
        return json
    }

    func departmentStep(
        _ desk: Desk, _ login: String, _ id: Int64, _ department: String, _ step: String, _ body: [String: Any] = [:], key: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await desk.api.send(
            .post, "/v1/whistles/\(id)/departments/\(department)/\(step)", token: desk.token(login), json: jsonString(body), headers: headers)
    }

    func uploadWhistlePhoto(_ desk: Desk, _ login: String, _ id: Int64) async throws -> Int64 {
        let response = try await desk.api.client.execute(
            uri: "/v1/whistles/\(id)/photos", method: .post, headers: [.authorization: "Bearer \(desk.token(login))", .contentType: "image/png"],
            body: ByteBuffer(bytes: TestImages.png(width: 8, height: 6)))
        #expect(response.status == .created, "\(response.text)")
        return try #require(int64(try response.json()["id"]))
    }

    static func summons(_ whistle: [String: Any], _ code: String) -> [String: Any] {
        (whistle["departments"] as? [[String: Any]] ?? []).first { ($0["department"] as? [String: Any])?["code"] as? String == code } ?? [:]
    }

    func notices(_ desk: Desk, _ login: String) async throws -> [[String: Any]] {
        try await desk.api.get("/v1/notifications", token: desk.token(login)).json()["items"] as? [[String: Any]] ?? []
    }

    @Test func aRuleProposesAWhistleThatRunsToTheStreetsScoresAndFigures() async throws {
        try await withDesk { seeded, db in
            let withLiaisons = try await withLiaisons(seeded, db)
            // The police's leader (a leader binding that names the department) hears when it turns red.
            let leaderPassword = try await db.makeUser(
                tenantId: withLiaisons.tenantId, login: "leader.gafj", role: .leader, scope: "110199", department: "GAFJ")
            var tokens = withLiaisons.tokens
            tokens["leader.gafj"] = try await withLiaisons.api.login(tenant: "DEMO", login: "leader.gafj", password: leaderPassword)
            let desk = Desk(api: withLiaisons.api, tokens: tokens, tenantId: withLiaisons.tenantId)
            // The problem list names who must report in on a fire, and the powers it falls under.
            func fire(_ mustReport: [String]) -> String {
                jsonString([
                    "categories": [
                        [
                            "code": "E0406", "parentCode": "E04", "name": "火灾", "kind": "event", "public": true,
                            "grades": [["key": "urgent", "name": "紧急", "limit": ["amount": 15, "unit": "minutes"]]], "defaultLevel": "district",
                            "mustReport": mustReport, "powers": "《消防法》第四条：县级以上人民政府应急管理部门对消防工作实施监督管理",
                        ]
                    ]
                ])
            }
            let unknownMustReport = try await desk.api.send(.post, "/v1/catalog", token: desk.token("admin"), json: fire(["NOPE"]))
            expectProblem(unknownMustReport, .badRequest, "validation.failed")
            #expect(unknownMustReport.text.contains("mustReport[0]"), "\(unknownMustReport.text)")
            let listed = try await desk.api.send(.post, "/v1/catalog", token: desk.token("admin"), json: fire(["ZJW"]))
            #expect(listed.status == .ok, "\(listed.text)")
            let item = try await desk.api.get("/v1/catalog/categories/E0406", token: desk.token("dispatcher")).json()
            #expect(item["mustReport"] as? [String] == ["ZJW"] && (item["powers"] as? String)?.hasPrefix("《消防法》") == true, "\(item)")
            // The fire rule says whistle: filing the case proposes one, from the case's street.
            let created = try await desk.report("gridworker", Self.intake("小区垃圾站起火，火势蔓延", category: "E0406"))
            let caseId = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]), "\(created.text)")
            try await desk.step("dispatcher", caseId, "file", to: "filed")
            let found = try await desk.api.get("/v1/whistles?caseId=\(caseId)", token: desk.token("street.dispatcher"))
            let items = try found.json()["items"] as? [[String: Any]] ?? []
            #expect(items.count == 1, "\(found.text)")
            let proposed = try #require(items.first)
            let id = try #require(int64(proposed["id"]))
            #expect(proposed["state"] as? String == "formed" && proposed["proposed"] as? Bool == true, "\(proposed)")
            #expect((proposed["unit"] as? [String: Any])?["code"] as? String == Self.street)
            #expect(
                (proposed["departments"] as? [[String: Any]] ?? []).compactMap { ($0["department"] as? [String: Any])?["code"] as? String } == [
                    "XFZD", "GAFJ", "ZJW",
                ])
            #expect(try await notices(desk, "street.dispatcher").contains { $0["kind"] as? String == "whistleProposed" && int64($0["whistleId"]) == id })
            // The case shows it, for the dispatcher to confirm.
            let caseWhistles = try await view(desk, "street.dispatcher", caseId)["whistles"] as? [[String: Any]] ?? []
            #expect(caseWhistles.count == 1 && int64(caseWhistles.first?["id"]) == id && caseWhistles.first?["proposed"] as? Bool == true, "\(caseWhistles)")
            // A second whistle on the same case while this one lives is refused.
            let twice = try await desk.api.send(
                .post, "/v1/whistles", token: desk.token("street.dispatcher"), json: jsonString(["caseId": caseId, "kind": "enforce", "reason": "再吹"]))
            expectProblem(twice, .conflict, "whistle.caseHasWhistle")

            // The street confirms and blows it; others may not; the platform hears.
            expectProblem(try await whistleStep(desk, "liaison.cgw", id, "analyse"), .forbidden, "whistle.partyNotAllowed")
            try await whistleStep(desk, "street.dispatcher", id, "analyse", to: "analysed")
            expectProblem(try await whistleStep(desk, "street.dispatcher", id, "accept"), .conflict, "whistle.transitionNotAllowed")
            try await whistleStep(desk, "street.dispatcher", id, "blow", to: "whistled")
            #expect(try await notices(desk, "dispatcher").contains { $0["kind"] as? String == "whistleBlown" })
            // The street cannot accept its own whistle; an unknown department leaves nothing written.
            expectProblem(try await whistleStep(desk, "street.dispatcher", id, "accept"), .forbidden, "whistle.partyNotAllowed")
            let unknown = try await whistleStep(desk, "dispatcher", id, "accept", ["departments": [["code": "NOPE"]]])
            expectProblem(unknown, .badRequest, "validation.failed")
            #expect(unknown.text.contains("department.unknown"), "\(unknown.text)")
            #expect(try await desk.api.get("/v1/whistles/\(id)", token: desk.token("dispatcher")).json()["state"] as? String == "whistled")

            // The platform accepts, dropping housing and adding urban management: three departments summoned, 30 minutes each.
            let accepted = try await whistleStep(
                desk, "dispatcher", id, "accept",
                ["departments": [["code": "XFZD", "task": "灭火救援"], ["code": "GAFJ", "task": "现场警戒"], ["code": "CGW", "task": "清理现场"]]],
                to: "accepted")
            let due = try #require(ISO8601DateFormatter().date(from: Self.summons(accepted, "GAFJ")["due"] as? String ?? ""), "\(accepted)")
            let acceptedAt = try #require(ISO8601DateFormatter().date(from: accepted["acceptedAt"] as? String ?? ""))
            #expect(abs(due.timeIntervalSince(acceptedAt) - 1800) < 1)
            #expect(Self.summons(accepted, "CGW")["task"] as? String == "清理现场")
            #expect(Self.summons(accepted, "ZJW")["status"] as? String == "dropped" && Self.summons(accepted, "ZJW")["due"] == nil)
            #expect(try await notices(desk, "liaison.gafj").contains { $0["kind"] as? String == "whistleSummoned" && int64($0["whistleId"]) == id })

            // The fire brigade checks in on site with a photo; a resend after a network drop is the same check-in.
            let photo = try await uploadWhistlePhoto(desk, "liaison.xfzd", id)
            let place = Self.pointInGridWorkersGrid
            let checkIn: [String: Any] = ["lat": place.lat + 0.0001, "lng": place.lng, "photo": photo]
            let first = try await departmentStep(desk, "liaison.xfzd", id, "XFZD", "checkIn", checkIn, key: "xfzd-1")
            #expect(first.status == .ok, "\(first.text)")
            let onSite = try first.json()
            #expect(onSite["state"] as? String == "onSite")
            let xfzd = Self.summons(onSite, "XFZD")["checkIn"] as? [String: Any] ?? [:]
            #expect(xfzd["minutesLate"] as? Int == 0 && xfzd["far"] as? Bool == false && xfzd["by"] as? String == "liaison.xfzd", "\(xfzd)")
            #expect(((xfzd["distanceMeters"] as? Double) ?? 99) < 20, "\(xfzd)")
            let resent = try await departmentStep(desk, "liaison.xfzd", id, "XFZD", "checkIn", checkIn, key: "xfzd-1")
            let resentVersion = int64(try resent.json()["version"])
            #expect(resent.status == .ok && resentVersion == int64(onSite["version"]), "\(resent.text)")
            expectProblem(
                try await departmentStep(desk, "liaison.xfzd", id, "XFZD", "checkIn", ["lat": place.lat, "lng": place.lng, "photo": photo], key: "xfzd-1"),
                .unprocessableContent, "idempotency.keyReused")
            expectProblem(try await departmentStep(desk, "liaison.xfzd", id, "XFZD", "checkIn", checkIn, key: "xfzd-2"), .conflict, "whistle.alreadyCheckedIn")
            // Not for another department, not outside the district, not without a photo.
            expectProblem(try await departmentStep(desk, "liaison.cgw", id, "GAFJ", "checkIn", checkIn), .forbidden, "whistle.partyNotAllowed")
            expectProblem(
                try await departmentStep(desk, "liaison.cgw", id, "CGW", "checkIn", ["lat": 31.2, "lng": 121.5, "photo": photo]), .unprocessableContent,
                "whistle.pointOutside")
            expectProblem(
                try await departmentStep(desk, "liaison.cgw", id, "CGW", "checkIn", ["lat": place.lat, "lng": place.lng]), .badRequest, "validation.failed")
            // The urban management committee checks in from 4 cells away: beyond the 500 m radius, flagged.
            let far = try #require(Self.district.cellCentre(4, 0))
            let cgwPhoto = try await uploadWhistlePhoto(desk, "liaison.cgw", id)
            let cgw = try await departmentStep(desk, "liaison.cgw", id, "CGW", "checkIn", ["lat": far.lat, "lng": far.lng, "photo": cgwPhoto])
            #expect(cgw.status == .ok, "\(cgw.text)")
            #expect((Self.summons(try cgw.json(), "CGW")["checkIn"] as? [String: Any])?["far"] as? Bool == true)

            // The police are not in by the limit: the job turns them red and tells them, their side and the district.
            _ = try await db.service.runDueJobs(now: due.addingTimeInterval(-5))
            #expect(try await !notices(desk, "liaison.gafj").contains { $0["kind"] as? String == "whistleRed" })
            // The report-in limit is a lane of its own: the deadline lights' lane does not run it.
            _ = try await db.service.runDueJobs(now: due.addingTimeInterval(2), kinds: JobKind.escalations)
            #expect(try await !notices(desk, "liaison.gafj").contains { $0["kind"] as? String == "whistleRed" })
            let reportIns = try await db.service.runDueJobs(now: due.addingTimeInterval(2), kinds: JobKind.reportIns)
            #expect(reportIns.claimed == 3 && reportIns.done == 3, "one job per department summoned: \(reportIns)")
            for login in ["liaison.gafj", "leader.gafj", "leader", "shift.leader"] {
                #expect(try await notices(desk, login).contains { $0["kind"] as? String == "whistleRed" && int64($0["whistleId"]) == id }, "\(login)")
            }
            #expect(try await !notices(desk, "liaison.xfzd").contains { $0["kind"] as? String == "whistleRed" })
            #expect(try await !notices(desk, "liaison.cgw").contains { $0["kind"] as? String == "whistleRed" })
            let red = try await desk.api.get("/v1/whistles/\(id)", token: desk.token("street.dispatcher")).json()
            #expect(Self.summons(red, "GAFJ")["light"] as? String == "red" && Self.summons(red, "XFZD")["light"] as? String == "green")
            // They arrive five minutes late.
            let police = Caller.user(try await db.service.authenticate(token: desk.token("liaison.gafj")))
            let policePhoto = try await uploadWhistlePhoto(desk, "liaison.gafj", id)
            let late = try await db.service.whistleStep(
                police, tenantId: desk.tenantId, id: id, department: "GAFJ", .checkIn,
                WhistleStepInput(lat: place.lat, lng: place.lng, photo: policePhoto), at: due.addingTimeInterval(299))
            #expect(late.record.summons(for: late.record.summons.first { $0.departmentCode == "GAFJ" }!.departmentId)?.checkIn?.minutesLate == 5)

            // 事不绝、人不撤: nobody leaves before the close unless the street releases them.
            expectProblem(try await departmentStep(desk, "liaison.xfzd", id, "XFZD", "checkOut"), .conflict, "whistle.mustStay")
            expectProblem(try await departmentStep(desk, "liaison.cgw", id, "CGW", "release"), .forbidden, "whistle.partyNotAllowed")
            let released = try await departmentStep(desk, "street.dispatcher", id, "CGW", "release", ["reason": "现场已清理完毕"])
            #expect(released.status == .ok, "\(released.text)")
            #expect(try await notices(desk, "liaison.cgw").contains { $0["kind"] as? String == "whistleReleased" })
            #expect(try await departmentStep(desk, "liaison.cgw", id, "CGW", "checkOut").status == .ok)
            // Joint handling: the brigade reports its task with its photo; a photo of no whistle is refused.
            expectProblem(
                try await departmentStep(desk, "liaison.xfzd", id, "XFZD", "report", ["report": "明火已扑灭", "photos": [987_654]]), .badRequest,
                "validation.failed")
            let reported = try await departmentStep(desk, "liaison.xfzd", id, "XFZD", "report", ["report": "明火已扑灭，无人员伤亡", "photos": [photo]])
            #expect(Self.summons(try reported.json(), "XFZD")["report"] as? String == "明火已扑灭，无人员伤亡", "\(reported.text)")

            // The street closes it; now the brigade may leave.
            try await whistleStep(desk, "street.dispatcher", id, "close", ["result": "火灾扑灭，现场清理完毕"], to: "closed")
            #expect(try await departmentStep(desk, "liaison.xfzd", id, "XFZD", "checkOut").status == .ok)
            // The street scores each department: every one, within the district's scale.
            let missing = try await whistleStep(
                desk, "street.dispatcher", id, "evaluate", ["scores": [["department": "XFZD", "onTime": 5, "attitude": 5, "result": 5]]])
            expectProblem(missing, .badRequest, "validation.failed")
            #expect(missing.text.contains("GAFJ") && missing.text.contains("CGW"), "\(missing.text)")
            let scores: [[String: Any]] = [
                ["department": "XFZD", "onTime": 5, "attitude": 5, "result": 5, "comment": "到场迅速"],
                ["department": "GAFJ", "onTime": 2, "attitude": 4, "result": 4, "comment": "迟到5分钟"],
                ["department": "CGW", "onTime": 5, "attitude": 4, "result": 5],
            ]
            var outOfScale = scores
            outOfScale[2]["result"] = 6
            expectProblem(try await whistleStep(desk, "street.dispatcher", id, "evaluate", ["scores": outOfScale]), .badRequest, "validation.failed")
            let evaluated = try await whistleStep(desk, "street.dispatcher", id, "evaluate", ["scores": scores], to: "evaluated")
            #expect((Self.summons(evaluated, "GAFJ")["score"] as? [String: Any])?["total"] as? Int == 10)
            expectProblem(try await whistleStep(desk, "street.dispatcher", id, "feedBack"), .badRequest, "validation.failed")
            let fedBack = try await whistleStep(desk, "street.dispatcher", id, "feedBack", ["feedback": "已向报告人反馈处置结果"], to: "fedBack")
            #expect(
                (fedBack["events"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String } == [
                    "propose", "analyse", "blow", "accept", "checkIn", "checkIn", "red", "checkIn", "release", "checkOut", "report", "close", "checkOut",
                    "evaluate", "feedBack",
                ], "\(fedBack["events"] ?? "")")
            expectProblem(try await whistleStep(desk, "street.dispatcher", id, "close"), .conflict, "whistle.transitionNotAllowed")

            // The figures, per department: on time, late, far, scores; and Beijing's rule.
            let from = ISO8601DateFormatter().string(from: acceptedAt.addingTimeInterval(-3600))
            let to = ISO8601DateFormatter().string(from: acceptedAt.addingTimeInterval(3600))
            let figures = try await desk.api.get(
                "/v1/stats/whistles?from=\(from)&to=\(to)&by=department".replacingOccurrences(of: "+", with: "%2B"), token: desk.token("leader"))
            #expect(figures.status == .ok, "\(figures.text)")
            let body = try figures.json()
            #expect((body["rule"] as? String)?.contains("30分钟内到点执法") == true, "\(body["rule"] ?? "")")
            let rows = body["rows"] as? [[String: Any]] ?? []
            func row(_ code: String?) -> [String: Any] { rows.first { $0["code"] as? String == code } ?? [:] }
            #expect(row("XFZD")["onTime"] as? Int == 1 && row("XFZD")["late"] as? Int == 0, "\(rows)")
            #expect(row("GAFJ")["late"] as? Int == 1 && row("GAFJ")["onTimeRate"] as? Double == 0, "\(rows)")
            #expect(row("CGW")["far"] as? Int == 1 && row("CGW")["onTime"] as? Int == 1, "\(rows)")
            let total = rows.last ?? [:]
            #expect(total["code"] == nil && total["whistles"] as? Int == 1 && total["summoned"] as? Int == 3 && total["checkedIn"] as? Int == 3, "\(total)")
            #expect(((total["meanScores"] as? [String: Any])?["total"] as? Double) == 13.0, "\(total)")
            let csv = try await desk.api.get(
                "/v1/stats/whistles?from=\(from)&to=\(to)&by=kind&format=csv".replacingOccurrences(of: "+", with: "%2B"), token: desk.token("leader"))
            #expect(csv.text.hasPrefix("\u{FEFF}哨种代码,哨种,吹哨数"), "\(csv.text.prefix(80))")
            let badGroup = try await desk.api.get(
                "/v1/stats/whistles?from=\(from)&to=\(to)&by=weather".replacingOccurrences(of: "+", with: "%2B"), token: desk.token("leader"))
            expectProblem(badGroup, .badRequest, "validation.failed")
            #expect(badGroup.text.contains("stats.badGroup") && badGroup.text.contains("department, street, kind"), "\(badGroup.text)")
        }
    }

    @Test func aCommunityWhistlesToItsStreetsOfficesWhereTheDistrictAllows() async throws {
        try await withDesk { desk, db in
            let place = Self.pointInGridWorkersGrid
            let body: [String: Any] = [
                "unit": Self.community, "kind": "consult", "reason": "小区停车纠纷需街道科室会商", "object": "小区南门停车位", "lat": place.lat, "lng": place.lng,
                "scheduledAt": "2026-12-10T09:00:00+08:00", "departments": [["code": "\(Self.street)-CGK", "task": "现场协调"]],
            ]
            let refused = try await desk.api.send(.post, "/v1/whistles", token: desk.token("community.chief"), json: jsonString(body))
            expectProblem(refused, .badRequest, "whistle.unitNotAllowed")
            _ = try await db.service.setWhistleSettings(code: "DEMO", communityWhistles: true)
            // A community summons its street's offices only.
            var district = body
            district["departments"] = [["code": "CGW"]]
            let wrong = try await desk.api.send(.post, "/v1/whistles", token: desk.token("community.chief"), json: jsonString(district))
            expectProblem(wrong, .badRequest, "validation.failed")
            #expect(wrong.text.contains("whistle.departmentNotAllowed"), "\(wrong.text)")
            // Nobody but the community's side whistles for it.
            expectProblem(
                try await desk.api.send(.post, "/v1/whistles", token: desk.token("gridworker"), json: jsonString(body)), .forbidden,
                "whistle.partyNotAllowed")
            let created = try await desk.api.send(.post, "/v1/whistles", token: desk.token("community.chief"), json: jsonString(body))
            #expect(created.status == .created, "\(created.text)")
            let whistle = try created.json()
            let id = try #require(int64(whistle["id"]))
            #expect(whistle["level"] as? String == "community" && whistle["object"] as? String == "小区南门停车位" && whistle["caseId"] == nil)
            // A step that needs no fields may be sent with no body at all (`curl -X POST`).
            let bare = try await desk.api.send(.post, "/v1/whistles/\(id)/actions/analyse", token: desk.token("community.chief"))
            let bareState = try bare.json()["state"] as? String
            #expect(bare.status == .ok && bareState == "analysed", "\(bare.text)")
            try await whistleStep(desk, "community.chief", id, "blow", to: "whistled")
            // A phone's photo is larger than other bodies may be: the photo limit holds for a whistle's too.
            let big = TestImages.png(width: 300, height: 300)
            #expect(big.count > testMaxBodyBytes)
            let stored = try await desk.api.client.execute(
                uri: "/v1/whistles/\(id)/photos", method: .post,
                headers: [.authorization: "Bearer \(desk.token("community.chief"))", .contentType: "image/png"], body: ByteBuffer(bytes: big))
            #expect(stored.status == .created, "\(stored.text)")
            // Its platform is the street's centre, which hears of it and accepts.
            #expect(try await notices(desk, "street.dispatcher").contains { $0["kind"] as? String == "whistleBlown" && int64($0["whistleId"]) == id })
            expectProblem(try await whistleStep(desk, "community.chief", id, "accept"), .forbidden, "whistle.partyNotAllowed")
            let accepted = try await whistleStep(desk, "street.dispatcher", id, "accept", to: "accepted")
            #expect(Self.summons(accepted, "\(Self.street)-CGK")["status"] as? String == "summoned")
            // The viewer of the street reads it; a whistle of another district's id is not found.
            #expect(try await desk.api.get("/v1/whistles/\(id)", token: desk.token("viewer")).status == .ok)
            expectProblem(try await desk.api.get("/v1/whistles/987654", token: desk.token("viewer")), .notFound, "whistle.notFound")
        }
    }

    @Test func badWhistlesAreRefusedAndWriteNothing() async throws {
        try await withDesk { desk, _ in
            func raise(_ body: [String: Any], as login: String = "street.dispatcher") async throws -> TestResponse {
                try await desk.api.send(.post, "/v1/whistles", token: desk.token(login), json: jsonString(body))
            }
            let place = Self.pointInGridWorkersGrid
            let unknownKind = try await raise(["kind": "party", "reason": "联合检查", "lat": place.lat, "lng": place.lng])
            expectProblem(unknownKind, .badRequest, "validation.failed")
            #expect(unknownKind.text.contains("party") && unknownKind.text.contains("enforce"), "\(unknownKind.text)")
            expectProblem(try await raise(["kind": "enforce", "reason": "联合检查"]), .badRequest, "validation.failed")
            expectProblem(try await raise(["kind": "enforce", "reason": " ", "lat": place.lat, "lng": place.lng]), .badRequest, "validation.failed")
            expectProblem(try await raise(["kind": "enforce", "reason": "联合检查", "lat": 31.2, "lng": 121.5]), .unprocessableContent, "whistle.pointOutside")
            expectProblem(
                try await raise(["kind": "enforce", "reason": "联合检查", "unit": Self.community, "lat": place.lat, "lng": place.lng]), .badRequest,
                "whistle.unitNotAllowed")
            // A closed case gets no whistle.
            let (id, _) = try await Self.filedGarbage(desk)
            try await desk.step("community.chief", id, "handleLocally", ["note": "已清运"], to: "handled")
            try await desk.step("dispatcher", id, "requestCheck", to: "checking")
            try await desk.step("gridworker", id, "passCheck", to: "checkPassed")
            try await desk.step("shift.leader", id, "close", to: "closed")
            expectProblem(try await raise(["caseId": id, "kind": "enforce", "reason": "补吹"]), .conflict, "whistle.caseClosed")
            let none = try await desk.api.get("/v1/whistles", token: desk.token("dispatcher"))
            #expect((try none.json()["items"] as? [[String: Any]])?.isEmpty == true, "\(none.text)")
        }
    }
}

/// 跨区联合哨 across two districts of one city, and a third of another city: the invitation, a
/// refusal answered once, the acceptance with the guest's own whistle, both sides' check-ins and
/// results seen through the link, and isolation kept by the database from both sides.
extension CaseHTTPTests {
    static let west = DemoDistrict(
        divisionCode: "110198", streets: 1, communitiesPerStreet: 1, basicGridsPerCommunity: 1, unitGridsPerBasicGrid: 1, origin: (116.22, 39.90))
    static let tianjin = DemoDistrict(
        divisionCode: "120101", streets: 1, communitiesPerStreet: 1, basicGridsPerCommunity: 1, unitGridsPerBasicGrid: 1, origin: (117.20, 39.10))

    @Test func twoDistrictsOfACityWhistleTogetherAndEachSeesOnlyTheSharedRecord() async throws {
        try await withDesk { east, db in
            let west = try await db.seedDemo(code: "WEST", name: "西演示区", district: Self.west)
            _ = try await db.seedDemo(code: "TJ", name: "津演示区", district: Self.tianjin)
            var westTokens: [String: String] = [:]
            for user in west.users { westTokens[user.login] = try await east.api.login(tenant: "WEST", login: user.login, password: user.password) }
            let westDesk = Desk(api: east.api, tokens: westTokens, tenantId: west.tenant.id)
            func raise(_ body: [String: Any]) async throws -> TestResponse {
                try await east.api.send(.post, "/v1/whistles", token: east.token("street.dispatcher"), json: jsonString(body))
            }
            // The boundary structure is a case of the east district: the west never reads it.
            let created = try await east.report("gridworker", Self.intake("两区交界处约2000平方米违建", category: "E0101"))
            let caseId = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            let caseNumber = try #require((try created.json()["case"] as? [String: Any])?["number"] as? String)
            try await east.step("dispatcher", caseId, "file", to: "filed")
            var body: [String: Any] = [
                "caseId": caseId, "kind": "enforce", "reason": "违建跨两区，需两区城管联合拆除", "object": "两区交界处约2000平方米违建",
                "scheduledAt": "2026-12-10T09:00:00+08:00", "departments": [["code": "CGW", "task": "东侧拆除"]],
            ]
            for (partner, code) in [("NOPE", "joint.partnerUnknown"), ("DEMO", "joint.partnerUnknown"), ("TJ", "joint.partnerUnknown")] {
                body["partner"] = partner
                expectProblem(try await raise(body), .badRequest, code)
            }
            // A case reported by phone has no point: its joint whistle must name the place to meet.
            let gridCode = try #require(((try created.json()["case"] as? [String: Any])?["grid"] as? [String: Any])?["code"] as? String)
            let byPhone = try await east.report(
                "dispatcher", ["description": "热线：交界处违建", "category": "E0101", "address": "交界路 1 号", "grid": gridCode])
            let phoneCase = try #require(int64((try byPhone.json()["case"] as? [String: Any])?["id"]), "\(byPhone.text)")
            let noPlace = try await raise(["caseId": phoneCase, "kind": "enforce", "reason": "联合拆除", "partner": "WEST"])
            expectProblem(noPlace, .badRequest, "validation.failed")
            #expect(noPlace.text.contains("\"lat\"") && noPlace.text.contains("field.required"), "\(noPlace.text)")
            #expect((try await east.api.get("/v1/whistles", token: east.token("dispatcher")).json()["items"] as? [[String: Any]])?.isEmpty == true)
            body["partner"] = "WEST"
            let hosted = try await raise(body)
            #expect(hosted.status == .created, "\(hosted.text)")
            let eastWhistle = try hosted.json()
            let eastId = try #require(int64(eastWhistle["id"]))
            let hostLink = (eastWhistle["joint"] as? [String: Any])?["link"] as? [String: Any] ?? [:]
            #expect(hostLink["role"] as? String == "host" && hostLink["status"] as? String == "invited", "\(hostLink)")
            #expect((hostLink["partner"] as? [String: Any])?["name"] as? String == "西演示区")

            // The west's command centre finds the invitation; its street's desk may not answer it.
            let invitations = try await westDesk.api.get("/v1/joint-whistles", token: westDesk.token("dispatcher")).json()["items"] as? [[String: Any]] ?? []
            #expect(invitations.count == 1)
            let invitation = try #require(invitations.first)
            let linkId = try #require(int64(invitation["id"]))
            #expect(invitation["role"] as? String == "guest" && invitation["object"] as? String == "两区交界处约2000平方米违建", "\(invitation)")
            #expect((invitation["partner"] as? [String: Any])?["code"] as? String == "DEMO" && invitation["hostUnit"] as? String != nil)
            func answer(_ login: String, _ link: Int64, _ body: [String: Any]) async throws -> TestResponse {
                try await westDesk.api.send(.post, "/v1/joint-whistles/\(link)/answer", token: westDesk.token(login), json: jsonString(body))
            }
            let westStreet = Self.west.divisionCode + "001"
            let accept: [String: Any] = ["accept": true, "unit": westStreet, "departments": [["code": "CGW", "task": "西侧拆除"]]]
            expectProblem(try await answer("street.dispatcher", linkId, accept), .forbidden, "whistle.partyNotAllowed")
            expectProblem(try await answer("dispatcher", linkId, ["accept": false]), .badRequest, "validation.failed")
            // The east's own link id is no invitation to the west.
            expectProblem(try await answer("dispatcher", try #require(int64(hostLink["id"])), accept), .notFound, "joint.notFound")

            // A second invitation, declined once: a second answer is refused, the host sees the refusal.
            body["object"] = "另一处交界违建"
            body.removeValue(forKey: "caseId")
            body["lat"] = Self.pointInGridWorkersGrid.lat
            body["lng"] = Self.pointInGridWorkersGrid.lng
            let second = try await raise(body)
            #expect(second.status == .created, "\(second.text)")
            let secondId = try #require(int64(try second.json()["id"]))
            let secondLink = try #require(
                (try await westDesk.api.get("/v1/joint-whistles", token: westDesk.token("dispatcher")).json()["items"] as? [[String: Any]])?.first)
            let declined = try await answer("dispatcher", try #require(int64(secondLink["id"])), ["accept": false, "reason": "该处不在本区管辖范围"])
            let declinedStatus = try declined.json()["status"] as? String
            #expect(declined.status == .ok && declinedStatus == "declined", "\(declined.text)")
            expectProblem(
                try await answer("dispatcher", try #require(int64(secondLink["id"])), ["accept": false, "reason": "再拒一次"]), .conflict,
                "joint.alreadyAnswered")
            let secondSeen = try await east.api.get("/v1/whistles/\(secondId)", token: east.token("street.dispatcher")).json()
            let secondJoint = (secondSeen["joint"] as? [String: Any])?["link"] as? [String: Any] ?? [:]
            #expect(secondJoint["status"] as? String == "declined" && secondJoint["answerReason"] as? String == "该处不在本区管辖范围", "\(secondJoint)")

            // The west accepts the first with its own whistle, summoned at once.
            let accepted = try await answer("dispatcher", linkId, accept)
            #expect(accepted.status == .ok, "\(accepted.text)")
            let westId = try #require(int64(try accepted.json()["whistleId"]))
            expectProblem(try await answer("dispatcher", linkId, accept), .conflict, "joint.alreadyAnswered")
            let westWhistle = try await westDesk.api.get("/v1/whistles/\(westId)", token: westDesk.token("dispatcher")).json()
            #expect(westWhistle["state"] as? String == "accepted" && Self.summons(westWhistle, "CGW")["task"] as? String == "西侧拆除", "\(westWhistle)")
            // The east blows and accepts its own; both sides' departments check in on their own whistles.
            try await whistleStep(east, "street.dispatcher", eastId, "analyse", to: "analysed")
            try await whistleStep(east, "street.dispatcher", eastId, "blow", to: "whistled")
            try await whistleStep(east, "dispatcher", eastId, "accept", to: "accepted")
            for (desk, id, point) in [(east, eastId, Self.pointInGridWorkersGrid), (westDesk, westId, Self.west.cellCentre(0, 0)!)] {
                let photo = try await uploadWhistlePhoto(desk, "liaison.cgw", id)
                let checkIn = try await departmentStep(desk, "liaison.cgw", id, "CGW", "checkIn", ["lat": point.lat, "lng": point.lng, "photo": photo])
                #expect(checkIn.status == .ok, "\(checkIn.text)")
            }
            // A west point is outside the east district: a west officer cannot check in on the east's whistle.
            let westPoint = Self.west.cellCentre(0, 0)!
            expectProblem(
                try await departmentStep(east, "liaison.cgw", eastId, "CGW", "checkIn", ["lat": westPoint.lat, "lng": westPoint.lng, "photo": 1]),
                .unprocessableContent, "whistle.pointOutside")
            try await whistleStep(east, "street.dispatcher", eastId, "close", ["result": "东侧违建已拆除"], to: "closed")

            // Each side sees the other's schedule, check-ins and result through the link, nothing of its case.
            let seenByWest = try await westDesk.api.get("/v1/whistles/\(westId)", token: westDesk.token("street.dispatcher"))
            let partnerOfWest = ((try seenByWest.json()["joint"] as? [String: Any])?["partner"] as? [String: Any]) ?? [:]
            #expect(partnerOfWest["state"] as? String == "closed" && partnerOfWest["result"] as? String == "东侧违建已拆除", "\(partnerOfWest)")
            #expect((partnerOfWest["district"] as? [String: Any])?["code"] as? String == "DEMO")
            let eastCheckIns = partnerOfWest["checkIns"] as? [[String: Any]] ?? []
            #expect(eastCheckIns.count == 1 && eastCheckIns.first?["by"] as? String == "liaison.cgw", "\(eastCheckIns)")
            #expect(!seenByWest.text.contains(caseNumber) && !seenByWest.text.contains("\"caseId\""), "the west sees nothing of the east's case")
            let seenByEast = try await east.api.get("/v1/whistles/\(eastId)", token: east.token("street.dispatcher")).json()
            let partnerOfEast = (seenByEast["joint"] as? [String: Any])?["partner"] as? [String: Any] ?? [:]
            #expect(partnerOfEast["state"] as? String == "onSite" && (partnerOfEast["checkIns"] as? [[String: Any]])?.count == 1, "\(partnerOfEast)")

            // Isolation from both sides: each district's service role sees only its own rows, and the
            // other's ids are not found.
            expectProblem(try await westDesk.api.get("/v1/whistles/\(eastId)", token: westDesk.token("dispatcher")), .notFound, "whistle.notFound")
            expectProblem(try await east.api.get("/v1/whistles/\(westId)", token: east.token("dispatcher")), .notFound, "whistle.notFound")
            expectProblem(try await westDesk.api.get("/v1/cases/\(caseId)", token: westDesk.token("dispatcher")), .notFound, "case.notFound")
            for (tenantId, own, other) in [(east.tenantId, eastId, westId), (west.tenant.id, westId, eastId)] {
                let (whistles, links, otherRows, summons) = try await db.db.withTenant(tenantId) { tx in
                    let whistles = try await tx.query("SELECT count(*) FROM whistles").decode(Int64.self).first { _ in true } ?? -1
                    let links = try await tx.query("SELECT count(*) FROM whistle_links").decode(Int64.self).first { _ in true } ?? -1
                    let otherRows = try await tx.query("SELECT count(*) FROM whistles WHERE id = \(other)").decode(Int64.self).first { _ in true } ?? -1
                    let summons = try await tx.query("SELECT count(DISTINCT tenant_id) FROM whistle_summons").decode(Int64.self).first { _ in true } ?? -1
                    return (whistles, links, otherRows, summons)
                }
                #expect(whistles == (tenantId == east.tenantId ? 2 : 1) && links == 2 && otherRows == 0 && summons == 1, "district \(tenantId)")
                _ = own
            }
            // The link functions answer only a district's own links.
            let foreign = try await db.db.withTenant(east.tenantId) { tx in
                try await tx.query("SELECT joint_partner(\(linkId)) IS NULL").decode(Bool.self).first { _ in true }
            }
            #expect(foreign == true, "the east cannot read through the west's link")

            // The platform's city view lists both invitations of the city; the other city has none.
            let city = try await db.service.cityJointWhistles(city: "1101")
            #expect(city.count == 2 && Set(city.map(\.status)) == ["accepted", "declined"], "\(city)")
            #expect(city.allSatisfy { $0.hostCode == "DEMO" && $0.guestCode == "WEST" })
            #expect(try await db.service.cityJointWhistles(city: "1201").isEmpty)
        }
    }
}
