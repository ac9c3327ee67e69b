import Foundation
import Testing

@testable import GridCore

/// The patrol rules without a database: the district's days, the whole months among them, and
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

    @Test func aPeriodsWholeMonthsThatEndedByTheTimeAskedAreReadByTheirCounts() {
        let z = Self.shanghai
        let days = Patrols.dueDays(
            from: Self.at("2026-11-01T00:00:00+08:00"), to: Self.at("2026-12-10T00:00:00+08:00"), asOf: Self.at("2026-12-03T10:00:00+08:00"), timeZone: z)
        let split = Patrols.split(days, asOf: Self.at("2026-12-03T10:00:00+08:00"), timeZone: z)
        #expect(split.months == ["2026-11-01"] && split.days == ["2026-12-01", "2026-12-02", "2026-12-03"])
        // November as of its last evening: not ended, so read day by day (today's check-ins by their time).
        let late = Self.at("2026-11-30T23:00:00+08:00")
        let november = Patrols.dueDays(from: Self.at("2026-11-01T00:00:00+08:00"), to: Self.at("2026-12-01T00:00:00+08:00"), asOf: late, timeZone: z)
        #expect(Patrols.split(november, asOf: late, timeZone: z).months.isEmpty)
        #expect(Patrols.split(november, asOf: late, timeZone: z).days.count == 30)
        // November from the 2nd is its count less the 1st; October from the 20th (12 of 31 days)
        // and December so far (not ended) are read by the day.
        let fromSecond = Patrols.dueDays(
            from: Self.at("2026-11-02T00:00:00+08:00"), to: Self.at("2026-12-01T00:00:00+08:00"), asOf: Self.at("2026-12-05T00:00:00+08:00"), timeZone: z)
        let fromOctober = Patrols.dueDays(
            from: Self.at("2026-10-20T00:00:00+08:00"), to: Self.at("2026-12-04T00:00:00+08:00"), asOf: Self.at("2026-12-04T00:00:00+08:00"), timeZone: z)
        let octoberOn = Patrols.split(fromOctober, asOf: Self.at("2026-12-04T00:00:00+08:00"), timeZone: z)
        #expect(octoberOn.months == ["2026-11-01"] && octoberOn.less.isEmpty && octoberOn.days.count == 12 + 3)
        let less = Patrols.split(fromSecond, asOf: Self.at("2026-12-05T00:00:00+08:00"), timeZone: z)
        #expect(less == Patrols.Split(months: ["2026-11-01"], days: [], less: ["2026-11-01"]))
        // A month from its 16th (15 of 30 days: not more than half) is read by the day.
        let half = Patrols.dueDays(
            from: Self.at("2026-11-16T00:00:00+08:00"), to: Self.at("2026-12-01T00:00:00+08:00"), asOf: Self.at("2026-12-05T00:00:00+08:00"), timeZone: z)
        #expect(Patrols.split(half, asOf: Self.at("2026-12-05T00:00:00+08:00"), timeZone: z).days.count == 15)
        // February 2028 (29 days) from the 10th: its count less the 1st to the 9th.
        let leap = Patrols.dueDays(
            from: Self.at("2028-02-10T00:00:00+08:00"), to: Self.at("2028-03-01T00:00:00+08:00"), asOf: Self.at("2028-03-01T00:00:00+08:00"), timeZone: z)
        #expect(Patrols.split(leap, asOf: Self.at("2028-03-01T00:00:00+08:00"), timeZone: z).less == (1...9).map { "2028-02-0\($0)" })
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

    /// A person's grid is due on the days a term of their bindings overlaps: worker 7 held grid 1
    /// from 14:00 on the 1st to 09:00 on the 2nd, and again from the 4th; over the 1st to the 5th
    /// that is the 1st, the 2nd, the 4th and the 5th (a term begun in the afternoon or ended in the
    /// morning still makes its day due), not the 3rd, on which their check-in counts for nothing.
    @Test func aPersonsGridIsDueOnTheDaysTheirTermsOverlap() {
        let held = [
            DateInterval(start: Self.at("2026-11-01T14:00:00+08:00"), end: Self.at("2026-11-02T09:00:00+08:00")),
            DateInterval(start: Self.at("2026-11-04T00:00:00+08:00"), end: Self.at("2026-12-01T00:00:00+08:00")),
        ]
        let visits = [
            Patrols.Visit(gridId: 1, userId: 7, day: "2026-11-02", firstAt: Self.at("2026-11-02T08:00:00+08:00")),
            Patrols.Visit(gridId: 1, userId: 7, day: "2026-11-03", firstAt: Self.at("2026-11-03T08:00:00+08:00")),
            Patrols.Visit(gridId: 1, userId: 7, day: "2026-11-05", firstAt: Self.at("2026-11-05T08:00:00+08:00")),
        ]
        let from = Self.at("2026-11-01T00:00:00+08:00"), to = Self.at("2026-11-06T00:00:00+08:00")
        let tally = Patrols.tally(
            coverage: [Patrols.Grid(id: 1, held: held)], visits: visits, person: 7, from: from, to: to, asOf: to, timeZone: Self.shanghai)
        #expect(tally.gridDaysDue == 4 && tally.gridDaysCovered == 2, "\(tally)")
        // Held always (nil): every day due, every check-in counts.
        let always = Patrols.tally(coverage: [Patrols.Grid(id: 1)], visits: visits, person: 7, from: from, to: to, asOf: to, timeZone: Self.shanghai)
        #expect(always.gridDaysDue == 5 && always.gridDaysCovered == 3)
        // Each due day's end is the next day's start.
        let days = Patrols.dueDays(from: from, to: to, asOf: to, timeZone: Self.shanghai)
        #expect(zip(days, days.dropFirst()).allSatisfy { $0.end == $1.start } && days.last?.end == to)
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
