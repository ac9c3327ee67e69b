import Foundation
import GridCore
import Testing

/// An action's effects are planned as values, without a database: what the service then carries out.
@Suite struct CaseEffectsTests {
    static let calendar = WorkCalendar.standard
    /// Monday 2026-12-07 09:00 Beijing (01:00 UTC).
    static let monday = Date(timeIntervalSince1970: 1_796_605_200)

    static func sample(_ state: CaseState, id: Int64 = 7) -> CaseRecord {
        CaseRecord(
            id: id, number: "HD-20261207-00000\(id)", state: state, version: 3, source: .gridWorker, categoryId: 11, categoryCode: "E0102",
            categoryName: "暴露垃圾", grade: "general", description: "路边垃圾", gridId: 5, gridCode: "110199001001001", gridName: "一号网格",
            gridPath: ScopePath("1.2.3.5.")!, routeOverridden: false, assisting: [], whistle: false, light: .green, taskDepartments: [],
            returnCount: 0, reworkCount: 0, extensionCount: 0, reportedAt: monday, updatedAt: monday)
    }

    static func plan(_ action: CaseAction, _ record: CaseRecord, _ input: CaseActionInput = .init(), facts: CaseActionFacts = .init()) throws -> (
        CaseRecord, [CaseEffect]
    ) {
        try CaseActionEffects.plan(action, input, case: record, to: record.state, facts: facts, at: monday, calendar: calendar)
    }

