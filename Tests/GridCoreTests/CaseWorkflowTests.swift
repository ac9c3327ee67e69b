import Foundation
import GridCore
import Testing

@Suite struct CaseWorkflowTests {
    /// The whole table written out once more, independently: a change to the workflow must change both.
    static let expected: Set<String> = [
        "reported requestVerify verifying", "verifying confirm verified", "verifying markInvalid invalid", "reported selfHandle selfHandled",
        "reported file filed", "verified file filed", "reported notFile notFiled", "verified notFile notFiled",
        "reported void voided", "verifying void voided", "verified void voided", "filed void voided", "dispatched void voided", "returned void voided",
        "reported merge merged", "verifying merge merged", "verified merge merged", "filed merge merged",
        "filed dispatch dispatched", "returned dispatch dispatched", "filed handleLocally handled",
        "dispatched sign handling", "dispatched return returned", "handling return returned",
        "handling requestExtension extensionRequested", "extensionRequested approveExtension handling", "extensionRequested refuseExtension handling",
        "handling requestSuspension suspensionRequested", "suspensionRequested approveSuspension suspended",
        "suspensionRequested refuseSuspension handling", "suspended resume handling",
        "handling reportHandled handled", "handled requestCheck checking", "checking passCheck checkPassed", "checking failCheck handling",
        "checkPassed close closed", "selfHandled close closed", "closed evaluate evaluated",
        "closed reopen dispatched", "evaluated reopen dispatched", "handled close closed",
        "filed handUp filed", "returned handUp returned", "filed acceptHandUp filed", "returned acceptHandUp returned",
        "filed refuseHandUp filed", "returned refuseHandUp returned", "filed delegate filed", "returned delegate returned",
        "filed autoHandUp filed",
    ]

    @Test func everyStateTimesEveryActionIsAllowedExactlyWhenTheTableSaysSo() throws {
        var seen: Set<String> = []
        for state in CaseState.allCases {
            for action in CaseAction.allCases {
                let allRoles = Set(Role.allCases), allFields = Set(CaseField.allCases)
                if let transition = CaseWorkflow.transition(from: state, action) {
                    seen.insert("\(state.rawValue) \(action.rawValue) \(transition.to.rawValue)")
                    #expect(try CaseWorkflow.check(action, in: state, roles: allRoles, fields: allFields) == transition)
                } else {
                    let error = #expect(throws: GridError.self) { try CaseWorkflow.check(action, in: state, roles: allRoles, fields: allFields) }
                    #expect(error?.kind == .conflict)
                    #expect(error?.code == .caseTransitionNotAllowed)
                    let allowed = CaseWorkflow.actions(from: state).map(\.rawValue).joined(separator: ", ")
                    #expect(error?.message.en.contains("(allowed: \(allowed.isEmpty ? "none" : allowed))") == true, "\(state) \(action)")
                }
            }
        }
        #expect(seen == Self.expected)
        #expect(seen.count == CaseWorkflow.table.count, "no (state, action) pair is listed twice")
    }

    @Test func finalStatesAreTheDeadEndsOfTheSidePaths() {
        let final = Set(CaseState.allCases.filter(\.isFinal))
        #expect(final == [.invalid, .notFiled, .voided, .merged])
        #expect(!CaseState.closed.isOpen && !CaseState.closed.isFinal)
        #expect(!CaseState.evaluated.isOpen && !CaseState.evaluated.isFinal, "only a reopening leads out of an evaluation")
        #expect(CaseWorkflow.actions(from: .evaluated) == [.reopen])
        #expect(CaseState.handling.isOpen)
    }

    @Test func everyStateIsReachedFromAReportAndLeadsToAnEnd() {
        var reached: Set<CaseState> = [.reported], frontier: [CaseState] = [.reported]
        while let state = frontier.popLast() {
            for action in CaseWorkflow.actions(from: state) {
                let next = CaseWorkflow.transition(from: state, action)!.to
                if reached.insert(next).inserted { frontier.append(next) }
            }
        }
        #expect(reached == Set(CaseState.allCases))
        for state in CaseState.allCases {
            var seen: Set<CaseState> = [state], queue = [state], ends = false
            while let current = queue.popLast() {
                if current.isFinal {
                    ends = true
                    break
                }
                for action in CaseWorkflow.actions(from: current) {
                    let next = CaseWorkflow.transition(from: current, action)!.to
                    if seen.insert(next).inserted { queue.append(next) }
                }
            }
            #expect(ends, "\(state) cannot reach an end")
        }
    }

