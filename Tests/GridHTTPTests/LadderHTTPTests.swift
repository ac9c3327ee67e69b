import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// Tiered handling through the REST API on the demo district: a case held by its community and
/// solved there, handed up community → zone → street on slips, refused and sent back, handed up
/// by itself at the local limit, delegated down; and the bad inputs of each move.
extension CaseHTTPTests {
    static let street = "110199001", community = "110199001001"

    /// A garbage report by the grid worker (the demo's rule sends it to the community's micro cycle), filed.
    static func filedGarbage(_ desk: Desk, _ description: String = "小区门口暴露垃圾") async throws -> (id: Int64, json: [String: Any]) {
        let created = try await desk.report("gridworker", intake(description, category: "E0102"))
        #expect(created.status == .created, "\(created.text)")
        let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
        return (id, try await desk.step("dispatcher", id, "file", to: "filed"))
    }

    static func ladder(_ json: [String: Any]) -> [String: Any] { json["ladder"] as? [String: Any] ?? [:] }
    static func holderCode(_ json: [String: Any]) -> String? { (ladder(json)["holder"] as? [String: Any])?["code"] as? String }
    static func pendingCode(_ json: [String: Any]) -> String? { (ladder(json)["pendingTo"] as? [String: Any])?["code"] as? String }

    func view(_ desk: Desk, _ login: String, _ id: Int64) async throws -> [String: Any] {
        let response = try await desk.api.get("/v1/cases/\(id)", token: desk.token(login))
        #expect(response.status == .ok, "\(response.text)")
        return try response.json()
    }

    /// A zone (片区) between the first street and its first community, with a joint team of two:
    /// a police officer (its head) and an urban-management officer. Returns their tokens.
    func addZone(_ desk: Desk, _ db: TestDatabase) async throws -> (zoneCode: String, head: String, member: String) {
        let service = db.service
        _ = try await service.setLadder(code: "DEMO", levels: [.grid, .community, .zone, .street, .district])
        let street = try await service.unit(.operator, tenantId: desk.tenantId, code: Self.street)
        let zone = try await service.createUnit(
            .operator, tenantId: desk.tenantId, parentId: street.id, kind: .zone, code: "ZONE-1", name: "学院路东片区", gridLevel: nil, geometry: nil)
        let community = try await service.unit(.operator, tenantId: desk.tenantId, code: Self.community)
        _ = try await service.updateUnit(.operator, tenantId: desk.tenantId, id: community.id, name: nil, newParentId: zone.id, ifVersion: nil)
        let headPassword = try await db.makeUser(tenantId: desk.tenantId, login: "zone.police", role: .departmentLiaison, scope: "110199", department: "GAFJ")
        let memberPassword = try await db.makeUser(
            tenantId: desk.tenantId, login: "zone.cgw", role: .departmentLiaison, scope: "110199", department: "CGW")
        let set = try await desk.api.send(
            .put, "/v1/org-units/\(zone.id)/members", token: desk.token("admin"),
            json: jsonString(["members": [["login": "zone.police", "duty": "head", "department": "GAFJ"], ["login": "zone.cgw", "department": "CGW"]]]))
        #expect(set.status == .ok, "\(set.text)")
        #expect((try set.json()["members"] as? [[String: Any]])?.map { $0["duty"] as? String } == ["head", "member"])
        return (
            "ZONE-1", try await desk.api.login(tenant: "DEMO", login: "zone.police", password: headPassword),
            try await desk.api.login(tenant: "DEMO", login: "zone.cgw", password: memberPassword)
        )
    }

