import Foundation

/// A department's steps on a whistle besides the table's: check in on site, report its task,
/// check out, be released by the street.
public enum SummonsStep: String, Sendable, CaseIterable {
    case checkIn, report, checkOut, release

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What a department may do on a whistle and what the street's evaluation needs, decided here
/// once for the service and the view.
public enum WhistleRules {
    /// Whether `step` is allowed on `summons` while the whistle is in `state`, or why not.
    public static func check(_ step: SummonsStep, _ summons: Summons, in state: WhistleState) throws {
        let name = summons.departmentName
        guard summons.status == .summoned else {
            throw GridError(
                .whistleNotSummoned, Text(zh: "\(name)未被召集到此哨", en: "\(summons.departmentCode) is not summoned to this whistle"))
        }
        switch step {
        case .checkIn:
            guard state.summons else { throw notNow(step, state) }
            if summons.releasedAt != nil {
                throw GridError(.whistleReleased, Text(zh: "\(name)已被街道放行，无需报到", en: "\(summons.departmentCode) was released by the street"))
            }
            if let checkIn = summons.checkIn {
                throw GridError(
                    .whistleAlreadyCheckedIn,
                    Text(zh: "\(name)已由 \(checkIn.byLogin) 报到", en: "\(summons.departmentCode) already checked in (by \(checkIn.byLogin))"))
            }
        case .report:
            guard state == .onSite || state == .closed else { throw notNow(step, state) }
            guard summons.checkIn != nil else { throw notCheckedIn(summons) }
        case .checkOut:
            guard summons.checkIn != nil else { throw notCheckedIn(summons) }
            if summons.checkedOutAt != nil {
                throw GridError(.whistleAlreadyCheckedOut, Text(zh: "\(name)已签退", en: "\(summons.departmentCode) already checked out"))
            }
            guard ReportIn.mayCheckOut(state, released: summons.releasedAt != nil) else {
                throw GridError(
                    .whistleMustStay,
                    Text(
                        zh: "事不绝、人不撤：哨未办结，街道也未放行\(name)，不能签退",
                        en: "the whistle is not closed and the street has not released \(summons.departmentCode): it stays until the job is done"))
            }
        case .release:
            guard state.summons else { throw notNow(step, state) }
            if summons.releasedAt != nil {
                throw GridError(.whistleReleased, Text(zh: "\(name)已被放行", en: "\(summons.departmentCode) was released already"))
            }
        }
    }

    static func notNow(_ step: SummonsStep, _ state: WhistleState) -> GridError {
        GridError(
            .whistleTransitionNotAllowed,
            Text(zh: "哨处于“\(state.label.zh)”，不能\(step.rawValue)", en: "a whistle that is \(state.label.en) allows no '\(step.rawValue)'"))
    }

    static func notCheckedIn(_ summons: Summons) -> GridError {
        GridError(.whistleNotCheckedIn, Text(zh: "\(summons.departmentName)尚未报到", en: "\(summons.departmentCode) has not checked in"))
    }

    /// The departments a whistle proposes, each once, in order: the case's lead and assisting
    /// departments as routed, then the item's "who must report" (应报到部门).
    public static func proposal(lead: String?, assisting: [String], mustReport: [String]) -> [String] {
        var seen: Set<String> = []
        return ([lead].compactMap { $0 } + assisting + mustReport).filter { seen.insert($0).inserted }
    }

    /// The scores of an evaluation checked against the whistle: every department summoned scored
    /// once, none other, each criterion 1…`max`, comments at most 500 characters.
    public static func checkScores(_ scores: [(department: String, score: WhistleScore)], summoned: [String], max: Int) throws {
        var errors: [FieldError] = []
        var seen: Set<String> = []
        for (i, entry) in scores.enumerated() {
            let field = "scores[\(i)]"
            if !summoned.contains(entry.department) {
                errors.append(
                    FieldError(
                        "\(field).department", .whistleNotSummoned,
                        Text(zh: "部门“\(entry.department)”未被召集到此哨", en: "department '\(entry.department)' is not summoned to this whistle")))
            } else if !seen.insert(entry.department).inserted {
                errors.append(
                    FieldError(
                        "\(field).department", .fieldInvalid, Text(zh: "部门“\(entry.department)”评了两次", en: "department '\(entry.department)' is scored twice")))
            }
            for (name, value) in [("onTime", entry.score.onTime), ("attitude", entry.score.attitude), ("result", entry.score.result)]
            where !(1...max).contains(value) {
                errors.append(
                    FieldError(
                        "\(field).\(name)", .fieldOutOfRange, Text(zh: "评分应为 1–\(max)，实际为 \(value)", en: "a score is 1–\(max), got \(value)")))
            }
            if let comment = entry.score.comment, comment.count > 500 {
                errors.append(FieldError("\(field).comment", .fieldTooLong, Text(zh: "评语最多 500 字", en: "a comment has at most 500 characters")))
            }
        }
        for code in summoned where !seen.contains(code) && !scores.contains(where: { $0.department == code }) {
            errors.append(FieldError("scores", .fieldRequired, Text(zh: "请为部门“\(code)”评分", en: "score department '\(code)'")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
    }
}
