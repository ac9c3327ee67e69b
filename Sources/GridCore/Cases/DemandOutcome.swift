import Foundation

extension CaseSource {
    /// A resident's demand (诉求): reported by a resident or through the hotline. Closing one needs
    /// its outcome and the reply given to the reporter.
    public var isDemand: Bool { self == .resident || self == .hotline }
}

/// How a case ended for the person who raised it.
public enum DemandOutcome: String, Sendable, Codable, CaseIterable {
    /// Solved.
    case resolved
    /// Not feasible now: answered with the reason and a planned date (解释说明).
    case explained
    /// Passed to whoever can act on it (转办), named.
    case referred

    public var label: Text {
        switch self {
        case .resolved: Text(zh: "已解决", en: "resolved")
        case .explained: Text(zh: "已解释说明", en: "explained")
        case .referred: Text(zh: "已转办", en: "referred")
        }
    }
}

/// How the reporter was answered (答复).
public enum ReplyChannel: String, Sendable, Codable, CaseIterable {
    case phone, sms, visit, app, letter
}

/// The reply to the reporter recorded at closing: who answered, how, when, what.
public struct ReporterReply: Sendable, Equatable, Codable {
    public var by: String
    public var channel: ReplyChannel
    public var at: Date
    public var content: String?

    public init(by: String, channel: ReplyChannel, at: Date, content: String? = nil) {
        self.by = by
        self.channel = channel
        self.at = at
        self.content = content
    }
}

/// What closing a case records: the outcome with what it needs, and the reply.
public struct CaseClosing: Sendable, Equatable, Codable {
    public var outcome: DemandOutcome
    /// Why it is not feasible now (explained).
    public var explanation: String?
    /// When it is planned (explained), `YYYY-MM-DD`.
    public var plannedDate: LocalDate?
    /// To whom (referred).
    public var referredTo: String?
    public var reply: ReporterReply?

    public init(outcome: DemandOutcome, explanation: String? = nil, plannedDate: LocalDate? = nil, referredTo: String? = nil, reply: ReporterReply? = nil) {
        self.outcome = outcome
        self.explanation = explanation
        self.plannedDate = plannedDate
        self.referredTo = referredTo
        self.reply = reply
    }

    public static let maxText = 2000

    /// The closing of a case from `source` in `state`, or every problem named: a demand needs its
    /// outcome and the reply (not in the future); an explanation needs its reason and planned
    /// date; a referral whom to; a case closed before its check (from `handled`) cannot be resolved.
    /// A case that is not a demand closes as resolved unless told otherwise.
    public static func checked(
        outcome: DemandOutcome?, explanation: String?, plannedDate: String?, referredTo: String?, reply: ReporterReply?,
        source: CaseSource, state: CaseState, now: Date
    ) throws -> CaseClosing {
        var errors: [FieldError] = []
        func blank(_ text: String?) -> Bool { text?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true }
        if source.isDemand && outcome == nil {
            errors.append(
                FieldError(
                    "outcome", .fieldRequired,
                    Text(
                        zh: "群众诉求结案须说明结果（\(DemandOutcome.allCases.map(\.rawValue).joined(separator: "、"))）",
                        en: "closing a resident's demand needs its outcome (\(DemandOutcome.allCases.map(\.rawValue).joined(separator: ", ")))")))
        }
        if source.isDemand && reply == nil {
            errors.append(
                FieldError(
                    "reply", .fieldRequired,
                    Text(
                        zh: "群众诉求结案须记录对诉求人的答复（答复人、方式、时间）", en: "closing a resident's demand needs the reply given to them (who, how, when)")))
        }
        let outcome = outcome ?? .resolved
        var date: LocalDate?
        switch outcome {
        case .resolved: break
        case .explained:
            if blank(explanation) {
                errors.append(FieldError("reason", .fieldRequired, Text(zh: "解释说明须写明暂不能解决的原因", en: "an explanation needs the reason it cannot be done now")))
            }
            if let plannedDate {
                date = LocalDate(plannedDate)
                if date == nil {
                    errors.append(
                        FieldError(
                            "plannedDate", .fieldFormat,
                            Text(
                                zh: "计划日期应为 YYYY-MM-DD，实际为“\(plannedDate)”",
                                en: "plannedDate is YYYY-MM-DD, got '\(plannedDate)'")))
                }
            } else {
                errors.append(FieldError("plannedDate", .fieldRequired, Text(zh: "解释说明须给出计划解决日期", en: "an explanation needs the planned date")))
            }
        case .referred:
            if blank(referredTo) {
                errors.append(FieldError("referredTo", .fieldRequired, Text(zh: "转办须写明转给谁", en: "a referral needs whom it was referred to")))
            }
        }
        if state == .handled && outcome == .resolved {
            errors.append(
                FieldError(
                    "outcome", .caseCloseNotChecked,
                    Text(
                        zh: "已解决的案件须先经核查再结案；未核查即结案只适用于解释说明或转办",
                        en: "a resolved case is checked before it closes; closing without a check is for an explanation or a referral")))
        }
        if let reply {
            if reply.by.trimmingCharacters(in: .whitespaces).isEmpty || reply.by.count > 50 {
                errors.append(FieldError("reply.by", .fieldRequired, Text(zh: "答复人应为 1–50 个字符", en: "reply.by has 1–50 characters")))
            }
            if reply.at > now.addingTimeInterval(300) {
                errors.append(FieldError("reply.at", .fieldFuture, Text(zh: "答复时间不能晚于现在", en: "reply.at cannot be in the future")))
            }
            if let content = reply.content, content.count > maxText {
                errors.append(
                    FieldError("reply.content", .fieldTooLong, Text(zh: "答复内容最多 \(maxText) 个字符", en: "reply.content is at most \(maxText) characters")))
            }
        }
        for (field, text) in [("reason", explanation), ("referredTo", referredTo)] where (text?.count ?? 0) > maxText {
            errors.append(FieldError(field, .fieldTooLong, Text(zh: "\(field) 最多 \(maxText) 个字符", en: "\(field) is at most \(maxText) characters")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        return CaseClosing(
            outcome: outcome, explanation: outcome == .explained ? explanation : nil, plannedDate: date,
            referredTo: outcome == .referred ? referredTo : nil, reply: reply)
    }
}

/// A call-back to the reporter after closing (回访): reached or not, solved in their eyes, how satisfied.
public struct CaseCallback: Sendable, Equatable, Codable {
    public var contacted: Bool
    public var resolved: Bool?
    public var satisfaction: CaseRating?
    public var note: String?

    public init(contacted: Bool, resolved: Bool? = nil, satisfaction: CaseRating? = nil, note: String? = nil) {
        self.contacted = contacted
        self.resolved = resolved
        self.satisfaction = satisfaction
        self.note = note
    }

    /// One not reached has nothing else to say; the note is at most 2,000 characters.
    public func checked() throws -> CaseCallback {
        var errors: [FieldError] = []
        if !contacted && (resolved != nil || satisfaction != nil) {
            errors.append(
                FieldError(
                    "contacted", .callbackNotContacted,
                    Text(
                        zh: "未联系上诉求人时不能记录解决情况或满意度", en: "a call-back that did not reach the reporter records no resolution or satisfaction")))
        }
        if let note, note.count > CaseClosing.maxText {
            errors.append(
                FieldError("note", .fieldTooLong, Text(zh: "备注最多 \(CaseClosing.maxText) 个字符", en: "note is at most \(CaseClosing.maxText) characters")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        return self
    }
}
