import Foundation
import GridCore
import GridService
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

extension CaseHTTPTests {
    /// The rule that routed a case sets its stage deadlines: the demo's fire rule names the
    /// `urgent` profile (sign within 30 minutes, check within 2 work hours), and the case shows it.
    @Test func theRoutingRulesDeadlineProfileSetsTheStageDeadlinesAtDispatch() async throws {
        try await withDesk { desk, _ in
            let formatter = ISO8601DateFormatter()
            func date(_ value: Any?) -> Date? { (value as? String).flatMap(formatter.date(from:)) }

            let fire = try await desk.report("dispatcher", Self.intake("小区垃圾站起火", category: "E0406"))
            #expect(fire.status == .created, "\(fire.text)")
            let fireId = try #require(int64((try fire.json()["case"] as? [String: Any])?["id"]))
            let filed = try await desk.step("dispatcher", fireId, "file", to: "filed")
            #expect(filed["routingBasis"] as? String == "rule")
            #expect(filed["deadlineProfile"] as? String == "urgent", "\(filed)")
            let dispatched = try await desk.step("dispatcher", fireId, "dispatch", to: "dispatched")
            let at = try #require(date(dispatched["dispatchedAt"]))
            let signDue = try #require(date(dispatched["signDue"]))
            #expect(abs(signDue.timeIntervalSince(at) - 30 * 60) < 1, "sign within the profile's 30 minutes: \(signDue) after \(at)")

            // A case routed by the duty list has no profile: the built-in limit (1 work hour) applies.
            let other = try await desk.report("dispatcher", Self.intake())
            let otherId = try #require(int64((try other.json()["case"] as? [String: Any])?["id"]))
            let otherFiled = try await desk.step("dispatcher", otherId, "file", to: "filed")
            #expect(otherFiled["deadlineProfile"] == nil)
            let otherDispatched = try await desk.step("dispatcher", otherId, "dispatch", to: "dispatched")
            let otherAt = try #require(date(otherDispatched["dispatchedAt"]))
            let otherSign = try #require(date(otherDispatched["signDue"]))
            #expect(otherSign.timeIntervalSince(otherAt) >= 3600 - 1, "one work hour is at least an hour: \(otherSign) after \(otherAt)")
        }
    }
}

extension CaseHTTPTests {
    /// Two people act on one case at once without If-Match: one wins, the other is told what the
    /// case is now (409 with what they may do), never 412, for they gave no precondition.
    @Test func aLosingActionWithoutIfMatchIsAConflictNotAFailedPrecondition() async throws {
        try await withDesk { desk, _ in
            var codes: [String] = []
            for n in 1...8 {
                let report = try await desk.report("dispatcher", Self.intake("同时立案 \(n)"))
                let id = try #require(int64((try report.json()["case"] as? [String: Any])?["id"]))
                async let first = desk.act("dispatcher", id, "file")
                async let second = desk.act("shift.leader", id, "file")
                let answers = try await [first, second]
                #expect(answers.filter { $0.status == .ok }.count == 1, "\(answers.map(\.text))")
                for loser in answers where loser.status != .ok {
                    #expect(loser.status == .conflict, "\(loser.status): \(loser.text)")
                    codes.append(loser.problemCode ?? "")
                    if loser.problemCode == "case.changedMeanwhile" { #expect(loser.text.contains("已立案"), "\(loser.text)") }
                }
            }
            #expect(codes.allSatisfy { ["case.changedMeanwhile", "case.transition.notAllowed"].contains($0) }, "\(codes)")
        }
    }
}