    @Test func theMainPathRunsFromReportToEvaluationWithTheRightRoles() throws {
        let steps: [(CaseAction, Role, Set<CaseField>, CaseState)] = [
            (.requestVerify, .dispatcher, [], .verifying), (.confirm, .gridWorker, [], .verified), (.file, .shiftLeader, [], .filed),
            (.dispatch, .dispatcher, [], .dispatched), (.sign, .departmentLiaison, [], .handling),
            (.reportHandled, .departmentLiaison, [.note], .handled), (.requestCheck, .dispatcher, [], .checking),
            (.failCheck, .gridWorker, [.reason], .handling), (.reportHandled, .departmentLiaison, [.note], .handled),
            (.requestCheck, .dispatcher, [], .checking), (.passCheck, .gridWorker, [], .checkPassed), (.close, .shiftLeader, [], .closed),
            (.evaluate, .dispatcher, [.rating], .evaluated),
        ]
        var state = CaseState.reported
        for (action, role, fields, next) in steps {
            state = try CaseWorkflow.check(action, in: state, roles: [role], fields: fields).to
            #expect(state == next, "\(action)")
        }
    }

    @Test func aRoleOutsideTheRowIsRefusedWithTheRolesItNeeds() {
        let error = #expect(throws: GridError.self) { try CaseWorkflow.check(.sign, in: .dispatched, roles: [.dispatcher, .gridWorker], fields: []) }
        #expect(error?.kind == .forbidden)
        #expect(error?.code == .caseTransitionRoleNotAllowed)
        #expect(error?.message.en.contains("departmentLiaison") == true)
        #expect(error?.message.zh.contains("签收") == true)
        // Closing is the shift leader's, not the dispatcher's.
        #expect(throws: GridError.self) { try CaseWorkflow.check(.close, in: .checkPassed, roles: [.dispatcher], fields: []) }
        #expect(CaseWorkflow.actions(from: .dispatched, roles: [.departmentLiaison]) == [.sign, .returnCase])
    }

