import Foundation
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

extension CaseHTTPTests {
    /// A path that names no endpoint is 404, whatever part of it is wrong; a body's errors speak
    /// of JSON values and allowed values, never of Swift types or initialisers.
    @Test func unknownPathsAre404AndErrorsNeverShowSwiftInternals() async throws {
        try await withDesk { desk, _ in
            let token = desk.token("dispatcher")
            for path in ["/v1/cases/abc", "/v1/nothing"] {
                expectProblem(try await desk.api.get(path, token: token), .notFound, "route.notFound")
            }
            let fly = try await desk.api.send(.post, "/v1/cases/1/actions/fly", token: token, json: "{}")
            expectProblem(fly, .notFound, "route.notFound")
            #expect(fly.text.contains("fly"), "\(fly.text)")
            let rating = try await desk.api.send(.post, "/v1/cases/1/actions/evaluate", token: token, json: #"{"rating": "great"}"#)
            expectProblem(rating, .badRequest, "validation.failed")
            #expect(rating.text.contains("field.notAllowed") && rating.text.contains("great"), "\(rating.text)")
            for body in [#"{"description": {"a": 1}}"#, #"{"description": 5}"#] {
                let wrong = try await desk.api.send(.post, "/v1/cases", token: token, json: body)
                expectProblem(wrong, .badRequest, "validation.failed")
                #expect(wrong.text.contains("字符串"), "\(wrong.text)")
            }
            let english = try await desk.api.send(.post, "/v1/cases", token: token, json: #"{"description": 5}"#, headers: [.acceptLanguage: "en"])
            #expect(english.text.contains("expected a string"), "\(english.text)")
            for answer in [fly, rating, english] {
                for leak in ["Cannot initialize", "Dictionary<", "Int64", "String value", "Swift."] {
                    #expect(!answer.text.contains(leak), "\(leak) in \(answer.text)")
                }
            }
        }
    }
}
