import Foundation

/// What the ladder does to a case, as a plan (`CaseActionEffects` calls it): where filing puts the
/// case, what a hand-up, an acceptance, a refusal and a delegation change and write, what a dispatch
/// over a case held below the street does. Pure: the case, the input, the facts, the time.
public enum LadderPlan {
    /// Filing: the case is held at routing's level (the lowest the case's ladder has at or above
    /// it), or at the level the centre names instead (an override, counted), by that level's unit.
    static func file(
        _ next: inout CaseRecord, routed: LadderLevel?, asked: LadderLevel?, _ facts: LadderFacts, at now: Date, calendar: WorkCalendar
    ) throws -> [CaseEffect] {
        let proposed = facts.holdingLevel(for: routed)
        var level = proposed
        if let asked {
            guard facts.ladder.uses(asked) else { throw LadderRules.levelNotUsed(asked, facts.ladder) }
            if asked != proposed { next.routeOverridden = true }
            level = asked
        }
        next.level = level
        return try take(&next, by: holder(level, facts), action: .file, facts, at: now, calendar: calendar)
    }

    /// Dispatch sends the case to a department from the street or the district: a case held below
    /// the street is lifted to the street's centre (an override of routing's level, counted), and a
    /// slip waiting above it is superseded.
    static func dispatch(_ next: inout CaseRecord, _ facts: LadderFacts, at now: Date) throws -> [CaseEffect] {
        var effects: [CaseEffect] = []
        if next.pendingLevel != nil {
            effects.append(.decideSlip(.superseded, reason: "指挥中心直接派遣", newDue: nil))
            next.pendingLevel = nil
            next.pendingUnitId = nil
        }
        guard let level = next.level, level < .street else { return effects }
        let street = try holder(.street, facts)
        next.level = .street
        next.levelUnitId = street.id
        next.levelUnitCode = street.code
        next.levelUnitName = street.name
        next.levelSince = now
        next.levelDue = nil
        next.routeOverridden = true
        return effects + [.moveCustody(to: street, by: .dispatch), .cancelLadderJobs]
    }

    /// Handling in the community's or zone's own cycle (or by the grid head): only by the level
    /// below the street that holds the case, with no slip waiting (what a view offers is what this allows).
    public static func checkLocal(_ record: CaseRecord, _ facts: LadderFacts) throws {
        let level = record.level ?? .street
        guard level < .street else {
            throw GridError(
                .ladderNotAllowed,
                Text(
                    zh: "案件由\(level.label.zh)层级持有，不在社区、片区或网格，不能就地处置",
                    en: "the case is held at the \(level.rawValue) level, not by a grid, community or zone; it cannot be handled locally"))
        }
        try LadderRules.noPendingSlip(LadderCustody(level: level, pendingTo: record.pendingLevel))
        guard facts.membership.holder else {
            throw GridError(
                .ladderNotAllowed,
                Text(
                    zh: "只有持有该案件的\(level.label.zh)（\(record.levelUnitName ?? "")）成员可以就地处置",
                    en: "only a member of the \(level.rawValue) holding the case (\(record.levelUnitCode ?? "")) may handle it locally"))
        }
    }

    /// Self-handling at the report: the grid handled it, and holds it until it closes.
    static func selfHandle(_ next: inout CaseRecord, at now: Date) -> [CaseEffect] {
        let grid = LadderUnit(id: next.gridId, code: next.gridCode, name: next.gridName, level: .grid)
        setHolder(&next, grid, at: now, due: nil)
        return [.moveCustody(to: grid, by: .selfHandle)]
    }

    /// Reopening: the level that held the case holds it again, from now.
    static func reopen(_ next: inout CaseRecord, at now: Date) -> [CaseEffect] {
        guard let level = next.level, let id = next.levelUnitId else { return [] }
        next.levelSince = now
        return [.moveCustody(to: LadderUnit(id: id, code: next.levelUnitCode ?? "", name: next.levelUnitName ?? "", level: level), by: .reopen)]
    }

