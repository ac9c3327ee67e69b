import Foundation

/// The clock of one stage of one case (受理时限): who waits on whom, from when, until when, and
/// how late the stage ended. Every stage of the workflow has one (`CaseStageClocks`); the handling
/// stage's times mirror the case's own (`handleDue`, `warnAt`, `redAt`), which extensions and
/// suspensions move.
public struct StageClock: Sendable, Equatable {
    public var id: Int64
    public var stage: Stage
    public var startedAt: Date
    public var due: Date
    public var warnAt: Date
    public var redAt: Date
    /// The light the deadline jobs recorded (or the one it had when the clock stopped).
    public var light: TrafficLight
    public var stoppedAt: Date?
    /// Work seconds past the deadline when it stopped: 0 on time, nil while it runs.
    public var lateSeconds: Int64?

    public init(
        id: Int64, stage: Stage, startedAt: Date, due: Date, warnAt: Date, redAt: Date, light: TrafficLight = .green,
        stoppedAt: Date? = nil, lateSeconds: Int64? = nil
    ) {
        self.id = id
        self.stage = stage
        self.startedAt = startedAt
        self.due = due
        self.warnAt = warnAt
        self.redAt = redAt
        self.light = light
        self.stoppedAt = stoppedAt
        self.lateSeconds = lateSeconds
    }

    /// The light at `now`: as `HandlingClock` defines it — the more severe of the recorded light and
    /// the one the light times reached — read at the moment the clock stopped once it has.
    public func light(at now: Date) -> TrafficLight {
        let at = stoppedAt.map { min($0, now) } ?? now
        let reached: TrafficLight = at >= redAt ? .red : at >= warnAt ? .yellow : .green
        return max(reached, light)
    }

    /// Overdue: running, and red.
    public func isOverdue(at now: Date) -> Bool { stoppedAt == nil && light(at: now) == .red }
}

/// Which stage clocks a case's state keeps open, and what a transition does to them.
public enum CaseStageClocks {
    /// The stages whose clock is open in `state`: the command centre files and dispatches (from
    /// the report, and again after a return); the department signs; the department handles (the
    /// clock stands still while suspended, but stays open); the grid worker verifies a report and
    /// checks a handled case.
    public static func open(in state: CaseState) -> Set<Stage> {
        switch state {
        case .reported, .verified, .filed, .returned: [.dispatch]
        case .verifying: [.dispatch, .verify]
        case .dispatched: [.sign, .handle]
        case .handling, .extensionRequested, .suspensionRequested, .suspended: [.handle]
        case .checking: [.check]
        case .invalid, .notFiled, .voided, .merged, .handled, .selfHandled, .checkPassed, .closed, .evaluated: []
        }
    }

    /// What a move from `from` to `to` does to the clocks, in stage order.
    public enum Change: Sendable, Equatable {
        case start(Stage)
        case stop(Stage)
    }

    public static func changes(from: CaseState, to: CaseState) -> [Change] {
        let before = open(in: from), after = open(in: to)
        return Stage.allCases.compactMap { stage in
            switch (before.contains(stage), after.contains(stage)) {
            case (false, true): .start(stage)
            case (true, false): .stop(stage)
            default: nil
            }
        }
    }

    /// The work seconds a stage that stopped at `stoppedAt` was past `due`: 0 when on time, in
    /// work time (done at 17:40 for a 17:30 deadline is the same work instant as 08:30 next day).
    public static func lateSeconds(due: Date, stoppedAt: Date, on calendar: WorkCalendar) -> Int64 {
        stoppedAt <= due ? 0 : calendar.workSeconds(from: due, to: stoppedAt)
    }
}

extension CaseStageClocks {
    /// Whether a case is overdue: any stage it waits in is red — handling by `HandlingClock` (the
    /// case's own light times), every other stage by its open clock (`StageClock.isOverdue`). The
    /// overdue work list is exactly the cases for which this holds (`CaseStore.list` in SQL).
    public static func isOverdue(state: CaseState, warnAt: Date?, redAt: Date?, recorded: TrafficLight, clocks: [StageClock], at now: Date) -> Bool {
        HandlingClock.isOverdue(state: state, warnAt: warnAt, redAt: redAt, recorded: recorded, at: now)
            || clocks.contains { $0.stage != .handle && $0.isOverdue(at: now) }
    }
}
