import Foundation

/// The work calendar as a district writes it — the JSON loaded through the CLI or the API — so that every mistake in
/// it is reported at once, by field path and offending value, before it becomes a `WorkCalendar`:
///
///     {"weekdays": [1, 2, 3, 4, 5],
///      "hours": [{"start": "08:30", "end": "12:00"}, {"start": "13:30", "end": "17:30"}],
///      "days": [{"date": "2026-02-15", "type": "holiday", "name": "春节"},
///               {"date": "2026-02-14", "type": "workday", "name": "春节调休"}],
///      "trafficLight": {"yellow": 0.8, "red": 1.0}}
///
/// A missing key means the standard calendar's value: Monday to Friday, 08:30–12:00 and 13:30–17:30, no listed days,
/// thresholds 0.8 and 1.0. A holiday on a day that is not worked anyway is accepted, because official holiday ranges
/// include weekends and are copied as published; a make-up working day on a day that is worked anyway is rejected,
/// because it is almost always a wrong date.
public struct CalendarDocument: Codable, Sendable, Equatable {
    /// One working period, "HH:MM" to "HH:MM" ("24:00" allowed as an end).
    public struct Hours: Codable, Sendable, Equatable {
        public var start: String
        public var end: String

        public init(start: String, end: String) {
            self.start = start
            self.end = end
        }
    }

    /// One listed date: a holiday (day off) or a make-up working day.
    public struct Day: Codable, Sendable, Equatable {
        /// "YYYY-MM-DD".
        public var date: String
        /// `holiday` or `workday`.
        public var type: String
        /// What the day is, e.g. 春节 or 春节调休.
        public var name: String?

        public init(date: String, type: String, name: String? = nil) {
            self.date = date
            self.type = type
            self.name = name
        }
    }

    public enum DayType: String, CaseIterable, Sendable {
        case holiday, workday
    }

    /// ISO weekdays worked, 1 = Monday … 7 = Sunday.
    public var weekdays: [Int]?
    public var hours: [Hours]?
    public var days: [Day]?
    public var trafficLight: TrafficLightThresholds?

    public init(weekdays: [Int]? = nil, hours: [Hours]? = nil, days: [Day]? = nil, trafficLight: TrafficLightThresholds? = nil) {
        self.weekdays = weekdays
        self.hours = hours
        self.days = days
        self.trafficLight = trafficLight
    }

    /// Writes `calendar` back, days sorted by date, so that `calendar(utcOffsetSeconds:)` gives a calendar with the same
    /// working days. Only days that change something are written: a day both off and made up is a make-up day, and a
    /// make-up day on a weekday already worked is left out.
    public init(_ calendar: WorkCalendar, names: [LocalDate: String] = [:], trafficLight: TrafficLightThresholds? = nil) {
        let worked = calendar.workingWeekdays
        let listed =
            calendar.holidays.subtracting(calendar.makeUpDays).map { ($0, DayType.holiday) }
            + calendar.makeUpDays.filter { !worked.contains($0.weekday) }.map { ($0, DayType.workday) }
        self.init(
            weekdays: worked.filter((1...7).contains).sorted(),
            hours: calendar.periods.map { Hours(start: Self.clock($0.start), end: Self.clock($0.end)) },
            days: listed.sorted { $0.0 < $1.0 }.map { Day(date: $0.0.description, type: $0.1.rawValue, name: names[$0.0]) },
            trafficLight: trafficLight)
    }

    /// The thresholds given, or the defaults.
    public var thresholds: TrafficLightThresholds { trafficLight ?? TrafficLightThresholds() }

    /// The calendar the document describes, after checking all of it, traffic-light thresholds included; throws
    /// `GridError.invalid` listing every problem (up to `OrgPlanner.maxErrors`).
    public func calendar(utcOffsetSeconds: Int = 28800) throws(GridError) -> WorkCalendar {
        var errors: [FieldError] = []
        let workingWeekdays = checkedWeekdays(&errors)
        let periods = checkedPeriods(&errors)
        let (holidays, makeUpDays) = checkedDays(workingWeekdays: workingWeekdays, &errors)
        errors += thresholds.problems(at: "trafficLight")
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return WorkCalendar(
            workingWeekdays: workingWeekdays, periods: periods, holidays: holidays, makeUpDays: makeUpDays,
            utcOffsetSeconds: utcOffsetSeconds)
    }

