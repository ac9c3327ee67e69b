import Foundation

/// A district's patrol rule (巡查): how soon after a grid worker's round passes a grid a problem
/// there should be reported for the report to count as found on the round (案件发现及时率). Every
/// grid is due a round each day (each seed's outer grid: “每天…不低于1轮次的全覆盖巡查”).
public struct PatrolSettings: Sendable, Equatable, Codable {
    /// Minutes after the reporter's check-in in the grid within which a report is on time.
    public var discoveryLimitMinutes: Int

    public static let defaultDiscoveryLimitMinutes = 120
    public static let discoveryLimitRange = 5...(24 * 60)

    public init(discoveryLimitMinutes: Int = PatrolSettings.defaultDiscoveryLimitMinutes) {
        self.discoveryLimitMinutes = discoveryLimitMinutes
    }

    enum CodingKeys: String, CodingKey { case discoveryLimitMinutes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        discoveryLimitMinutes = try c.decodeIfPresent(Int.self, forKey: .discoveryLimitMinutes) ?? Self.defaultDiscoveryLimitMinutes
    }

    /// A 400 naming the limit when it lies outside 5 minutes to a day.
    public func check() throws {
        guard Self.discoveryLimitRange.contains(discoveryLimitMinutes) else {
            throw GridError.invalid([
                FieldError(
                    "discoveryLimitMinutes", .fieldOutOfRange,
                    Text(
                        zh: "发现时限应为 5 到 1440 分钟，实际为 \(discoveryLimitMinutes)",
                        en: "the discovery limit is 5 to 1440 minutes, got \(discoveryLimitMinutes)"))
            ])
        }
    }
}

/// A grid worker's check-in on patrol (巡查打卡): where and when (the server's time), the grid the
/// point lies in and the district's calendar day.
public struct PatrolCheckin: Sendable, Equatable {
    public var id: Int64
    public var userId: Int64
    public var login: String
    public var name: String
    public var gridId: Int64
    public var gridCode: String
    public var gridName: String
    public var day: String
    public var at: Date
    public var lat: Double
    public var lng: Double
    /// Whether it was the person's first check-in in this grid that day (the day's grid covered).
    public var firstToday: Bool

    public init(
        id: Int64, userId: Int64, login: String, name: String, gridId: Int64, gridCode: String, gridName: String, day: String, at: Date,
        lat: Double, lng: Double, firstToday: Bool
    ) {
        self.id = id
        self.userId = userId
        self.login = login
        self.name = name
        self.gridId = gridId
        self.gridCode = gridCode
        self.gridName = gridName
        self.day = day
        self.at = at
        self.lat = lat
        self.lng = lng
        self.firstToday = firstToday
    }
}

/// What the patrol figures read: the days due a round, and the grids due and the grid-days people
/// covered (the reference the database's coverage is tested against). Whether a report was found
/// on the round is judged where it is written, in the intake's statement (`CaseStore.insertSQL`).
public enum Patrols {
    /// The district's calendar day of `date` (`yyyy-MM-dd`).
    public static func day(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// The days a round was due in [from, to) as of `asOf`: each calendar day of the district whose
    /// start lies in [from, min(to, asOf)) (today is due once it has begun), with its start and end.
    public static func dueDays(from: Date, to: Date, asOf: Date, timeZone: TimeZone) -> [(day: String, start: Date, end: Date)] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let end = min(to, asOf)
        var start = calendar.startOfDay(for: from)
        if start < from { start = calendar.date(byAdding: .day, value: 1, to: start)! }
        var days: [(String, Date, Date)] = []
        while start < end {
            let next = calendar.date(byAdding: .day, value: 1, to: start)!
            days.append((day(start, timeZone: timeZone), start, next))
            start = next
        }
        return days
    }

    /// How coverage reads a period's grid-days: whole months by their counts, other days one by
    /// one, and the days of a month read whole that lie outside the period, whose grid-days are
    /// taken off its count.
    public struct Split: Sendable, Equatable {
        /// Months read by their counts, as `yyyy-MM-01`.
        public var months: [String]
        /// Days read one by one, with their first check-in's time.
        public var days: [String]
        /// Days of a month in `months` outside the period: read one by one and subtracted.
        public var less: [String]

