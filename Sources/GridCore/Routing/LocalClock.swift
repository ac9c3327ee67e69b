import Foundation

extension WorkCalendar {
    /// The ISO weekday and minute of the day of `date` in the calendar's time zone.
    /// The local day `date` falls on.
    public func localDate(_ date: Date) -> LocalDate { LocalDate.containing(date, utcOffsetSeconds: utcOffsetSeconds) }

    public func localTime(_ date: Date) -> (weekday: Int, minuteOfDay: Int) {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(utcOffsetSeconds)
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = local - day * 86_400
        return (LocalDate(dayNumber: Int(day)).weekday, Int(seconds / 60))
    }
}