    /// The valid weekdays listed, or the standard ones when the key is missing.
    private func checkedWeekdays(_ errors: inout [FieldError]) -> Set<Int> {
        guard let weekdays else { return WorkCalendar.standard.workingWeekdays }
        if weekdays.isEmpty { errors.add("weekdays", .calendarWeekdaysNone, zh: "至少要有一个工作日", en: "at least one weekday must be worked") }
        var valid = Set<Int>()
        for (index, weekday) in weekdays.enumerated() {
            if !(1...7).contains(weekday) {
                errors.add(
                    "weekdays[\(index)]", .calendarWeekdayInvalid,
                    zh: "星期应为 1（周一）到 7（周日），实际为 \(weekday)", en: "a weekday must be 1 (Monday) to 7 (Sunday), got \(weekday)")
            } else if !valid.insert(weekday).inserted {
                errors.add("weekdays[\(index)]", .calendarWeekdayDuplicate, zh: "星期 \(weekday) 重复", en: "weekday \(weekday) is listed twice")
            }
        }
        return valid
    }

    /// The valid periods listed, or the standard ones when the key is missing.
    private func checkedPeriods(_ errors: inout [FieldError]) -> [WorkPeriod] {
        guard let hours else { return WorkCalendar.standard.periods }
        if hours.isEmpty { errors.add("hours", .calendarHoursNone, zh: "没有任何工作时段", en: "there are no working hours") }
        var periods: [(index: Int, period: WorkPeriod)] = []
        for (index, entry) in hours.enumerated() {
            let field = "hours[\(index)]"
            let start = Self.minutes(entry.start, endOfDay: false), end = Self.minutes(entry.end, endOfDay: true)
            if start == nil {
                errors.add(
                    "\(field).start", .calendarHoursBadTime,
                    zh: "开始时间“\(entry.start)”应为 00:00–23:59 的 HH:MM", en: "start '\(entry.start)' must be HH:MM within 00:00–23:59")
            }
            if end == nil {
                errors.add(
                    "\(field).end", .calendarHoursBadTime,
                    zh: "结束时间“\(entry.end)”应为 00:01–24:00 的 HH:MM", en: "end '\(entry.end)' must be HH:MM within 00:01–24:00")
            }
            guard let start, let end else { continue }
            if end <= start {
                errors.add(
                    "\(field).end", .calendarHoursEndNotAfterStart,
                    zh: "结束时间 \(entry.end) 应晚于开始时间 \(entry.start)", en: "end \(entry.end) must be after start \(entry.start)")
            } else {
                periods.append((index, WorkPeriod(start: start, end: end)))
            }
        }
        periods.sort { $0.period.start < $1.period.start }
        var latest: (index: Int, period: WorkPeriod)?
        for entry in periods {
            if let latest, entry.period.start < latest.period.end {
                let this = hours[entry.index], other = hours[latest.index]
                errors.add(
                    "hours[\(entry.index)]", .calendarHoursOverlap,
                    zh: "时段 \(this.start)–\(this.end) 与 hours[\(latest.index)] 的 \(other.start)–\(other.end) 重叠",
                    en: "hours \(this.start)–\(this.end) overlap hours[\(latest.index)] \(other.start)–\(other.end)")
            }
            if entry.period.end > latest?.period.end ?? -1 { latest = entry }
        }
        return periods.map(\.period)
    }

