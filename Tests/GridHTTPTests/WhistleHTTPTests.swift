import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
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
        try await withDesk { desk, db in
            let desk = try await withLiaisons(desk, db)
            // The fire rule says whistle: filing the case proposes one, from the case's street.
            let created = try await desk.report("gridworker", Self.intake("小区垃圾站起火，火势蔓延", category: "E0406"))
            let caseId = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]), "\(created.text)")
            try await desk.step("dispatcher", caseId, "file", to: "filed")
            let listed = try await desk.api.get("/v1/whistles?caseId=\(caseId)", token: desk.token("street.dispatcher"))
            let items = try listed.json()["items"] as? [[String: Any]] ?? []
            #expect(items.count == 1, "\(listed.text)")
            let proposed = try #require(items.first)
            let id = try #require(int64(proposed["id"]))
            #expect(proposed["state"] as? String == "formed" && proposed["proposed"] as? Bool == true, "\(proposed)")
            #expect((proposed["unit"] as? [String: Any])?["code"] as? String == Self.street)
            #expect(
                (proposed["departments"] as? [[String: Any]] ?? []).compactMap { ($0["department"] as? [String: Any])?["code"] as? String } == [
                    "XFZD", "GAFJ",
                ])
            #expect(try await notices(desk, "street.dispatcher").contains { $0["kind"] as? String == "whistleProposed" && int64($0["whistleId"]) == id })
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

            // The platform accepts, adding the urban management committee: three departments summoned, 30 minutes each.
            let accepted = try await whistleStep(
                desk, "dispatcher", id, "accept",
                ["departments": [["code": "XFZD", "task": "灭火救援"], ["code": "GAFJ", "task": "现场警戒"], ["code": "CGW", "task": "清理现场"]]],
                to: "accepted")
            let due = try #require(ISO8601DateFormatter().date(from: Self.summons(accepted, "GAFJ")["due"] as? String ?? ""), "\(accepted)")
            let acceptedAt = try #require(ISO8601DateFormatter().date(from: accepted["acceptedAt"] as? String ?? ""))
            #expect(abs(due.timeIntervalSince(acceptedAt) - 1800) < 1)
            #expect(Self.summons(accepted, "CGW")["task"] as? String == "清理现场")
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
            _ = try await db.service.runDueJobs(now: due.addingTimeInterval(2))
            for login in ["liaison.gafj", "leader", "shift.leader"] {
                #expect(try await notices(desk, login).contains { $0["kind"] as? String == "whistleRed" && int64($0["whistleId"]) == id }, "\(login)")
            }
            #expect(try await !notices(desk, "liaison.xfzd").contains { $0["kind"] as? String == "whistleRed" })
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
            try await whistleStep(desk, "community.chief", id, "analyse", to: "analysed")
            try await whistleStep(desk, "community.chief", id, "blow", to: "whistled")
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