    @Test func aCommunityCaseIsHeldByItsCommunityAndSolvedThere() async throws {
        try await withDesk { desk, _ in
            let (id, filed) = try await Self.filedGarbage(desk)
            #expect(filed["level"] as? String == "community")
            #expect(Self.holderCode(filed) == Self.community, "\(Self.ladder(filed))")
            #expect(Self.ladder(filed)["due"] as? String != nil, "a community's turn has its local limit")
            // The community's chief sees it in the level queue and may handle it or hand it up; the
            // district's dispatcher no longer sees it on the dispatch desk.
            let chiefView = try await view(desk, "community.chief", id)
            #expect(Set(chiefView["allowedActions"] as? [String] ?? []).isSuperset(of: ["handleLocally", "handUp"]), "\(chiefView["allowedActions"] ?? "")")
            let queue = try await desk.api.get("/v1/cases?queue=level", token: desk.token("community.chief"))
            #expect(((try queue.json()["items"] as? [[String: Any]]) ?? []).compactMap { int64($0["id"]) } == [id], "\(queue.text)")
            let desk1 = try await desk.api.get("/v1/cases?queue=dispatch", token: desk.token("dispatcher"))
            #expect(!((try desk1.json()["items"] as? [[String: Any]]) ?? []).contains { int64($0["id"]) == id })
            // Someone not of the community cannot handle it locally, nor hand it up.
            expectProblem(try await desk.act("gridworker", id, "handleLocally", ["note": "已清理"]), .forbidden, "ladder.notAllowed")
            expectProblem(try await desk.act("viewer", id, "handUp", ["reason": "处理不了"]), .forbidden, "ladder.notAllowed")
            // The community handles it, the centre has it checked and closed: the community's turn ends at the close.
            try await desk.step("community.chief", id, "handleLocally", ["note": "已组织物业清运"], to: "handled")
            try await desk.step("dispatcher", id, "requestCheck", to: "checking")
            try await desk.step("gridworker", id, "passCheck", to: "checkPassed")
            let closed = try await desk.step("shift.leader", id, "close", to: "closed")
            let turns = Self.ladder(closed)["turns"] as? [[String: Any]] ?? []
            #expect(turns.count == 1)
            #expect((turns.first?["unit"] as? [String: Any])?["code"] as? String == Self.community)
            #expect(turns.first?["startedBy"] as? String == "file" && turns.first?["endedBy"] as? String == "close", "\(turns)")
        }
    }

