import Foundation

/// What a workflow action may carry; the workflow table says which fields an action needs.
public struct CaseActionInput: Sendable, Equatable, Codable {
    public var reason: String?
    public var note: String?
    public var extensionLimit: TimeLimit?
    public var rating: CaseRating?
    /// The id of the case this one merges into.
    public var mergeInto: Int64?
    /// Filing: the item (when the report came without one or is reclassified) and its grade.
    public var category: String?
    public var grade: String?
    /// Dispatch: a department other than the one routing proposed (an override, counted).
    public var department: String?
    /// Closing: how it ended for whoever raised it (`reason` is the explanation), the planned date
    /// of an explanation, whom it was referred to, and the reply given to the reporter.
    public var outcome: DemandOutcome?
    public var plannedDate: String?
    public var referredTo: String?
    public var reply: ReporterReply?

    public static let maxText = 2000

    public init(
        reason: String? = nil, note: String? = nil, extensionLimit: TimeLimit? = nil, rating: CaseRating? = nil, mergeInto: Int64? = nil,
        category: String? = nil, grade: String? = nil, department: String? = nil, outcome: DemandOutcome? = nil, plannedDate: String? = nil,
        referredTo: String? = nil, reply: ReporterReply? = nil
    ) {
        self.outcome = outcome
        self.plannedDate = plannedDate
        self.referredTo = referredTo
        self.reply = reply
        self.reason = reason
        self.note = note
        self.extensionLimit = extensionLimit
        self.rating = rating
        self.mergeInto = mergeInto
        self.category = category
        self.grade = grade
        self.department = department
    }

    /// The fields given (non-empty), for the workflow table's check.
    public var fields: Set<CaseField> {
        var given: Set<CaseField> = []
        if reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == false { given.insert(.reason) }
        if note?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == false { given.insert(.note) }
        if extensionLimit != nil { given.insert(.extensionLimit) }
        if rating != nil { given.insert(.rating) }
        if mergeInto != nil { given.insert(.mergeInto) }
        return given
    }

    public func validate() throws {
        var errors: [FieldError] = []
        for (field, value) in [("reason", reason), ("note", note)] {
            if let value, value.count > Self.maxText {
                errors.append(
                    FieldError(
                        field, .fieldTooLong,
                        Text(
                            zh: "\(field) 最多 \(Self.maxText) 个字符，实际 \(value.count) 个",
                            en: "\(field) is at most \(Self.maxText) characters, got \(value.count)")))
            }
        }
        if let limit = extensionLimit, !(1...TimeLimit.maxAmount).contains(limit.amount) {
            errors.append(
                FieldError(
                    "extensionLimit.amount", .fieldOutOfRange,
                    Text(
                        zh: "延期时长应在 1–\(TimeLimit.maxAmount) 之间，实际为 \(limit.amount)", en: "an extension is 1–\(TimeLimit.maxAmount) long, got \(limit.amount)"))
            )
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
    }
}
