import Foundation
import GridCore
import GridService
import GridTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Photos of a case: added by the people who work it while it is open, and only when the image's
/// header can be read and gives sane dimensions; the history records them.
@Suite struct AttachmentHTTPTests {
    static func upload(
        _ desk: CaseHTTPTests.Desk, _ token: String, _ caseId: Int64, _ bytes: [UInt8], type: String, kind: String = "before",
        language: String = "zh-CN"
    ) async throws -> TestResponse {
        try await desk.api.client.execute(
            uri: "/v1/cases/\(caseId)/attachments?kind=\(kind)", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: type, .acceptLanguage: language],
            body: ByteBuffer(bytes: bytes))
    }

    static func caseId(_ response: TestResponse) throws -> Int64 {
        try #require(int64((try response.json()["case"] as? [String: Any])?["id"]), "\(response.text)")
    }

    @Test func onlyTheCasesParticipantsAddPhotosAndOnlyWhileItIsOpen() async throws {
        try await CaseHTTPTests().withDesk { desk, db in
            let photo = TestImages.png(width: 8, height: 6)
            // A liaison of a department that neither leads nor assists the case may report anywhere, and read it.
            let password = try await db.makeUser(
                tenantId: desk.tenantId, login: "liaison.scjgj", role: .departmentLiaison, scope: "110199", department: "SCJGJ")
            let outsider = try await desk.api.login(tenant: "DEMO", login: "liaison.scjgj", password: password)

            let led = try Self.caseId(try await desk.report("gridworker", CaseHTTPTests.intake()))
            try await desk.step("dispatcher", led, "file", to: "filed")
            try await desk.step("dispatcher", led, "dispatch", to: "dispatched")
            #expect(try await desk.api.get("/v1/cases/\(led)", token: outsider).status == .ok, "the outsider reads it")
            expectProblem(try await Self.upload(desk, outsider, led, photo, type: "image/png"), .forbidden, "attachment.notAllowed")
            for login in ["viewer", "leader"] {
                expectProblem(try await Self.upload(desk, desk.token(login), led, photo, type: "image/png"), .forbidden, "attachment.notAllowed")
            }
            // The reporter (its grid's worker), the command centre in scope, the lead department's liaison, the community chief.
            for login in ["gridworker", "street.dispatcher", "dispatcher", "liaison.cgw", "community.chief"] {
                let stored = try await Self.upload(desk, desk.token(login), led, photo, type: "image/png")
                #expect(stored.status == .created, "\(login): \(stored.text)")
            }

            // The assisting department's liaison adds photos to the case it assists, and anyone to a case they reported.
            let assisted = try Self.caseId(try await desk.report("dispatcher", CaseHTTPTests.intake("路边售卖熟食，占道经营", category: "E0501")))
            try await desk.step("dispatcher", assisted, "file", to: "filed")
            expectProblem(try await Self.upload(desk, outsider, assisted, photo, type: "image/png"), .forbidden, "attachment.notAllowed")
            try await desk.step("dispatcher", assisted, "dispatch", to: "dispatched")
            #expect(try await Self.upload(desk, outsider, assisted, photo, type: "image/png").status == .created)
            let own = try Self.caseId(try await desk.api.send(.post, "/v1/cases", token: outsider, json: jsonString(CaseHTTPTests.intake("无照经营"))))
            #expect(try await Self.upload(desk, outsider, own, photo, type: "image/png").status == .created)

            // A closed case takes no more photos, nor does one merged into another.
            let done = try Self.caseId(try await desk.report("gridworker", CaseHTTPTests.intake("小广告已清除")))
            try await desk.step("gridworker", done, "selfHandle", ["note": "已清除"], to: "selfHandled")
            #expect(try await Self.upload(desk, desk.token("gridworker"), done, photo, type: "image/png", kind: "after").status == .created)
            try await desk.step("shift.leader", done, "close", to: "closed")
            for language in ["zh-CN", "en"] {
                let late = try await Self.upload(desk, desk.token("gridworker"), done, photo, type: "image/png", kind: "after", language: language)
                expectProblem(late, .conflict, "attachment.caseNotOpen")
                #expect(late.text.contains(language == "en" ? CaseState.closed.label.en : CaseState.closed.label.zh), "\(late.text)")
            }
            let merged = try Self.caseId(try await desk.report("gridworker", CaseHTTPTests.intake("同一处井盖")))
            try await desk.step("dispatcher", merged, "merge", ["mergeInto": led], to: "merged")
            expectProblem(try await Self.upload(desk, desk.token("gridworker"), merged, photo, type: "image/png"), .conflict, "attachment.caseNotOpen")

            let photos = try await desk.api.get("/v1/cases/\(done)/attachments", token: desk.token("dispatcher")).json()["items"] as? [[String: Any]]
            #expect(photos?.count == 1, "only the photo taken while it was open")
        }
    }

    @Test func aPhotoNeedsAReadableHeaderWithSaneDimensions() async throws {
        try await CaseHTTPTests().withDesk { desk, _ in
            let id = try Self.caseId(try await desk.report("gridworker", CaseHTTPTests.intake()))
            let token = desk.token("gridworker")
            let good: [(String, [UInt8], Int, Int)] = [
                ("image/png", TestImages.png(width: 40, height: 30), 40, 30),
                ("image/jpeg", TestImages.jpeg(width: 41, height: 29), 41, 29),
                ("image/jpeg", TestImages.jpeg(width: 17, height: 9, process: 0xC2), 17, 9),
                ("image/webp", TestImages.webpLossy, 1, 1),
                ("image/webp", TestImages.webpLossless, 1, 1),
                ("image/webp", TestImages.webpExtended, 1, 1),
            ]
            for (type, bytes, width, height) in good {
                let stored = try await Self.upload(desk, token, id, bytes, type: type)
                #expect(stored.status == .created, "\(type) \(width)×\(height): \(stored.text)")
                let events = try await desk.api.get("/v1/cases/\(id)/events", token: token).json()["items"] as? [[String: Any]] ?? []
                let payload = events.last?["payload"] as? [String: Any]
                #expect(payload?["width"] as? Int == width && payload?["height"] as? Int == height, "\(type): \(payload ?? [:])")
            }

            // Dimensions that are no picture a phone takes: named in the answer.
            let absurd: [([UInt8], String)] = [
                (TestImages.png(width: 0, height: 30), "0"),
                (TestImages.png(width: 30_000, height: 1), "30000"),
                (TestImages.pngHeader(width: 10_001, height: 10_000), "10001"),
            ]
            for (bytes, named) in absurd {
                let refused = try await Self.upload(desk, token, id, bytes, type: "image/png", language: "en")
                expectProblem(refused, .badRequest, "attachment.badDimensions")
                #expect(refused.text.contains(named), "\(refused.text)")
            }
            // Magic bytes and nothing behind them, a cut header, a frame header that is not there.
            let fakeJPEG: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 7, count: 3000)
            let unreadable: [([UInt8], String)] = [
                (fakeJPEG, "image/jpeg"),
                (Array(TestImages.png(width: 40, height: 30).prefix(20)), "image/png"),
                (TestImages.webp([("VP8Z", Array(repeating: 1, count: 20))]), "image/webp"),
            ]
            for (bytes, type) in unreadable {
                let refused = try await Self.upload(desk, token, id, bytes, type: type, language: "en")
                expectProblem(refused, .unsupportedMediaType, "attachment.unreadable")
                #expect(refused.text.uppercased().contains(type.dropFirst(6).uppercased()), "the answer names the format: \(refused.text)")
            }
            let photos = try await desk.api.get("/v1/cases/\(id)/attachments", token: token).json()["items"] as? [[String: Any]]
            #expect(photos?.count == good.count, "no refused upload was stored")
        }
    }
}
