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

/// A small district with the departments routing tests name: four district departments and the
/// street office of street 1.
func seedRoutingDistrict(_ db: TestDatabase, code: String = "HD", division: String = "110108") async throws -> SmallDistrict {
    let d = try await db.seedSmallDistrict(code: code, division: division)
    for (dept, name) in [("CGW", "区城市管理委员会"), ("SWJ", "区水务局"), ("ZJW", "区住房和城乡建设委员会"), ("XFZD", "区消防救援支队"), ("STHJJ", "区生态环境局")] {
        _ = try await db.service.createDepartment(.operator, tenantId: d.tenantId, code: dept, name: name, kind: .district, unitCode: nil)
    }
    _ = try await db.service.createDepartment(.operator, tenantId: d.tenantId, code: "S1-CGK", name: "一街道城管科", kind: .streetOffice, unitCode: d.street1)
    return d
}

extension API {
    /// Sends a CSV body.
    @discardableResult
    func sendCSV(_ method: HTTPRequest.Method, _ uri: String, token: String, bytes: [UInt8]) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        headers[.contentType] = "text/csv; charset=utf-8"
        return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    func sendCSV(_ method: HTTPRequest.Method, _ uri: String, token: String, _ text: String) async throws -> TestResponse {
        try await sendCSV(method, uri, token: token, bytes: Array(text.utf8))
    }
}