    @Test func missingRequiredFieldsAreEachNamed() {
        let error = #expect(throws: GridError.self) {
            try CaseWorkflow.check(.requestExtension, in: .handling, roles: [.departmentLiaison], fields: [])
        }
        #expect(error?.kind == .badRequest)
        #expect(error?.fieldErrors.map(\.field) == ["reason", "extensionLimit"])
        #expect(error?.fieldErrors.allSatisfy { $0.code == .fieldRequired } == true)
        #expect(throws: Never.self) {
            try CaseWorkflow.check(.requestExtension, in: .handling, roles: [.departmentLiaison], fields: [.reason, .extensionLimit])
        }
    }

    @Test func everyStateAndActionHasAChineseAndAnEnglishLabel() {
        for state in CaseState.allCases { #expect(!state.label.zh.isEmpty && !state.label.en.isEmpty) }
        for action in CaseAction.allCases { #expect(!action.label.zh.isEmpty && !action.label.en.isEmpty) }
        #expect(CaseAction(rawValue: "return") == .returnCase)
    }
}

@Suite struct CaseQueueTests {
    @Test(arguments: CaseQueue.allCases.filter { $0 != .overdue })
    func aCaseInAQueueWaitsForAnActionOfItsRoles(queue: CaseQueue) {
        for state in queue.states { #expect(!CaseWorkflow.actions(from: state, roles: queue.roles).isEmpty, "\(queue) \(state)") }
    }

    @Test func theOverdueQueueIsTheStatesWhereAStageClockIsOpen() {
        #expect(Set(CaseQueue.overdue.states).isSuperset(of: HandlingClock.runningStates))
        #expect(Set(CaseQueue.overdue.states) == Set(CaseState.allCases.filter { !CaseStageClocks.open(in: $0).isEmpty }))
        #expect(CaseQueue.overdue.states.allSatisfy { $0.isOpen })
        #expect(!CaseQueue.overdue.states.contains(.handled) && !CaseQueue.overdue.states.contains(.checkPassed))
    }
}

@Suite struct CaseIntakeTests {
    func intake(lat: Double? = 39.9, lng: Double? = 116.4, address: String? = nil, grid: String? = nil) -> CaseIntake {
        CaseIntake(category: "E0201", description: "  井盖缺失  ", lat: lat, lng: lng, address: address, grid: grid, source: .hotline)
    }

    func codes(_ body: () throws -> CaseIntake) -> [String] {
        do {
            _ = try body()
            return []
        } catch let error as GridError {
            return error.fieldErrors.map { "\($0.field) \($0.code)" }
        } catch {
            return ["\(error)"]
        }
    }

    @Test func aPlaceIsAPointOrAnAddressWithItsGrid() throws {
        let point = try intake().validated()
        #expect(point.point == Coordinate(lng: 116.4, lat: 39.9))
        #expect(point.description == "井盖缺失")
        let byAddress = try intake(lat: nil, lng: nil, address: " 学院路 1 号 ", grid: " 110108001001001 ").validated()
        #expect(byAddress.point == nil && byAddress.address == "学院路 1 号" && byAddress.grid == "110108001001001")
        #expect(codes { try intake(lat: nil, lng: nil).validated() } == ["lat,lng case.placeRequired"])
        #expect(codes { try intake(lat: nil, lng: nil, address: "学院路 1 号").validated() } == ["lat,lng case.placeRequired"])
        #expect(codes { try intake(lat: nil, lng: nil, address: "  ", grid: "110108001001001").validated() } == ["lat,lng case.placeRequired"])
        #expect(codes { try intake(lng: nil).validated() } == ["lat,lng geo.badCoordinate"])
        #expect(codes { try intake(lat: 95).validated() } == ["lat,lng geo.badCoordinate"])
    }

    @Test func everyProblemIsNamedAtOnce() {
        var bad = intake(address: String(repeating: "路", count: CaseIntake.maxAddress + 1))
        bad.description = " "
        bad.reporterPhone = "138-0013-800a"
        bad.category = nil
        bad.grade = "urgent"
        #expect(
            codes { try bad.validated() } == [
                "description field.required", "address field.tooLong", "reporterPhone field.badPhone",
                "grade field.withoutCategory",
            ])
    }
}

@Suite struct HandlingClockTests {
    let warn = Date(timeIntervalSince1970: 1_000_000), red = Date(timeIntervalSince1970: 1_000_600)

    @Test func whileTheClockRunsTheLightIsReadOffTheLightTimes() {
        func light(_ at: Date) -> TrafficLight { HandlingClock.light(state: .handling, warnAt: warn, redAt: red, recorded: .green, at: at) }
        #expect(light(warn.addingTimeInterval(-1)) == .green)
        #expect(light(warn) == .yellow)
        #expect(light(red.addingTimeInterval(-1)) == .yellow)
        #expect(light(red) == .red)
    }

    /// The light a deadline job recorded counts even before the light times say so (a job run ahead on a controlled clock).
    @Test func aRecordedLightIsNeverLoweredWhileTheClockRuns() {
        #expect(HandlingClock.light(state: .handling, warnAt: warn, redAt: red, recorded: .red, at: warn.addingTimeInterval(-60)) == .red)
        #expect(HandlingClock.isOverdue(state: .handling, warnAt: warn, redAt: red, recorded: .red, at: warn.addingTimeInterval(-60)))
        #expect(HandlingClock.light(state: .handling, warnAt: warn, redAt: red, recorded: .yellow, at: red) == .red)
        #expect(HandlingClock.light(state: .handling, warnAt: nil, redAt: nil, recorded: .green, at: red) == .green)
        #expect(TrafficLight.green < .yellow && TrafficLight.yellow < .red)
    }

    @Test func aStoppedClockKeepsTheLightItHad() {
        for state in CaseState.allCases where !HandlingClock.runs(in: state) {
            #expect(HandlingClock.light(state: state, warnAt: warn, redAt: red, recorded: .yellow, at: red.addingTimeInterval(3600)) == .yellow, "\(state)")
            #expect(!HandlingClock.isOverdue(state: state, warnAt: warn, redAt: red, recorded: .yellow, at: red.addingTimeInterval(3600)), "\(state)")
        }
    }

    /// Overdue is the red light, not the deadline: with red at 1.2 a case past its deadline is
    /// still yellow, and not overdue, until the tolerance is used up.
    @Test func overdueIsExactlyTheRedLightOfARunningClock() {
        let start = Date(timeIntervalSince1970: 0), due = Date(timeIntervalSince1970: 10_000)
        let calendar = WorkCalendar(workingWeekdays: [1, 2, 3, 4, 5, 6, 7], periods: [WorkPeriod(start: 0, end: 1440)])
        let times = calendar.lightTimes(start: start, due: due, thresholds: TrafficLightThresholds(yellow: 0.8, red: 1.2))
        #expect(times.red == Date(timeIntervalSince1970: 12_000))
        for at in stride(from: 0.0, through: 14_000, by: 500).map(Date.init(timeIntervalSince1970:)) {
            let light = HandlingClock.light(state: .dispatched, warnAt: times.yellow, redAt: times.red, recorded: .green, at: at)
            #expect(HandlingClock.isOverdue(state: .dispatched, warnAt: times.yellow, redAt: times.red, recorded: .green, at: at) == (light == .red), "\(at)")
        }
        let pastDeadline = due.addingTimeInterval(60)
        #expect(HandlingClock.light(state: .handling, warnAt: times.yellow, redAt: times.red, recorded: .green, at: pastDeadline) == .yellow)
        #expect(!HandlingClock.isOverdue(state: .handling, warnAt: times.yellow, redAt: times.red, recorded: .green, at: pastDeadline))
    }
}
