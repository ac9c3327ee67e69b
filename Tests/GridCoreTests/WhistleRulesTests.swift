import Foundation
import GridCore
import Testing

/// A department's steps on a whistle, the street's scores, the district's settings and the figures'
/// arithmetic, without a database.
@Suite struct WhistleRulesTests {
    static let summoned = Summons(
        departmentId: 9, departmentCode: "CGJ", departmentName: "区城管执法局", status: .summoned, summonedAt: Date(timeIntervalSince1970: 0),
        due: Date(timeIntervalSince1970: 1800))
    static let place = Coordinate(lng: 116.2, lat: 39.9)!

    static func checkedIn(late: Int = 0) -> Summons {
        var s = summoned
        s.checkIn = CheckIn(
            at: Date(timeIntervalSince1970: 600), byLogin: "liaison", point: place, distanceMeters: 3, far: false, photoId: 1, minutesLate: late)
        return s
    }

    func code(_ body: () throws -> Void) -> ErrorCode? {
        do { try body() } catch let error as GridError { return error.code } catch { return nil }
        return nil
    }

    @Test func aDepartmentChecksInOnceWhileSummonedAndNotAfterRelease() {
        #expect(code { try WhistleRules.check(.checkIn, Self.summoned, in: .accepted) } == nil)
        #expect(code { try WhistleRules.check(.checkIn, Self.summoned, in: .onSite) } == nil)
        #expect(code { try WhistleRules.check(.checkIn, Self.checkedIn(), in: .onSite) } == .whistleAlreadyCheckedIn)
        var released = Self.summoned
        released.releasedAt = Date()
        #expect(code { try WhistleRules.check(.checkIn, released, in: .onSite) } == .whistleReleased)
        #expect(code { try WhistleRules.check(.release, released, in: .onSite) } == .whistleReleased)
        var proposed = Self.summoned
        proposed.status = .proposed
        #expect(code { try WhistleRules.check(.checkIn, proposed, in: .accepted) } == .whistleNotSummoned)
        proposed.status = .dropped
        #expect(code { try WhistleRules.check(.checkIn, proposed, in: .accepted) } == .whistleNotSummoned)
        for state in WhistleState.allCases where !state.summons {
            #expect(code { try WhistleRules.check(.checkIn, Self.summoned, in: state) } == .whistleTransitionNotAllowed, "\(state)")
            #expect(code { try WhistleRules.check(.release, Self.summoned, in: state) } == .whistleTransitionNotAllowed, "\(state)")
        }
    }

    @Test func nobodyLeavesBeforeTheCloseUnlessReleased() {
        // 事不绝、人不撤.
        #expect(code { try WhistleRules.check(.checkOut, Self.summoned, in: .onSite) } == .whistleNotCheckedIn)
        #expect(code { try WhistleRules.check(.checkOut, Self.checkedIn(), in: .onSite) } == .whistleMustStay)
        for state in [WhistleState.closed, .evaluated, .fedBack] {
            #expect(code { try WhistleRules.check(.checkOut, Self.checkedIn(), in: state) } == nil, "\(state)")
        }
        var released = Self.checkedIn()
        released.releasedAt = Date()
        #expect(code { try WhistleRules.check(.checkOut, released, in: .onSite) } == nil)
        released.checkedOutAt = Date()
        #expect(code { try WhistleRules.check(.checkOut, released, in: .onSite) } == .whistleAlreadyCheckedOut)
        // A report needs the department on site, while the job is under way or just closed.
        #expect(code { try WhistleRules.check(.report, Self.summoned, in: .onSite) } == .whistleNotCheckedIn)
        #expect(code { try WhistleRules.check(.report, Self.checkedIn(), in: .onSite) } == nil)
        #expect(code { try WhistleRules.check(.report, Self.checkedIn(), in: .evaluated) } == .whistleTransitionNotAllowed)
    }

    @Test func lateIsCountedInWholeMinutesAndTheLightFollows() {
        let summoned = Date(timeIntervalSince1970: 0)
        #expect(ReportIn.minutesLate(summonedAt: summoned, checkIn: summoned.addingTimeInterval(1800), limitMinutes: 30) == 0)
        #expect(ReportIn.minutesLate(summonedAt: summoned, checkIn: summoned.addingTimeInterval(1801), limitMinutes: 30) == 1)
        #expect(ReportIn.minutesLate(summonedAt: summoned, checkIn: summoned.addingTimeInterval(1800 + 299), limitMinutes: 30) == 5)
        #expect(Self.checkedIn().light == .green && Self.checkedIn(late: 3).light == .red)
        var red = Self.summoned
        red.redAt = Date()
        #expect(red.light == .red && Self.summoned.light == .green)
        // About 111 m per thousandth of a degree of latitude.
        let north = Coordinate(lng: 116.2, lat: 39.901)!
        #expect(abs(ReportIn.meters(Self.place, north) - 111.2) < 0.5)
    }

    @Test func theProposalListsTheLeadAssistingAndMustReportOnceEach() {
        #expect(WhistleRules.proposal(lead: "XFZD", assisting: ["GAFJ"], mustReport: ["GAFJ", "CGW", "XFZD"]) == ["XFZD", "GAFJ", "CGW"])
        #expect(WhistleRules.proposal(lead: nil, assisting: [], mustReport: ["CGW"]) == ["CGW"])
    }