    @Test func aCaseGoesUpCommunityZoneStreetOnSlipsAndARefusalSendsItBack() async throws {
        try await withDesk { desk, db in
            let zone = try await addZone(desk, db)
            var tokens = desk.tokens
            tokens["zone.police"] = zone.head
            tokens["zone.cgw"] = zone.member
            let desk = Desk(api: desk.api, tokens: tokens, tenantId: desk.tenantId)
            let (id, filed) = try await Self.filedGarbage(desk, "小区内违规堆放建筑垃圾，业主拒不清理")
            #expect(Self.holderCode(filed) == Self.community)

            // Bad slips: no reason; photos that are not the case's; the system's own reason kind.
            expectProblem(try await desk.act("community.chief", id, "handUp", [:]), .badRequest, "validation.failed")
            expectProblem(
                try await desk.act("community.chief", id, "handUp", ["reason": "需执法", "photos": [987_654]]), .badRequest, "validation.failed")
            expectProblem(
                try await desk.act("community.chief", id, "handUp", ["reason": "需执法", "reasonKind": "limitPassed"]), .badRequest, "validation.failed")
            // Skipping the zone is not allowed: one level at a time.
            let skip = try await desk.act("community.chief", id, "handUp", ["reason": "需执法", "level": "street"])
            expectProblem(skip, .badRequest, "validation.failed")
            #expect(skip.text.contains("ladder.notNextLevel"), "\(skip.text)")

            let handed = try await desk.step(
                "community.chief", id, "handUp",
                ["reasonKind": "needsEnforcement", "reason": "业主拒不配合，社区无执法权", "tried": "三次上门劝导，发放整改告知书"], to: "filed")
            #expect(Self.pendingCode(handed) == zone.zoneCode && Self.holderCode(handed) == Self.community, "\(Self.ladder(handed))")
            expectProblem(try await desk.act("community.chief", id, "handUp", ["reason": "再报"]), .conflict, "ladder.slipPending")
            // The zone team is told a slip waits for it; the street's desk is not (it is not theirs yet).
            func kinds(_ login: String) async throws -> [String] {
                let page = try await desk.api.get("/v1/notifications", token: desk.token(login))
                return ((try page.json()["items"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
            }
            #expect(try await kinds("zone.cgw").contains("slipArrived"))
            #expect(try await !kinds("street.dispatcher").contains("slipArrived"))
            // The zone team sees the slip in its queue; the community chief may not accept its own slip.
            let zoneQueue = try await desk.api.get("/v1/cases?queue=level", token: desk.token("zone.cgw"))
            #expect(((try zoneQueue.json()["items"] as? [[String: Any]]) ?? []).compactMap { int64($0["id"]) } == [id], "\(zoneQueue.text)")
            expectProblem(try await desk.act("community.chief", id, "acceptHandUp"), .forbidden, "ladder.notAllowed")

            // Two members accept at once: one wins, the other is told it is gone.
            async let a = desk.act("zone.police", id, "acceptHandUp")
            async let b = desk.act("zone.cgw", id, "acceptHandUp")
            let answers = try await [a, b]
            #expect(answers.filter { $0.status == .ok }.count == 1, "\(answers.map(\.text))")
            #expect(answers.filter { $0.status == .conflict }.count == 1, "\(answers.map(\.text))")
            let accepted = try await view(desk, "zone.police", id)
            #expect(accepted["level"] as? String == "zone" && Self.holderCode(accepted) == zone.zoneCode, "\(Self.ladder(accepted))")
            expectProblem(try await desk.act("zone.police", id, "acceptHandUp"), .conflict, "ladder.noSlip")

            // The zone team photographs the place (its named members take part in the case) and hands it up to the
            // street with the photo; the street refuses with a reason: back to the zone with a new deadline.
            let photo = try await AttachmentHTTPTests.upload(desk, zone.member, id, TestImages.png(width: 8, height: 6), type: "image/png")
            #expect(photo.status == .created, "\(photo.text)")
            let photoId = try #require(int64(try photo.json()["id"]))
            try await desk.step(
                "zone.police", id, "handUp", ["reasonKind": "crossArea", "reason": "涉及两个社区的共用通道", "photos": [photoId]], to: "filed")
            expectProblem(try await desk.act("street.dispatcher", id, "refuseHandUp", [:]), .badRequest, "validation.failed")
            let refused = try await desk.step("street.dispatcher", id, "refuseHandUp", ["reason": "片区联合执法队可先行处置"], to: "filed")
            #expect(try await kinds("zone.police").contains("slipRefused"))
            #expect(try await kinds("street.dispatcher").contains("slipArrived"))
            #expect(Self.holderCode(refused) == zone.zoneCode && Self.pendingCode(refused) == nil)
            let slips = Self.ladder(refused)["slips"] as? [[String: Any]] ?? []
            #expect(slips.map { $0["status"] as? String } == ["accepted", "refused"], "\(slips)")
            #expect(slips.last?["decisionReason"] as? String == "片区联合执法队可先行处置" && slips.last?["newDue"] as? String != nil)
            #expect(slips.first?["tried"] as? String == "三次上门劝导，发放整改告知书" && slips.first?["reasonKind"] as? String == "needsEnforcement")
            #expect((slips.last?["photos"] as? [Any])?.compactMap(int64) == [photoId])

            // Up again, accepted by the street's centre: the street holds it and dispatches it.
            try await desk.step("zone.police", id, "handUp", ["reasonKind": "needsEnforcement", "reason": "需城管执法"], to: "filed")
            let atStreet = try await desk.step("street.dispatcher", id, "acceptHandUp", to: "filed")
            #expect(atStreet["level"] as? String == "street" && Self.holderCode(atStreet) == Self.street)
            #expect(Self.ladder(atStreet)["due"] == nil, "the street has no local limit")
            let turns = Self.ladder(atStreet)["turns"] as? [[String: Any]] ?? []
            #expect(turns.map { ($0["unit"] as? [String: Any])?["level"] as? String } == ["community", "zone", "street"], "\(turns)")
            #expect(turns.map { $0["endedBy"] as? String } == ["acceptHandUp", "acceptHandUp", nil])
            // The history names every move, who made it and why.
            let events = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("dispatcher"))
            let actions = ((try events.json()["items"] as? [[String: Any]]) ?? []).map { $0["action"] as? String ?? "" }
            #expect(
                actions.filter { ["handUp", "acceptHandUp", "refuseHandUp"].contains($0) }
                    == ["handUp", "acceptHandUp", "handUp", "refuseHandUp", "handUp", "acceptHandUp"], "\(actions)")
            try await desk.step("street.dispatcher", id, "dispatch", ["department": "\(Self.street)-CGK"], to: "dispatched")
        }
    }

    @Test func aCaseLeftPastItsLocalLimitGoesUpByItself() async throws {
        try await withDesk { desk, db in
            let (id, filed) = try await Self.filedGarbage(desk)
            let due = try #require((Self.ladder(filed)["due"] as? String).flatMap(ISO8601DateFormatter().date(from:)))
            _ = try await db.service.runDueJobs(now: due.addingTimeInterval(-60))
            #expect(Self.pendingCode(try await view(desk, "dispatcher", id)) == nil, "not before the limit")
            _ = try await db.service.runDueJobs(now: due.addingTimeInterval(2))
            let after = try await view(desk, "street.dispatcher", id)
            #expect(Self.pendingCode(after) == Self.street, "the demo district has no zone: the street is next \(Self.ladder(after))")
            let slip = try #require((Self.ladder(after)["slips"] as? [[String: Any]])?.last)
            #expect(slip["automatic"] as? Bool == true && slip["reasonKind"] as? String == "limitPassed", "\(slip)")
            #expect((after["allowedActions"] as? [String] ?? []).contains("acceptHandUp"))
            let events = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("dispatcher"))
            let last = try #require((try events.json()["items"] as? [[String: Any]])?.last)
            #expect(last["action"] as? String == "autoHandUp" && last["actor"] as? String == "system", "\(last)")
            // The job fires once; nobody may post the system's move.
            _ = try await db.service.runDueJobs(now: due.addingTimeInterval(3600))
            #expect((Self.ladder(try await view(desk, "dispatcher", id))["slips"] as? [[String: Any]])?.count == 1)
            expectProblem(try await desk.act("community.chief", id, "autoHandUp"), .forbidden, "ladder.notAllowed")
        }
    }