    /// The holidays and make-up days listed, each valid date once.
    private func checkedDays(workingWeekdays: Set<Int>, _ errors: inout [FieldError]) -> (holidays: Set<LocalDate>, makeUpDays: Set<LocalDate>) {
        var holidays = Set<LocalDate>(), makeUpDays = Set<LocalDate>()
        var firstListing: [LocalDate: Int] = [:]
        for (index, day) in (days ?? []).enumerated() {
            let field = "days[\(index)]"
            let type = DayType(rawValue: day.type)
            if type == nil {
                let allowed = DayType.allCases.map(\.rawValue).joined(separator: ", ")
                errors.add(
                    "\(field).type", .calendarDayUnknownType,
                    zh: "未知日期类型“\(day.type)”，可选：\(allowed)", en: "unknown day type '\(day.type)'; allowed: \(allowed)")
            }
            guard let date = LocalDate(day.date) else {
                errors.add(
                    "\(field).date", .calendarDayBadDate,
                    zh: "“\(day.date)”不是有效日期（格式 YYYY-MM-DD）", en: "'\(day.date)' is not a real date in the form YYYY-MM-DD")
                continue
            }
            if let first = firstListing[date] {
                errors.add(
                    "\(field).date", .calendarDayDuplicate,
                    zh: "日期 \(date) 重复，已在 days[\(first)] 列出", en: "date \(date) is listed twice, first as days[\(first)]")
                continue
            }
            firstListing[date] = index
            switch type {
            case .holiday?: holidays.insert(date)
            case .workday? where workingWeekdays.contains(date.weekday):
                let (zh, en) = Self.weekdayNames[date.weekday - 1]
                errors.add(
                    "\(field).type", .calendarDayMakeUpOnWorkingDay,
                    zh: "\(date) 是\(zh)，本就是工作日，不能设为调休上班日",
                    en: "\(date) is a \(en), already a working day; a make-up working day must be a rest day")
            case .workday?: makeUpDays.insert(date)
            case nil: break
            }
        }
        return (holidays, makeUpDays)
    }

    private static let weekdayNames = [
        ("周一", "Monday"), ("周二", "Tuesday"), ("周三", "Wednesday"), ("周四", "Thursday"),
        ("周五", "Friday"), ("周六", "Saturday"), ("周日", "Sunday"),
    ]

    /// Minutes since midnight of exactly "HH:MM", 00:00–23:59, or 00:01–24:00 for the end of a period.
    private static func minutes(_ clock: String, endOfDay: Bool) -> Int? {
        let bytes = Array(clock.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
            bytes.indices.allSatisfy({ $0 == 2 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) })
        else { return nil }
        let digit = { (index: Int) in Int(bytes[index] - UInt8(ascii: "0")) }
        let hour = digit(0) * 10 + digit(1), minute = digit(3) * 10 + digit(4)
        let total = hour * 60 + minute
        return minute < 60 && (endOfDay ? 1...1440 : 0...1439).contains(total) ? total : nil
    }

    /// "HH:MM" of minutes since midnight, 1440 as "24:00".
    private static func clock(_ minutes: Int) -> String {
        let hour = minutes / 60, minute = minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}

private extension [FieldError] {
    mutating func add(_ field: String, _ code: ErrorCode, zh: String, en: String) {
        append(FieldError(field, code, Text(zh: zh, en: en)))
    }
}

/// The years for which a district's calendar holds holiday data (any holiday or make-up day of
/// the year). A deadline counted over a year without it counts the year's holidays as work days:
/// the deadline is flagged, `/readyz` warns and `gridgov calendar show` says so.
public struct HolidayCoverage: Sendable, Equatable {
    public var years: Set<Int>

    public init(years: Set<Int>) { self.years = years }

    public init(_ document: CalendarDocument) {
        years = Set((document.days ?? []).compactMap { Int($0.date.prefix(4)) })
    }

    /// The years from `start` to `due` (local time) without holiday data, in order.
    public func missingYears(from start: Date, to due: Date, on calendar: WorkCalendar) -> [Int] {
        let first = calendar.localDate(start).year, last = calendar.localDate(max(start, due)).year
        return (first...last).filter { !years.contains($0) }
    }

    public func lacks(from start: Date, to due: Date, on calendar: WorkCalendar) -> Bool {
        !missingYears(from: start, to: due, on: calendar).isEmpty
    }
}
