import Foundation

/// A part of the working day in minutes since midnight, `start` included and `end` excluded: 08:30–12:00 is 510..<720.
/// It exists so that office hours are checked once, when they are read, and stay plain integers afterwards.
public struct WorkPeriod: Hashable, Sendable {
    /// 0…1439.
    public let start: Int
    /// 1…1440 (24:00), after `start`.
    public let end: Int

    public init(start: Int, end: Int) {
        precondition(0 <= start && start < end && end <= 1440, "a work period is a non-empty part of one day, got \(start)..<\(end)")
        self.start = start
        self.end = end
    }

    /// Sorted by start, overlapping periods merged into one.
    static func normalised(_ periods: [WorkPeriod]) -> [WorkPeriod] {
        var merged: [WorkPeriod] = []
        for period in periods.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, period.start < last.end {
                merged[merged.count - 1] = WorkPeriod(start: last.start, end: max(last.end, period.end))
            } else {
                merged.append(period)
            }
        }
        return merged
    }
}

/// The working time of a district's service desks — which days are worked (a weekday rule, public holidays off,
/// 调休 make-up days on) and which hours — against which handling time limits (时限) are counted.
///
/// Time is local time at a fixed UTC offset (China has no daylight saving time), counted in whole seconds: fractions
/// of a second in the instants given are dropped, except that a result equal to the (whole-second) start is returned
/// as the start itself. Instants are clamped to `Date.distantPast…Date.distantFuture`, and a deadline that is never
/// reached — beyond that range, or because the calendar has no working time left — is `Date.distantFuture`.
/// Limit amounts are clamped to `0…TimeLimit.maxAmount`.
public struct WorkCalendar: Sendable, Equatable {
    /// ISO weekdays (1 = Monday … 7 = Sunday) worked unless a day is a holiday; values outside 1…7 are ignored.
    public var workingWeekdays: Set<Int> { didSet { rebuild() } }
    /// The working periods of every working day, kept sorted with overlapping periods merged.
    public var periods: [WorkPeriod] {
        didSet {
            periods = WorkPeriod.normalised(periods)
            rebuild()
        }
    }
    /// Days off, such as the 春节 holiday; they may include days that are not worked anyway.
    public var holidays: Set<LocalDate> { didSet { rebuild() } }
    /// Days worked whatever the weekday rule and the holidays say (调休), usually weekends next to a holiday.
    public var makeUpDays: Set<LocalDate> { didSet { rebuild() } }
    /// Asia/Shanghai is +28800.
    public var utcOffsetSeconds: Int
    private var rules: Rules

    public init(
        workingWeekdays: Set<Int>, periods: [WorkPeriod], holidays: Set<LocalDate> = [], makeUpDays: Set<LocalDate> = [],
        utcOffsetSeconds: Int = 28800
    ) {
        self.workingWeekdays = workingWeekdays
        self.periods = WorkPeriod.normalised(periods)
        self.holidays = holidays
        self.makeUpDays = makeUpDays
        self.utcOffsetSeconds = utcOffsetSeconds
        rules = Rules(weekdays: workingWeekdays, periods: self.periods, holidays: holidays, makeUpDays: makeUpDays)
    }

    /// Monday to Friday, 08:30–12:00 and 13:30–17:30, Beijing time, no holidays.
    public static let standard = WorkCalendar(
        workingWeekdays: [1, 2, 3, 4, 5], periods: [WorkPeriod(start: 510, end: 720), WorkPeriod(start: 810, end: 1050)])

    public static func == (lhs: WorkCalendar, rhs: WorkCalendar) -> Bool {
        lhs.workingWeekdays == rhs.workingWeekdays && lhs.periods == rhs.periods && lhs.holidays == rhs.holidays
            && lhs.makeUpDays == rhs.makeUpDays && lhs.utcOffsetSeconds == rhs.utcOffsetSeconds
    }