    @Test func theCentreDelegatesAStreetCaseDownAndTheTopCannotBeHandedPast() async throws {
        try await withDesk { desk, _ in
            // 私搭乱建 routes to the street.
            let created = try await desk.report("gridworker", Self.intake("楼顶私搭乱建", category: "E0101"))
            let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            let filed = try await desk.step("dispatcher", id, "file", to: "filed")
            #expect(filed["level"] as? String == "street" && Self.holderCode(filed) == Self.street)
            expectProblem(try await desk.act("community.chief", id, "delegate", ["level": "community"]), .forbidden, "ladder.notAllowed")
            expectProblem(try await desk.act("street.dispatcher", id, "delegate", ["level": "district"]), .badRequest, "validation.failed")
            let zoneless = try await desk.act("street.dispatcher", id, "delegate", ["level": "zone"])
            expectProblem(zoneless, .badRequest, "validation.failed")
            #expect(zoneless.text.contains("ladder.levelNotUsed"), "\(zoneless.text)")
            let delegated = try await desk.step("street.dispatcher", id, "delegate", ["level": "community"], to: "filed")
            #expect(delegated["level"] as? String == "community" && Self.holderCode(delegated) == Self.community)
            try await desk.step("community.chief", id, "handleLocally", ["note": "已劝导拆除"], to: "handled")

            // A case at the district cannot go higher.
            let top = try await desk.report("dispatcher", Self.intake("区级案件", category: "E0101"))
            let topId = try #require(int64((try top.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("dispatcher", topId, "file", ["level": "district"], to: "filed")
            let atTop = try await view(desk, "dispatcher", topId)
            #expect(atTop["level"] as? String == "district" && atTop["routeOverridden"] as? Bool == true, "naming another level is an override")
            expectProblem(try await desk.act("dispatcher", topId, "handUp", ["reason": "再上报"]), .conflict, "ladder.topReached")
        }
    }

