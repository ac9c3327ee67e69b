import Foundation
import GridCore
import Testing

/// What the ladder's actions plan, without a database: where filing puts a case, what a slip, an
/// acceptance, a refusal, a delegation and a dispatch over a case held below the street change and
/// write; and how the level figures add up.
@Suite struct LadderPlanTests {
    static let calendar = WorkCalendar.standard
    static let monday = CaseEffectsTests.monday
    static let grid = LadderUnit(id: 5, code: "110199001001001", name: "一号网格", level: .grid)
    static let community = LadderUnit(id: 3, code: "110199001001", name: "南社区", level: .community)
    static let zone = LadderUnit(id: 9, code: "ZONE-1", name: "东片区", level: .zone)
    static let street = LadderUnit(id: 2, code: "110199001", name: "学院路街道", level: .street)
    static let district = LadderUnit(id: 1, code: "110199", name: "演示区", level: .district)
    static let holders: [LadderLevel: LadderUnit] = [.grid: grid, .community: community, .zone: zone, .street: street, .district: district]
    static let withZones = try! LevelLadder([.grid, .community, .zone, .street, .district])

    static func facts(_ membership: LadderMembership, ladder: LevelLadder = withZones, holders: [LadderLevel: LadderUnit] = holders) -> CaseActionFacts {
        CaseActionFacts(ladder: LadderFacts(ladder: ladder, holders: holders, membership: membership))
    }

    static func held(_ unit: LadderUnit, pending: LadderUnit? = nil) -> CaseRecord {
        var record = CaseEffectsTests.sample(.filed)
        record.level = unit.level
        record.levelUnitId = unit.id
        record.levelUnitCode = unit.code
        record.levelUnitName = unit.name
        record.pendingLevel = pending?.level
        record.pendingUnitId = pending?.id
        return record
    }

    static func plan(_ action: CaseAction, _ record: CaseRecord, _ input: CaseActionInput = .init(), _ facts: CaseActionFacts) throws -> (
        CaseRecord, [CaseEffect]
    ) {
        try CaseActionEffects.plan(action, input, case: record, to: record.state, facts: facts, at: monday, calendar: calendar)
    }

    @Test func filingHoldsTheCaseAtRoutingsLevelOrTheNextTheCaseHas() throws {
        var filing = CaseActionFacts(filing: FilingDecision(categoryId: 11, grade: "general", level: .zone, basis: "rule"))
        // A street without zones: the zone level is skipped, the street holds it.
        filing.ladder = LadderFacts(ladder: Self.withZones, holders: Self.holders.filter { $0.key != .zone }, membership: .init())
        let (atStreet, streetEffects) = try Self.plan(.file, CaseEffectsTests.sample(.filed), .init(), filing)
        #expect(atStreet.level == .street && atStreet.levelUnitId == Self.street.id && atStreet.levelDue == nil)
        #expect(streetEffects == [.moveCustody(to: Self.street, by: .file)], "no local limit at the street")
        // With a zone: held by the zone, with its local limit (3 work days) and the job that watches it.
        filing.ladder = LadderFacts(ladder: Self.withZones, holders: Self.holders, membership: .init())
        let (atZone, zoneEffects) = try Self.plan(.file, CaseEffectsTests.sample(.filed), .init(), filing)
        let due = try #require(atZone.levelDue)
        #expect(Self.calendar.readable(due) == "2026-12-10 09:00")
        #expect(zoneEffects == [.moveCustody(to: Self.zone, by: .file), .scheduleJob(.ladderLimit, at: due)])
        #expect(!atZone.routeOverridden)
        // The centre names the community instead: an override.
        let (named, _) = try Self.plan(.file, CaseEffectsTests.sample(.filed), CaseActionInput(level: .community), filing)
        #expect(named.level == .community && named.routeOverridden)
        filing.ladder = LadderFacts(ladder: .standard, holders: Self.holders, membership: .init())
        let unused = try #require(throws: GridError.self) { try Self.plan(.file, CaseEffectsTests.sample(.filed), CaseActionInput(level: .zone), filing) }
        #expect(unused.fieldErrors.map(\.code) == [.ladderLevelNotUsed])
    }

    @Test func aSlipIsWrittenAcceptedOrRefusedAndTheCaseFollows() throws {
        let input = CaseActionInput(reason: "业主拒不配合", reasonKind: .needsEnforcement, tried: "三次劝导", photos: [41])
        let (handed, handEffects) = try Self.plan(.handUp, Self.held(Self.community), input, Self.facts(.init(holder: true)))
        #expect(handed.level == .community && handed.pendingLevel == .zone && handed.pendingUnitId == Self.zone.id && handed.levelDue == nil)
        #expect(
            handEffects == [
                .openSlip(
                    HandoverDraft(
                        from: Self.community, to: Self.zone, reasonKind: .needsEnforcement, reason: "业主拒不配合", tried: "三次劝导", photos: [41],
                        automatic: false)),
                .cancelLadderJobs,
            ])
        let outsider = try #require(throws: GridError.self) { try Self.plan(.handUp, Self.held(Self.community), input, Self.facts(.init(upper: true))) }
        #expect(outsider.code == .ladderNotAllowed)

