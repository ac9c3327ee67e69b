import Foundation
import GridCore
import GridHTTP
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `gridgov demo seed`: a district people can log in to and route reports in at once.
@Suite struct DemoHTTPTests {
    @Test func theDemoDistrictRoutesByItsPublishedRulesAndDutyList() async throws {
        try await TestDatabase.with { db in
            let district = DemoDistrict(
                divisionCode: "110199", streets: 2, communitiesPerStreet: 2, basicGridsPerCommunity: 1, unitGridsPerBasicGrid: 2,
                origin: (116.20, 39.90))
            let seeded = try await db.service.seedDemo(code: "DEMO", name: "演示区", district: district)
            #expect(seeded.created)
            let again = try await db.service.seedDemo(code: "DEMO", name: "演示区", district: district)
            #expect(!again.created, "a second seed finds the district and changes nothing")

            let dispatcher = try #require(seeded.users.first { $0.login == "dispatcher" })
            let inStreet1 = try #require(district.cellCentre(0, 0)), inStreet2 = try #require(district.cellCentre(district.latticeSize.columns - 1, 0))
            try await withAPI(db) { api in
                // The printed password is one-time: the first session changes it before anything else (README's "try it").
                let token = try await api.login(tenant: "DEMO", login: "dispatcher", password: dispatcher.password)
                expectProblem(try await api.get("/v1/routing/published", token: token), .forbidden, "auth.passwordChangeRequired")
                let changed = try await api.send(
                    .post, "/v1/auth/password", token: token,
                    json: jsonString(["currentPassword": dispatcher.password, "newPassword": "my-own-password"]))
                #expect(changed.status == .noContent, "\(changed.text)")
                let published = try await api.get("/v1/routing/published", token: token)
                #expect(published.status == .ok, "\(published.text)")
                #expect(int64((try published.json()["summary"] as? [String: Any])?["ruleCount"]) == 6)

                func explain(_ category: String, _ grade: String?, _ point: Coordinate, source: String = "gridWorker", description: String = "") async throws
                    -> [String: Any]
                {
                    var body: [String: Any] = [
                        "category": category, "lat": point.lat, "lng": point.lng, "source": source, "description": description,
                        "at": "2026-11-23T10:00:00+08:00",
                    ]
                    if let grade { body["grade"] = grade }
                    let response = try await api.send(.post, "/v1/routing/explain", token: token, json: jsonString(body))
                    #expect(response.status == .ok, "\(category): \(response.text)")
                    return try response.json()
                }
                let fire = try await explain("E0406", nil, inStreet1)
                #expect((fire["matched"] as? [String: Any])?["id"] as? String == "fire")
                #expect((fire["lead"] as? [String: Any])?["code"] as? String == "XFZD")
                #expect(fire["whistle"] as? Bool == true)

                let garbage = try await explain("E0102", "general", inStreet2)
                #expect((garbage["matched"] as? [String: Any])?["id"] as? String == "garbage-community")
                #expect(garbage["level"] as? String == "community")
                #expect((garbage["lead"] as? [String: Any])?["code"] as? String == "110199002")

                // No rule for accumulated waste: the duty list, whose street-1 row beats the district row.
                let waste1 = try await explain("E0103", "general", inStreet1)
                #expect(waste1["basis"] as? String == "duty")
                #expect((waste1["lead"] as? [String: Any])?["code"] as? String == "110199001-CGK")
                let waste2 = try await explain("E0103", "general", inStreet2)
                #expect((waste2["lead"] as? [String: Any])?["code"] as? String == "CGW")

                let vendor = try await explain("E0501", "general", inStreet1, description: "路边售卖熟食")
                #expect((vendor["matched"] as? [String: Any])?["id"] as? String == "food-vendors")
                #expect(vendor["assisting"] as? [String] == ["SCJGJ"])
            }
        }
    }
}