    /// A seeded month of one community, counted by hand: A solved by the community, B handed up
    /// and solved by the street (through a department), C handed up and refused, D self-handled by
    /// the grid worker, E handed up by itself at the local limit.
    @Test func theLevelFiguresOfASeededMonthMatchAHandCount() async throws {
        try await withDesk { desk, db in
            // E first, its limit passed before the others exist (their own limits do not pass).
            let (e, filedE) = try await Self.filedGarbage(desk, "E")
            let due = try #require((Self.ladder(filedE)["due"] as? String).flatMap(ISO8601DateFormatter().date(from:)))
            _ = try await db.service.runDueJobs(now: due.addingTimeInterval(2))
            #expect(Self.pendingCode(try await view(desk, "dispatcher", e)) == Self.street)
            let (a, _) = try await Self.filedGarbage(desk, "A")
            try await desk.step("community.chief", a, "handleLocally", ["note": "已清运"], to: "handled")
            try await desk.step("dispatcher", a, "requestCheck", to: "checking")
            try await desk.step("gridworker", a, "passCheck", to: "checkPassed")
            try await desk.step("shift.leader", a, "close", to: "closed")

            let (b, _) = try await Self.filedGarbage(desk, "B")
            try await desk.step("community.chief", b, "handUp", ["reasonKind": "needsEnforcement", "reason": "需执法"], to: "filed")
            try await desk.step("street.dispatcher", b, "acceptHandUp", to: "filed")
            try await desk.step("street.dispatcher", b, "dispatch", ["department": "CGW"], to: "dispatched")
            try await desk.step("liaison.cgw", b, "sign", to: "handling")
            try await desk.step("liaison.cgw", b, "reportHandled", ["note": "已清理"], to: "handled")
            try await desk.step("dispatcher", b, "requestCheck", to: "checking")
            try await desk.step("gridworker", b, "passCheck", to: "checkPassed")
            try await desk.step("shift.leader", b, "close", to: "closed")

            let (c, _) = try await Self.filedGarbage(desk, "C")
            try await desk.step("community.chief", c, "handUp", ["reasonKind": "crossArea", "reason": "跨社区"], to: "filed")
            try await desk.step("street.dispatcher", c, "refuseHandUp", ["reason": "社区可协调"], to: "filed")

            let reported = try await desk.report("gridworker", Self.intake("D", category: "E0102"))
            let d = try #require(int64((try reported.json()["case"] as? [String: Any])?["id"]))
            try await desk.step("gridworker", d, "selfHandle", ["note": "随手清理"], to: "selfHandled")
            try await desk.step("shift.leader", d, "close", to: "closed")

            let from = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86400))
            let to = ISO8601DateFormatter().string(from: Date().addingTimeInterval(30 * 86400))
            func figures(_ query: String, as login: String = "leader") async throws -> [[String: Any]] {
                let response = try await desk.api.get("/v1/stats/ladder?from=\(from)&to=\(to)&\(query)", token: desk.token(login))
                #expect(response.status == .ok, "\(response.text)")
                return try response.json()["rows"] as? [[String: Any]] ?? []
            }
            let communities = try await figures("by=community")
            #expect(communities.count == 5, "four communities and the total")
            let mine = try #require(communities.first { ($0["unit"] as? [String: Any])?["code"] as? String == Self.community })
            #expect(mine["solved"] as? [String: Int] == ["grid": 1, "community": 1, "zone": 0, "street": 1, "district": 0], "\(mine)")
            #expect(mine["solvedTotal"] as? Int == 3)
            #expect(abs((mine["frontLineShare"] as? Double ?? 0) - 0.6667) < 0.0001)
            #expect(mine["handUps"] as? Int == 3 && mine["automaticHandUps"] as? Int == 1 && mine["refusals"] as? Int == 1)
            let reasons = mine["handUpsByReason"] as? [String: Int] ?? [:]
            #expect(reasons["needsEnforcement"] == 1 && reasons["crossArea"] == 1 && reasons["limitPassed"] == 1 && reasons["other"] == 0)
            #expect(mine["turns"] as? [String: Int] == ["grid": 1, "community": 4, "zone": 0, "street": 1, "district": 0], "\(mine)")
            let others = communities.filter { ($0["unit"] as? [String: Any])?["code"] as? String != Self.community && $0["unit"] != nil }
            #expect(others.allSatisfy { $0["solvedTotal"] as? Int == 0 && $0["handUps"] as? Int == 0 })
            #expect(communities.last?["unit"] == nil && communities.last?["solvedTotal"] as? Int == 3)

