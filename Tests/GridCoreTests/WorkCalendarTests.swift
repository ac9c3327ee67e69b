import Foundation
import GridCore
import Testing

/// Fixtures and helpers shared by the calendar suites.
enum CalendarTesting {
    typealias SplitMix64 = GridCore.SplitMix64

    static func day(_ iso: String) -> LocalDate { LocalDate(iso)! }

    /// Beijing time "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" as an instant.
    static func at(_ text: String) -> Date {
        let clock = text.dropFirst(11).split(separator: ":").map { Int($0)! }
        let local = day(String(text.prefix(10))).dayNumber * 86400 + clock[0] * 3600 + clock[1] * 60 + (clock.count > 2 ? clock[2] : 0)
        return Date(timeIntervalSince1970: Double(local - 28800))
    }

    /// An instant as Beijing time "YYYY-MM-DD HH:MM", with ":SS" when the seconds are not zero.
    static func show(_ date: Date) -> String {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + 28800
        let dayNumber = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let second = local - dayNumber * 86400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text = "\(LocalDate(dayNumber: dayNumber)) \(two(second / 3600)):\(two(second / 60 % 60))"
        return second % 60 == 0 ? text : text + ":\(two(second % 60))"
    }

    static let morning = WorkPeriod(start: 510, end: 720), afternoon = WorkPeriod(start: 810, end: 1050)

    /// Beijing 2026: 春节 off Sun 15 Feb – Mon 23 Feb, worked Saturdays 14 and 28 Feb.
    static let festival2026 = WorkCalendar(
        workingWeekdays: [1, 2, 3, 4, 5], periods: [morning, afternoon],
        holidays: Set(day("2026-02-15")...day("2026-02-23")), makeUpDays: [day("2026-02-14"), day("2026-02-28")])

    /// Beijing 2025: 春节 off Tue 28 Jan – Tue 4 Feb, worked Sunday 26 Jan and Saturday 8 Feb.
    static let festival2025 = WorkCalendar(
        workingWeekdays: [1, 2, 3, 4, 5], periods: [morning, afternoon],
        holidays: Set(day("2025-01-28")...day("2025-02-04")), makeUpDays: [day("2025-01-26"), day("2025-02-08")])

    /// The first day of the window random calendars list days in.
    static let windowStart = day("2026-01-01").dayNumber

    /// A random calendar: some weekdays, one to three periods (possibly adjacent, possibly reaching 00:00 or 24:00),
    /// holidays and make-up days scattered over 130 days around `windowStart`, sometimes the same day, at a random
    /// offset. With `clean`, make-up days are only on days not worked by weekday and are never also holidays.
    static func randomCalendar(_ random: inout SplitMix64, clean: Bool = false) -> WorkCalendar {
        var weekdays = Set((1...7).filter { _ in Int.random(in: 0..<10, using: &random) < 6 })
        if weekdays.isEmpty { weekdays.insert(Int.random(in: 1...7, using: &random)) }
        var periods: [WorkPeriod] = []
        while periods.isEmpty {
            let bounds = (0..<2 * Int.random(in: 1...3, using: &random)).map { _ in
                Int.random(in: 0..<8, using: &random) == 0 ? [0, 1440].randomElement(using: &random)! : Int.random(in: 0...1440, using: &random)
            }.sorted()
            periods = stride(from: 0, to: bounds.count, by: 2).filter { bounds[$0] < bounds[$0 + 1] }.map {
                WorkPeriod(start: bounds[$0], end: bounds[$0 + 1])
            }
        }
        func days(_ count: Int) -> Set<LocalDate> {
            Set((0..<count).map { _ in LocalDate(dayNumber: windowStart + Int.random(in: -10..<120, using: &random)) })
        }
        let holidays = days(Int.random(in: 0...25, using: &random))
        var makeUpDays = days(Int.random(in: 0...10, using: &random))
        if clean { makeUpDays = makeUpDays.filter { !weekdays.contains($0.weekday) }.subtracting(holidays) }
        return WorkCalendar(
            workingWeekdays: weekdays, periods: periods, holidays: holidays, makeUpDays: makeUpDays,
            utcOffsetSeconds: [28800, 28800, 0, -18000, 19800].randomElement(using: &random)!)
    }

    /// Whether the calendar works on `date`, from its definition rather than through `isWorkingDay`.
    static func worked(_ date: LocalDate, _ calendar: WorkCalendar) -> Bool {
        calendar.makeUpDays.contains(date) || (!calendar.holidays.contains(date) && calendar.workingWeekdays.contains(date.weekday))
    }

    /// Whether the local second holding `unix` is working time, from the definition.
    static func isWorkingSecond(_ unix: Int, _ calendar: WorkCalendar) -> Bool {
        let local = unix + calendar.utcOffsetSeconds
        let dayNumber = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let minute = (local - dayNumber * 86400) / 60
        return worked(LocalDate(dayNumber: dayNumber), calendar) && calendar.periods.contains { $0.start <= minute && minute < $0.end }
    }

    /// A random whole-second instant in the window, often on a period boundary or a second either side of one.
    static func randomInstant(_ random: inout SplitMix64, _ calendar: WorkCalendar) -> Int {
        let dayNumber = windowStart + Int.random(in: -5..<110, using: &random)
        var second = Int.random(in: 0..<86400, using: &random)
        if Int.random(in: 0..<3, using: &random) == 0 {
            let period = calendar.periods.randomElement(using: &random)!
            second = [period.start, period.end].randomElement(using: &random)! * 60 + Int.random(in: -1...1, using: &random)
        }
        return dayNumber * 86400 + second - calendar.utcOffsetSeconds
    }

