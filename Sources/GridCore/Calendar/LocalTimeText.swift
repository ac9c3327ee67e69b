import Foundation

/// Times as people and machines read them in a district (Asia/Shanghai unless its calendar says
/// another offset): people read local wall time (`2026-12-04 17:30`), machines RFC 3339 with the
/// offset (`2026-12-04T17:30:00+08:00`). Nothing a person reads prints UTC.
extension WorkCalendar {
    /// `yyyy-MM-dd HH:mm` in the calendar's time zone.
    public func readable(_ date: Date) -> String {
        let (day, second) = Self.localSplit(Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(utcOffsetSeconds))
        let local = LocalDate(dayNumber: Int(day))
        return "\(local) \(Self.two(Int(second / 3600))):\(Self.two(Int(second % 3600 / 60)))"
    }

    /// RFC 3339 with the calendar's offset, to the second.
    public func rfc3339(_ date: Date) -> String {
        let (day, second) = Self.localSplit(Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(utcOffsetSeconds))
        let local = LocalDate(dayNumber: Int(day))
        let offset = abs(utcOffsetSeconds), sign = utcOffsetSeconds < 0 ? "-" : "+"
        return "\(local)T\(Self.two(Int(second / 3600))):\(Self.two(Int(second % 3600 / 60))):\(Self.two(Int(second % 60)))"
            + "\(sign)\(Self.two(offset / 3600)):\(Self.two(offset % 3600 / 60))"
    }

    /// A local instant in seconds as its day number and the second of that day (floor division, also before 1970).
    static func localSplit(_ local: Int64) -> (day: Int64, second: Int64) {
        let day = local >= 0 ? local / 86400 : (local - 86399) / 86400
        return (day, local - day * 86400)
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