    @Test func everyActionThatNeedsFactsFailsWithoutThemAndPlansWithThem() throws {
        for action in CaseAction.allCases where !CaseActionEffects.needs(action).isEmpty {
            #expect(throws: GridError.self, "\(action) planned without its facts") {
                _ = try Self.plan(action, Self.sample(.handling), CaseActionInput(mergeInto: 8))
            }
        }
        #expect(CaseActionEffects.needs(.file) == [.filing, .ladder])
        #expect(CaseActionEffects.needs(.handUp) == [.ladder])
        #expect(CaseActionEffects.needs(.reopen) == [.dispatch])
        #expect(CaseActionEffects.needs(.sign).isEmpty)
    }

    @Test func dispatchSetsTheDeadlinesFromNowAndCreatesTheTasks() throws {
        let plan = DispatchPlan(
            lead: 4, overridden: true, assisting: [6], signLimit: TimeLimit(amount: 1, unit: .workHours),
            handleLimit: TimeLimit(amount: 2, unit: .workDays))
        let ladder = LadderFacts(ladder: .standard, holders: [:], membership: LadderMembership())
        let (next, effects) = try Self.plan(.dispatch, Self.sample(.dispatched), facts: CaseActionFacts(dispatch: plan, ladder: ladder))
        #expect(effects == [.dispatchTasks(lead: 4, assisting: [6])])
        #expect(next.leadDepartmentId == 4 && next.routeOverridden)
        #expect(next.dispatchedAt == Self.monday)
        #expect(Self.calendar.readable(next.signDue!) == "2026-12-07 10:00")
        #expect(Self.calendar.readable(next.handleDue!) == "2026-12-09 09:00")
    }

    @Test func theLeadTaskFollowsSigningReturnHandlingAndRework() throws {
        #expect(try Self.plan(.sign, Self.sample(.handling)).1 == [.setLeadTask(.signed)])
        let (returned, effects) = try Self.plan(.returnCase, Self.sample(.returned))
        #expect(effects == [.setLeadTask(.returned)] && returned.returnCount == 1)
        #expect(try Self.plan(.reportHandled, Self.sample(.handled)).1 == [.setLeadTask(.handled), .resolveOrders])
        let grid = LadderUnit(id: 5, code: "110199001001001", name: "一号网格", level: .grid)
        #expect(
            try Self.plan(.selfHandle, Self.sample(.selfHandled)).1 == [.moveCustody(to: grid, by: .selfHandle), .resolveOrders],
            "no department task to move; the grid holds what it handled")
        var checking = Self.sample(.handling)
        checking.handledAt = Self.monday
        checking.checkDue = Self.monday
        let (rework, reworkEffects) = try Self.plan(.failCheck, checking)
        #expect(reworkEffects == [.setLeadTask(.signed)])
        #expect(rework.reworkCount == 1 && rework.handledAt == nil && rework.checkDue == nil)
    }

    @Test func resumingMovesTheDeadlineAndLightsByTheWorkTimeThatWasLeft() throws {
        var suspended = Self.sample(.handling)
        let since = Self.monday  // suspended at 09:00 with two work hours left
        suspended.suspendedAt = since
        suspended.handleDue = since.addingTimeInterval(2 * 3600)
        suspended.redAt = suspended.handleDue
        suspended.warnAt = since.addingTimeInterval(-3600)  // already passed: stays
        let resumedAt = since.addingTimeInterval(86400)  // Tuesday 09:00
        let (next, effects) = try CaseActionEffects.plan(
            .resume, .init(), case: suspended, to: .handling, facts: .init(), at: resumedAt, calendar: Self.calendar)
        #expect(effects.isEmpty)
        #expect(next.suspendedAt == nil)
        #expect(Self.calendar.readable(next.handleDue!) == "2026-12-08 11:00")
        #expect(next.redAt == next.handleDue)
        #expect(next.warnAt == suspended.warnAt)
    }

    @Test func mergingNeedsAnOpenCaseOtherThanItself() throws {
        let record = Self.sample(.merged)
        let itself = try #require(throws: GridError.self) { try Self.plan(.merge, record, CaseActionInput(mergeInto: record.id)) }
        #expect(itself.fieldErrors.map(\.code) == [.caseMergeSelf])
        let closed = try #require(throws: GridError.self) {
            try Self.plan(.merge, record, CaseActionInput(mergeInto: 9), facts: CaseActionFacts(mergeTarget: Self.sample(.closed, id: 9)))
        }
        #expect(closed.fieldErrors.map(\.code) == [.caseMergeTargetClosed])
        let target = Self.sample(.handling, id: 9)
        let (merged, effects) = try Self.plan(.merge, record, CaseActionInput(mergeInto: 9), facts: CaseActionFacts(mergeTarget: target))
        #expect(merged.mergedInto == 9 && effects == [.tellReporterOfMerge(target: target)])
    }

    @Test func reopeningDispatchesAgainAndClearsTheEnding() throws {
        var closed = Self.sample(.dispatched)
        closed.handledAt = Self.monday
        closed.closedAt = Self.monday
        closed.rating = .satisfied
        let plan = DispatchPlan(lead: 4, handleLimit: TimeLimit(amount: 1, unit: .workDays))
        let (next, effects) = try Self.plan(.reopen, closed, facts: CaseActionFacts(dispatch: plan))
        #expect(effects == [.dispatchTasks(lead: 4, assisting: [])])
        #expect(next.reworkCount == 1 && next.handledAt == nil && next.closedAt == nil && next.rating == nil)
    }

    @Test func theHandlingWatchPlansLightJobsWhenTheClockStartsAndCancelsThemWhenItStops() {
        var dispatched = Self.sample(.dispatched)
        dispatched.dispatchedAt = Self.monday
        dispatched.handleDue = Self.monday.addingTimeInterval(8 * 3600)  // 17:00, one work day less the lunch hour
        let before = Self.sample(.filed)
        let (watched, started) = HandlingWatch.plan(
            dispatched, from: before, at: Self.monday, calendar: Self.calendar, thresholds: TrafficLightThresholds(yellow: 0.5, red: 1.0))
        #expect(watched.warnAt != nil && watched.redAt == watched.handleDue && watched.light == .green)
        #expect(started == [.cancelHandlingJobs, .scheduleJob(.caseYellow, at: watched.warnAt!), .scheduleJob(.caseRed, at: watched.redAt!)])

        var closed = watched
        closed.state = .closed
        let (_, stopped) = HandlingWatch.plan(closed, from: watched, at: Self.monday, calendar: Self.calendar, thresholds: .init())
        #expect(stopped == [.cancelHandlingJobs])
        let (_, unchanged) = HandlingWatch.plan(watched, from: watched, at: Self.monday, calendar: Self.calendar, thresholds: .init())
        #expect(unchanged.isEmpty)
    }

    @Test func closingJudgesTheOutcomeByTheStateTheCaseWasClosedFrom() throws {
        let reply = ReporterReply(by: "李调度", channel: .phone, at: Self.monday.addingTimeInterval(-60), content: "已处理")
        let resolved = CaseActionInput(outcome: .resolved, reply: reply)
        // From handled, without the check, a demand can only be closed as explained, with its reason and plan.
        #expect(throws: GridError.self) {
            try CaseActionEffects.plan(.close, resolved, case: Self.sample(.handled), to: .closed, facts: .init(), at: Self.monday, calendar: Self.calendar)
        }
        let (closed, effects) = try CaseActionEffects.plan(
            .close, resolved, case: Self.sample(.checkPassed), to: .closed, facts: .init(), at: Self.monday, calendar: Self.calendar)
        #expect(closed.state == .closed && closed.closedAt == Self.monday)
        guard case .recordClosing(let closing)? = effects.first, effects.count == 1 else {
            Issue.record("expected one closing to record, got \(effects)")
            return
        }
        #expect(closing.outcome == .resolved)
    }
}
