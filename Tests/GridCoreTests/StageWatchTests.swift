import Foundation
import GridCore
import Testing

/// Every stage is watched: which clocks each state keeps open, what a transition does to them,
/// how late a stage ended, and who is told of what.
@Suite struct StageClockTests {
    @Test func eachStageHasItsOwnersStates() {
        #expect(CaseStageClocks.open(in: .reported) == [.dispatch])
        #expect(CaseStageClocks.open(in: .verifying) == [.dispatch, .verify])
        #expect(CaseStageClocks.open(in: .dispatched) == [.sign, .handle])
        #expect(CaseStageClocks.open(in: .suspended) == [.handle], "the clock stands still but the stage is not over")
        #expect(CaseStageClocks.open(in: .checking) == [.check])
        for state in CaseState.allCases where state.isFinal || state == .closed { #expect(CaseStageClocks.open(in: state).isEmpty, "\(state)") }
        // Every stage is watched somewhere.
        #expect(Set(CaseState.allCases.flatMap { CaseStageClocks.open(in: $0) }) == Set(Stage.allCases))
    }

    /// Along every row of the workflow table, a clock is started only where its stage begins and
    /// stopped only where it ends, never both.
    @Test func everyTransitionStartsAndStopsTheRightClocks() {
        for row in CaseWorkflow.table {
            let changes = CaseStageClocks.changes(from: row.from, to: row.to)
            for change in changes {
                switch change {
                case .start(let stage):
                    #expect(!CaseStageClocks.open(in: row.from).contains(stage) && CaseStageClocks.open(in: row.to).contains(stage), "\(row)")
                case .stop(let stage):
                    #expect(CaseStageClocks.open(in: row.from).contains(stage) && !CaseStageClocks.open(in: row.to).contains(stage), "\(row)")
                }
            }
        }
        #expect(CaseStageClocks.changes(from: .filed, to: .dispatched) == [.stop(.dispatch), .start(.sign), .start(.handle)])
        #expect(CaseStageClocks.changes(from: .dispatched, to: .handling) == [.stop(.sign)])
        #expect(CaseStageClocks.changes(from: .dispatched, to: .returned) == [.start(.dispatch), .stop(.sign), .stop(.handle)])
        #expect(CaseStageClocks.changes(from: .checking, to: .handling) == [.start(.handle), .stop(.check)], "rework: handling again")
        #expect(CaseStageClocks.changes(from: .handling, to: .suspended) == [])
    }

    @Test func lateIsCountedInWorkTime() {
        let calendar = WorkCalendar.standard
        // Friday 2026-12-04 17:30 Beijing is 09:30 UTC.
        let due = Date(timeIntervalSince1970: 1_796_376_600)
        #expect(calendar.readable(due) == "2026-12-04 17:30")
        #expect(CaseStageClocks.lateSeconds(due: due, stoppedAt: due.addingTimeInterval(-60), on: calendar) == 0)
        #expect(
            CaseStageClocks.lateSeconds(due: due, stoppedAt: due.addingTimeInterval(3 * 3600), on: calendar) == 0,
            "20:30 on Friday is the same work instant as 08:30 on Monday")
        let mondayNine = due.addingTimeInterval(3 * 86400 - 8.5 * 3600)
        #expect(calendar.readable(mondayNine) == "2026-12-07 09:00")
        #expect(CaseStageClocks.lateSeconds(due: due, stoppedAt: mondayNine, on: calendar) == 1800)
    }

    @Test func aStageClocksLightFollowsTheHandlingRuleAndFreezesWhenItStops() {
        let start = Date(timeIntervalSince1970: 0)
        var clock = StageClock(
            id: 1, stage: .sign, startedAt: start, due: start.addingTimeInterval(100), warnAt: start.addingTimeInterval(80),
            redAt: start.addingTimeInterval(100))
        #expect(clock.light(at: start.addingTimeInterval(79)) == .green)
        #expect(clock.light(at: start.addingTimeInterval(80)) == .yellow)
        #expect(clock.isOverdue(at: start.addingTimeInterval(100)))
        clock.stoppedAt = start.addingTimeInterval(90)
        #expect(clock.light(at: start.addingTimeInterval(500)) == .yellow, "read when it stopped")
        #expect(!clock.isOverdue(at: start.addingTimeInterval(500)))
        #expect(
            CaseStageClocks.isOverdue(
                state: .reported, warnAt: nil, redAt: nil, recorded: .green,
                clocks: [StageClock(id: 2, stage: .dispatch, startedAt: start, due: start, warnAt: start, redAt: start)], at: start))
    }

    /// A limit in natural minutes counted at night holds no work time: its lights turn in elapsed
    /// time (yellow at 8 of 10 minutes), never yellow after red at the next morning's start.
    @Test func lightsOfASpanWithoutWorkTimeTurnInElapsedTime() {
        let fridayNight = Date(timeIntervalSince1970: 1_796_376_600 + 4.5 * 3600)  // 2026-12-04 22:00 Beijing
        #expect(WorkCalendar.standard.readable(fridayNight) == "2026-12-04 22:00")
        let due = fridayNight.addingTimeInterval(600)
        let times = WorkCalendar.standard.lightTimes(start: fridayNight, due: due, thresholds: TrafficLightThresholds())
        #expect(times.yellow == fridayNight.addingTimeInterval(480) && times.red == due, "\(times)")
        let tolerant = WorkCalendar.standard.lightTimes(start: fridayNight, due: due, thresholds: TrafficLightThresholds(yellow: 0.8, red: 1.2))
        #expect(tolerant.red == fridayNight.addingTimeInterval(720))
        // In work time, as before: 1 work hour from Friday 17:00 (30 minutes left that day) turns yellow at 48 work minutes, Monday 08:48, and red at 09:00.
        let fridayFive = Date(timeIntervalSince1970: 1_796_376_600 - 1800)
        let workDue = WorkCalendar.standard.deadline(from: fridayFive, limit: TimeLimit(amount: 1, unit: .workHours))
        let work = WorkCalendar.standard.lightTimes(start: fridayFive, due: workDue, thresholds: TrafficLightThresholds())
        #expect(WorkCalendar.standard.readable(work.yellow) == "2026-12-07 08:48" && WorkCalendar.standard.readable(work.red) == "2026-12-07 09:00")
        for minutes in [1, 10, 45, 360, 1440] {
            for start in stride(from: fridayFive, through: fridayFive.addingTimeInterval(3 * 86400), by: 3700) {
                let end = WorkCalendar.standard.deadline(from: start, limit: TimeLimit(amount: minutes, unit: .minutes))
                let lights = WorkCalendar.standard.lightTimes(start: start, due: end, thresholds: TrafficLightThresholds())
                #expect(lights.yellow <= lights.red, "\(minutes) minutes from \(start)")
            }
        }
    }

    @Test func timesPeopleReadAreLocalAndMachineFieldsCarryTheOffset() {
        let instant = Date(timeIntervalSince1970: 1_796_376_600)
        #expect(WorkCalendar.standard.readable(instant) == "2026-12-04 17:30")
        #expect(WorkCalendar.standard.rfc3339(instant) == "2026-12-04T17:30:00+08:00")
        #expect(!WorkCalendar.standard.readable(instant).contains("+0000"))
    }
}

