import Foundation
import GridCore
import Testing

@Suite struct CalendarDocumentTests {
    typealias T = CalendarTesting

    static let example = #"""
        {"weekdays":[1,2,3,4,5],
         "hours":[{"start":"08:30","end":"12:00"},{"start":"13:30","end":"17:30"}],
         "days":[{"date":"2026-02-15","type":"holiday","name":"春节"},{"date":"2026-02-14","type":"workday","name":"春节调休"}],
         "trafficLight":{"yellow":0.8,"red":1.0}}
        """#

    func document(_ text: String) throws -> CalendarDocument {
        try JSONDecoder().decode(CalendarDocument.self, from: Data(text.utf8))
    }

    /// The field errors of a document that must be rejected.
    func problems(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [FieldError] {
        let document = try document(text)
        let error = try #require(
            thrownError { () throws(GridError) in try document.calendar() }, "expected \(text) to be rejected",
            sourceLocation: sourceLocation)
        #expect(error.code == .validationFailed, sourceLocation: sourceLocation)
        #expect(error.kind == .badRequest, sourceLocation: sourceLocation)
        return error.fieldErrors
    }

    /// The single problem of a rejected document, checked to be at `field` with `code` and to name `value` (if any) in both languages.
    func problem(
        _ text: String, at field: String, _ code: String, naming value: String?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> FieldError {
        let all = try problems(text, sourceLocation: sourceLocation)
        #expect(all.count == 1, "\(all)", sourceLocation: sourceLocation)
        let first = try #require(all.first, sourceLocation: sourceLocation)
        #expect(first.field == field, sourceLocation: sourceLocation)
        #expect(first.code.rawValue == code, sourceLocation: sourceLocation)
        if let value {
            #expect(first.message.zh.contains(value) && first.message.en.contains(value), "\(first.message)", sourceLocation: sourceLocation)
        }
        return first
    }

    // MARK: reading

    @Test func readsTheDocumentedExample() throws {
        let calendar = try document(Self.example).calendar()
        #expect(calendar.workingWeekdays == [1, 2, 3, 4, 5])
        #expect(calendar.periods == [T.morning, T.afternoon])
        #expect(calendar.holidays == [T.day("2026-02-15")])
        #expect(calendar.makeUpDays == [T.day("2026-02-14")])
        #expect(calendar.utcOffsetSeconds == 28800)
        #expect(try document(Self.example).thresholds == TrafficLightThresholds())
    }

    @Test func missingKeysMeanTheStandardCalendar() throws {
        #expect(try document("{}").calendar() == .standard)
        #expect(try document("{}").thresholds == TrafficLightThresholds(yellow: 0.8, red: 1.0))
        let partial = try document(#"{"weekdays":[1,2,3,4,5,6],"trafficLight":{"red":1.5}}"#)
        #expect(try partial.calendar().periods == WorkCalendar.standard.periods)
        #expect(try partial.calendar().workingWeekdays == Set(1...6))
        #expect(partial.thresholds == TrafficLightThresholds(yellow: 0.8, red: 1.5))
        #expect(try document("{}").calendar(utcOffsetSeconds: 0).utcOffsetSeconds == 0)
    }

    @Test func unsortedAndAdjacentHoursAndAWholeDayAreAccepted() throws {
        let calendar = try document(#"{"hours":[{"start":"13:00","end":"24:00"},{"start":"00:00","end":"13:00"}]}"#).calendar()
        #expect(calendar.periods == [WorkPeriod(start: 0, end: 780), WorkPeriod(start: 780, end: 1440)])
    }

    @Test func aHolidayOnADayNotWorkedAnywayIsAccepted() throws {
        let calendar = try document(#"{"days":[{"date":"2026-02-15","type":"holiday"},{"date":"2026-02-21","type":"holiday"}]}"#).calendar()
        #expect(calendar.holidays == [T.day("2026-02-15"), T.day("2026-02-21")])
        #expect(
            try document(#"{"weekdays":[7],"days":[{"date":"2026-02-16","type":"workday"}]}"#).calendar().makeUpDays == [T.day("2026-02-16")],
            "a make-up day is checked against the weekdays given, not the standard ones")
    }

    // MARK: writing

    @Test func writesACalendarBackSortedByDate() throws {
        let names = [T.day("2026-02-14"): "春节调休", T.day("2026-02-15"): "春节"]
        let written = CalendarDocument(T.festival2026, names: names, trafficLight: TrafficLightThresholds(yellow: 0.7, red: 1.2))
        #expect(written.weekdays == [1, 2, 3, 4, 5])
        #expect(written.hours == [CalendarDocument.Hours(start: "08:30", end: "12:00"), CalendarDocument.Hours(start: "13:30", end: "17:30")])
        let days = try #require(written.days)
        #expect(days.map(\.date) == ["2026-02-14"] + (15...23).map { "2026-02-\($0)" } + ["2026-02-28"])
        #expect(days.first == CalendarDocument.Day(date: "2026-02-14", type: "workday", name: "春节调休"))
        #expect(days[1] == CalendarDocument.Day(date: "2026-02-15", type: "holiday", name: "春节"))
        #expect(days.last == CalendarDocument.Day(date: "2026-02-28", type: "workday"))

        let json = try JSONEncoder().encode(written)
        let read = try JSONDecoder().decode(CalendarDocument.self, from: json)
        #expect(read == written)
        #expect(try read.calendar() == T.festival2026)
        #expect(read.thresholds == TrafficLightThresholds(yellow: 0.7, red: 1.2))
        #expect(String(decoding: json, as: UTF8.self).contains(#""trafficLight""#))
        #expect(!String(decoding: try JSONEncoder().encode(CalendarDocument(.standard)), as: UTF8.self).contains("trafficLight"))
    }

    @Test func writesTheEndOfTheDayAs2400() {
        let night = WorkCalendar(workingWeekdays: [6], periods: [WorkPeriod(start: 1320, end: 1440), WorkPeriod(start: 5, end: 65)])
        #expect(CalendarDocument(night).hours == [CalendarDocument.Hours(start: "00:05", end: "01:05"), CalendarDocument.Hours(start: "22:00", end: "24:00")])
    }

    @Test func randomCalendarsSurviveARoundTrip() throws {
        var random = T.SplitMix64(seed: 11)
        for round in 0..<500 {
            let calendar = T.randomCalendar(&random, clean: round % 2 == 0)
            let json = try JSONEncoder().encode(CalendarDocument(calendar))
            let read = try JSONDecoder().decode(CalendarDocument.self, from: json).calendar(utcOffsetSeconds: calendar.utcOffsetSeconds)
            #expect(read.periods == calendar.periods && read.workingWeekdays == calendar.workingWeekdays)
            if round % 2 == 0 {
                #expect(read == calendar)
            } else {
                let window = T.windowStart - 12..<T.windowStart + 122
                #expect(
                    window.allSatisfy { read.isWorkingDay(LocalDate(dayNumber: $0)) == calendar.isWorkingDay(LocalDate(dayNumber: $0)) },
                    "redundant and conflicting days are written as what they mean")
            }
        }
    }

    // MARK: one problem each

    @Test func aDateListedTwiceNamesTheDateAndItsFirstListing() throws {
        let field = try problem(
            #"""
            {"days":[{"date":"2026-02-15","type":"holiday"},{"date":"2026-02-16","type":"holiday"},{"date":"2026-02-15","type":"workday"}]}
            """#, at: "days[2].date", "calendar.day.duplicate", naming: "2026-02-15")
        #expect(field.message.en.contains("days[0]"))
    }

    @Test func aMakeUpDayOnAWorkingWeekdayIsRejected() throws {
        let field = try problem(
            #"{"days":[{"date":"2026-02-16","type":"workday","name":"调休"}]}"#,
            at: "days[0].type", "calendar.day.makeUpOnWorkingDay", naming: "2026-02-16")
        #expect(field.message.en.contains("Monday") && field.message.zh.contains("周一"))
        let saturday = try problem(
            #"{"weekdays":[1,2,3,4,5,6],"days":[{"date":"2026-02-14","type":"workday"}]}"#,
            at: "days[0].type", "calendar.day.makeUpOnWorkingDay", naming: "2026-02-14")
        #expect(saturday.message.en.contains("Saturday") && saturday.message.zh.contains("周六"))
    }

    @Test(arguments: [("2026-02-30", 4), ("2026-2-3", 0), ("tomorrow", 1), ("2025-02-29", 2)])
    func aDateThatIsNotRealIsRejected(date: String, index: Int) throws {
        var days = (1...5).map { #"{"date":"2026-03-0\#($0)","type":"holiday"}"# }
        days[index] = #"{"date":"\#(date)","type":"holiday"}"#
        _ = try problem(#"{"days":[\#(days.joined(separator: ","))]}"#, at: "days[\(index)].date", "calendar.day.badDate", naming: date)
    }

    @Test func anUnknownDayTypeNamesTheAllowedOnes() throws {
        let field = try problem(#"{"days":[{"date":"2026-02-15","type":"holidays"}]}"#, at: "days[0].type", "calendar.day.unknownType", naming: "holidays")
        #expect(field.message.en.contains("holiday, workday") && field.message.zh.contains("holiday, workday"))
    }

    @Test func overlappingHoursAreRejected() throws {
        let field = try problem(
            #"{"hours":[{"start":"08:30","end":"12:00"},{"start":"11:00","end":"14:00"}]}"#,
            at: "hours[1]", "calendar.hours.overlap", naming: "11:00–14:00")
        #expect(field.message.en.contains("hours[0] 08:30–12:00"))
        let covered = try problems(#"{"hours":[{"start":"11:00","end":"11:30"},{"start":"08:00","end":"18:00"},{"start":"12:00","end":"13:00"}]}"#)
        #expect(covered.map(\.field) == ["hours[0]", "hours[2]"], "each period inside a longer one is reported against it")
        #expect(covered.allSatisfy { $0.code == .calendarHoursOverlap && $0.message.en.contains("hours[1]") })
    }

    @Test(arguments: [
        ("8:30", "start"), ("24:00", "start"), ("12:60", "start"), ("ab:cd", "start"), ("08.30", "start"), ("", "start"),
        ("24:01", "end"), ("00:00", "end"), ("17:3", "end"), ("25:00", "end"), ("１７:30", "end"),
    ])
    func aTimeThatIsNotHHMMIsRejected(time: String, key: String) throws {
        let hours = key == "start" ? #"{"start":"\#(time)","end":"12:00"}"# : #"{"start":"08:30","end":"\#(time)"}"#
        _ = try problem(#"{"hours":[\#(hours)]}"#, at: "hours[0].\(key)", "calendar.hours.badTime", naming: time.isEmpty ? nil : time)
    }

    @Test(arguments: [("12:00", "12:00"), ("13:00", "12:00")])
    func hoursMustEndAfterTheyStart(start: String, end: String) throws {
        _ = try problem(#"{"hours":[{"start":"\#(start)","end":"\#(end)"}]}"#, at: "hours[0].end", "calendar.hours.endNotAfterStart", naming: start)
    }

    @Test func someWorkingHoursAndWeekdaysAreRequired() throws {
        _ = try problem(#"{"hours":[]}"#, at: "hours", "calendar.hours.none", naming: nil)
        _ = try problem(#"{"weekdays":[]}"#, at: "weekdays", "calendar.weekdays.none", naming: nil)
    }

    @Test(arguments: [
        ("[1,2,8]", 2, "calendar.weekday.invalid", "8"), ("[0,1]", 0, "calendar.weekday.invalid", "0"),
        ("[1,2,1]", 2, "calendar.weekday.duplicate", "1"), ("[-7,1]", 0, "calendar.weekday.invalid", "-7"),
    ])
    func badWeekdaysAreRejected(list: String, index: Int, code: String, value: String) throws {
        _ = try problem(#"{"weekdays":\#(list)}"#, at: "weekdays[\(index)]", code, naming: value)
    }

    @Test func badThresholdsAreRejected() throws {
        _ = try problem(#"{"trafficLight":{"yellow":1.2,"red":1.0}}"#, at: "trafficLight.red", "trafficLight.invalid", naming: "1.2")
        _ = try problem(#"{"trafficLight":{"yellow":0,"red":1.0}}"#, at: "trafficLight.yellow", "trafficLight.invalid", naming: "0.0")
        _ = try problem(#"{"trafficLight":{"red":12}}"#, at: "trafficLight.red", "trafficLight.invalid", naming: "12.0")
    }

    // MARK: several at once

    @Test func everyProblemIsReportedAtOnce() throws {
        let all = try problems(
            #"""
            {"weekdays":[1,2,3,4,5,9],
             "hours":[{"start":"08:30","end":"12:00"},{"start":"7:00","end":"09:00"},{"start":"11:00","end":"13:00"}],
             "days":[{"date":"2026-02-15","type":"holiday"},{"date":"2026-02-31","type":"holiday"},{"date":"2026-02-16","type":"workday"},
                     {"date":"2026-02-15","type":"off"}],
             "trafficLight":{"yellow":1.0,"red":1.0}}
            """#)
        #expect(
            all.map(\.field) == [
                "weekdays[5]", "hours[1].start", "hours[2]", "days[1].date", "days[2].type", "days[3].type", "days[3].date",
                "trafficLight.red",
            ])
        #expect(
            all.map(\.code.rawValue) == [
                "calendar.weekday.invalid", "calendar.hours.badTime", "calendar.hours.overlap", "calendar.day.badDate",
                "calendar.day.makeUpOnWorkingDay", "calendar.day.unknownType", "calendar.day.duplicate", "trafficLight.invalid",
            ])
    }

    @Test func theNumberOfProblemsIsCapped() throws {
        let days = (0..<150).map { _ in #"{"date":"2026-02-30","type":"holiday"}"# }.joined(separator: ",")
        #expect(try problems(#"{"days":[\#(days)]}"#).count == OrgPlanner.maxErrors)
    }
}