        public init(months: [String] = [], days: [String], less: [String] = []) {
            self.months = months
            self.days = days
            self.less = less
        }
    }

    /// The due days split for reading: the whole months among them that ended by `asOf` (every
    /// grid-day of theirs was begun by then, so their monthly counts answer for them), as
    /// `yyyy-MM-01`, and the other days, read one by one with their first check-in's time. A month
    /// that ended by `asOf` and has more than half its days in the period is read by its count
    /// less its days outside (a year from the 5th reads the 4 days before it,
    /// not the 27 after: a district's 120,000 grid-days instead of 810,000).
    public static func split(_ days: [(day: String, start: Date, end: Date)], asOf: Date, timeZone: TimeZone) -> Split {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var split = Split(days: [])
        var index = 0
        while index < days.count {
            let month = String(days[index].day.prefix(7))
            var end = index
            while end < days.count && days[end].day.hasPrefix(month) { end += 1 }
            let monthStart = calendar.date(from: calendar.dateComponents([.year, .month], from: days[index].start))!
            let length = calendar.range(of: .day, in: .month, for: monthStart)?.count ?? 0
            let next = calendar.date(byAdding: .month, value: 1, to: monthStart)!
            let inPeriod = days[index..<end].map(\.day)
            if inPeriod.count == length && next <= asOf {
                split.months.append(month + "-01")
            } else if next <= asOf && inPeriod.count * 2 > length {
                split.months.append(month + "-01")
                let kept = Set(inPeriod)
                split.less += (0..<length).map { day(calendar.date(byAdding: .day, value: $0, to: monthStart)!, timeZone: timeZone) }.filter {
                    !kept.contains($0)
                }
            } else {
                split.days += inPeriod
            }
            index = end
        }
        return split
    }

    /// A grid as coverage reads it: retired (from then on not due), or not; and for a person, the
    /// terms of their bindings covering it (due on the days those overlap; nil: always held).
    public struct Grid: Sendable, Equatable {
        public var id: Int64
        public var retiredAt: Date?
        public var held: [DateInterval]?
        public init(id: Int64, retiredAt: Date? = nil, held: [DateInterval]? = nil) {
            self.id = id
            self.retiredAt = retiredAt
            self.held = held
        }
    }

    /// A person's first check-in in a grid on a day.
    public struct Visit: Sendable, Equatable {
        public var gridId: Int64
        public var userId: Int64
        public var day: String
        public var firstAt: Date
        public init(gridId: Int64, userId: Int64, day: String, firstAt: Date) {
            self.gridId = gridId
            self.userId = userId
            self.day = day
            self.firstAt = firstAt
        }
    }

    /// The coverage counters of `grids` over the due days of [from, to) as of `asOf`: each grid is
    /// due every such day that began before it was retired (and that a term of `held` overlaps),
    /// and covered on those of them someone (`person` given: that person) checked in there by `asOf`
    /// (with `held`: their first check-in that day made while a term held).
    public static func tally(
        coverage grids: [Grid], visits: [Visit], person: Int64? = nil, from: Date, to: Date, asOf: Date, timeZone: TimeZone
    ) -> IndicatorTally {
        var tally = IndicatorTally()
        let days = dueDays(from: from, to: to, asOf: asOf, timeZone: timeZone)
        for grid in grids {
            for (day, start, end) in days where grid.retiredAt.map({ $0 > start }) ?? true {
                if let held = grid.held, !held.contains(where: { $0.start < end && $0.end > start }) { continue }
                tally.gridDaysDue += 1
                let checkedIn = visits.contains { visit in
                    visit.gridId == grid.id && visit.day == day && visit.firstAt <= asOf && (person == nil || visit.userId == person)
                        && (grid.held?.contains { $0.start <= visit.firstAt && visit.firstAt < $0.end } ?? true)
                }
                if checkedIn {
                    tally.gridDaysCovered += 1
                }
            }
        }
        return tally
    }
}
