import Foundation
import Testing

@testable import GridCore

/// The patrol rules without a database: the district's days, a report found on the round, and
/// coverage counted from hand-dated grids and check-ins.
@Suite struct PatrolTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func theDaysDueAreTheDistrictsDaysThatBeganInThePeriodByTheTimeAsked() {
        let from = Self.at("2026-11-01T00:00:00+08:00"), to = Self.at("2026-12-01T00:00:00+08:00")
        #expect(Patrols.dueDays(from: from, to: to, asOf: to, timeZone: Self.shanghai).count == 30)
        // As of 10:00 on the 3rd: the 1st, 2nd and 3rd (today is due once it has begun).
        let early = Patrols.dueDays(from: from, to: to, asOf: Self.at("2026-11-03T10:00:00+08:00"), timeZone: Self.shanghai)
        #expect(early.map(\.day) == ["2026-11-01", "2026-11-02", "2026-11-03"])
        #expect(early.first?.start == from)
        // A period from noon leaves out the day it began on; midnight in Shanghai is 16:00 UTC.
        let noon = Patrols.dueDays(
            from: Self.at("2026-11-01T12:00:00+08:00"), to: Self.at("2026-11-03T00:00:00+08:00"), asOf: to, timeZone: Self.shanghai)
        #expect(noon.map(\.day) == ["2026-11-02"])
        #expect(Patrols.day(Self.at("2026-11-01T16:30:00Z"), timeZone: Self.shanghai) == "2026-11-02")
        #expect(Patrols.day(Self.at("2026-11-01T15:59:59Z"), timeZone: Self.shanghai) == "2026-11-01")
    }

    @Test func aReportIsFoundOnTheRoundWithinTheLimitAfterTheCheckIn() {
        let round = Self.at("2026-11-02T09:00:00+08:00")
        #expect(Patrols.foundOnRound(reportedAt: round.addingTimeInterval(120 * 60), patrolledAt: round, limitMinutes: 120))
        #expect(!Patrols.foundOnRound(reportedAt: round.addingTimeInterval(120 * 60 + 1), patrolledAt: round, limitMinutes: 120))
        #expect(Patrols.foundOnRound(reportedAt: round, patrolledAt: round, limitMinutes: 5))
        #expect(!Patrols.foundOnRound(reportedAt: round, patrolledAt: nil, limitMinutes: 120), "no round passed")
        #expect(!Patrols.foundOnRound(reportedAt: round, patrolledAt: round.addingTimeInterval(60), limitMinutes: 120), "a round after the report")
    }

    /// Two grids over three days as of the third day's noon: grid 1 always there, grid 2 retired
    /// at 10:00 on the 2nd (due that day, not the 3rd). Check-ins: grid 1 on the 1st by worker 7
    /// and on the 3rd at 11:00 by worker 8 and at 15:00 by 7 (after the time asked); grid 2 on the
    /// 2nd at 09:00 by 7.
    @Test func coverageCountsEachGridDayDueAndThoseCheckedInByTheTimeAsked() {
        let grids = [Patrols.Grid(id: 1), Patrols.Grid(id: 2, retiredAt: Self.at("2026-11-02T10:00:00+08:00"))]
        let visits = [
            Patrols.Visit(gridId: 1, userId: 7, day: "2026-11-01", firstAt: Self.at("2026-11-01T09:00:00+08:00")),
            Patrols.Visit(gridId: 1, userId: 8, day: "2026-11-03", firstAt: Self.at("2026-11-03T11:00:00+08:00")),
            Patrols.Visit(gridId: 1, userId: 7, day: "2026-11-03", firstAt: Self.at("2026-11-03T15:00:00+08:00")),
            Patrols.Visit(gridId: 2, userId: 7, day: "2026-11-02", firstAt: Self.at("2026-11-02T09:00:00+08:00")),
        ]
        let from = Self.at("2026-11-01T00:00:00+08:00"), to = Self.at("2026-11-04T00:00:00+08:00")
        let noon = Self.at("2026-11-03T12:00:00+08:00")
        let all = Patrols.tally(coverage: grids, visits: visits, from: from, to: to, asOf: noon, timeZone: Self.shanghai)
        #expect(all.value(.patrolCoverage) == IndicatorValue(indicator: .patrolCoverage, numerator: 3, denominator: 5))
        let seven = Patrols.tally(coverage: grids, visits: visits, person: 7, from: from, to: to, asOf: noon, timeZone: Self.shanghai)
        #expect(seven.gridDaysCovered == 2 && seven.gridDaysDue == 5, "worker 7's third-day round came after noon")
        let later = Patrols.tally(coverage: grids, visits: visits, person: 7, from: from, to: to, asOf: to, timeZone: Self.shanghai)
        #expect(later.gridDaysCovered == 3)
    }

    @Test func theDiscoveryRateCountsTheGridWorkersReportsOfThePeriodByTheTimeAsked() {
        let from = Self.at("2026-11-01T00:00:00+08:00"), to = Self.at("2026-12-01T00:00:00+08:00")
        let reports = [
            Patrols.Report(reportedAt: Self.at("2026-10-31T23:00:00+08:00"), foundOnRound: true),  // before the period
            Patrols.Report(reportedAt: Self.at("2026-11-02T10:00:00+08:00"), foundOnRound: true),
            Patrols.Report(reportedAt: Self.at("2026-11-02T11:00:00+08:00"), foundOnRound: false),
            Patrols.Report(reportedAt: Self.at("2026-11-20T11:00:00+08:00"), foundOnRound: true),
        ]
        let tally = Patrols.tally(reports: reports, from: from, to: to, asOf: to)
        #expect(tally.value(.onTimeDiscoveryRate) == IndicatorValue(indicator: .onTimeDiscoveryRate, numerator: 2, denominator: 3))
        let asOfTheTenth = Patrols.tally(reports: reports, from: from, to: to, asOf: Self.at("2026-11-10T00:00:00+08:00"))
        #expect(asOfTheTenth.reportsMade == 2 && asOfTheTenth.reportsOnRound == 1)
    }

    @Test func aDistrictsPatrolSettingDecodesWithItsDefaultAndRefusesALimitOutOfRange() throws {
        let decoded = try JSONDecoder().decode(TenantSettings.self, from: Data("{}".utf8))
        #expect(decoded.patrol.discoveryLimitMinutes == 120)
        let set = try JSONDecoder().decode(TenantSettings.self, from: Data(#"{"patrol":{"discoveryLimitMinutes":45}}"#.utf8))
        #expect(set.patrol.discoveryLimitMinutes == 45)
        let roundTrip = try JSONDecoder().decode(TenantSettings.self, from: JSONEncoder().encode(set))
        #expect(roundTrip == set)
        #expect(throws: GridError.self) { try PatrolSettings(discoveryLimitMinutes: 4).check() }
        #expect(throws: GridError.self) { try PatrolSettings(discoveryLimitMinutes: 1441).check() }
    }
}