/// The problem list and the duty list over HTTP: the bundled national list, CSV and JSON import and
/// export round trips, all-or-nothing imports with row-precise errors, and who may change them.
@Suite struct CatalogHTTPTests {
    @Test func everyNewDistrictStartsWithTheNationalList() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            let worker = try await db.makeUser(tenantId: d.tenantId, login: "worker", role: .gridWorker, scope: d.basicGrid1)
            try await withAPI(db) { api in
                let token = try await api.login(tenant: d.code, login: "worker", password: worker)
                let item = try await api.get("/v1/catalog/categories/E0101", token: token)
                #expect(item.status == .ok, "\(item.text)")
                let body = try item.json()
                #expect(body["name"] as? String == "私搭乱建")
                #expect(body["parentCode"] as? String == "E01")
                #expect(body["kind"] as? String == "event")
                #expect(body["public"] as? Bool == true)
                let grades = try #require(body["grades"] as? [[String: Any]])
                #expect(grades.map { $0["key"] as? String } == ["urgent", "general"])
                #expect((grades[0]["limit"] as? [String: Any])?["unit"] as? String == "workHours")

                #expect(body["standardsArePlaceholders"] as? Bool == false)
                let lamp = try await api.get("/v1/catalog/categories/C0118", token: token).json()
                #expect(lamp["name"] as? String == "路灯")
                #expect(lamp["standardsArePlaceholders"] as? Bool == true, "the template standards of a component item are marked")

                let children = try await api.get("/v1/catalog/categories?parent=C01&limit=3", token: token)
                #expect(children.status == .ok, "\(children.text)")
                let page = try children.json()
                #expect((page["items"] as? [[String: Any]])?.map { $0["code"] as? String } == ["C0101", "C0102", "C0103"])
                let next = try #require(page["nextCursor"] as? String)
                let rest = try await api.get("/v1/catalog/categories?parent=C01&limit=3&cursor=\(next)", token: token)
                #expect((try rest.json()["items"] as? [[String: Any]])?.first?["code"] as? String == "C0104")

                let roots = try await api.get("/v1/catalog/categories", token: token)
                #expect((try roots.json()["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String }.sorted() == ["C", "E"])

                expectProblem(try await api.get("/v1/catalog/categories/X9999", token: token), .notFound, "category.notFound")
                expectProblem(try await api.get("/v1/catalog/categories?parent=X9", token: token), .notFound, "category.notFound")
                // Loading the standard list again is for the tenant admin, and changes nothing.
                expectProblem(try await api.send(.post, "/v1/catalog/load-standard", token: token), .forbidden, "auth.actionNotAllowed")
                let admin = try await api.adminToken(d)
                let again = try await api.send(.post, "/v1/catalog/load-standard", token: admin)
                #expect(again.status == .ok, "\(again.text)")
                #expect(int64(try again.json()["inserted"]) == 0)
                #expect(int64(try again.json()["updated"]) == 0)
            }
        }
    }

    @Test func theCatalogSurvivesCSVAndJSONRoundTrips() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let csv = try await api.get("/v1/catalog?format=csv", token: admin)
                #expect(csv.status == .ok, "\(csv.text)")
                #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
                let bytes = Array(csv.body.readableBytesView)
                #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "CSV for Excel starts with a BOM")
                let table = try CSVTable.parse(Data(bytes))
                #expect(table.rows.count >= 70, "the national list: 2 roots, 12 classes, their items")
                #expect(table.rows.contains { $0.fields.first == "E0102" && $0.fields[2] == "暴露垃圾" })

                let back = try await api.sendCSV(.post, "/v1/catalog", token: admin, bytes: bytes)
                #expect(back.status == .ok, "\(back.text)")
                #expect(int64(try back.json()["unchanged"]) == Int64(table.rows.count))
                #expect(int64(try back.json()["inserted"]) == 0)
                #expect(int64(try back.json()["updated"]) == 0)

                let json = try await api.get("/v1/catalog", token: admin)
                #expect(json.status == .ok)
                let categories = try #require(try json.json()["categories"] as? [[String: Any]])
                #expect(categories.count == table.rows.count)
                let jsonBack = try await api.send(.post, "/v1/catalog", token: admin, json: json.text)
                #expect(jsonBack.status == .ok, "\(jsonBack.text)")
                #expect(int64(try jsonBack.json()["unchanged"]) == Int64(categories.count))
            }
        }
    }

    @Test func aCSVWithChineseHeadersExtendsTheList() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let csv = """
                    编码,上级编码,名称,类型,是否公开,立案标准,等级时限,主办部门,协办部门,处置层级
                    E07,E,社区治理,事件,否,,,,,
                    E0701,E07,共享单车乱停放,事件,是,"占用盲道、消防通道的共享单车",general:一般:2工作日；urgent:紧急:90分钟,CGW,ZJW、SWJ,社区

                    """
                let imported = try await api.sendCSV(.post, "/v1/catalog", token: admin, csv)
                #expect(imported.status == .ok, "\(imported.text)")
                #expect(int64(try imported.json()["inserted"]) == 2)
                let item = try await api.get("/v1/catalog/categories/E0701", token: admin)
                let body = try item.json()
                #expect(body["name"] as? String == "共享单车乱停放")
                #expect(body["filingStandard"] as? String == "占用盲道、消防通道的共享单车")
                #expect(body["leadDepartment"] as? String == "CGW")
                #expect(body["assistingDepartments"] as? [String] == ["ZJW", "SWJ"])
                #expect(body["defaultLevel"] as? String == "community")
                let grades = try #require(body["grades"] as? [[String: Any]])
                #expect(grades.map { $0["name"] as? String } == ["一般", "紧急"])
                #expect(grades.map { ($0["limit"] as? [String: Any])?["unit"] as? String } == ["workDays", "minutes"])
                #expect(grades.map { int64(($0["limit"] as? [String: Any])?["amount"]) } == [2, 90])
                // The same file again changes nothing; a changed name is one update.
                #expect(int64(try await api.sendCSV(.post, "/v1/catalog", token: admin, csv).json()["unchanged"]) == 2)
                let renamed = try await api.sendCSV(.post, "/v1/catalog", token: admin, "编码,上级编码,名称,类型\r\nE07,E,社区治理事项,事件\r\n")
                #expect(int64(try renamed.json()["updated"]) == 1, "\(renamed.text)")
            }
        }
    }

    @Test func aFailedImportChangesNothingAndNamesRowAndField() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                func count() async throws -> Int { try #require(try await api.get("/v1/catalog", token: admin).json()["categories"] as? [Any]).count }
                let before = try await count()

                let unknownParent = try await api.sendCSV(
                    .post, "/v1/catalog", token: admin,
                    """
                    编码,上级编码,名称,类型,等级时限,主办部门
                    E0108,E01,新事项,事件,general:一般:3工作日,CGW
                    E0109,E99,无上级,事件,general:一般:3工作日,CGW
                    E0110,E01,未知部门,事件,general:一般:3工作日,NOPE
                    """)
                expectProblem(unknownParent, .badRequest, "validation.failed")
                let fields = unknownParent.fieldErrorFields
                #expect(fields.contains { $0.hasPrefix("line 3") && $0.contains("parentCode") }, "\(unknownParent.text)")
                #expect(fields.contains { $0.hasPrefix("line 4") && $0.contains("leadDepartment") }, "\(unknownParent.text)")
                #expect(unknownParent.text.contains("E99") && unknownParent.text.contains("NOPE"))
                // A limit without a unit, and a kind that is not one.
                let noUnit = try await api.sendCSV(
                    .post, "/v1/catalog", token: admin,
                    """
                    编码,上级编码,名称,类型,等级时限
                    E0108,E01,新事项,事件,general:一般:3工作日
                    E0111,E01,缺单位,事件,general:一般:3
                    E0112,E01,错类型,事故,general:一般:3工作日
                    """)
                #expect(noUnit.fieldErrorFields == ["line 3, grades", "line 4, kind"], "\(noUnit.text)")
                #expect(noUnit.fieldErrorCodes == ["catalog.grade", "field.unknownValue"], "\(noUnit.text)")
                expectProblem(try await api.get("/v1/catalog/categories/E0108", token: admin), .notFound, "category.notFound")

                // A parent cycle through stored entries.
                let cycle = try await api.send(
                    .post, "/v1/catalog", token: admin,
                    json: jsonString([
                        "categories": [
                            ["code": "E01", "parentCode": "E0101", "name": "市容环境", "kind": "event"]
                        ]
                    ]))
                expectProblem(cycle, .badRequest, "validation.failed")
                #expect(cycle.fieldErrorCodes.contains { $0.contains("cycle") }, "\(cycle.text)")

                // Not UTF-8 (GBK), a missing column, a header only.
                let gbk = try await api.sendCSV(
                    .post, "/v1/catalog", token: admin, bytes: Array("code,name,kind\nE0112,".utf8) + [0xB4, 0xEE, 0x2C] + Array("event\n".utf8))
                expectProblem(gbk, .badRequest, "validation.failed")
                #expect(gbk.fieldErrorCodes == ["csv.encoding"])
                #expect(gbk.fieldErrorFields == ["line 2"])
                let missing = try await api.sendCSV(.post, "/v1/catalog", token: admin, "编码,名称\nE0112,无类型\n")
                #expect(missing.fieldErrorCodes == ["csv.column.missing"], "\(missing.text)")
                #expect(missing.text.contains("kind"))
                // Wrong content type.
                let text = try await api.send(.post, "/v1/catalog", token: admin, json: "x", headers: [.contentType: "text/plain"])
                #expect(text.status.code == 415 || text.status.code == 400, "\(text.text)")
                #expect(try await count() == before)
            }
        }
    }

    @Test func onlyTheTenantAdminChangesTheLists() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            let password = try await db.makeUser(tenantId: d.tenantId, login: "disp", role: .dispatcher, scope: d.division)
            try await withAPI(db) { api in
                let token = try await api.login(tenant: d.code, login: "disp", password: password)
                #expect(try await api.get("/v1/duties", token: token).status == .ok)
                #expect(try await api.get("/v1/catalog", token: token).status == .ok)
                expectProblem(try await api.sendCSV(.post, "/v1/catalog", token: token, "编码,名称,类型\nE0112,x,事件\n"), .forbidden, "auth.actionNotAllowed")
                expectProblem(try await api.send(.put, "/v1/duties", token: token, json: #"{"duties": []}"#), .forbidden, "auth.actionNotAllowed")
                expectProblem(
                    try await api.send(.put, "/v1/routing/draft", token: token, json: #"{"document": {"rules": []}}"#), .forbidden, "auth.actionNotAllowed")
                expectProblem(try await api.send(.put, "/v1/calendar", token: token, json: "{}"), .forbidden, "auth.actionNotAllowed")
                expectProblem(try await api.get("/v1/catalog"), .unauthorized, "auth.required")
            }
        }
    }

    // MARK: duty list

    @Test func theDutyListIsReplacedWholeAndReadBackPerDepartment() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let csv = """
                    \u{FEFF}事项编码,区域编码,责任部门,法律依据
                    E01,\(d.division),CGW,《城市市容和环境卫生管理条例》
                    E01,\(d.street1),S1-CGK,街道属地
                    C01,\(d.division),SWJ,

                    """
                let put = try await api.sendCSV(.put, "/v1/duties", token: admin, csv)
                #expect(put.status == .ok, "\(put.text)")
                #expect(int64(try put.json()["rows"]) == 3)

                let all = try await api.get("/v1/duties", token: admin)
                let rows = try #require(try all.json()["duties"] as? [[String: Any]])
                #expect(rows.count == 3)
                #expect(rows.contains { $0["categoryCode"] as? String == "E01" && $0["department"] as? String == "S1-CGK" && $0["note"] as? String == "街道属地" })
                let mine = try await api.get("/v1/duties?department=SWJ", token: admin)
                #expect((try mine.json()["duties"] as? [[String: Any]])?.map { $0["categoryCode"] as? String } == ["C01"])
                expectProblem(try await api.get("/v1/duties?department=NOPE", token: admin), .notFound, "department.notFound")

                // Export as CSV, put it back: the same three rows.
                let exported = try await api.get("/v1/duties?format=csv", token: admin)
                let again = try await api.sendCSV(.put, "/v1/duties", token: admin, bytes: Array(exported.body.readableBytesView))
                #expect(int64(try again.json()["rows"]) == 3, "\(again.text)")
                #expect((try await api.get("/v1/duties", token: admin).json()["duties"] as? [[String: Any]])?.count == 3)

                // Unknown codes and a duplicate row: every problem named, the list unchanged.
                let bad = try await api.send(
                    .put, "/v1/duties", token: admin,
                    json: jsonString([
                        "duties": [
                            ["categoryCode": "E02", "areaCode": d.division, "department": "CGW"],
                            ["categoryCode": "E99", "areaCode": d.division, "department": "CGW"],
                            ["categoryCode": "E02", "areaCode": "110108999", "department": "NOPE"],
                            ["categoryCode": "E02", "areaCode": d.division, "department": "ZJW"],
                        ]
                    ]))
                expectProblem(bad, .badRequest, "validation.failed")
                let fields = bad.fieldErrorFields
                #expect(fields.contains("duties[1].categoryCode"), "\(fields)")
                #expect(fields.contains("duties[2].areaCode"), "\(fields)")
                #expect(fields.contains("duties[2].department"), "\(fields)")
                #expect(fields.contains { $0.hasPrefix("duties[3]") }, "a second owner of the same item and area: \(fields)")
                let missingColumn = try await api.sendCSV(.put, "/v1/duties", token: admin, "事项编码,责任部门\nE01,CGW\n")
                #expect(missingColumn.fieldErrorCodes == ["csv.column.missing"], "\(missingColumn.text)")
                #expect((try await api.get("/v1/duties", token: admin).json()["duties"] as? [[String: Any]])?.count == 3)
            }
        }
    }

    // MARK: calendar

    @Test func theCalendarIsVersionedAndValidated() async throws {
        try await TestDatabase.with { db in
            let d = try await seedRoutingDistrict(db)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let initial = try await api.get("/v1/calendar", token: admin)
                #expect(initial.status == .ok, "\(initial.text)")
                #expect(eTagVersion(initial) == 0)
                let days = try #require(try initial.json()["days"] as? [[String: Any]])
                #expect(days.contains { $0["date"] as? String == "2026-02-17" && $0["type"] as? String == "holiday" }, "春节 2026 is in the default calendar")
                #expect(days.contains { $0["date"] as? String == "2026-02-14" && $0["type"] as? String == "workday" }, "调休 Saturday 2026-02-14")

                let twice = try await api.send(
                    .put, "/v1/calendar", token: admin,
                    json: """
                        {"days": [{"date": "2027-01-01", "type": "holiday"}, {"date": "2027-01-01", "type": "workday"}]}
                        """)
                expectProblem(twice, .badRequest, "validation.failed")
                #expect(twice.text.contains("2027-01-01"))
                #expect(twice.fieldErrorFields.contains { $0.hasPrefix("days[1]") }, "\(twice.text)")
                let makeUpOnAWeekday = try await api.send(.put, "/v1/calendar", token: admin, json: #"{"days": [{"date": "2027-01-04", "type": "workday"}]}"#)
                expectProblem(makeUpOnAWeekday, .badRequest, "validation.failed")
                expectProblem(
                    try await api.send(.put, "/v1/calendar", token: admin, json: "{}", headers: [.ifMatch: "\"7\""]),
                    .preconditionFailed, "version.mismatch")

                let document =
                    #"{"weekdays": [1,2,3,4,5], "hours": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}], "trafficLight": {"yellow": 0.7, "red": 1.0}, "days": [{"date": "2027-01-01", "type": "holiday", "name": "元旦"}]}"#
                let saved = try await api.send(.put, "/v1/calendar", token: admin, json: document, headers: [.ifMatch: "\"0\""])
                #expect(saved.status == .ok, "\(saved.text)")
                let version = try #require(eTagVersion(saved))
                #expect(version >= 1)
                let read = try await api.get("/v1/calendar", token: admin)
                #expect(eTagVersion(read) == version)
                #expect((try read.json()["hours"] as? [[String: Any]])?.first?["start"] as? String == "09:00")
                expectProblem(
                    try await api.send(.put, "/v1/calendar", token: admin, json: document, headers: [.ifMatch: "\"0\""]),
                    .preconditionFailed, "version.mismatch")

                let national = try await api.send(.post, "/v1/calendar/national/2026", token: admin)
                #expect(national.status == .ok, "\(national.text)")
                let merged = try #require(try national.json()["days"] as? [[String: Any]])
                #expect(merged.contains { $0["date"] as? String == "2027-01-01" }, "other years are kept")
                #expect(merged.contains { $0["date"] as? String == "2026-10-01" })
                expectProblem(try await api.send(.post, "/v1/calendar/national/1990", token: admin), .notFound, "calendar.national.unknownYear")
                #expect(try await api.send(.post, "/v1/calendar/national/0", token: admin).fieldErrorCodes == ["field.outOfRange"])
            }
        }
    }
}
