import Foundation
import GridCore
import Testing

/// The composite score (issue 18): the district's weights and deductions checked, a score counted
/// by hand, and rankings with ties and the change from the last period.
@Suite struct AssessmentSchemeTests {
    static func tally(due: Int, onTime: Int, filed: Int, closed: Int, handled: Int = 0, reworked: Int = 0, overdue: Int = 0) -> IndicatorTally {
        var tally = IndicatorTally()
        tally.due = due
        tally.dueOnTime = onTime
        tally.filed = filed
        tally.filedClosed = closed
        tally.handled = handled
        tally.handledReworked = reworked
        tally.openOverdue = overdue
        return tally
    }

    @Test func aVersionsWeightsMustSumTo100OnRatesThatApply() throws {
        let good = AssessmentScheme(
            weights: [.init(indicator: .onTimeHandlingRate, weight: 60), .init(indicator: .closureRate, weight: 40)],
            deductions: [.init(indicator: .openOverdue, points: 2, max: 20)])
        try good.validate(for: .street)
        func codes(_ scheme: AssessmentScheme, _ subject: AssessmentSubject) -> [String] {
            do {
                try scheme.validate(for: subject)
                return []
            } catch let error as GridError {
                return error.fieldErrors.map(\.code.rawValue)
            } catch { return ["?"] }
        }
        // 60 + 30 = 90.
        let short = AssessmentScheme(weights: [.init(indicator: .onTimeHandlingRate, weight: 60), .init(indicator: .closureRate, weight: 30)])
        #expect(codes(short, .street) == ["assessment.weightsSum"])
        // A count is a deduction, not a weight; front-line share is a unit's, not a department's.
        let count = AssessmentScheme(weights: [.init(indicator: .openOverdue, weight: 50), .init(indicator: .frontLineShare, weight: 50)])
        #expect(codes(count, .department) == ["field.notAllowed", "stats.badGroup"])
        let twice = AssessmentScheme(weights: [.init(indicator: .closureRate, weight: 50), .init(indicator: .closureRate, weight: 50)])
        #expect(codes(twice, .street) == ["field.invalid"])
        let badDeduction = AssessmentScheme(
            weights: [.init(indicator: .closureRate, weight: 100)], deductions: [.init(indicator: .closureRate, points: 0, max: 200)])
        #expect(codes(badDeduction, .street) == ["field.notAllowed", "field.outOfRange"])
        for subject in AssessmentSubject.allCases { try AssessmentScheme.standard(subject).validate(for: subject) }
    }

    /// 60 on on-time handling (45/50 = 0.9 → 54), 40 on rework (lower is better: 1 − 2/20 = 0.9
    /// → 36): 90, less 2 points for each of 3 open overdue cases (cap 5): 85, grade B.
    @Test func aScoreIsTheWeightedRatesLessTheDeductions() throws {
        let scheme = AssessmentScheme(
            weights: [.init(indicator: .onTimeHandlingRate, weight: 60), .init(indicator: .reworkRate, weight: 40)],
            deductions: [.init(indicator: .openOverdue, points: 2, max: 5)])
        let card = try #require(scheme.score(Self.tally(due: 50, onTime: 45, filed: 0, closed: 0, handled: 20, reworked: 2, overdue: 3), scoreMax: 5))
        #expect(card.score == 85 && card.grade == "B")
        #expect(card.parts.map(\.points) == [54, 36])
        #expect(card.deductions.map(\.points) == [5], "3 × 2 capped at 5")
        // With nothing handled the rework rate has no figure: on-time handling carries the score alone.
        let alone = try #require(scheme.score(Self.tally(due: 50, onTime: 45, filed: 0, closed: 0), scoreMax: 5))
        #expect(alone.score == 90 && alone.parts[1].points == nil)
        // Nothing at all: not scored.
        #expect(scheme.score(IndicatorTally(), scoreMax: 5) == nil)
        // A whistle score over the district's top score.
        var whistles = IndicatorTally()
        whistles.scored = 3
        whistles.scoreSum = 12
        let scored = try #require(AssessmentScheme(weights: [.init(indicator: .whistleScore, weight: 100)]).score(whistles, scoreMax: 5))
        #expect(scored.score == 80, "mean 4 of 5")
    }