    static func date(_ unix: Int) -> Date { Date(timeIntervalSince1970: Double(unix)) }
}

@Suite struct LocalDateTests {
    @Test func parsesAndPrintsISODates() throws {
        let date = try #require(LocalDate("2026-02-15"))
        #expect((date.year, date.month, date.day) == (2026, 2, 15))
        #expect(date.weekday == 7, "2026-02-15 is a Sunday")
        #expect(date.description == "2026-02-15")
        #expect(LocalDate("1970-01-01")?.dayNumber == 0)
        #expect(LocalDate("1970-01-01")?.weekday == 4, "1970-01-01 was a Thursday")
        #expect(LocalDate("1969-12-31")?.dayNumber == -1)
        #expect(LocalDate("0001-01-01")?.description == "0001-01-01")
        #expect(LocalDate("2000-02-29") != nil)
        #expect(LocalDate(year: 2026, month: 2, day: 15) == date)
    }

    @Test(arguments: [
        "2026-02-30", "2025-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00", "2026-2-15",
        "2026-02-15 ", " 2026-02-15", "2026/02/15", "20260215", "+026-02-15", "2026-0a-15", "２０２６-02-15", "",
    ])
    func rejectsWhatIsNotARealDateInISOForm(text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func agreesWithFoundationsGregorianCalendar() throws {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = try #require(TimeZone(identifier: "UTC"))
        var random = CalendarTesting.SplitMix64(seed: 1)
        for _ in 0..<2000 {
            let dayNumber = Int.random(in: -135_000...157_000, using: &random)  // 1600 … 2400
            let date = LocalDate(dayNumber: dayNumber)
            let parts = gregorian.dateComponents([.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(dayNumber) * 86400))
            #expect(date.year == parts.year && date.month == parts.month && date.day == parts.day, "\(dayNumber)")
            #expect(date.weekday == (parts.weekday! + 5) % 7 + 1, "Foundation counts 1 = Sunday; \(date)")
            #expect(LocalDate(date.description) == date)
            #expect(LocalDate(year: date.year, month: date.month, day: date.day)?.dayNumber == dayNumber)
        }
    }

    @Test func codesAsTheISOString() throws {
        let data = try JSONEncoder().encode([CalendarTesting.day("2026-02-14")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-02-14"]"#)
        #expect(try JSONDecoder().decode([LocalDate].self, from: Data(#"["2025-01-26"]"#.utf8)) == [CalendarTesting.day("2025-01-26")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDate].self, from: Data(#"["2026-02-30"]"#.utf8)) }
    }

    @Test func ordersAndStridesByDay() {
        let first = CalendarTesting.day("2026-02-15"), last = CalendarTesting.day("2026-02-23")
        #expect(first < last)
        #expect(Array(first...last).count == 9)
        #expect(first.advanced(by: 14).description == "2026-03-01")
        #expect(first.distance(to: last) == 8)
    }
}

@Suite struct WorkCalendarTests {
    typealias T = CalendarTesting
    let festival = T.festival2026
    var standard: WorkCalendar { .standard }

    func due(_ calendar: WorkCalendar, _ start: String, _ amount: Int, _ unit: LimitUnit, pauses: [(String, String)] = []) -> String {
        let intervals = pauses.map { DateInterval(start: T.at($0.0), end: T.at($0.1)) }
        return T.show(calendar.deadline(from: T.at(start), limit: TimeLimit(amount: amount, unit: unit), pauses: intervals))
    }

    // MARK: working days

    @Test func makeUpDaysWorkAndHolidaysDoNot() {
        #expect(festival.isWorkingDay(T.day("2026-02-13")), "an ordinary Friday")
        #expect(festival.isWorkingDay(T.day("2026-02-14")), "a make-up Saturday")
        #expect(!festival.isWorkingDay(T.day("2026-02-16")), "a Monday of the holiday")
        #expect(!festival.isWorkingDay(T.day("2026-02-15")), "a Sunday of the holiday")
        #expect(!festival.isWorkingDay(T.day("2026-03-07")), "an ordinary Saturday")
        #expect(T.festival2025.isWorkingDay(T.day("2025-01-26")), "a make-up Sunday")
        var both = festival
        both.holidays.insert(T.day("2026-02-28"))
        #expect(both.isWorkingDay(T.day("2026-02-28")), "a make-up day wins over a holiday on the same date")
    }

    @Test func mutatingACalendarRecomputesItsRules() {
        var calendar = WorkCalendar.standard
        #expect(due(calendar, "2026-02-27 17:00", 1, .workHours) == "2026-03-02 09:00")
        calendar.holidays.insert(T.day("2026-03-02"))
        #expect(due(calendar, "2026-02-27 17:00", 1, .workHours) == "2026-03-03 09:00")
        calendar.makeUpDays.insert(T.day("2026-03-01"))
        #expect(due(calendar, "2026-02-27 17:00", 1, .workHours) == "2026-03-01 09:00")
        calendar.workingWeekdays.insert(6)
        #expect(due(calendar, "2026-02-27 17:00", 1, .workHours) == "2026-02-28 09:00")
        calendar.periods = [WorkPeriod(start: 480, end: 1200)]
        #expect(due(calendar, "2026-02-27 17:00", 1, .workHours) == "2026-02-27 18:00")
        #expect(calendar != .standard)
    }

    @Test func periodsAreSortedAndOverlapsMerged() {
        let calendar = WorkCalendar(workingWeekdays: [1], periods: [T.afternoon, T.morning, WorkPeriod(start: 660, end: 750)])
        #expect(calendar.periods == [WorkPeriod(start: 510, end: 750), T.afternoon])
        #expect(WorkCalendar(workingWeekdays: [1, 2, 3, 4, 5], periods: [T.afternoon, T.morning]) == .standard)
    }

    // MARK: work hours

    @Test func workHoursAroundTheSpringFestival2026() {
        #expect(due(festival, "2026-02-13 16:30", 4, .workHours) == "2026-02-14 11:30", "1 h on Friday, 3 h on the make-up Saturday")
        #expect(due(festival, "2026-02-14 16:00", 4, .workHours) == "2026-02-24 11:00", "1.5 h on Saturday, then after the holiday")
        #expect(due(festival, "2026-02-18 10:00", 1, .workHours) == "2026-02-24 09:30", "received during the holiday")
        #expect(due(festival, "2026-02-27 17:00", 1, .workHours) == "2026-02-28 09:00", "into the second make-up Saturday")
        #expect(due(festival, "2026-02-28 17:00", 1, .workHours) == "2026-03-02 09:00", "from the make-up Saturday over Sunday")
    }

    @Test func workHoursAroundTheSpringFestival2025() {
        let calendar = T.festival2025
        #expect(due(calendar, "2025-01-24 17:00", 2, .workHours) == "2025-01-26 10:00", "0.5 h Friday, then the make-up Sunday")
        #expect(due(calendar, "2025-01-27 14:00", 8, .workHours) == "2025-02-05 14:30", "3.5 h Monday, 4.5 h after the holiday")
        #expect(due(calendar, "2025-02-07 17:00", 1, .workHours) == "2025-02-08 09:00", "the make-up Saturday")
    }

    @Test func aDeadlineReachedAsAPeriodEndsStaysAtThatEnd() {
        #expect(due(standard, "2026-03-02 08:30", 210, .minutes) == "2026-03-02 12:00", "natural minutes for comparison")
        #expect(T.show(standard.addingWorkSeconds(3 * 3600 + 1800, to: T.at("2026-03-02 08:30"))) == "2026-03-02 12:00")
        #expect(T.show(standard.addingWorkSeconds(3 * 3600, to: T.at("2026-03-02 09:00"))) == "2026-03-02 12:00")
        #expect(T.show(standard.addingWorkSeconds(7 * 3600 + 1800, to: T.at("2026-03-02 08:30"))) == "2026-03-02 17:30")
        #expect(T.show(standard.addingWorkSeconds(3 * 3600 + 1801, to: T.at("2026-03-02 08:30"))) == "2026-03-02 13:30:01")
        #expect(due(festival, "2026-02-13 16:30", 1, .workHours) == "2026-02-13 17:30")
        #expect(due(festival, "2026-02-13 09:30", 8, .workHours) == "2026-02-14 10:00", "6.5 h on Friday, 1.5 h on Saturday")
    }

    @Test func aStartOutsideWorkingTimeCountsFromTheNextWorkingInstant() {
        #expect(due(standard, "2026-03-02 12:45", 1, .workHours) == "2026-03-02 14:30", "lunch break")
        #expect(due(standard, "2026-03-02 12:00", 1, .workHours) == "2026-03-02 14:30", "12:00 itself is not worked")
        #expect(due(standard, "2026-03-02 20:00", 1, .workHours) == "2026-03-03 09:30", "night")
        #expect(due(standard, "2026-03-02 17:30", 1, .workHours) == "2026-03-03 09:30", "the end of the day")
        #expect(due(standard, "2026-03-02 06:00", 1, .workHours) == "2026-03-02 09:30", "early morning")
        #expect(due(standard, "2026-03-07 10:00", 1, .workHours) == "2026-03-09 09:30", "weekend")
    }

    @Test func zeroWorkKeepsTheStartExactly() {
        let start = T.at("2026-03-02 20:00").addingTimeInterval(0.25)
        #expect(standard.addingWorkSeconds(0, to: start) == start)
        #expect(standard.addingWorkSeconds(-5, to: start) == start)
        #expect(standard.deadline(from: start, limit: TimeLimit(amount: 0, unit: .workHours)) == start)
        #expect(standard.deadline(from: start, limit: TimeLimit(amount: 0, unit: .minutes)) == start)
        #expect(T.show(standard.addingWorkSeconds(1, to: start)) == "2026-03-03 08:30:01", "fractions of a second are dropped")
    }

    // MARK: work days

    @Test func workDaysAroundTheSpringFestivals() {
        #expect(due(festival, "2026-02-12 10:00", 3, .workDays) == "2026-02-24 10:00", "Fri 13, make-up Sat 14, then Tue 24")
        #expect(due(festival, "2026-02-27 10:00", 1, .workDays) == "2026-02-28 10:00", "the make-up Saturday counts")
        #expect(due(festival, "2026-02-27 10:00", 2, .workDays) == "2026-03-02 10:00")
        #expect(due(festival, "2026-02-02 09:00", 20, .workDays) == "2026-03-06 09:00")
        #expect(due(T.festival2025, "2025-01-27 09:00", 5, .workDays) == "2025-02-10 09:00", "Feb 5, 6, 7, make-up Sat 8, Mon 10")
        #expect(due(T.festival2025, "2025-01-24 10:00", 1, .workDays) == "2025-01-26 10:00", "the make-up Sunday")
    }

    @Test func workDaysStartFromTheNextWorkingInstant() {
        #expect(due(standard, "2026-03-02 08:30", 1, .workDays) == "2026-03-03 08:30", "same time of day, not Monday 17:30")
        #expect(due(standard, "2026-03-02 12:30", 1, .workDays) == "2026-03-03 13:30", "lunch moves to 13:30")
        #expect(due(standard, "2026-03-02 12:00", 1, .workDays) == "2026-03-03 13:30")
        #expect(due(standard, "2026-03-02 17:29", 1, .workDays) == "2026-03-03 17:29")
        #expect(due(standard, "2026-03-02 17:30", 1, .workDays) == "2026-03-04 08:30", "evening moves to the next morning")
        #expect(due(festival, "2026-02-18 10:00", 1, .workDays) == "2026-02-25 08:30", "holiday: from Tue 24 08:30")
        #expect(due(festival, "2026-02-14 20:00", 2, .workDays) == "2026-02-26 08:30")
        #expect(due(festival, "2026-03-01 06:00", 0, .workDays) == "2026-03-02 08:30", "zero work days is the normalised start")
        let start = T.at("2026-03-02 10:00").addingTimeInterval(0.5)
        #expect(standard.deadline(from: start, limit: TimeLimit(amount: 0, unit: .workDays)) == start)
    }

    // MARK: natural time

    @Test func minutesAndCalendarDaysIgnoreTheCalendar() {
        #expect(due(festival, "2026-02-13 16:30", 90, .minutes) == "2026-02-13 18:00")
        #expect(due(festival, "2026-02-14 10:00", 3, .calendarDays) == "2026-02-17 10:00")
        #expect(due(festival, "2026-02-14 10:00", TimeLimit.maxAmount + 5, .minutes) == "2027-02-14 10:00", "amounts are clamped")
    }

    // MARK: working seconds

    @Test func workSecondsCountOnlyWorkingTime() {
        func work(_ from: String, _ to: String, _ calendar: WorkCalendar = T.festival2026) -> Int64 {
            calendar.workSeconds(from: T.at(from), to: T.at(to))
        }
        #expect(work("2026-02-13 08:30", "2026-02-25 08:30") == 3 * 27000, "Fri 13, Sat 14 and Tue 24")
        #expect(work("2026-02-14 00:00", "2026-03-01 00:00") == 6 * 27000)
        #expect(work("2026-02-13 16:30", "2026-02-14 09:30") == 7200)
        #expect(work("2026-03-02 12:10", "2026-03-02 13:20") == 0)
        #expect(work("2026-03-02 11:59:30", "2026-03-02 13:30:15") == 45)
        #expect(work("2026-03-03 10:00", "2026-03-02 10:00") == 0)
        #expect(work("2026-01-01 00:00", "2027-01-01 00:00", .standard) == 261 * 27000, "2026 has 261 weekdays")
    }

    @Test func aRoundTheClockCalendarIsNaturalTime() {
        let always = WorkCalendar(workingWeekdays: Set(1...7), periods: [WorkPeriod(start: 0, end: 1440)])
        #expect(always.workSeconds(from: T.at("2026-02-13 16:30"), to: T.at("2026-02-20 04:15:09")) == 6 * 86400 + 11 * 3600 + 45 * 60 + 9)
        #expect(T.show(always.addingWorkSeconds(86400, to: T.at("2026-02-13 00:00"))) == "2026-02-14 00:00")
        #expect(due(always, "2026-02-13 10:00", 2, .workDays) == "2026-02-15 10:00")
    }

    @Test func aCalendarWithoutWorkingTimeNeverFallsDue() {
        let noDays = WorkCalendar(workingWeekdays: [], periods: [T.morning])
        let noHours = WorkCalendar(workingWeekdays: [1, 2, 3, 4, 5], periods: [])
        for calendar in [noDays, noHours] {
            #expect(calendar.addingWorkSeconds(60, to: T.at("2026-03-02 09:00")) == .distantFuture)
            #expect(calendar.deadline(from: T.at("2026-03-02 09:00"), limit: TimeLimit(amount: 1, unit: .workDays)) == .distantFuture)
            #expect(calendar.workSeconds(from: T.at("2026-03-02 00:00"), to: T.at("2026-04-02 00:00")) == 0)
        }
        var onlyMakeUp = noDays
        onlyMakeUp.makeUpDays = [T.day("2026-03-07")]
        #expect(due(onlyMakeUp, "2026-03-02 09:00", 1, .workHours) == "2026-03-07 09:30")
        #expect(onlyMakeUp.addingWorkSeconds(4 * 3600, to: T.at("2026-03-02 09:00")) == .distantFuture)
    }

    @Test func extremeInstantsAndAmountsDoNotTrap() {
        let start = T.at("2026-03-02 09:00")
        #expect(standard.addingWorkSeconds(.max, to: start) == .distantFuture)
        #expect(standard.addingWorkSeconds(60, to: Date(timeIntervalSince1970: 1e20)) == .distantFuture)
        #expect(standard.workSeconds(from: .distantPast, to: Date(timeIntervalSince1970: .nan)) == 0)
        #expect(standard.workSeconds(from: Date(timeIntervalSince1970: -1e20), to: start) > 0)
        let far = standard.deadline(from: start, limit: TimeLimit(amount: .max, unit: .workDays))
        #expect(far > start && far <= .distantFuture)
        #expect(standard.deadline(from: start, limit: TimeLimit(amount: -3, unit: .workDays)) == start)
    }

    // MARK: pauses

    @Test func aPauseMovesAWorkHoursDeadlineByThePausedWorkTime() {
        #expect(due(standard, "2026-03-02 09:00", 8, .workHours) == "2026-03-03 09:30")
        #expect(
            due(standard, "2026-03-02 09:00", 8, .workHours, pauses: [("2026-03-03 00:00", "2026-03-04 00:00")]) == "2026-03-04 09:30",
            "a whole working day suspended")
        #expect(
            due(standard, "2026-03-02 09:00", 8, .workHours, pauses: [("2026-03-02 12:00", "2026-03-02 13:30")]) == "2026-03-03 09:30",
            "a pause over lunch stops no working time")
        #expect(due(standard, "2026-03-02 09:00", 8, .workHours, pauses: [("2026-03-02 10:00", "2026-03-02 11:00")]) == "2026-03-03 10:30")
    }

    @Test func pausesOutsideTheWindowChangeNothing() {
        let before = [("2026-03-01 10:00", "2026-03-02 08:59"), ("2026-03-02 08:00", "2026-03-02 09:00")]
        #expect(due(standard, "2026-03-02 09:00", 8, .workHours, pauses: before) == "2026-03-03 09:30")
        #expect(
            due(standard, "2026-03-02 09:00", 8, .workHours, pauses: [("2026-03-03 09:30", "2026-03-05 00:00")]) == "2026-03-03 09:30",
            "a pause from the deadline on")
        #expect(due(standard, "2026-03-02 09:00", 60, .minutes, pauses: before) == "2026-03-02 10:00")
    }

