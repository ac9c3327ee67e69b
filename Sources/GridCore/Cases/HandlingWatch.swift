import Foundation

/// The handling stage's lights kept in step with its deadline: when the clock starts, stops or
/// the deadline moves, the light times are placed at the district's thresholds of the span from
/// dispatch (a resumption has moved them itself), pending light jobs are cancelled and new ones
/// planned for the thresholds still ahead.
public enum HandlingWatch {
    public static func plan(_ next: CaseRecord, from record: CaseRecord, at now: Date, calendar: WorkCalendar, thresholds: TrafficLightThresholds)
        -> (CaseRecord, [CaseEffect])
    {
        var next = next
        let running = HandlingClock.runs(in: next.state) && next.handleDue != nil
        let placed = next.warnAt != nil && (next.warnAt != record.warnAt || next.redAt != record.redAt)
        if running, !placed, let due = next.handleDue, due != record.handleDue || next.dispatchedAt != record.dispatchedAt || next.warnAt == nil {
            let times = calendar.lightTimes(start: next.dispatchedAt ?? now, due: due, thresholds: thresholds)
            next.warnAt = times.yellow
            next.redAt = times.red
        }
        if running, let warn = next.warnAt, let red = next.redAt, next.warnAt != record.warnAt || next.redAt != record.redAt {
            next.light = now >= red ? .red : now >= warn ? .yellow : .green
        }
        let wasRunning = HandlingClock.runs(in: record.state) && record.handleDue != nil
        guard running != wasRunning || next.warnAt != record.warnAt || next.redAt != record.redAt else { return (next, []) }
        var effects: [CaseEffect] = [.cancelHandlingJobs]
        guard running else { return (next, effects) }
        if let warn = next.warnAt, warn > now, next.light == .green { effects.append(.scheduleJob(.caseYellow, at: warn)) }
        if let red = next.redAt, red > now, next.light != .red { effects.append(.scheduleJob(.caseRed, at: red)) }
        return (next, effects)
    }
}
