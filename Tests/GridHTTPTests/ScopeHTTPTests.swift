import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A case outside a user's scope does not exist for them: whatever path they take to it (reading,
/// history, photos, actions, an assisting task, a merge naming it), the answer is the one a missing
/// case gets, and nothing of it (number, state) shows in an answer or a notification.
@Suite struct ScopeHTTPTests {
    /// Users of street 1 only (the demo's street dispatcher, viewer, grid worker and community chief).
    static let streetOneUsers = ["street.dispatcher", "viewer", "gridworker", "community.chief"]
    /// An id no case has.
    static let missingId: Int64 = 987_654_321

    static var pointInStreet2: Coordinate {
        CaseHTTPTests.district.cellCentre(CaseHTTPTests.district.latticeSize.columns - 1, 0)!
    }

    /// A case the district dispatcher reports in street 2: (id, number).
    static func streetTwoCase(_ desk: CaseHTTPTests.Desk, _ description: String = "二街道井盖缺失") async throws -> (id: Int64, number: String) {
        let created = try await desk.report("dispatcher", CaseHTTPTests.intake(description, point: pointInStreet2))
        #expect(created.status == .created, "\(created.text)")
        let body = try #require(try created.json()["case"] as? [String: Any])
        return (try #require(int64(body["id"])), try #require(body["number"] as? String))
    }

    /// A problem body without what differs between any two answers (the request id).
    static func shape(_ response: TestResponse) throws -> String {
        var body = try response.json()
        body["requestId"] = nil
        return String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Expects an answer that gives nothing of the case away: neither its number nor its state.
    static func expectNothingOf(
        _ number: String, _ states: [CaseState], in response: TestResponse, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!response.text.contains(number), "\(what) names the hidden case: \(response.text)", sourceLocation: sourceLocation)
        for state in states {
            #expect(
                !response.text.contains(state.label.zh) && !response.text.contains("\"\(state.rawValue)\""),
                "\(what) tells the hidden case's state: \(response.text)", sourceLocation: sourceLocation)
        }
    }

    @Test func aStreetDispatcherCannotMergeIntoACaseOfAnotherStreetNorLearnOfIt() async throws {
        try await CaseHTTPTests().withDesk { desk, _ in
            let own = try await desk.report("gridworker", CaseHTTPTests.intake())
            let ownId = try #require(int64((try own.json()["case"] as? [String: Any])?["id"]))
            let other = try await Self.streetTwoCase(desk)
            // A closed case of street 2 too: its refusal must not say that it is closed, nor its number.
            let closed = try await Self.streetTwoCase(desk, "二街道另一处井盖")
            try await desk.step("dispatcher", closed.id, "notFile", ["reason": "重复上报"], to: "notFiled")

            expectProblem(try await desk.api.get("/v1/cases/\(other.id)", token: desk.token("street.dispatcher")), .notFound, "case.notFound")
            for language in ["zh-CN", "en"] {
                func merge(into target: Int64) async throws -> TestResponse {
                    try await desk.api.send(
                        .post, "/v1/cases/\(ownId)/actions/merge", token: desk.token("street.dispatcher"),
                        json: jsonString(["mergeInto": target]), headers: [.acceptLanguage: language])
                }
                let missing = try await merge(into: Self.missingId)
                expectProblem(missing, .badRequest, "validation.failed")
                #expect(missing.fieldErrorCodes == ["case.notFound"])
                for target in [closed, other] {
                    let hidden = try await merge(into: target.id)
                    expectProblem(hidden, .badRequest, "validation.failed")
                    let expected = try Self.shape(missing).replacingOccurrences(of: "\(Self.missingId)", with: "\(target.id)")
                    #expect(try Self.shape(hidden) == expected, "a case out of scope answers as a missing one: \(hidden.text) vs \(missing.text)")
                    Self.expectNothingOf(target.number, [.notFiled, .reported], in: hidden, "merge into \(target.id) (\(language))")
                }
            }
            let after = try await desk.api.get("/v1/cases/\(ownId)", token: desk.token("dispatcher")).json()
            #expect(after["state"] as? String == "reported")
            #expect(after["version"] as? Int == 1, "nothing was written")
            for login in ["gridworker", "street.dispatcher", "dispatcher", "shift.leader"] {
                let told = try await desk.api.get("/v1/notifications", token: desk.token(login))
                Self.expectNothingOf(other.number, [], in: told, "\(login)'s notifications")
            }
            // Someone who can read both may merge them.
            try await desk.step("dispatcher", ownId, "merge", ["mergeInto": other.id], to: "merged")
        }
    }