    /// A move on the ladder: the rules decide (`LadderRules.apply`), then the case and the slips follow.
    static func move(
        _ action: CaseAction, _ input: CaseActionInput, _ next: inout CaseRecord, from record: CaseRecord, _ facts: LadderFacts, at now: Date,
        calendar: WorkCalendar
    ) throws -> [CaseEffect] {
        guard let move = action.ladderMove else { preconditionFailure("\(action) is not a ladder move") }
        let level = record.level ?? .street
        let after = try LadderRules.apply(
            move, to: LadderCustody(level: level, pendingTo: record.pendingLevel), by: facts.membership.actor(for: move, at: level),
            target: input.level, reason: input.reason, on: facts.ladder)
        switch move {
        case .handUp, .autoHandUp:
            guard facts.foreignPhotos.isEmpty else {
                let ids = facts.foreignPhotos.map(String.init).joined(separator: ", ")
                throw GridError.invalid([
                    FieldError("photos", .attachmentNotFound, Text(zh: "照片 \(ids) 不是该案件的附件", en: "photos \(ids) are not attachments of this case"))
                ])
            }
            guard let upper = after.pendingTo else { preconditionFailure("a hand-up names the level above") }
            let from = try current(record, facts), to = try holder(upper, facts)
            let automatic = move == .autoHandUp
            let limit = facts.limits[level].map(\.description) ?? ""
            next.pendingLevel = upper
            next.pendingUnitId = to.id
            next.levelDue = nil
            return [
                .openSlip(
                    HandoverDraft(
                        from: from, to: to, reasonKind: automatic ? .limitPassed : input.reasonKind ?? .other,
                        reason: automatic ? "\(level.label.zh)超过本级时限（\(limit)）未处置也未上报，系统自动上报" : input.reason ?? "",
                        tried: automatic ? nil : input.tried, photos: automatic ? [] : input.photos ?? [], automatic: automatic)),
                .cancelLadderJobs,
            ]
        case .accept:
            next.pendingLevel = nil
            next.pendingUnitId = nil
            return [.decideSlip(.accepted, reason: nil, newDue: nil), .cancelLadderJobs]
                + (try take(&next, by: holder(after.level, facts), action: action, facts, at: now, calendar: calendar))
        case .refuse:
            next.pendingLevel = nil
            next.pendingUnitId = nil
            let due = facts.limits[level].flatMap { LadderLimits.applies(to: level) ? calendar.deadline(from: now, limit: $0) : nil }
            next.levelDue = due
            return [.decideSlip(.refused, reason: input.reason, newDue: due)] + (due.map { [.scheduleJob(.ladderLimit, at: $0)] } ?? [])
        case .delegate:
            return [.cancelLadderJobs] + (try take(&next, by: holder(after.level, facts), action: action, facts, at: now, calendar: calendar))
        }
    }

    /// `unit` takes the case from now, with its level's local limit (and the job that watches it).
    static func take(
        _ next: inout CaseRecord, by unit: LadderUnit, action: CaseAction, _ facts: LadderFacts, at now: Date, calendar: WorkCalendar
    ) throws -> [CaseEffect] {
        let due = LadderLimits.applies(to: unit.level) ? facts.limits[unit.level].map { calendar.deadline(from: now, limit: $0) } : nil
        setHolder(&next, unit, at: now, due: due)
        return [.moveCustody(to: unit, by: action)] + (due.map { [.scheduleJob(.ladderLimit, at: $0)] } ?? [])
    }

    static func setHolder(_ next: inout CaseRecord, _ unit: LadderUnit, at now: Date, due: Date?) {
        next.level = unit.level
        next.levelUnitId = unit.id
        next.levelUnitCode = unit.code
        next.levelUnitName = unit.name
        next.levelSince = now
        next.levelDue = due
    }

    /// The unit holding the case now.
    static func current(_ record: CaseRecord, _ facts: LadderFacts) throws -> LadderUnit {
        let level = record.level ?? .street
        if let id = record.levelUnitId { return LadderUnit(id: id, code: record.levelUnitCode ?? "", name: record.levelUnitName ?? "", level: level) }
        return try holder(level, facts)
    }

    static func holder(_ level: LadderLevel, _ facts: LadderFacts) throws -> LadderUnit {
        guard let unit = facts.holders[level] else { throw LadderRules.levelNotUsed(level, facts.ladder) }
        return unit
    }
}
