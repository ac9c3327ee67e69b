import Foundation
import GridCore
import Testing

/// The assessment's first indicators on a small hand-computed history (issue 18), with on-time
/// judged in work time and a past period re-run as of a time.
@Suite struct IndicatorTests {
    static let calendar = WorkCalendar.standard
    /// Beijing time, `2026-11-02 09:00` (a Monday).
    static func at(_ text: String) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.date(from: text)!
    }

    @Test func aCompletionAt1730AndOneAtTheNextMorningsStartAreTheSameWorkInstant() {
        let due = Self.at("2026-11-02 17:30")
        #expect(Indicators.onTime(Self.at("2026-11-02 17:30"), due: due, calendar: Self.calendar))
        #expect(Indicators.onTime(Self.at("2026-11-02 21:00"), due: due, calendar: Self.calendar))
        #expect(Indicators.onTime(Self.at("2026-11-03 08:30"), due: due, calendar: Self.calendar))
        #expect(!Indicators.onTime(Self.at("2026-11-03 08:31"), due: due, calendar: Self.calendar))
        // A Friday's deadline at 17:30 still holds on Monday at 08:30: the weekend is no work time.
        #expect(Indicators.onTime(Self.at("2026-11-09 08:30"), due: Self.at("2026-11-06 17:30"), calendar: Self.calendar))
    }

    /// November 2026, five cases:
    /// - A: filed 11-02, due 11-03 17:30, handled 11-04 08:30 (the same work instant: on time), closed 11-05;
    /// - B: filed 11-02, due 11-04 12:00, handled 11-04 14:00 (late), reworked, closed 11-20;
    /// - C: filed 11-10, due 11-12 17:30, handled 11-12 10:00 (on time), extended before; open;
    /// - D: filed 11-25, due 11-27 17:30, not handled (open and overdue at the month's end);
    /// - E: filed 10-30 (October), due 11-02 12:00, handled 12-02 (after the month, late).
    static let facts = [
        IndicatorFact(filedAt: at("2026-11-02 09:00"), handleDue: at("2026-11-03 17:30"), handledAt: at("2026-11-04 08:30"), closedAt: at("2026-11-05 10:00")),
        IndicatorFact(
            filedAt: at("2026-11-02 10:00"), handleDue: at("2026-11-04 12:00"), handledAt: at("2026-11-04 14:00"), closedAt: at("2026-11-20 10:00"),
            reworked: true),
        IndicatorFact(filedAt: at("2026-11-10 09:00"), handleDue: at("2026-11-12 17:30"), handledAt: at("2026-11-12 10:00"), closedAt: nil, extended: true),
        IndicatorFact(filedAt: at("2026-11-25 09:00"), handleDue: at("2026-11-27 17:30"), handledAt: nil, closedAt: nil),
        IndicatorFact(filedAt: at("2026-10-30 09:00"), handleDue: at("2026-11-02 12:00"), handledAt: at("2026-12-02 09:00"), closedAt: nil),
    ]

    @Test func novembersFiguresMatchTheHandCount() {
        let from = Self.at("2026-11-01 00:00"), to = Self.at("2026-12-01 00:00"), asOf = Self.at("2026-12-04 00:00")
        func value(_ indicator: Indicator) -> IndicatorValue {
            Indicators.compute(indicator, Self.facts, from: from, to: to, asOf: asOf, calendar: Self.calendar)
        }
        // Filed in November: A, B, C, D.
        #expect(value(.filed).numerator == 4 && value(.filed).denominator == nil)
        // Due in November: A, B, C, D, E; on time: A (08:30 next morning), C → 2 / 5.
        #expect(value(.onTimeHandlingRate).numerator == 2 && value(.onTimeHandlingRate).denominator == 5)
        // Handled by now of those due: A, B, C, E → 4 / 5.
        #expect(value(.handlingRate).value == 0.8)
        // Closed of those filed in November: A, B → 2 / 4.
        #expect(value(.closureRate).value == 0.5)
        // Handled in November: A, B, C; reworked B, extended C → 1 / 3 each.
        #expect(value(.reworkRate).numerator == 1 && value(.reworkRate).denominator == 3)
        #expect(value(.extensionRate).numerator == 1 && value(.extensionRate).denominator == 3)
        // Open and overdue at the month's end: D (due 11-27) and E (due 11-02, handled only in December).
        #expect(value(.openOverdue).numerator == 2)
    }

    @Test func aPastMonthReRunAsOfItsEndIgnoresWhatCameAfter() {
        let from = Self.at("2026-11-01 00:00"), to = Self.at("2026-12-01 00:00")
        // As of 11-15: B's close (11-20) and everything filed after are unseen.
        let early = Self.at("2026-11-15 00:00")
        func value(_ indicator: Indicator) -> IndicatorValue {
            Indicators.compute(indicator, Self.facts, from: from, to: to, asOf: early, calendar: Self.calendar)
        }
        #expect(value(.filed).numerator == 3)
        #expect(value(.closureRate).numerator == 1 && value(.closureRate).denominator == 3)
        // Open and overdue as of 11-15: E (due 11-02, not handled by then).
        #expect(value(.openOverdue).numerator == 1)
        // The same figures again, whenever re-run.
        #expect(value(.onTimeHandlingRate) == Indicators.compute(.onTimeHandlingRate, Self.facts, from: from, to: to, asOf: early, calendar: Self.calendar))
    }

    /// November 2026's check rounds (案件核查及时率), each a request for a check with its own deadline:
    /// - R1: due 11-03 17:30, done 11-04 08:30 (the same work instant: on time);
    /// - R2: due 11-04 12:00, done 11-04 14:00 (late); its case reworked and checked again in R3:
    /// - R3: due 11-06 17:30, done 11-09 08:30 (Monday's start after Friday's deadline: on time);
    /// - R4: due 11-27 17:30, not done (counts, not on time);
    /// - R5: due 12-01 09:00 (December: not November's);
    /// - R6: asked for on 11-20, due 11-23 17:30, done 11-23 10:00 — unseen as of 11-15.
    @Test func checkRoundsCountByTheirDeadlineInWorkTimeEachRoundOnItsOwn() {
        let from = Self.at("2026-11-01 00:00"), to = Self.at("2026-12-01 00:00")
        let rounds = [
            CheckRoundFact(requestedAt: Self.at("2026-11-02 09:00"), due: Self.at("2026-11-03 17:30"), doneAt: Self.at("2026-11-04 08:30")),
            CheckRoundFact(requestedAt: Self.at("2026-11-02 10:00"), due: Self.at("2026-11-04 12:00"), doneAt: Self.at("2026-11-04 14:00")),
            CheckRoundFact(requestedAt: Self.at("2026-11-05 09:00"), due: Self.at("2026-11-06 17:30"), doneAt: Self.at("2026-11-09 08:30")),
            CheckRoundFact(requestedAt: Self.at("2026-11-26 09:00"), due: Self.at("2026-11-27 17:30"), doneAt: nil),
            CheckRoundFact(requestedAt: Self.at("2026-11-30 09:00"), due: Self.at("2026-12-01 09:00"), doneAt: Self.at("2026-11-30 15:00")),
            CheckRoundFact(requestedAt: Self.at("2026-11-20 09:00"), due: Self.at("2026-11-23 17:30"), doneAt: Self.at("2026-11-23 10:00")),
        ]
        let month = Indicators.tally(checks: rounds, from: from, to: to, asOf: Self.at("2026-12-04 00:00"), calendar: Self.calendar)
        #expect(month.checksDue == 5 && month.checksOnTime == 3, "R1–R4 and R6 due; R1, R3, R6 on time: \(month)")
        #expect(month.value(.onTimeCheckRate).value == 0.6)
        // As of 11-09 08:00: R3 not yet done (its 08:30 unseen), R6 not yet asked for.
        let early = Indicators.tally(checks: rounds, from: from, to: to, asOf: Self.at("2026-11-09 08:00"), calendar: Self.calendar)
        #expect(early.checksDue == 3 && early.checksOnTime == 1, "\(early)")
        #expect(
            Indicators.compute(.onTimeCheckRate, [], checks: rounds, from: from, to: to, asOf: Self.at("2026-12-04 00:00"), calendar: Self.calendar)
                == month.value(.onTimeCheckRate))
        #expect(Indicator.onTimeCheckRate.applies(to: .person) && Indicator.onTimeCheckRate.applies(to: .grid))
        #expect(!Indicator.onTimeCheckRate.applies(to: .department), "departments handle; grid workers check")
    }

    @Test func everyIndicatorIsDefinedInBothLanguages() {
        for indicator in Indicator.allCases {
            #expect(!indicator.label.zh.isEmpty && !indicator.definition.zh.isEmpty && !indicator.definition.en.isEmpty, "\(indicator)")
        }
        #expect(Indicator.allowedList.contains("onTimeHandlingRate"))
    }

    /// The stretches without work time decide on-time as the work-second count does: for a
    /// thousand deadlines and completions around 08:30, 12:00, 13:30 and 17:30 on working days,
    /// weekends and a holiday, "not after the deadline, or both in one stretch" agrees with
    /// `workSeconds == 0` (how the database judges it, `IndicatorStore`).
    @Test func theIdleStretchesJudgeOnTimeAsTheWorkSecondsDo() {
        var calendar = WorkCalendar.standard
        calendar.holidays = [LocalDate(year: 2026, month: 11, day: 11)!]
        let start = Self.at("2026-11-05 00:00")
        let spans = calendar.idleSpans(from: start.addingTimeInterval(-86400), to: start.addingTimeInterval(20 * 86400))
        #expect(spans.contains { $0.start == Self.at("2026-11-06 17:30") && $0.end == Self.at("2026-11-09 08:30") }, "Friday evening to Monday")
        #expect(spans.contains { $0.start == Self.at("2026-11-10 17:30") && $0.end == Self.at("2026-11-12 08:30") }, "over the holiday")
        #expect(spans.contains { $0.start == Self.at("2026-11-05 12:00") && $0.end == Self.at("2026-11-05 13:30") }, "lunch")
        var random = SplitMix64(seed: 18)
        let marks = [510, 720, 810, 1050].map { $0 * 60 }
        func instant() -> Date {
            let day = Int(random.next() % 12)
            let second = marks[Int(random.next() % 4)] + Int(random.next() % 7) * 30 - 90
            return start.addingTimeInterval(Double(day * 86400 + second))
        }
        for _ in 0..<1000 {
            let due = instant(), done = instant()
            let bySpans = done <= due || spans.contains { $0.start <= due && done <= $0.end }
            #expect(bySpans == Indicators.onTime(done, due: due, calendar: calendar), "due \(due), done \(done)")
        }
    }

    /// A suspended case is not overdue (its clock stopped); a closed one is not open.
    @Test func suspendedAndClosedCasesAreNotOpenAndOverdue() {
        let from = Self.at("2026-11-01 00:00"), to = Self.at("2026-12-01 00:00")
        let facts = [
            IndicatorFact(filedAt: Self.at("2026-11-02 09:00"), handleDue: Self.at("2026-11-03 17:30"), handledAt: nil, closedAt: nil, suspended: true),
            IndicatorFact(filedAt: Self.at("2026-11-02 09:00"), handleDue: Self.at("2026-11-03 17:30"), handledAt: nil, closedAt: Self.at("2026-11-20 09:00")),
            IndicatorFact(filedAt: Self.at("2026-11-02 09:00"), handleDue: Self.at("2026-11-03 17:30"), handledAt: nil, closedAt: nil),
        ]
        let tally = Indicators.tally(facts, from: from, to: to, asOf: to, calendar: Self.calendar)
        #expect(tally.openOverdue == 1)
        #expect(tally.filed == 3 && tally.filedClosed == 1 && tally.due == 3 && tally.dueHandled == 0)
    }

    /// The 12345 rates, front-line share, whistle score and discovery accuracy from their counts.
    @Test func theCountedRatesAreTheirRatios() {
        var tally = IndicatorTally()
        tally.calledBack = 4
        tally.contacted = 3
        tally.resolved = 2
        tally.satisfied = 1
        tally.basicallySatisfied = 2
        tally.summoned = 2
        tally.scored = 3
        tally.scoreSum = 14
        #expect(tally.value(.responseRate).value == 0.75 && tally.value(.resolutionRate).value == 0.5)
        #expect(abs((tally.value(.satisfactionRate).value ?? 0) - 0.7) < 1e-9, "(1 + 0.9 × 2) / 4")
        #expect(abs((tally.value(.whistleScore).value ?? 0) - 14.0 / 3) < 1e-9)
        #expect(tally.value(.reportInOnTimeRate).value == 0, "none on time of two")
        #expect(tally.value(.discoveryAccuracy).value == nil, "nothing to rate")
        #expect((tally + tally).scoreSum == 28 && (tally + tally).calledBack == 8)
        #expect(IndicatorTally.counters.count == 28 && Set(IndicatorTally.counters).count == 28, "every counter once")
    }

    /// The sheet: Chinese headers, numerator and denominator beside a rate, the total last, a
    /// digit code written as text and a formula-like name made harmless.
    @Test func theSheetIsExcelSafe() {
        var tally = IndicatorTally()
        tally.filed = 4
        tally.due = 4
        tally.dueOnTime = 3
        let csv = IndicatorSheet.csv(
            .street, [.filed, .onTimeHandlingRate], rows: [(code: "110199001", name: "=HYPERLINK(\"x\")", tally: tally)], total: tally)
        #expect(csv.hasPrefix("\u{FEFF}编码,名称,立案数,按期处置率,按期处置率分子,按期处置率分母\r\n"))
        #expect(csv.contains("\"=\"\"110199001\"\"\",\"'=HYPERLINK(\"\"x\"\")\",4,0.7500,3,4\r\n"), "\(csv)")
        #expect(csv.hasSuffix(",合计,4,0.7500,3,4\r\n"))
    }
}