    @Test func overlappingPausesAreCountedOnce() {
        let overlapping = [("2026-03-03 10:00", "2026-03-03 14:00"), ("2026-03-03 08:00", "2026-03-03 12:00")]
        #expect(due(standard, "2026-03-02 09:00", 8, .workHours, pauses: overlapping) == "2026-03-03 15:00")
        #expect(due(standard, "2026-03-02 09:00", 8, .workHours, pauses: overlapping + overlapping) == "2026-03-03 15:00")
        #expect(
            due(
                standard, "2026-03-02 10:00", 60, .minutes,
                pauses: [
                    ("2026-03-02 10:10", "2026-03-02 10:40"),
                    ("2026-03-02 10:20", "2026-03-02 10:30"),
                ]) == "2026-03-02 11:30")
    }

    @Test func aPauseReachedOnlyBecauseOfAnEarlierOneStillCounts() {
        let pauses = [("2026-03-02 11:15", "2026-03-02 11:45"), ("2026-03-02 10:30", "2026-03-02 11:00")]
        #expect(due(standard, "2026-03-02 10:00", 60, .minutes, pauses: pauses) == "2026-03-02 12:00")
        #expect(
            due(standard, "2026-03-02 10:00", 60, .minutes, pauses: [("2026-03-02 09:00", "2026-03-02 10:30")]) == "2026-03-02 11:30",
            "only the part after the start counts")
        #expect(due(standard, "2026-03-02 10:00", 1, .calendarDays, pauses: [("2026-03-02 20:00", "2026-03-03 02:00")]) == "2026-03-03 16:00")
    }

    @Test func aPauseMovesAWorkDaysDeadlineByThePausedWorkTime() {
        #expect(due(standard, "2026-03-02 10:00", 1, .workDays, pauses: [("2026-03-02 14:00", "2026-03-02 15:00")]) == "2026-03-03 11:00")
        #expect(due(standard, "2026-03-02 10:00", 1, .workDays, pauses: [("2026-03-02 12:00", "2026-03-02 13:30")]) == "2026-03-03 10:00")
        #expect(due(festival, "2026-02-12 10:00", 3, .workDays, pauses: [("2026-02-13 00:00", "2026-02-14 00:00")]) == "2026-02-25 10:00")
    }

    // MARK: elapsed time and traffic lights

    @Test func elapsedTimeAndTheFractionUsed() {
        let limit = TimeLimit(amount: 4, unit: .workHours), start = T.at("2026-02-13 16:30")
        func fraction(_ now: String) -> Double { festival.fractionUsed(from: start, to: T.at(now), limit: limit) }
        #expect(festival.elapsed(from: start, to: T.at("2026-02-14 09:30"), limit: limit) == 7200)
        #expect(fraction("2026-02-14 09:30") == 0.5)
        #expect(fraction("2026-02-14 11:30") == 1)
        #expect(fraction("2026-02-13 16:00") == 0, "before the start")
        #expect(festival.elapsed(from: start, to: T.at("2026-02-13 16:00"), limit: limit) == 0)
        let lights = TrafficLightThresholds()
        #expect(lights.light(forFractionUsed: fraction("2026-02-14 10:42")) == .green, "exactly 0.8")
        #expect(lights.light(forFractionUsed: fraction("2026-02-14 10:42:01")) == .yellow)
        #expect(lights.light(forFractionUsed: fraction("2026-02-14 11:30")) == .yellow, "due now")
        #expect(lights.light(forFractionUsed: fraction("2026-02-14 11:30:01")) == .red)
    }

    @Test func pausedTimeIsNotElapsed() {
        let limit = TimeLimit(amount: 8, unit: .workHours), start = T.at("2026-03-02 09:00")
        let pause = [DateInterval(start: T.at("2026-03-03 00:00"), end: T.at("2026-03-04 00:00"))]
        #expect(standard.elapsed(from: start, to: T.at("2026-03-04 09:00"), limit: limit, pauses: pause) == 27000)
        #expect(standard.fractionUsed(from: start, to: T.at("2026-03-04 09:00"), limit: limit, pauses: pause) == 27000.0 / 28800)
        #expect(standard.fractionUsed(from: start, to: T.at("2026-03-04 09:30"), limit: limit, pauses: pause) == 1)
        let day = TimeLimit(amount: 1, unit: .calendarDays), midnight = T.at("2026-03-02 00:00")
        let sixHours = [DateInterval(start: T.at("2026-03-02 06:00"), end: T.at("2026-03-02 12:00"))]
        #expect(standard.fractionUsed(from: midnight, to: T.at("2026-03-03 00:00"), limit: day, pauses: sixHours) == 0.75)
    }

    @Test func workDaysAreUsedFromTheNormalisedStart() {
        let three = TimeLimit(amount: 3, unit: .workDays)
        #expect(festival.fractionUsed(from: T.at("2026-02-12 10:00"), to: T.at("2026-02-13 10:00"), limit: three) == 1.0 / 3)
        #expect(festival.fractionUsed(from: T.at("2026-02-12 10:00"), to: T.at("2026-02-24 10:00"), limit: three) == 1)
        let one = TimeLimit(amount: 1, unit: .workDays), evening = T.at("2026-03-02 20:00")
        #expect(standard.fractionUsed(from: evening, to: T.at("2026-03-03 08:00"), limit: one) == 0)
        #expect(standard.fractionUsed(from: evening, to: T.at("2026-03-03 12:15"), limit: one) == 12600.0 / 27000)
    }

    @Test func aZeroLimitIsDueAtOnce() {
        let zero = TimeLimit(amount: 0, unit: .minutes), start = T.at("2026-03-02 10:00")
        #expect(standard.fractionUsed(from: start, to: T.at("2026-03-02 09:59"), limit: zero) == 0)
        #expect(standard.fractionUsed(from: start, to: start, limit: zero) == 1)
        #expect(standard.fractionUsed(from: start, to: T.at("2026-03-02 10:01"), limit: zero) == .greatestFiniteMagnitude)
        let zeroDays = TimeLimit(amount: 0, unit: .workDays), night = T.at("2026-03-02 20:00")
        #expect(standard.fractionUsed(from: night, to: T.at("2026-03-03 08:00"), limit: zeroDays) == 1, "nothing worked yet")
        #expect(TrafficLightThresholds().light(forFractionUsed: standard.fractionUsed(from: night, to: T.at("2026-03-03 08:31"), limit: zeroDays)) == .red)
    }

    @Test func trafficLightThresholdsAreInclusiveUpperBounds() {
        let lights = TrafficLightThresholds(yellow: 0.5, red: 1.5)
        #expect([0, 0.5, 0.5000001, 1.5, 1.5000001, .nan].map(lights.light(forFractionUsed:)) == [.green, .green, .yellow, .yellow, .red, .red])
        #expect(TrafficLightThresholds().problems(at: "trafficLight").isEmpty)
        #expect(TrafficLightThresholds(yellow: 9.9, red: 10).problems(at: "x").isEmpty)
        #expect(TrafficLightThresholds(yellow: 0, red: 1).problems(at: "t").map(\.field) == ["t.yellow"])
        #expect(TrafficLightThresholds(yellow: 0.5, red: 10.5).problems(at: "t").map(\.field) == ["t.red"])
        #expect(TrafficLightThresholds(yellow: 1, red: 1).problems(at: "t").map(\.field) == ["t.red"])
        #expect(TrafficLightThresholds(yellow: .nan, red: .nan).problems(at: "t").map(\.field) == ["t.yellow", "t.red", "t.red"])
        #expect(TrafficLightThresholds(yellow: -1, red: 1).problems(at: "t").first?.message.en.contains("-1.0") == true)
    }

    @Test func thresholdsDecodeWithDefaults() throws {
        let decoded = try JSONDecoder().decode(TrafficLightThresholds.self, from: Data(#"{"red":1.2}"#.utf8))
        #expect(decoded == TrafficLightThresholds(yellow: 0.8, red: 1.2))
        #expect(try JSONDecoder().decode(TrafficLightThresholds.self, from: Data("{}".utf8)) == TrafficLightThresholds())
        #expect(try JSONDecoder().decode(TrafficLight.self, from: Data(#""yellow""#.utf8)) == .yellow)
    }
}

/// Laws checked on thousands of random calendars and instants, against definitions written out independently.
@Suite struct WorkCalendarPropertyTests {
    typealias T = CalendarTesting
    static let cases = 2000

    /// Working seconds in [from, to) counted minute by minute from the calendar's definition.
    func scannedWork(_ from: Int, _ to: Int, _ calendar: WorkCalendar) -> Int64 {
        var total = 0
        var minute = Int((Double(from) / 60).rounded(.down))
        while minute * 60 < to {
            if T.isWorkingSecond(minute * 60, calendar) { total += min(to, minute * 60 + 60) - max(from, minute * 60) }
            minute += 1
        }
        return Int64(total)
    }

    @Test func workSecondsMatchAMinuteByMinuteScan() {
        var random = T.SplitMix64(seed: 2)
        for _ in 0..<Self.cases {
            let calendar = T.randomCalendar(&random)
            let from = T.randomInstant(&random, calendar), to = from + Int.random(in: -600...(3 * 86400), using: &random)
            #expect(
                calendar.workSeconds(from: T.date(from), to: T.date(to)) == (to > from ? scannedWork(from, to, calendar) : 0),
                "\(calendar) \(from) \(to)")
        }
    }

    @Test func workingDaysFollowTheirDefinition() {
        var random = T.SplitMix64(seed: 3)
        for _ in 0..<200 {
            let calendar = T.randomCalendar(&random)
            let dayWork = Int64(calendar.periods.reduce(0) { $0 + $1.end - $1.start } * 60)
            for dayNumber in T.windowStart - 12..<T.windowStart + 122 {
                let date = LocalDate(dayNumber: dayNumber)
                #expect(calendar.isWorkingDay(date) == T.worked(date, calendar))
                let midnight = dayNumber * 86400 - calendar.utcOffsetSeconds
                let work = calendar.workSeconds(from: T.date(midnight), to: T.date(midnight + 86400))
                #expect(work == (T.worked(date, calendar) ? dayWork : 0), "a make-up day contributes its periods, a holiday none: \(date)")
            }
        }
    }

    @Test func addingWorkIsTheInverseOfMeasuringItAndLandsOnWorkingTime() {
        var random = T.SplitMix64(seed: 4)
        for _ in 0..<Self.cases {
            let calendar = T.randomCalendar(&random)
            let dayWork = Int64(calendar.periods.reduce(0) { $0 + $1.end - $1.start } * 60)
            let start = T.randomInstant(&random, calendar)
            let amount =
                Int.random(in: 0..<4, using: &random) == 0 ? Int64.random(in: 0...3, using: &random) : Int64.random(in: 0...(4 * dayWork), using: &random)
            let due = calendar.addingWorkSeconds(amount, to: T.date(start))
            #expect(calendar.workSeconds(from: T.date(start), to: due) == amount)
            guard amount > 0 else {
                #expect(due == T.date(start))
                continue
            }
            let last = Int(due.timeIntervalSince1970) - 1
            #expect(last >= start)
            #expect(T.isWorkingSecond(last, calendar), "the second before a deadline is worked, so it is the earliest: \(calendar) \(start) \(amount)")
        }
    }

    @Test func addingAndMeasuringAreMonotone() {
        var random = T.SplitMix64(seed: 5)
        for _ in 0..<Self.cases {
            let calendar = T.randomCalendar(&random)
            let start = T.date(T.randomInstant(&random, calendar))
            let amounts = [Int64.random(in: 0...200_000, using: &random), Int64.random(in: 0...200_000, using: &random)].sorted()
            #expect(calendar.addingWorkSeconds(amounts[0], to: start) <= calendar.addingWorkSeconds(amounts[1], to: start))
            let ends = [T.randomInstant(&random, calendar), T.randomInstant(&random, calendar)].sorted().map(T.date)
            #expect(calendar.workSeconds(from: start, to: ends[0]) <= calendar.workSeconds(from: start, to: ends[1]))
            #expect(calendar.workSeconds(from: ends[0], to: start) >= calendar.workSeconds(from: ends[1], to: start))
            let laterStart = calendar.addingWorkSeconds(amounts[0], to: ends[0]),
                earlierStart = calendar.addingWorkSeconds(amounts[0], to: ends[0].addingTimeInterval(-7))
            #expect(earlierStart <= laterStart, "a later start never falls due earlier")
        }
    }

    @Test func workSecondsAreAdditiveAndAddingComposes() {
        var random = T.SplitMix64(seed: 6)
        for _ in 0..<Self.cases {
            let calendar = T.randomCalendar(&random)
            let points = (0..<3).map { _ in T.randomInstant(&random, calendar) }.sorted().map(T.date)
            let (a, b, c) = (points[0], points[1], points[2])
            #expect(calendar.workSeconds(from: a, to: c) == calendar.workSeconds(from: a, to: b) + calendar.workSeconds(from: b, to: c))
            // For a whole-second start and any amounts x, y ≥ 0: add(add(t, x), y) == add(t, x + y).
            let x = Int64.random(in: 0...100_000, using: &random), y = Int64.random(in: 0...100_000, using: &random)
            #expect(calendar.addingWorkSeconds(y, to: calendar.addingWorkSeconds(x, to: a)) == calendar.addingWorkSeconds(x + y, to: a))
        }
    }

    @Test func workDaysKeepTheTimeOfDayOfTheNormalisedStart() {
        var random = T.SplitMix64(seed: 7)
        for _ in 0..<Self.cases {
            let calendar = T.randomCalendar(&random)
            let dayWork = Int64(calendar.periods.reduce(0) { $0 + $1.end - $1.start } * 60)
            let start = T.randomInstant(&random, calendar), count = Int.random(in: 0...25, using: &random)
            let normalised = Int(calendar.deadline(from: T.date(start), limit: TimeLimit(amount: 0, unit: .workDays)).timeIntervalSince1970)
            let due = Int(calendar.deadline(from: T.date(start), limit: TimeLimit(amount: count, unit: .workDays)).timeIntervalSince1970)
            #expect(normalised >= start && T.isWorkingSecond(normalised, calendar), "the normalised start is a working instant")
            #expect(calendar.workSeconds(from: T.date(start), to: T.date(normalised)) == 0, "and the first one")
            #expect((due - normalised) % 86400 == 0, "same time of day")
            let local = normalised + calendar.utcOffsetSeconds, span = (due - normalised) / 86400
            let firstDay = local >= 0 ? local / 86400 : (local - 86399) / 86400
            let worked = (0...span).filter { T.worked(LocalDate(dayNumber: firstDay + $0), calendar) }
            #expect(worked.first == 0, "the normalised start is on a working day")
            #expect(worked.count == count + 1 && worked.last == span, "on the count-th working day after it: \(calendar) \(start) \(count)")
            #expect(calendar.workSeconds(from: T.date(start), to: T.date(due)) == Int64(count) * dayWork)
        }
    }

    /// Working seconds in [from, to) outside every pause, counted minute by minute.
    func scannedUnpausedWork(_ from: Int, _ to: Int, _ pauses: [(Int, Int)], _ calendar: WorkCalendar, natural: Bool) -> Int64 {
        var total = 0
        var minute = Int((Double(from) / 60).rounded(.down))
        while minute * 60 < to {
            let low = max(from, minute * 60), high = min(to, minute * 60 + 60)
            if high > low && (natural || T.isWorkingSecond(minute * 60, calendar)) {
                var covered = 0, reach = low
                for (start, end) in pauses.sorted(by: { $0.0 < $1.0 }) where end > reach && start < high {
                    covered += min(end, high) - max(start, reach)
                    reach = min(end, high)
                }
                total += high - low - covered
            }
            minute += 1
        }
        return Int64(total)
    }

    @Test func pausedDeadlinesAreTheEarliestInstantTheLimitIsUsed() {
        var random = T.SplitMix64(seed: 8)
        let units: [LimitUnit] = [.minutes, .workHours, .workDays, .calendarDays]
        for _ in 0..<Self.cases {
            let calendar = T.randomCalendar(&random)
            let start = T.randomInstant(&random, calendar)
            let unit = units.randomElement(using: &random)!
            let amount =
                switch unit {
                case .minutes: Int.random(in: 0...900, using: &random)
                case .workHours: Int.random(in: 0...30, using: &random)
                case .workDays: Int.random(in: 0...4, using: &random)
                case .calendarDays: Int.random(in: 0...3, using: &random)
                }
            let limit = TimeLimit(amount: amount, unit: unit)
            let pauses = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                let from = start + Int.random(in: -86400...(4 * 86400), using: &random)
                return (from, from + Int.random(in: 0...(2 * 86400), using: &random))
            }
            let intervals = pauses.map { DateInterval(start: T.date($0.0), end: T.date($0.1)) }
            let due = calendar.deadline(from: T.date(start), limit: limit, pauses: intervals)
            let unpaused = calendar.deadline(from: T.date(start), limit: limit)
            #expect(due >= unpaused)
            let split = intervals.flatMap {
                [DateInterval(start: $0.start, duration: $0.duration / 2), DateInterval(start: $0.start + $0.duration / 3, end: $0.end)]
            }
            #expect(calendar.deadline(from: T.date(start), limit: limit, pauses: split.shuffled(using: &random)) == due, "order and overlaps do not matter")

            let measure = calendar.elapsed(from: T.date(start), to: unpaused, limit: limit)
            #expect(calendar.elapsed(from: T.date(start), to: due, limit: limit, pauses: intervals) == measure, "the limit is used at the deadline")
            let end = Int(due.timeIntervalSince1970)
            if end > start && unit != .workDays {
                #expect(calendar.elapsed(from: T.date(start), to: T.date(end - 1), limit: limit, pauses: intervals) < measure, "and not a second earlier")
            }
            if measure > 0 { #expect(calendar.fractionUsed(from: T.date(start), to: due, limit: limit, pauses: intervals) == 1) }
            let now = start + Int.random(in: -3600...(2 * 86400), using: &random)
            #expect(
                calendar.elapsed(from: T.date(start), to: T.date(now), limit: limit, pauses: intervals)
                    == (now > start ? scannedUnpausedWork(start, now, pauses, calendar, natural: unit == .minutes || unit == .calendarDays) : 0))
        }
    }
}

