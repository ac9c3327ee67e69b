import Foundation

/// The handling clock of a case and the one definition of its light and of "overdue", which the
/// case view, the light filter and the overdue work list all use (the list's SQL is built from
/// `runningStates` and mirrors `light(…)`, see `CaseStore.list`).
///
/// The clock runs from dispatch while the department holds the case; suspension (挂账) and
/// everything after reporting back stop it. While it runs, the light is the more severe of the
/// one the deadline jobs recorded and the one the light times (`WorkCalendar.lightTimes`, on the
/// district's thresholds) have reached; once it stops, the recorded light stays. A case is
/// **overdue** exactly when its clock runs and its light is red: with the red threshold above 1
/// (say 1.2) a case past its deadline but within the district's tolerance is yellow, and not yet
/// on the overdue list.
public enum HandlingClock {
    public static let runningStates: Set<CaseState> = [.dispatched, .handling, .extensionRequested, .suspensionRequested]

    public static func runs(in state: CaseState) -> Bool { runningStates.contains(state) }

    /// The light at `now`: while the clock runs, red from `redAt`, yellow from `warnAt`, or
    /// `recorded` when that is more severe; `recorded` when the clock stands.
    public static func light(state: CaseState, warnAt: Date?, redAt: Date?, recorded: TrafficLight, at now: Date) -> TrafficLight {
        guard runs(in: state) else { return recorded }
        let reached: TrafficLight = redAt.map { now >= $0 } == true ? .red : warnAt.map { now >= $0 } == true ? .yellow : .green
        return max(reached, recorded)
    }

    /// Overdue: the clock runs and the light is red.
    public static func isOverdue(state: CaseState, warnAt: Date?, redAt: Date?, recorded: TrafficLight, at now: Date) -> Bool {
        runs(in: state) && light(state: state, warnAt: warnAt, redAt: redAt, recorded: recorded, at: now) == .red
    }
}