    /// A report near a street's border lists the open cases nearby that may be the same problem:
    /// those the reporter may read, not those across the border.
    @Test func duplicateSuggestionsStopAtTheReportersScope() async throws {
        try await CaseHTTPTests().withDesk { desk, db in
            // Walk east along the first row of cells until the located street changes: two points a few metres apart.
            let district = CaseHTTPTests.district
            let west = try #require(district.cellCentre(0, 0)), east = try #require(district.cellCentre(district.latticeSize.columns - 1, 0))
            let street2 = district.divisionCode + "002"
            var previous: Coordinate?
            var pair: (Coordinate, Coordinate)?
            for step in 0...2000 {
                let point = try #require(Coordinate(lng: west.lng + (east.lng - west.lng) * Double(step) / 2000, lat: west.lat))
                let located = try await db.service.locate(.operator, tenantId: desk.tenantId, lat: point.lat, lng: point.lng)
                if located.grid.code.hasPrefix(street2), let previous {
                    pair = (previous, point)
                    break
                }
                previous = point
            }
            let (inStreet1, inStreet2) = try #require(pair, "the first row crosses from street 1 to street 2")

            let other = try #require(try await desk.report("dispatcher", CaseHTTPTests.intake("井盖缺失", point: inStreet2)).json()["case"] as? [String: Any])
            let otherId = try #require(int64(other["id"])), number = try #require(other["number"] as? String)
            let own = try await desk.report("street.dispatcher", CaseHTTPTests.intake("井盖缺失", point: inStreet1))
            #expect(own.status == .created, "\(own.text)")
            #expect((try own.json()["duplicates"] as? [[String: Any]])?.isEmpty == true, "\(own.text)")
            Self.expectNothingOf(number, [], in: own, "a street-1 report's duplicates")
            // The district's dispatcher reads both, and is shown the other.
            let central = try await desk.report("dispatcher", CaseHTTPTests.intake("井盖缺失", point: inStreet1))
            #expect((try central.json()["duplicates"] as? [[String: Any]])?.compactMap { int64($0["id"]) }.contains(otherId) == true, "\(central.text)")
        }
    }

    @Test func aStreetUserGetsNothingOfAnotherStreetsCaseThroughAnyCasePath() async throws {
        try await CaseHTTPTests().withDesk { desk, _ in
            let own = try await desk.report("gridworker", CaseHTTPTests.intake())
            let ownId = try #require(int64((try own.json()["case"] as? [String: Any])?["id"]))
            let other = try await Self.streetTwoCase(desk)
            let photo = try await desk.api.client.execute(
                uri: "/v1/cases/\(other.id)/attachments?kind=before", method: .post,
                headers: [.authorization: "Bearer \(desk.token("dispatcher"))", .contentType: "image/png"],
                body: ByteBuffer(bytes: TestImages.png(width: 4, height: 3)))
            #expect(photo.status == .created, "\(photo.text)")
            let photoId = try #require(int64(try photo.json()["id"]))
            try await desk.step("dispatcher", other.id, "file", to: "filed")
            try await desk.step("dispatcher", other.id, "dispatch", to: "dispatched")
            let states: [CaseState] = [.reported, .filed, .dispatched]

            for login in Self.streetOneUsers {
                let token = desk.token(login)
                var answers: [(String, TestResponse)] = [
                    ("read", try await desk.api.get("/v1/cases/\(other.id)", token: token)),
                    ("events", try await desk.api.get("/v1/cases/\(other.id)/events", token: token)),
                    ("photos", try await desk.api.get("/v1/cases/\(other.id)/attachments", token: token)),
                    ("photo", try await desk.api.get("/v1/cases/\(other.id)/attachments/\(photoId)", token: token)),
                    (
                        "upload",
                        try await desk.api.client.execute(
                            uri: "/v1/cases/\(other.id)/attachments?kind=after", method: .post,
                            headers: [.authorization: "Bearer \(token)", .contentType: "image/png"],
                            body: ByteBuffer(bytes: TestImages.png(width: 2, height: 2)))
                    ),
                ]
                for step in ["sign", "handled"] {
                    answers.append(("assist \(step)", try await desk.api.send(.post, "/v1/cases/\(other.id)/assist/\(step)", token: token, json: "{}")))
                }
                for action in CaseAction.allCases {
                    let body: [String: Any] = [
                        "reason": "理由", "note": "说明", "mergeInto": ownId, "rating": "satisfied",
                        "extensionLimit": ["amount": 1, "unit": "workDays"],
                    ]
                    answers.append(
                        (
                            "\(action.rawValue)",
                            try await desk.api.send(
                                .post, "/v1/cases/\(other.id)/actions/\(action.rawValue)", token: token,
                                json: jsonString(body), headers: [.ifMatch: "\"1\""])
                        ))
                }
                for (what, answer) in answers {
                    expectProblem(answer, .notFound, "case.notFound")
                    Self.expectNothingOf(other.number, states, in: answer, "\(login) \(what)")
                }
                // Naming it from a case of their own: refused as a merge into a missing case (or, for a role that
                // does not merge, for the role), with nothing of it.
                let merge = try await desk.api.send(.post, "/v1/cases/\(ownId)/actions/merge", token: token, json: jsonString(["mergeInto": other.id]))
                if login == "street.dispatcher" {
                    expectProblem(merge, .badRequest, "validation.failed")
                    #expect(merge.fieldErrorCodes == ["case.notFound"], "\(merge.text)")
                } else {
                    expectProblem(merge, .forbidden, "case.transition.roleNotAllowed")
                }
                Self.expectNothingOf(other.number, states, in: merge, "\(login) merge into it")
                let listed = try await desk.api.get("/v1/cases?limit=200", token: token)
                #expect(listed.status == .ok, "\(listed.text)")
                Self.expectNothingOf(other.number, [], in: listed, "\(login)'s case list")
                Self.expectNothingOf(other.number, [], in: try await desk.api.get("/v1/notifications", token: token), "\(login)'s notifications")
            }
            let after = try await desk.api.get("/v1/cases/\(other.id)/events", token: desk.token("dispatcher")).json()
            #expect(
                (after["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["report", "attach", "file", "dispatch"],
                "nothing a street-1 user tried was written")
        }
    }
}