    @Test func theStreetScoresEverySummonedDepartmentOnceWithinTheScale() throws {
        let good = WhistleScore(onTime: 5, attitude: 4, result: 3, comment: "配合良好")
        #expect(good.total == 12)
        try WhistleRules.checkScores([("A", good), ("B", good)], summoned: ["A", "B"], max: 5)
        func fields(_ scores: [(department: String, score: WhistleScore)]) -> [String] {
            do {
                try WhistleRules.checkScores(scores, summoned: ["A", "B"], max: 5)
                return []
            } catch let error as GridError { return error.fieldErrors.map { "\($0.field) \($0.code)" } } catch { return ["?"] }
        }
        #expect(fields([("A", good)]) == ["scores field.required"])
        #expect(fields([("A", good), ("A", good), ("B", good)]) == ["scores[1].department field.invalid"])
        #expect(fields([("A", good), ("B", good), ("C", good)]) == ["scores[2].department whistle.notSummoned"])
        #expect(
            fields([("A", WhistleScore(onTime: 0, attitude: 6, result: 5)), ("B", good)]) == [
                "scores[0].onTime field.outOfRange", "scores[0].attitude field.outOfRange",
            ])
        #expect(
            fields([("A", WhistleScore(onTime: 5, attitude: 5, result: 5, comment: String(repeating: "好", count: 501))), ("B", good)]) == [
                "scores[0].comment field.tooLong"
            ])
    }

    @Test func aDistrictsKindsAreParsedAndCheckedWithEveryProblemNamed() throws {
        #expect(try WhistleSettings.parseKind("enforce=执法哨:30") == WhistleKind(code: "enforce", name: "执法哨", limitMinutes: 30))
        #expect(try WhistleSettings.parseKind("consult=会商哨") == WhistleKind(code: "consult", name: "会商哨", limitMinutes: 30))
        for bad in ["enforce", "=执法哨", "enforce=", "enforce=执法哨:半小时", "enforce=执法哨:30:1"] {
            #expect(throws: GridError.self, "\(bad)") { try WhistleSettings.parseKind(bad) }
        }
        try WhistleSettings().check()
        #expect(WhistleSettings().kinds.map(\.name) == ["巡查哨", "会商哨", "执法哨", "管理哨"])
        let bad = WhistleSettings(
            kinds: [
                WhistleKind(code: "a b", name: "哨", limitMinutes: 0), WhistleKind(code: "x", name: "", limitMinutes: 30), WhistleKind(code: "x", name: "哨"),
            ],
            radiusMeters: 5, scoreMax: 2)
        let error = try #require(throws: GridError.self) { try bad.check() }
        #expect(
            error.fieldErrors.map(\.field) == [
                "kinds[0].code", "kinds[0].limitMinutes", "kinds[1].name", "kinds[2].code", "radiusMeters", "scoreMax",
            ])
        // Settings stored before the whistle existed read as the defaults; stored ones round-trip.
        let old = try JSONDecoder().decode(TenantSettings.self, from: Data(#"{"sessionDays": 7}"#.utf8))
        #expect(old.whistle == WhistleSettings())
        var settings = TenantSettings()
        settings.whistle = WhistleSettings(
            kinds: [WhistleKind(code: "fast", name: "快哨", limitMinutes: 10)], radiusMeters: 300, communityWhistles: true, scoreMax: 10)
        #expect(try JSONDecoder().decode(TenantSettings.self, from: try JSONEncoder().encode(settings)) == settings)
    }

    @Test func theFiguresRatesMeansAndCSVFollowTheSums() {
        let fact = WhistleFact(
            code: "CGJ", name: "区城管执法局", whistles: 4, summoned: 4, expected: 3, checkedIn: 3, onTime: 2, late: 1, absent: 0, far: 1, arrivalMinutes: 75,
            scored: 2, onTimeScore: 9, attitudeScore: 8, resultScore: 7)
        #expect(fact.onTimeRate == 2.0 / 3 && fact.meanArrivalMinutes == 25)
        #expect(fact.meanOnTimeScore == 4.5 && fact.meanTotalScore == 12)
        let empty = WhistleFact(
            code: nil, name: nil, whistles: 0, summoned: 0, expected: 0, checkedIn: 0, onTime: 0, late: 0, absent: 0, far: 0, arrivalMinutes: 0,
            scored: 0, onTimeScore: 0, attitudeScore: 0, resultScore: 0)
        #expect(empty.onTimeRate == nil && empty.meanArrivalMinutes == nil && empty.meanTotalScore == nil)
        #expect(WhistleFigures.csvHeader(.department).count == WhistleFigures.csvRow(fact).count)
        #expect(WhistleFigures.csvRow(fact)[..<4] == ["CGJ", "区城管执法局", "4", "4"])
        #expect(WhistleFigures.csvRow(fact)[10] == "0.6667" && WhistleFigures.csvRow(fact)[11] == "25.0")
        #expect(WhistleFigures.csvRow(empty)[1] == "合计" && WhistleFigures.csvRow(empty)[10] == "")
        #expect(WhistleFigures.rule().zh.contains("30分钟内到点执法"))
    }
}