    private mutating func rebuild() {
        rules = Rules(weekdays: workingWeekdays, periods: periods, holidays: holidays, makeUpDays: makeUpDays)
    }

    /// A make-up day is worked, else a holiday is not, else the weekday rule decides.
    public func isWorkingDay(_ date: LocalDate) -> Bool { rules.isWorking(Int64(date.dayNumber)) }

    /// Working seconds in [from, to); 0 when `to` is not after `from`.
    public func workSeconds(from: Date, to: Date) -> Int64 { rules.work(local(from), local(to)) }

    /// The earliest instant t with `workSeconds(from: start, to: t) == seconds`: a deadline reached as a period ends
    /// stays at that end (17:30, not 08:30 the next working day). Zero or fewer seconds return `start` unchanged.
    public func addingWorkSeconds(_ seconds: Int64, to start: Date) -> Date {
        let from = local(start)
        return date(advance(max(0, seconds), from: from, in: .work), start: start, from: from)
    }

    /// When a case received at `start` is due.
    ///
    /// - `minutes` and `calendarDays` count natural time: `start` + amount × 60 s or × 86 400 s.
    /// - `workHours` is `addingWorkSeconds(amount × 3600, to: start)`.
    /// - `workDays`: `start` is first normalised to the next working instant — itself if it lies inside a period of a
    ///   working day, else the start of the next period that day, else the start of the first period of the next
    ///   working day. The deadline is the same time of day on the amount-th working day after the normalised start's
    ///   day (every working day has the same periods, so that time is a working instant there too); 0 work days is the
    ///   normalised start. The deadline is then exactly amount × (working seconds of a day) of work after `start`.
    ///
    /// Pauses stop the clock: the deadline moves later by the pause time between `start` and the (moving) deadline,
    /// measured in the limit's metric (natural seconds for `minutes` and `calendarDays`, working seconds for work
    /// units), whatever their order or overlaps. The result is the earliest instant at which the limit's measure of
    /// unpaused time since `start` reaches the limit; for `workDays` it is the deadline above when no working time
    /// is paused before it.
    public func deadline(from start: Date, limit: TimeLimit, pauses: [DateInterval] = []) -> Date {
        let from = local(start)
        let paused = pauseSpans(pauses, from: from)
        let amount = Self.clamped(limit)
        let due: Int64?
        switch limit.unit {
        case .minutes: due = run(amount * 60, from: from, in: .natural, paused: paused)
        case .calendarDays: due = run(amount * 86400, from: from, in: .natural, paused: paused)
        case .workHours: due = run(amount * 3600, from: from, in: .work, paused: paused)
        case .workDays:
            if let base = rules.workDays(amount, after: from) {
                due = measure(paused, upTo: base, in: .work) == 0 ? base : run(rules.work(from, base), from: from, in: .work, paused: paused)
            } else {
                due = nil
            }
        }
        return date(due, start: start, from: from)
    }

    /// How much of the limit's metric (seconds: natural for `minutes` and `calendarDays`, working for work units) has
    /// run from `start` to `now`, paused time excluded; 0 when `now` is not after `start`.
    public func elapsed(from start: Date, to now: Date, limit: TimeLimit, pauses: [DateInterval] = []) -> Int64 {
        let from = local(start), to = local(now)
        let metric = Metric(limit.unit)
        return measure(from, to, in: metric) - measure(pauseSpans(pauses, from: from), upTo: to, in: metric)
    }

    /// `elapsed` over the limit's measure from `start` to its deadline without pauses (working seconds from the
    /// normalised start for `workDays`): 1 exactly at the (paused) deadline, above 1 once overdue. A limit measuring
    /// zero is due at once: 0 before `start`, 1 while nothing has elapsed, `Double.greatestFiniteMagnitude` after.
    public func fractionUsed(from start: Date, to now: Date, limit: TimeLimit, pauses: [DateInterval] = []) -> Double {
        let used = elapsed(from: start, to: now, limit: limit, pauses: pauses)
        let amount = Self.clamped(limit)
        let total: Int64
        switch limit.unit {
        case .minutes: total = amount * 60
        case .calendarDays: total = amount * 86400
        case .workHours: total = amount * 3600
        case .workDays:
            let from = local(start)
            total = rules.workDays(amount, after: from).map { rules.work(from, $0) } ?? 0
        }
        guard total > 0 else { return local(now) < local(start) ? 0 : used == 0 ? 1 : .greatestFiniteMagnitude }
        return Double(used) / Double(total)
    }

