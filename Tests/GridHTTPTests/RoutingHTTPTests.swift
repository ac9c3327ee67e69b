import Foundation
import GridCore
import GridHTTP
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Rule sets over HTTP: draft, validate, publish, versions, explain, test tables, the audit log.
@Suite struct RoutingHTTPTests {
    /// A Monday morning (working time) in Beijing.
    static let mondayMorning = "2026-11-23T10:00:00+08:00"

    static func rules(_ d: SmallDistrict, lead: String = "SWJ") -> String {
        """
        {"document": {"profiles": {"urgent": {"dispatch": {"amount": 10, "unit": "minutes"}, "sign": {"amount": 30, "unit": "minutes"}}},
          "rules": [
            {"id": "manhole-urgent", "name": "井盖紧急", "when": {"categories": ["C0101"], "grades": ["urgent"]},
             "then": {"level": "district", "lead": "\(lead)", "whistle": true, "priority": 9, "deadlineProfile": "urgent"}},
            {"id": "garbage-hotline", "name": "热线垃圾", "when": {"categories": ["E0102"], "sources": ["hotline"]},
             "then": {"level": "street", "lead": "@territorial", "assisting": ["CGW"]}},
            {"id": "street2-buildings", "name": "二街道私搭乱建", "when": {"categories": ["E0101"], "areas": ["\(d.street2)"], "keywords": ["违建", "搭建"]},
             "then": {"level": "street", "lead": "ZJW"}}
          ]},
         "note": "第一版"}
        """
    }

    func explain(_ api: API, _ token: String, _ body: [String: Any]) async throws -> TestResponse {
        try await api.send(.post, "/v1/routing/explain", token: token, json: jsonString(body))
    }

    @Test func aDraftIsValidatedAndOnlyAValidOneIsPublished() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                expectProblem(try await api.get("/v1/routing/published", token: admin), .notFound, "rules.notFound")
                expectProblem(try await api.get("/v1/routing/draft", token: admin), .notFound, "rules.notFound")