    /// Four streets: A and B both 90 share first, C third, D not scored; last month B was first
    /// and A third.
    @Test func rankingsShareTiesAndShowTheChange() throws {
        let scheme = AssessmentScheme(weights: [.init(indicator: .onTimeHandlingRate, weight: 100)])
        func card(_ onTime: Int) -> ScoreCard? { scheme.score(Self.tally(due: 100, onTime: onTime, filed: 0, closed: 0), scoreMax: 5) }
        let entries = Ranking.rank(
            [("D", nil), ("C", card(80)), ("A", card(90)), ("B", card(90))], key: { $0 },
            previous: ["A": card(70), "B": card(95), "C": card(80)])
        #expect(entries.map(\.subject) == ["A", "B", "C", "D"], "by rank; A and B tied keep the order given; D unranked last")
        #expect(entries.map(\.rank) == [1, 1, 3, nil])
        #expect(entries.map(\.previousRank) == [3, 1, 2, nil])
        #expect(entries.map(\.rankChange) == [2, 0, -1, nil])
        #expect(entries.map(\.scoreChange) == [20, -5, 0, nil])
        #expect(entries.map { $0.card?.grade } == ["A", "A", "B", nil])
    }

    @Test func monthsAreLocal() throws {
        let month = try #require(AssessmentMonth("2026-11"))
        let (from, to) = month.period(utcOffsetSeconds: 8 * 3600)
        #expect(from == IndicatorTests.at("2026-11-01 00:00") && to == IndicatorTests.at("2026-12-01 00:00"))
        #expect(AssessmentMonth("2026-12")!.next.description == "2027-01" && AssessmentMonth("2026-01")!.previous.description == "2025-12")
        #expect(AssessmentMonth(containing: IndicatorTests.at("2026-12-01 00:30"), utcOffsetSeconds: 8 * 3600).description == "2026-12")
        #expect(AssessmentMonth("2026-13") == nil && AssessmentMonth("2026-1") == nil && AssessmentMonth("26-11") == nil)
    }

    /// ISO weeks: Monday to Sunday, numbered in the year of their Thursday (2026 starts on a
    /// Thursday and so has 53; 2021 has 52), local midnight to midnight.
    @Test func weeksAreISOWeeksInLocalTime() throws {
        let week = try #require(AssessmentWeek("2026-W48"))
        #expect(week.monday.description == "2026-11-23" && week.description == "2026-W48")
        let (from, to) = week.period(utcOffsetSeconds: 8 * 3600)
        #expect(from == IndicatorTests.at("2026-11-23 00:00") && to == IndicatorTests.at("2026-11-30 00:00"))
        #expect(AssessmentWeek("2026-W01")?.monday.description == "2025-12-29", "week 1 holds 4 January")
        #expect(AssessmentWeek("2026-W53")?.monday.description == "2026-12-28" && AssessmentWeek("2020-W53")?.monday.description == "2020-12-28")
        #expect(AssessmentWeek("2021-W53") == nil && AssessmentWeek("2026-W00") == nil && AssessmentWeek("2026-48") == nil)
        #expect(AssessmentWeek(containing: LocalDate("2027-01-01")!).description == "2026-W53", "a Friday in January can belong to the year before")
        #expect(AssessmentWeek(containing: LocalDate("2024-12-30")!).description == "2025-W01")
        #expect(week.next.description == "2026-W49" && AssessmentWeek("2026-W01")!.previous.description == "2025-W52")
        // Every day of ten years falls in the week whose Monday is at most six days before it, and
        // the week's text reads back as the same week.
        for n in LocalDate("2020-01-01")!.dayNumber..<LocalDate("2030-01-01")!.dayNumber {
            let day = LocalDate(dayNumber: n), found = AssessmentWeek(containing: day)
            #expect(found.monday.weekday == 1 && (0...6).contains(found.monday.distance(to: day)))
            #expect(AssessmentWeek(found.description) == found)
        }
    }

    @Test func aBriefIsOfAMonthOrAWeek() throws {
        #expect(try BriefPeriod.parse("2026-11") == .month(AssessmentMonth("2026-11")!))
        #expect(try BriefPeriod.parse("2026-W48") == .week(AssessmentWeek("2026-W48")!))
        #expect(throws: GridError.self) { try BriefPeriod.parse("2026-11-01") }
        #expect(BriefPeriod.week(AssessmentWeek("2026-W48")!).label == "2026年第48周（11月23日—11月29日）")
        #expect(BriefPeriod.month(AssessmentMonth("2026-11")!).label == "2026年11月")
        // Saturday 5 December 2026, 09:00 in Beijing: the last month ended is November, the last week W48.
        let now = IndicatorTests.at("2026-12-05 09:00")
        #expect(BriefPeriod.lastEnded(.month, before: now, utcOffsetSeconds: 8 * 3600).description == "2026-11")
        #expect(BriefPeriod.lastEnded(.week, before: now, utcOffsetSeconds: 8 * 3600).description == "2026-W48")
        // Monday 7 December 00:30 in Beijing (16:30 UTC the day before): W49 has ended.
        #expect(BriefPeriod.lastEnded(.week, before: IndicatorTests.at("2026-12-07 00:30"), utcOffsetSeconds: 8 * 3600).description == "2026-W49")
    }
}