    // MARK: local seconds

    private static let earliest = Int64(Date.distantPast.timeIntervalSince1970)
    private static let latest = Int64(Date.distantFuture.timeIntervalSince1970)

    /// The stretches without working time that touch [from, to], as closed intervals from the end
    /// of one working period to the start of the next (17:30 to the next working day's 08:30), in
    /// whole seconds; the first and last are cut at `from` and `to`. A completion is on time in work
    /// time exactly when it is not after its deadline or both lie in one of them (`workSeconds` from
    /// the deadline to the completion is 0): this is how SQL judges it (`Indicators.onTime`).
    /// At most 800 days are looked at after `from`.
    public func idleSpans(from: Date, to: Date) -> [DateInterval] {
        let low = local(from), high = min(local(to), low + 800 * 86400)
        guard low <= high else { return [] }
        var spans: [DateInterval] = []
        var idleSince: Int64? = low
        func instant(_ second: Int64) -> Date { Date(timeIntervalSince1970: Double(second - Int64(utcOffsetSeconds))) }
        func close(at second: Int64) {
            if let since = idleSince, since <= second { spans.append(DateInterval(start: instant(since), end: instant(second))) }
            idleSince = nil
        }
        var day = low >= 0 ? low / 86400 : (low - 86399) / 86400
        while day * 86400 <= high {
            if rules.isWorking(day) {
                for span in rules.spans {
                    let start = day * 86400 + span.start, end = day * 86400 + span.end
                    guard end > low, start <= high else { continue }
                    // A working second at `low` itself leaves no idle stretch before it.
                    if start > low { close(at: start) } else { idleSince = nil }
                    idleSince = end
                }
            }
            day += 1
        }
        if let since = idleSince, since <= high { spans.append(DateInterval(start: instant(since), end: instant(high))) }
        return spans
    }

    private static func clamped(_ limit: TimeLimit) -> Int64 { Int64(min(max(limit.amount, 0), TimeLimit.maxAmount)) }

    /// Whole seconds since 1970-01-01 00:00 local time.
    private func local(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // Written so that NaN lands on `earliest` instead of trapping.
        let unix = seconds >= Double(Self.latest) ? Self.latest : seconds > Double(Self.earliest) ? Int64(seconds) : Self.earliest
        return unix + Int64(utcOffsetSeconds)
    }

    private func date(_ local: Int64?, start: Date, from: Int64) -> Date {
        guard let local else { return .distantFuture }
        if local == from { return start }
        return Date(timeIntervalSince1970: Double(min(local - Int64(utcOffsetSeconds), Self.latest)))
    }

    // MARK: measuring with pauses

    /// What a limit counts: natural seconds or working seconds.
    private enum Metric {
        case natural, work

        init(_ unit: LimitUnit) {
            switch unit {
            case .minutes, .calendarDays: self = .natural
            case .workHours, .workDays: self = .work
            }
        }
    }

    private func measure(_ from: Int64, _ to: Int64, in metric: Metric) -> Int64 {
        switch metric {
        case .natural: max(0, to - from)
        case .work: rules.work(from, to)
        }
    }

    /// The earliest instant at which `amount` of the metric has run since `from`; nil if never.
    private func advance(_ amount: Int64, from: Int64, in metric: Metric) -> Int64? {
        switch metric {
        case .natural: return from + amount
        case .work:
            // Working time never outruns natural time, so an amount beyond the last instant is never reached.
            guard amount <= Self.latest + Int64(utcOffsetSeconds) - from else { return nil }
            return rules.add(amount, to: from)
        }
    }