                // Unknown department: saved (work can go on) with the error in the report; not publishable.
                let draft = try await api.send(.put, "/v1/routing/draft", token: admin, json: Self.rules(d, lead: "NOPE"))
                #expect(draft.status == .ok, "\(draft.text)")
                let report = try #require(try draft.json()["report"] as? [String: Any])
                #expect(report["publishable"] as? Bool == false)
                let errors = try #require(report["errors"] as? [[String: Any]])
                #expect(
                    errors.contains {
                        ($0["field"] as? String)?.hasPrefix("rules[0].then.lead") == true && ($0["detail"] as? String)?.contains("NOPE") == true
                    },
                    "\(errors)")
                let summary = try #require(try draft.json()["summary"] as? [String: Any])
                #expect(summary["status"] as? String == "draft")
                #expect(int64(summary["number"]) == 1)
                #expect(int64(summary["ruleCount"]) == 3)
                let refused = try await api.send(.post, "/v1/routing/draft/publish", token: admin)
                expectProblem(refused, .unprocessableContent, "rules.notPublishable")
                #expect(refused.fieldErrorFields.contains { $0.hasPrefix("rules[0].then.lead") })

                // A syntax error is a 400 and leaves the draft as it was.
                let syntax = try await api.send(
                    .put, "/v1/routing/draft", token: admin,
                    json: #"{"document": {"rules": [{"id": "x", "name": "坏", "when": {"grades": "urgent"}, "then": {"level": "city"}}]}}"#)
                expectProblem(syntax, .badRequest, "validation.failed")
                #expect(syntax.fieldErrorFields.contains("rules[0].when.grades"), "\(syntax.text)")
                #expect(syntax.fieldErrorFields.contains("rules[0].then.level"), "\(syntax.text)")
                let current = try await api.get("/v1/routing/draft", token: admin)
                #expect(int64((try current.json()["summary"] as? [String: Any])?["ruleCount"]) == 3)
                let etag = try #require(eTagVersion(current))

                // Fixed with If-Match; a stale If-Match is refused.
                let fixed = try await api.send(.put, "/v1/routing/draft", token: admin, json: Self.rules(d), headers: [.ifMatch: "\"\(etag)\""])
                #expect(fixed.status == .ok, "\(fixed.text)")
                #expect((try fixed.json()["report"] as? [String: Any])?["publishable"] as? Bool == true)
                expectProblem(
                    try await api.send(.put, "/v1/routing/draft", token: admin, json: Self.rules(d), headers: [.ifMatch: "\"\(etag)\""]),
                    .preconditionFailed, "version.mismatch")
                let published = try await api.send(.post, "/v1/routing/draft/publish", token: admin)
                #expect(published.status == .ok, "\(published.text)")
                #expect((try published.json()["summary"] as? [String: Any])?["status"] as? String == "published")
                expectProblem(try await api.get("/v1/routing/draft", token: admin), .notFound, "rules.notFound")

                // Version 2 replaces it; version 1 stays readable, retired.
                let second = Self.rules(d).replacingOccurrences(of: "第一版", with: "第二版").replacingOccurrences(of: "\"priority\": 9", with: "\"priority\": 8")
                #expect(try await api.send(.put, "/v1/routing/draft", token: admin, json: second).status == .ok)
                #expect(try await api.send(.post, "/v1/routing/draft/publish", token: admin).status == .ok)
                let one = try await api.get("/v1/routing/rule-sets/1", token: admin)
                #expect((try one.json()["summary"] as? [String: Any])?["status"] as? String == "retired")
                #expect((try one.json()["summary"] as? [String: Any])?["note"] as? String == "第一版")
                let now = try await api.get("/v1/routing/published", token: admin)
                #expect(int64((try now.json()["summary"] as? [String: Any])?["number"]) == 2)
                let rules = try #require((try now.json()["document"] as? [String: Any])?["rules"] as? [[String: Any]])
                #expect(int64((rules[0]["then"] as? [String: Any])?["priority"]) == 8)
                let list = try await api.get("/v1/routing/rule-sets", token: admin)
                #expect((try list.json()["items"] as? [[String: Any]])?.map { int64($0["number"]) } == [2, 1])
                expectProblem(try await api.get("/v1/routing/rule-sets/9", token: admin), .notFound, "rules.notFound")

                // Validation without saving: warnings for a shadowed rule.
                let shadow = try await api.send(
                    .post, "/v1/routing/validate", token: admin,
                    json: """
                        {"rules": [{"id": "all-e01", "name": "市容", "when": {"categories": ["E01"]}, "then": {"level": "street"}},
                                   {"id": "e0102", "name": "垃圾", "when": {"categories": ["E0102"]}, "then": {"level": "community"}}]}
                        """)
                #expect(shadow.status == .ok, "\(shadow.text)")
                let warnings = try #require(try shadow.json()["warnings"] as? [[String: Any]])
                #expect(
                    warnings.contains { $0["code"] as? String == "rules.rule.shadowed" && ($0["field"] as? String)?.hasPrefix("rules[1]") == true },
                    "\(warnings)")
                #expect(try shadow.json()["publishable"] as? Bool == true, "warnings do not block publishing")
            }
        }
    }

    @Test func explainNamesTheRuleTheRulesTriedAndTheDeadlines() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            let street2Point = try #require(d.district.cellCentre(2, 0))
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                #expect(
                    try await api.send(
                        .put, "/v1/duties", token: admin,
                        json: jsonString([
                            "duties": [
                                ["categoryCode": "E01", "areaCode": d.division, "department": "CGW"],
                                ["categoryCode": "E01", "areaCode": d.street1, "department": "S1-CGK"],
                            ]
                        ])
                    ).status == .ok)

                // No rule set yet: the fallbacks decide.
                let early = try await explain(
                    api, admin,
                    [
                        "category": "E0102", "grade": "general", "lat": d.pointInStreet1.lat, "lng": d.pointInStreet1.lng,
                        "at": Self.mondayMorning,
                    ])
                #expect(early.status == .ok, "\(early.text)")
                #expect(try early.json()["basis"] as? String == "duty")
                #expect((try early.json()["lead"] as? [String: Any])?["code"] as? String == "S1-CGK", "the smaller area's row wins")
                #expect(try early.json()["ruleSet"] == nil)

                #expect(try await api.send(.put, "/v1/routing/draft", token: admin, json: Self.rules(d)).status == .ok)
                #expect(try await api.send(.post, "/v1/routing/draft/publish", token: admin).status == .ok)

                // The first rule matches: nothing tried before it.
                let manhole = try await explain(
                    api, admin,
                    [
                        "category": "C0101", "grade": "urgent", "source": "gridWorker",
                        "lat": d.pointInStreet1.lat, "lng": d.pointInStreet1.lng, "at": Self.mondayMorning,
                    ])
                #expect(manhole.status == .ok, "\(manhole.text)")
                let m = try manhole.json()
                #expect(m["basis"] as? String == "rule")
                #expect((m["matched"] as? [String: Any])?["id"] as? String == "manhole-urgent")
                #expect((m["tried"] as? [Any])?.isEmpty == true)
                #expect(m["level"] as? String == "district")
                #expect(m["whistle"] as? Bool == true)
                #expect(m["deadlineProfile"] as? String == "urgent")
                #expect((m["lead"] as? [String: Any])?["code"] as? String == "SWJ")
                #expect((m["lead"] as? [String: Any])?["name"] as? String == "区水务局")
                #expect((m["grid"] as? [String: Any])?["code"] as? String == d.unitGrid1)
                #expect((m["chain"] as? [[String: Any]])?.map { $0["code"] as? String } == [d.division, d.street1, d.community1, d.basicGrid1, d.unitGrid1])
                #expect((m["categoryChain"] as? [[String: Any]])?.map { $0["code"] as? String } == ["C", "C01", "C0101"])
                #expect(int64((m["ruleSet"] as? [String: Any])?["number"]) == 1)
                let deadlines = try #require(m["deadlines"] as? [[String: Any]])
                #expect(deadlines.map { $0["stage"] as? String } == ["dispatch", "sign", "handle", "check", "verify"])
                let dispatch = try #require(deadlines.first)
                #expect(int64((dispatch["limit"] as? [String: Any])?["amount"]) == 10, "the rule's urgent profile")
                #expect(dispatch["due"] as? String == "2026-11-23T10:10:00+08:00", "\(dispatch)")
                let handle = deadlines[2]
                #expect((handle["limit"] as? [String: Any])?["unit"] as? String == "minutes", "the item's urgent limit: 360 minutes")

                // A later rule: the earlier one is about another item, so it is only counted …
                let question: [String: Any] = [
                    "category": "E0102", "grade": "general", "source": "hotline",
                    "lat": street2Point.lat, "lng": street2Point.lng, "at": Self.mondayMorning,
                ]
                let brief = try await explain(api, admin, question).json()
                #expect((brief["matched"] as? [String: Any])?["id"] as? String == "garbage-hotline")
                #expect((brief["tried"] as? [Any])?.isEmpty == true)
                #expect(int64(brief["otherCategories"]) == 1)
                // … unless every rule is asked for: then each is listed with why it did not match.
                var everything = question
                everything["allRules"] = true
                let garbage = try await explain(api, admin, everything)
                let g = try garbage.json()
                #expect((g["matched"] as? [String: Any])?["id"] as? String == "garbage-hotline", "\(garbage.text)")
                #expect(int64(g["otherCategories"]) == 0)
                let tried = try #require(g["tried"] as? [[String: Any]])
                #expect(tried.map { $0["id"] as? String } == ["manhole-urgent"])
                let misses = try #require(tried.first?["misses"] as? [[String: Any]])
                #expect(misses.map { $0["condition"] as? String } == ["categories", "grades"])
                #expect((misses.first?["reason"] as? String)?.contains("E0102") == true)
                #expect(containsCJK(misses.first?["reason"] as? String ?? ""), "Chinese by default")
                #expect((g["lead"] as? [String: Any])?["type"] as? String == "street")
                #expect((g["lead"] as? [String: Any])?["code"] as? String == d.street2, "the territorial street of the location")
                #expect(g["assisting"] as? [String] == ["CGW"])

                // English on request.
                let english = try await api.send(
                    .post, "/v1/routing/explain", token: admin,
                    json: jsonString([
                        "category": "E0102", "grade": "general", "source": "resident", "lat": street2Point.lat, "lng": street2Point.lng,
                    ]), headers: [.acceptLanguage: "en"])
                let englishTried = try #require(try english.json()["tried"] as? [[String: Any]])
                let hotlineRule = englishTried.first { $0["id"] as? String == "garbage-hotline" }
                let reason = (hotlineRule?["misses"] as? [[String: Any]])?.first?["reason"] as? String ?? ""
                #expect(reason.contains("source resident"), "\(english.text)")

                // Keywords and areas: only in street 2, only with the words.
                let building =
                    ["category": "E0101", "grade": "general", "lat": street2Point.lat, "lng": street2Point.lng, "at": Self.mondayMorning] as [String: Any]
                var withWords = building
                withWords["description"] = "楼顶违建正在施工"
                #expect((try await explain(api, admin, withWords).json()["matched"] as? [String: Any])?["id"] as? String == "street2-buildings")
                let withoutWords = try await explain(api, admin, building).json()
                #expect(withoutWords["basis"] as? String == "duty", "no rule matched: the duty list decides")
                #expect((withoutWords["lead"] as? [String: Any])?["code"] as? String == "CGW", "street 2 is covered by the district row only")
                #expect((withoutWords["tried"] as? [[String: Any]])?.map { $0["id"] as? String } == ["street2-buildings"])
                #expect(int64(withoutWords["otherCategories"]) == 2)
                #expect(((withoutWords["tried"] as? [[String: Any]])?.last?["misses"] as? [[String: Any]])?.map { $0["condition"] as? String } == ["keywords"])

                // No duty row and no item lead: the street that owns the location.
                let lamp = try await explain(api, admin, ["category": "C0118", "grade": "general", "lat": street2Point.lat, "lng": street2Point.lng])
                #expect(try lamp.json()["basis"] as? String == "territorial", "\(lamp.text)")
                #expect((try lamp.json()["lead"] as? [String: Any])?["code"] as? String == d.street2)

                // The draft can be asked before it is published; a retired version by number.
                expectProblem(
                    try await explain(
                        api, admin, ["category": "C0101", "grade": "urgent", "lat": street2Point.lat, "lng": street2Point.lng, "ruleSet": "draft"]),
                    .notFound, "rules.notFound")
                #expect(
                    try await explain(api, admin, ["category": "C0101", "grade": "urgent", "lat": street2Point.lat, "lng": street2Point.lng, "ruleSet": "1"])
                        .status == .ok)

                // Bad questions.
                let far = try await explain(api, admin, ["category": "C0101", "lat": 31.2, "lng": 121.5])
                #expect(far.status.code == 404 || far.status.code == 422, "\(far.text)")
                let unknown = try await explain(api, admin, ["category": "X1", "lat": d.pointInStreet1.lat, "lng": d.pointInStreet1.lng])
                expectProblem(unknown, .badRequest, "validation.failed")
                #expect(unknown.fieldErrorCodes == ["category.unknown"], "\(unknown.text)")
                #expect(unknown.text.contains("X1"))
                let classCode = try await explain(api, admin, ["category": "C01", "lat": d.pointInStreet1.lat, "lng": d.pointInStreet1.lng])
                #expect(classCode.fieldErrorCodes == ["category.notItem"], "\(classCode.text)")
                let badGrade = try await explain(api, admin, ["category": "C0101", "grade": "huge", "lat": d.pointInStreet1.lat, "lng": d.pointInStreet1.lng])
                #expect(badGrade.fieldErrorCodes == ["grade.unknown"], "\(badGrade.text)")
                #expect(badGrade.text.contains("urgent"))
                let badSource = try await explain(
                    api, admin, ["category": "C0101", "source": "pigeon", "lat": d.pointInStreet1.lat, "lng": d.pointInStreet1.lng])
                #expect(badSource.status == .badRequest, "\(badSource.text)")
                #expect(badSource.text.contains("pigeon"))
                let badChoice = try await explain(
                    api, admin, ["category": "C0101", "ruleSet": "latest", "lat": d.pointInStreet1.lat, "lng": d.pointInStreet1.lng])
                #expect(badChoice.fieldErrorFields == ["ruleSet"], "\(badChoice.text)")
            }
        }
    }

    @Test func explainIsScopedLikeLocate() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            let password = try await db.makeUser(tenantId: d.tenantId, login: "s1", role: .dispatcher, scope: d.street1)
            let street2Point = try #require(d.district.cellCentre(2, 0))
            try await withAPI(db) { api in
                let token = try await api.login(tenant: d.code, login: "s1", password: password)
                let inside = try await explain(api, token, ["category": "E0102", "lat": d.pointInStreet1.lat, "lng": d.pointInStreet1.lng])
                #expect(inside.status == .ok, "\(inside.text)")
                #expect(try inside.json()["basis"] as? String == "territorial")
                expectProblem(
                    try await explain(api, token, ["category": "E0102", "lat": street2Point.lat, "lng": street2Point.lng]), .forbidden, "auth.outOfScope")
            }
        }
    }

    @Test func aTestTableRunsAgainstTheDraftAndNamesEveryDifference() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            let street2Point = try #require(d.district.cellCentre(2, 0))
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                #expect(try await api.send(.put, "/v1/routing/draft", token: admin, json: Self.rules(d)).status == .ok)
                let p1 = d.pointInStreet1, p2 = street2Point
                let table = """
                    事项编码,等级,来源,纬度,经度,描述,上报时间,期望规则,期望主办,期望层级
                    C0101,urgent,gridWorker,\(p1.lat),\(p1.lng),,\(Self.mondayMorning),manhole-urgent,SWJ,district
                    E0102,general,hotline,\(p2.lat),\(p2.lng),,,garbage-hotline,@territorial,street
                    E0101,general,gridWorker,\(p2.lat),\(p2.lng),违建,,street2-buildings,ZJW,
                    C0118,general,,\(p1.lat),\(p1.lng),,,territorial,@territorial,street
                    C0101,general,gridWorker,\(p1.lat),\(p1.lng),,,manhole-urgent,SWJ,district
                    E9999,,,\(p1.lat),\(p1.lng),,,,,
                    """
                let run = try await api.sendCSV(.post, "/v1/routing/test", token: admin, table)
                #expect(run.status == .ok, "\(run.text)")
                let body = try run.json()
                #expect(int64(body["passed"]) == 4)
                #expect(int64(body["failed"]) == 2)
                let results = try #require(body["results"] as? [[String: Any]])
                #expect(results.map { $0["passed"] as? Bool } == [true, true, true, true, false, false])
                let wrong = try #require(results[4]["differences"] as? [String])
                #expect(wrong.contains { $0.contains("expected manhole-urgent") }, "\(wrong)")
                #expect(results[4]["line"] as? String == "line 6")
                #expect((results[5]["differences"] as? [String])?.first?.contains("category.unknown") == true)
                // Against the published set (none yet) only the fallbacks decide: the one line expecting
                // the territorial street passes.
                let published = try await api.sendCSV(.post, "/v1/routing/test?ruleSet=published", token: admin, table)
                #expect(
                    (try published.json()["results"] as? [[String: Any]])?.map { $0["passed"] as? Bool } == [false, false, false, true, false, false],
                    "\(published.text)")
                let missing = try await api.sendCSV(.post, "/v1/routing/test", token: admin, "事项编码,纬度\nC0101,39.9\n")
                #expect(missing.fieldErrorCodes == ["csv.column.missing"], "\(missing.text)")
            }
        }
    }

    @Test func changesAreAuditedWithTheirAuthorAndBeforeAndAfter() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                #expect(try await api.send(.put, "/v1/routing/draft", token: admin, json: Self.rules(d)).status == .ok)
                #expect(try await api.send(.post, "/v1/routing/draft/publish", token: admin).status == .ok)
                #expect(try await api.sendCSV(.post, "/v1/catalog", token: admin, "编码,上级编码,名称,类型,等级时限\nE0102,E01,暴露垃圾（改）,事件,general:一般:4工作小时\n").status == .ok)
                #expect(
                    try await api.send(
                        .put, "/v1/duties", token: admin, json: jsonString(["duties": [["categoryCode": "E01", "areaCode": d.division, "department": "CGW"]]])
                    ).status == .ok)

                let rules = try await api.get("/v1/audit?entity=ruleSet", token: admin)
                #expect(rules.status == .ok, "\(rules.text)")
                let entries = try #require(try rules.json()["items"] as? [[String: Any]])
                #expect(entries.map { $0["action"] as? String } == ["publish", "create"], "newest first")
                #expect(entries.allSatisfy { $0["actor"] as? String == "admin" })
                #expect((entries[1]["after"] as? [String: Any])?["rules"] != nil)
                #expect(entries[1]["before"] == nil)

                let categories = try #require(try await api.get("/v1/audit?entity=category", token: admin).json()["items"] as? [[String: Any]])
                let change = try #require(categories.first { $0["entityKey"] as? String == "E0102" && $0["action"] as? String == "update" })
                #expect((change["before"] as? [String: Any])?["name"] as? String == "暴露垃圾")
                #expect((change["after"] as? [String: Any])?["name"] as? String == "暴露垃圾（改）")
                #expect(change["actor"] as? String == "admin")
                let duties = try #require(try await api.get("/v1/audit?entity=dutyList", token: admin).json()["items"] as? [[String: Any]])
                #expect(duties.count == 1)

                // The audit log is for the tenant admin.
                let password = try await db.makeUser(tenantId: d.tenantId, login: "gw", role: .gridWorker, scope: d.basicGrid1)
                let worker = try await api.login(tenant: d.code, login: "gw", password: password)
                expectProblem(try await api.get("/v1/audit", token: worker), .forbidden, "auth.actionNotAllowed")
            }
        }
    }
}