@Suite struct LightTimesTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func yellowAtTheThresholdOfTheWorkTimeAndRedAtTheDeadline() {
        let calendar = WorkCalendar.standard
        let start = Self.at("2026-11-23T08:30:00+08:00"), due = calendar.addingWorkSeconds(27000, to: start)
        #expect(due == Self.at("2026-11-23T17:30:00+08:00"))
        let times = calendar.lightTimes(start: start, due: due, thresholds: TrafficLightThresholds())
        #expect(times.yellow == Self.at("2026-11-23T16:00:00+08:00"), "80 % of 7.5 work hours: 3.5 h in the morning and 2.5 h after 13:30")
        #expect(times.red == due)
        let tolerant = calendar.lightTimes(start: start, due: due, thresholds: TrafficLightThresholds(yellow: 0.5, red: 1.2))
        #expect(calendar.workSeconds(from: start, to: tolerant.yellow) == 13500)
        #expect(tolerant.red == Self.at("2026-11-24T10:00:00+08:00"), "20 % over: 1.5 work hours into the next working day")
        // A work-days limit is due at the next morning's start; 3.5 of 7.5 h are used at 12:00 and exceeded at 13:30.
        let nextMorning = Self.at("2026-11-24T08:30:00+08:00")
        let half = calendar.lightTimes(start: start, due: nextMorning, thresholds: TrafficLightThresholds(yellow: 7.0 / 15.0, red: 1.0))
        #expect(half.yellow == Self.at("2026-11-23T13:30:00+08:00"))
        #expect(half.red == nextMorning)
    }
}