    /// The pauses as sorted, disjoint, non-empty spans of local seconds, cut to start no earlier than `from`.
    private func pauseSpans(_ pauses: [DateInterval], from: Int64) -> [Span] {
        guard !pauses.isEmpty else { return [] }
        let spans = pauses.map { Span(start: max(from, local($0.start)), end: local($0.end)) }.filter { $0.end > $0.start }
        var merged: [Span] = []
        for span in spans.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, span.start <= last.end {
                merged[merged.count - 1].end = max(last.end, span.end)
            } else {
                merged.append(span)
            }
        }
        return merged
    }

    /// The metric's measure of paused time before `to`.
    private func measure(_ paused: [Span], upTo to: Int64, in metric: Metric) -> Int64 {
        var total: Int64 = 0
        for span in paused {
            guard span.start < to else { break }
            total += measure(span.start, min(span.end, to), in: metric)
        }
        return total
    }

    /// The earliest instant at which `amount` of unpaused time has run since `from`.
    private func run(_ amount: Int64, from: Int64, in metric: Metric, paused: [Span]) -> Int64? {
        var at = from, left = amount
        for span in paused {
            let free = measure(at, span.start, in: metric)
            if left <= free { break }
            left -= free
            at = span.end
        }
        return advance(left, from: at, in: metric)
    }
}

/// A span of local seconds, `start` included, `end` excluded.
private struct Span: Sendable {
    var start: Int64
    var end: Int64
}

/// The calendar compiled for arithmetic on local seconds and day numbers: a weekday bit mask, the periods in seconds of
/// the day, and the sorted days whose status differs from the weekday rule.
private struct Rules: Sendable {
    /// Bit w − 1 set for each working ISO weekday w.
    let weekdayMask: Int
    let workingDaysPerWeek: Int64
    let spans: [Span]
    /// Working seconds of a working day.
    let dayWork: Int64
    /// Sorted day numbers of holidays on weekday-rule working days and make-up days on other days.
    let exceptions: [Int64]

    init(weekdays: Set<Int>, periods: [WorkPeriod], holidays: Set<LocalDate>, makeUpDays: Set<LocalDate>) {
        let mask = (1...7).reduce(0) { weekdays.contains($1) ? $0 | 1 << ($1 - 1) : $0 }
        func byWeekday(_ date: LocalDate) -> Bool { mask >> (date.weekday - 1) & 1 == 1 }
        weekdayMask = mask
        workingDaysPerWeek = Int64(mask.nonzeroBitCount)
        spans = periods.map { Span(start: Int64($0.start) * 60, end: Int64($0.end) * 60) }
        dayWork = spans.reduce(0) { $0 + $1.end - $1.start }
        let offDays = holidays.subtracting(makeUpDays).filter(byWeekday)
        exceptions = offDays.union(makeUpDays.filter { !byWeekday($0) }).map { Int64($0.dayNumber) }.sorted()
    }

    func rule(_ day: Int64) -> Bool { weekdayMask >> (LocalDate(dayNumber: Int(day)).weekday - 1) & 1 == 1 }