        let waiting = Self.held(Self.community, pending: Self.zone)
        let (accepted, acceptEffects) = try Self.plan(.acceptHandUp, waiting, .init(), Self.facts(.init(upper: true)))
        #expect(accepted.level == .zone && accepted.levelUnitId == Self.zone.id && accepted.pendingLevel == nil && accepted.levelSince == Self.monday)
        let zoneDue = try #require(accepted.levelDue)
        #expect(
            acceptEffects == [
                .decideSlip(.accepted, reason: nil, newDue: nil), .cancelLadderJobs, .moveCustody(to: Self.zone, by: .acceptHandUp),
                .scheduleJob(.ladderLimit, at: zoneDue),
            ])

        let (refused, refuseEffects) = try Self.plan(.refuseHandUp, waiting, CaseActionInput(reason: "属社区职责"), Self.facts(.init(upper: true)))
        let communityDue = try #require(refused.levelDue)
        #expect(Self.calendar.readable(communityDue) == "2026-12-09 09:00", "the community's two work days again, from the refusal")
        #expect(refused.level == .community && refused.pendingLevel == nil)
        #expect(refuseEffects == [.decideSlip(.refused, reason: "属社区职责", newDue: communityDue), .scheduleJob(.ladderLimit, at: communityDue)])
        // Photos that are not the case's are refused, naming them.
        var foreign = Self.facts(.init(holder: true))
        foreign.ladder?.foreignPhotos = [77]
        let badPhotos = try #require(throws: GridError.self) { try Self.plan(.handUp, Self.held(Self.community), input, foreign) }
        #expect(badPhotos.fieldErrors.map(\.code) == [.attachmentNotFound] && badPhotos.fieldErrors.first?.message.en.contains("77") == true)
    }

    @Test func theSystemHandsUpAtTheLimitAndTheCentreDelegatesOrLiftsByDispatch() throws {
        let (auto, autoEffects) = try Self.plan(.autoHandUp, Self.held(Self.community), .init(), Self.facts(.init(system: true), ladder: .standard))
        #expect(auto.pendingLevel == .street)
        guard case .openSlip(let slip)? = autoEffects.first else {
            Issue.record("no slip: \(autoEffects)")
            return
        }
        #expect(slip.automatic && slip.reasonKind == .limitPassed && slip.to == Self.street && slip.reason.contains("2 workDays"))

        let (delegated, delegateEffects) = try Self.plan(
            .delegate, Self.held(Self.street), CaseActionInput(level: .community), Self.facts(.init(holder: true)))
        #expect(delegated.level == .community && delegated.levelUnitId == Self.community.id)
        #expect(delegateEffects.first == .cancelLadderJobs && delegateEffects.contains(.moveCustody(to: Self.community, by: .delegate)))
        let byCommunity = try #require(throws: GridError.self) {
            try Self.plan(.delegate, Self.held(Self.community), CaseActionInput(level: .grid), Self.facts(.init(holder: true)))
        }
        #expect(byCommunity.code == .ladderNotAllowed, "only a street's or the district's centre delegates")

        // Dispatching a case the community holds, with a slip waiting at the zone: the street takes it (an override), the slip is superseded.
        var facts = Self.facts(.init())
        facts.dispatch = DispatchPlan(lead: 4, handleLimit: TimeLimit(amount: 2, unit: .workDays))
        let (lifted, liftEffects) = try Self.plan(.dispatch, Self.held(Self.community, pending: Self.zone), .init(), facts)
        #expect(lifted.level == .street && lifted.levelUnitId == Self.street.id && lifted.pendingLevel == nil && lifted.routeOverridden)
        #expect(
            liftEffects == [
                .decideSlip(.superseded, reason: "指挥中心直接派遣", newDue: nil), .moveCustody(to: Self.street, by: .dispatch), .cancelLadderJobs,
                .dispatchTasks(lead: 4, assisting: []),
            ])
    }

    @Test func onlyTheHoldingLevelBelowTheStreetHandlesLocallyAndAnEndingCaseEndsItsTurn() throws {
        let note = CaseActionInput(note: "已清运")
        var handled = Self.held(Self.community)
        handled.state = .handled
        #expect(try Self.plan(.handleLocally, handled, note, Self.facts(.init(holder: true))).1 == [.resolveOrders])
        #expect(throws: GridError.self) { try Self.plan(.handleLocally, handled, note, Self.facts(.init(upper: true))) }
        var atStreet = Self.held(Self.street)
        atStreet.state = .handled
        #expect(throws: GridError.self) { try Self.plan(.handleLocally, atStreet, note, Self.facts(.init(holder: true))) }

        var closing = Self.held(Self.community, pending: Self.zone)
        closing.state = .checkPassed
        let (closed, effects) = try CaseActionEffects.plan(
            .close, .init(), case: closing, to: .closed, facts: .init(), at: Self.monday, calendar: Self.calendar)
        #expect(closed.pendingLevel == nil && closed.levelDue == nil)
        #expect(effects.suffix(3) == [.decideSlip(.superseded, reason: "案件已结案", newDue: nil), .endCustody(by: .close), .cancelLadderJobs])
    }

    @Test func theFiguresAddUpPerGroupAndInTheTotal() {
        let other = LadderUnit(id: 4, code: "110199001002", name: "北社区", level: .community)
        let facts = [
            LadderFact(unitId: 3, kind: .solved, level: .grid, count: 2), LadderFact(unitId: 3, kind: .solved, level: .community, count: 5),
            LadderFact(unitId: 3, kind: .solved, level: .street, count: 1),
            LadderFact(unitId: 3, kind: .slip, level: .community, reason: .needsEnforcement, count: 2),
            LadderFact(unitId: 3, kind: .slip, level: .community, reason: .limitPassed, automatic: true, count: 1),
            LadderFact(unitId: 3, kind: .slip, level: .community, reason: .crossArea, refused: true, count: 1),
            LadderFact(unitId: 3, kind: .turn, level: .community, count: 4, seconds: 4 * 7200),
            LadderFact(unitId: 4, kind: .solved, level: .district, count: 1),
            LadderFact(unitId: 99, kind: .solved, level: .grid, count: 100),
        ]
        let rows = LadderFigures.rows(facts, grouping: .community, units: [Self.community, other], ladder: .standard)
        #expect(rows.count == 3, "two communities and the total")
        #expect(rows[0].solved == [.grid: 2, .community: 5, .street: 1] && rows[0].solvedTotal == 8)
        #expect(rows[0].frontLineShare == 7.0 / 8.0)
        #expect(rows[0].handUps == 4 && rows[0].automatic == 1 && rows[0].refused == 1)
        #expect(rows[0].byReason == [.needsEnforcement: 2, .limitPassed: 1, .crossArea: 1])
        #expect(rows[0].meanHoursHeld(.community) == 2 && rows[0].meanHoursHeld(.street) == nil)
        #expect(rows[1].unit == other && rows[1].frontLineShare == 0)
        #expect(rows[2].unit == nil && rows[2].solvedTotal == 9, "a fact of a unit outside the grouping is left out")
        let byLevel = LadderFigures.rows(
            facts.map {
                var f = $0
                f.unitId = nil
                return f
            }, grouping: .level, units: [], ladder: .standard)
        #expect(byLevel.map(\.level) == [.grid, .community, .street, .district, nil])
        #expect(byLevel[0].solved[.grid] == 102 && byLevel[1].handUps == 4)
        let csv = CSVTable.render(
            header: LadderFigures.csvHeader(.standard), rows: rows.map { LadderFigures.csvRow($0, .standard) }, excelSafe: true)
        #expect(csv.hasPrefix("\u{FEFF}编码,名称,层级,网格解决,社区解决,街道解决,区级解决,解决合计,一线解决率"))
        #expect(csv.contains("110199001001,南社区,社区,2,5,1,0,8,0.8750,4,1,1"), "\(csv)")
        #expect(CSVTable.render(header: ["名称"], rows: [["=HYPERLINK(\"x\")"]], excelSafe: true).contains("'=HYPERLINK"))
    }

    @Test func aLimitIsReadAsLevelAmountAndUnit() throws {
        let (level, limit) = try LadderLimits.parse("community=2:workDays")
        #expect(level == .community && limit == TimeLimit(amount: 2, unit: .workDays))
        for bad in ["community=2", "village=2:workDays", "community=two:workDays", "community=2:weeks", "2:workDays"] {
            let error = try #require(throws: GridError.self, "\(bad)") { try LadderLimits.parse(bad) }
            #expect(error.fieldErrors.map(\.code) == [.fieldFormat] && error.fieldErrors.first?.message.en.contains(bad) == true)
        }
        // Settings stored before the limits existed read the defaults; a stored limit overrides its level only.
        let old = try JSONDecoder().decode(TenantSettings.self, from: Data(#"{"ladder": ["grid", "community", "street", "district"]}"#.utf8))
        #expect(old.ladderLimits == LadderLimits.defaults)
        let set = try JSONDecoder().decode(TenantSettings.self, from: Data(#"{"ladderLimits": {"grid": {"amount": 2, "unit": "workHours"}}}"#.utf8))
        #expect(set.ladderLimits[.grid] == TimeLimit(amount: 2, unit: .workHours) && set.ladderLimits[.community] == LadderLimits.defaults[.community])
        let again = try JSONDecoder().decode(TenantSettings.self, from: try JSONEncoder().encode(set))
        #expect(again == set, "settings survive their own encoding")
    }
}