            let levels = try await figures("by=level")
            #expect(levels.compactMap { $0["level"] as? String } == ["grid", "community", "street", "district"])
            #expect(levels[1]["handUps"] as? Int == 3, "the community handed up three")
            let streets = try await figures("by=street&scope=\(Self.street)", as: "street.dispatcher")
            #expect(streets.count == 2 && streets[0]["solvedTotal"] as? Int == 3)

            let csv = try await desk.api.get("/v1/stats/ladder?from=\(from)&to=\(to)&by=community&format=csv", token: desk.token("leader"))
            #expect(csv.status == .ok)
            #expect(csv.text.hasPrefix("\u{FEFF}编码,名称,层级,网格解决"), "\(csv.text.prefix(80))")
            #expect(csv.text.contains("\(Self.community),学院路南社区,社区,1,1,1,0,3,0.6667,3,1,1"), "\(csv.text)")

            // Bad questions: an unknown grouping, a reversed period, a scope outside the caller's.
            let bad = try await desk.api.get("/v1/stats/ladder?from=\(from)&to=\(to)&by=grid", token: desk.token("leader"))
            expectProblem(bad, .badRequest, "validation.failed")
            #expect(bad.fieldErrorCodes == ["stats.badGroup"] && bad.text.contains("grid"), "\(bad.text)")
            expectProblem(try await desk.api.get("/v1/stats/ladder?from=\(to)&to=\(from)", token: desk.token("leader")), .badRequest, "validation.failed")
            expectProblem(
                try await desk.api.get("/v1/stats/ladder?from=\(from)&to=\(to)&scope=110199002", token: desk.token("street.dispatcher")), .forbidden,
                "auth.outOfScope")
        }
    }

    /// The front-line share as of a time reads the level that held the case then: a case solved by
    /// its community and closed, then reopened, returned by the department and dispatched again
    /// (which lifts it to the street's centre), still counts as solved at the front line in the
    /// figures as of before the reopening; now it is neither closed nor the community's.
    @Test func aReopenedCaseCountsAtTheLevelThatSolvedItAsOfBeforeTheReopening() async throws {
        try await withDesk { desk, db in
            // The street's 城管科 leads the community's garbage cases: its liaison returns the reopened one.
            var desk = desk
            let password = try await db.makeUser(
                tenantId: desk.tenantId, login: "liaison.cgk", role: .departmentLiaison, scope: Self.street, department: "\(Self.street)-CGK")
            desk.tokens["liaison.cgk"] = try await desk.api.login(tenant: "DEMO", login: "liaison.cgk", password: password)
            let (id, _) = try await Self.filedGarbage(desk, "X")
            try await desk.step("community.chief", id, "handleLocally", ["note": "已清运"], to: "handled")
            try await desk.step("dispatcher", id, "requestCheck", to: "checking")
            try await desk.step("gridworker", id, "passCheck", to: "checkPassed")
            try await desk.step("shift.leader", id, "close", to: "closed")
            try await Task.sleep(for: .milliseconds(2100))
            let formatter = ISO8601DateFormatter()
            let t1 = formatter.string(from: Date())
            try await Task.sleep(for: .milliseconds(1100))
            try await desk.step("shift.leader", id, "reopen", ["reason": "回访不满意：垃圾仍未清走"], to: "dispatched")
            try await desk.step("liaison.cgk", id, "return", ["reason": "需区城管委执法"], to: "returned")
            let dispatched = try await desk.step("dispatcher", id, "dispatch", ["department": "CGW"], to: "dispatched")
            #expect(dispatched["level"] as? String == "street", "dispatched from the street's centre: \(dispatched["level"] ?? "-")")
            let events = try await desk.api.get("/v1/cases/\(id)/events", token: desk.token("leader")).json()["items"] as? [[String: Any]] ?? []
            #expect(
                events.compactMap { ($0["payload"] as? [String: Any])?["caseLevel"] as? String } == ["community", "street"],
                "the filing and the dispatch record the level they left: \(events.map { $0["payload"] ?? "-" })")

            let from = formatter.string(from: Date().addingTimeInterval(-86400)), to = formatter.string(from: Date().addingTimeInterval(86400))
            func frontLine(_ asOf: String?) async throws -> [Double] {
                let response = try await desk.api.get(
                    "/v1/stats/indicators?from=\(from)&to=\(to)&indicators=frontLineShare" + (asOf.map { "&asOf=\($0)" } ?? ""), token: desk.token("leader"))
                #expect(response.status == .ok, "\(response.text)")
                return Self.counts(try response.json()["total"] as? [String: Any])["frontLineShare"] ?? []
            }
            #expect(try await frontLine(t1) == [1, 1], "as of t1: closed, by its community")
            #expect(try await frontLine(nil) == [0, 0], "now: open again")
        }
    }

    /// A unit's members: an unknown user or department, a user twice, a duty not known are each
    /// named and nothing is written; only a tenant admin sets them; the change is audited.
    @Test func aUnitsMembersAreSetWholeOrNotAtAll() async throws {
        try await withDesk { desk, db in
            let unit = try await db.service.unit(.operator, tenantId: desk.tenantId, code: Self.community)
            let path = "/v1/org-units/\(unit.id)/members"
            let bad = try await desk.api.send(
                .put, path, token: desk.token("admin"),
                json: jsonString([
                    "members": [
                        ["login": "community.chief", "duty": "boss"], ["login": "nobody"], ["login": "gridworker", "department": "NOPE"],
                        ["login": "community.chief"],
                    ]
                ]))
            expectProblem(bad, .badRequest, "validation.failed")
            #expect(
                Set(bad.fieldErrorCodes) == ["field.unknownValue", "org.unit.memberUnknown", "department.unknown", "org.unit.memberDuplicate"],
                "\(bad.text)")
            #expect(bad.fieldErrorFields.contains("members[1].login") && bad.text.contains("nobody"))
            let none = try await desk.api.get(path, token: desk.token("community.chief"))
            #expect((try none.json()["members"] as? [Any])?.isEmpty == true, "nothing written")
            expectProblem(
                try await desk.api.send(.put, path, token: desk.token("community.chief"), json: jsonString(["members": [["login": "gridworker"]]])),
                .forbidden, "auth.actionNotAllowed")
            let set = try await desk.api.send(
                .put, path, token: desk.token("admin"), json: jsonString(["members": [["login": "gridworker", "duty": "head"]]]))
            #expect(set.status == .ok, "\(set.text)")
            let audit = try await desk.api.get("/v1/audit?entity=orgUnit", token: desk.token("admin"))
            #expect(audit.text.contains("setMembers") && audit.text.contains("gridworker"), "\(audit.text.prefix(400))")
        }
    }
}