    /// Index of the first exception on or after `day`.
    func firstException(from day: Int64) -> Int {
        var low = 0, high = exceptions.count
        while low < high {
            let middle = (low + high) / 2
            if exceptions[middle] < day { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func isWorking(_ day: Int64) -> Bool {
        let index = firstException(from: day)
        return rule(day) != (index < exceptions.count && exceptions[index] == day)
    }

    /// Working seconds of a working day before `second`.
    func workBefore(_ second: Int64) -> Int64 {
        var total: Int64 = 0
        for span in spans {
            guard second > span.start else { break }
            total += min(second, span.end) - span.start
        }
        return total
    }

    /// The earliest second of a working day by which `work` (0 < work ≤ dayWork) seconds have been worked.
    func secondReaching(_ work: Int64) -> Int64 {
        var left = work, index = 0
        while left > spans[index].end - spans[index].start {
            left -= spans[index].end - spans[index].start
            index += 1
        }
        return spans[index].start + left
    }

    /// Working days in [from, to): whole weeks by the weekday count, the rest by the rule, then the exceptions.
    func workingDays(from: Int64, to: Int64) -> Int64 {
        guard to > from else { return 0 }
        let weeks = (to - from) / 7
        var count = weeks * workingDaysPerWeek
        for day in from + weeks * 7..<to where rule(day) { count += 1 }
        var index = firstException(from: from)
        while index < exceptions.count, exceptions[index] < to {
            count += rule(exceptions[index]) ? -1 : 1
            index += 1
        }
        return count
    }

    func work(_ from: Int64, _ to: Int64) -> Int64 {
        guard to > from else { return 0 }
        let (firstDay, firstSecond) = WorkCalendar.localSplit(from), (lastDay, lastSecond) = WorkCalendar.localSplit(to)
        if firstDay == lastDay { return isWorking(firstDay) ? workBefore(lastSecond) - workBefore(firstSecond) : 0 }
        var total = workingDays(from: firstDay + 1, to: lastDay) * dayWork
        if isWorking(firstDay) { total += dayWork - workBefore(firstSecond) }
        if isWorking(lastDay) { total += workBefore(lastSecond) }
        return total
    }

    /// The earliest local second t with work(from, t) == amount; nil when the calendar runs out of working time.
    func add(_ amount: Int64, to from: Int64) -> Int64? {
        guard amount > 0 else { return from }
        let (day, second) = WorkCalendar.localSplit(from)
        var left = amount
        if isWorking(day) {
            let used = workBefore(second)
            if left <= dayWork - used { return day * 86400 + secondReaching(used + left) }
            left -= dayWork - used
        }
        guard dayWork > 0 else { return nil }
        let days = (left - 1) / dayWork + 1
        guard let last = nthWorkingDay(days, from: day + 1) else { return nil }
        return last * 86400 + secondReaching(left - (days - 1) * dayWork)
    }

    /// The deadline `count` work days after `from` (the rule is documented on `WorkCalendar.deadline`).
    func workDays(_ count: Int64, after from: Int64) -> Int64? {
        let (day, second) = WorkCalendar.localSplit(from)
        var startDay = day, time: Int64
        if isWorking(day), let span = spans.first(where: { second < $0.end }) {
            time = max(second, span.start)
        } else {
            guard let next = nthWorkingDay(1, from: day + 1), let first = spans.first else { return nil }
            startDay = next
            time = first.start
        }
        guard let dueDay = count == 0 ? startDay : nthWorkingDay(count, from: startDay + 1) else { return nil }
        return dueDay * 86400 + time
    }

    /// The `n`-th (n ≥ 1) working day counting from `day` itself; nil if there is none. Runs of days without
    /// exceptions are crossed a week at a time, so the cost grows with the weeks and exceptions crossed, not the days.
    func nthWorkingDay(_ n: Int64, from day: Int64) -> Int64? {
        var day = day, left = n, index = firstException(from: day)
        while true {
            let next = index < exceptions.count ? exceptions[index] : nil
            if day == next {
                index += 1
                if !rule(day) {
                    left -= 1
                    if left == 0 { return day }
                }
                day += 1
                continue
            }
            guard workingDaysPerWeek > 0 else {
                guard let next else { return nil }
                day = next
                continue
            }
            // Whole weeks leave at least one day to find, so the day-by-day step below ends on it.
            let weeks = min((left - 1) / workingDaysPerWeek, next.map { ($0 - day) / 7 } ?? .max)
            if weeks > 0 {
                day += weeks * 7
                left -= weeks * workingDaysPerWeek
                continue
            }
            if rule(day) {
                left -= 1
                if left == 0 { return day }
            }
            day += 1
        }
    }
}