@Suite struct NoticeTableTests {
    @Test func yellowWarningsReachOnlyWhoMustActAndRedOnesTheDesksAboveThem() {
        #expect(NoticeTable.audiences(.handleYellow) == [.leadDepartment])
        #expect(NoticeTable.audiences(.signYellow) == [.leadDepartment])
        for event in NoticeEvent.allCases where event.rawValue.hasSuffix("Yellow") {
            let roles = NoticeTable.audiences(event).reduce(into: Set<Role>()) { $0.formUnion(NoticeTable.roles($1)) }
            #expect(!roles.contains(.leader) && !roles.contains(.tenantAdmin) && !roles.contains(.viewer), "\(event)")
        }
        #expect(NoticeTable.audiences(.handleRed).contains(.covering([.dispatcher, .shiftLeader])))
        #expect(NoticeTable.audiences(.orderRed).contains(.district([.leader, .shiftLeader])), "the red card goes to the district")
        #expect(NoticeTable.audiences(.orderRed).contains(.street([.leader, .shiftLeader])), "and to the next level up")
        #expect(NoticeTable.audiences(.caseClosed) == [.reporter])
        #expect(NoticeTable.audiences(.waitingForCentre) == [.covering([.dispatcher, .shiftLeader])])
    }

    @Test func everyEventHasSomeoneToTellAndEveryStageLightAnEvent() {
        for event in NoticeEvent.allCases { #expect(!NoticeTable.audiences(event).isEmpty, "\(event)") }
        for stage in Stage.allCases {
            #expect(NoticeEvent.stageEvent(stage, .green) == nil)
            #expect(NoticeEvent.stageEvent(stage, .yellow)?.rawValue == "\(stage.rawValue)Yellow")
            #expect(NoticeEvent.stageEvent(stage, .red)?.rawValue == "\(stage.rawValue)Red")
        }
    }
}

@Suite struct HolidayCoverageTests {
    @Test func aDeadlineOverAYearWithoutHolidayDataIsFlagged() throws {
        var document = CalendarDocument(WorkCalendar.standard)
        document.days = [CalendarDocument.Day(date: "2026-10-01", type: "holiday", name: "国庆节")]
        let coverage = HolidayCoverage(document)
        #expect(coverage.years == [2026])
        let calendar = WorkCalendar.standard
        let lateDecember = Date(timeIntervalSince1970: 1_798_100_000)  // 2026-12-25 Beijing
        #expect(calendar.localDate(lateDecember).year == 2026)
        #expect(!coverage.lacks(from: lateDecember, to: lateDecember.addingTimeInterval(86400), on: calendar))
        #expect(
            coverage.missingYears(from: lateDecember, to: lateDecember.addingTimeInterval(10 * 86400), on: calendar) == [2027],
            "a deadline from late December reaches into a year without New Year")
    }
}

@Suite struct ClosedSetTests {
    /// A task's state says whether it is still work, and which assisting step it waits for; every
    /// state is handled by both (the switches are exhaustive, so a new state must be placed).
    @Test func everyTaskStateIsOpenOrNotAndWaitsForAtMostOneStep() {
        #expect(TaskState.allCases.filter(\.isOpen) == [.dispatched, .signed])
        #expect(TaskState(rawValue: "signed") == .signed && TaskState(rawValue: "lost") == nil)
        #expect(TenantStatus.allCases.map(\.rawValue) == ["active", "suspended"])
        #expect(AuditEntity(rawValue: "roleBinding") == .roleBinding && AuditEntity.allCases.count == 12)
    }
}
