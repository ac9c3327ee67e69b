import Foundation
import GridCore
import Testing

/// The whistle's steps (issue 17) as one table, without a database: every state × action × party,
/// the reasons a refusal and a withdrawal need, the report-in limit and 事不绝、人不撤.
@Suite struct WhistleFlowTests {
    /// The table written out once more, independently: a change to the steps must change both.
    static let expected: Set<String> = [
        "formed analyse analysed street", "analysed blow whistled street", "whistled accept accepted platform",
        "whistled decline declined platform", "accepted reportIn onSite department", "onSite reportIn onSite department",
        "onSite close closed street", "closed evaluate evaluated street", "evaluated feedBack fedBack street",
        "formed withdraw withdrawn street", "analysed withdraw withdrawn street", "whistled withdraw withdrawn street",
    ]

    @Test func everyStateTimesEveryActionTimesEveryPartyIsAllowedExactlyWhenTheTableSaysSo() throws {
        var seen: Set<String> = []
        for state in WhistleState.allCases {
            for action in WhistleAction.allCases {
                for party in WhistleParty.allCases {
                    let attempt = { try WhistleFlow.check(action, in: state, by: party, reason: "原因") }
                    guard let row = WhistleFlow.transition(from: state, action) else {
                        let error = try #require(throws: GridError.self) { try attempt() }
                        #expect(error.code == .whistleTransitionNotAllowed && error.kind == .conflict, "\(state) \(action)")
                        continue
                    }
                    if row.party == party {
                        #expect(try attempt() == row)
                        seen.insert("\(state.rawValue) \(action.rawValue) \(row.to.rawValue) \(party.rawValue)")
                    } else {
                        let error = try #require(throws: GridError.self) { try attempt() }
                        #expect(error.code == .whistlePartyNotAllowed && error.kind == .forbidden, "\(state) \(action) by \(party)")
                    }
                }
            }
        }
        #expect(seen == Self.expected)
        #expect(seen.count == WhistleFlow.table.count, "no (state, action) pair is listed twice")
    }

    @Test func theStepsRunFromTheSourceToTheFeedbackAndTheSideExitsEnd() throws {
        var state = WhistleState.formed
        for (action, party) in [
            (WhistleAction.analyse, WhistleParty.street), (.blow, .street), (.accept, .platform), (.reportIn, .department), (.reportIn, .department),
            (.close, .street), (.evaluate, .street), (.feedBack, .street),
        ] {
            state = try WhistleFlow.check(action, in: state, by: party, reason: nil).to
        }
        #expect(state == .fedBack)
        for end in [WhistleState.fedBack, .declined, .withdrawn] {
            #expect(WhistleAction.allCases.allSatisfy { WhistleFlow.transition(from: end, $0) == nil }, "\(end) is an end")
        }
        let bare = try #require(throws: GridError.self) { try WhistleFlow.check(.decline, in: .whistled, by: .platform, reason: " ") }
        #expect(bare.fieldErrors.map(\.code) == [.fieldRequired])
        #expect(WhistleFlow.actions(from: .whistled, by: .platform) == [.accept, .decline])
        #expect(WhistleFlow.actions(from: .whistled, by: .street) == [.withdraw], "once blown, the street can only withdraw it")
        let late = try #require(throws: GridError.self) { try WhistleFlow.check(.withdraw, in: .accepted, by: .street, reason: "x") }
        #expect(late.code == .whistleTransitionNotAllowed && late.message.en.contains("allowed: reportIn"))
    }

    @Test func reportInIsLateByWholeMinutesPastTheLimitAndNobodyLeavesBeforeTheEnd() {
        let summoned = Date(timeIntervalSince1970: 1_796_605_200)
        #expect(ReportIn.minutesLate(summonedAt: summoned, checkIn: summoned.addingTimeInterval(30 * 60), limitMinutes: 30) == 0, "on the minute is on time")
        #expect(ReportIn.minutesLate(summonedAt: summoned, checkIn: summoned.addingTimeInterval(30 * 60 + 1), limitMinutes: 30) == 1)
        #expect(ReportIn.minutesLate(summonedAt: summoned, checkIn: summoned.addingTimeInterval(47 * 60), limitMinutes: 30) == 17)
        #expect(ReportIn.defaultLimitMinutes == 30)
        for state in WhistleState.allCases {
            #expect(ReportIn.mayCheckOut(state, released: true), "released, a department may go (\(state))")
            #expect(ReportIn.mayCheckOut(state, released: false) == [.closed, .evaluated, .fedBack].contains(state), "事不绝、人不撤 (\(state))")
        }
        #expect(WhistleState.allCases.filter(\.summons) == [.accepted, .onSite])
        // One thousandth of a degree of latitude is about 111 m; Tiananmen to the Drum Tower about 3.9 km.
        let a = Coordinate(lng: 116.3975, lat: 39.9087)!, b = Coordinate(lng: 116.3975, lat: 39.9097)!
        #expect(abs(ReportIn.meters(a, b) - 111.2) < 0.5)
        let drumTower = Coordinate(lng: 116.3940, lat: 39.9434)!
        #expect(abs(ReportIn.meters(a, drumTower) - 3_870) < 60)
        #expect(ReportIn.meters(a, a) == 0)
    }
}
