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
    /// Filing: the level to hold the case at instead of routing's (an override, counted);
    /// delegation: the level to delegate to.
    public var level: LadderLevel?
    /// A handover slip: why in the list's words (the figures count by it), what was tried, and the
    /// case's photos (attachment ids) that show it.
    public var reasonKind: HandUpReason?
    public var tried: String?
    public var photos: [Int64]?

    public static let maxText = 2000
    public static let maxPhotos = 20

    public init(
        reason: String? = nil, note: String? = nil, extensionLimit: TimeLimit? = nil, rating: CaseRating? = nil, mergeInto: Int64? = nil,
        category: String? = nil, grade: String? = nil, department: String? = nil, outcome: DemandOutcome? = nil, plannedDate: String? = nil,
        referredTo: String? = nil, reply: ReporterReply? = nil, level: LadderLevel? = nil, reasonKind: HandUpReason? = nil, tried: String? = nil,
        photos: [Int64]? = nil
    ) {
        self.level = level
        self.reasonKind = reasonKind
        self.tried = tried
        self.photos = photos
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
        for (field, value) in [("reason", reason), ("note", note), ("tried", tried)] {
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
        if let photos, photos.count > Self.maxPhotos {
            errors.append(
                FieldError(
                    "photos", .fieldOutOfRange,
                    Text(zh: "交接单最多附 \(Self.maxPhotos) 张照片，实际 \(photos.count) 张", en: "a slip carries at most \(Self.maxPhotos) photos, got \(photos.count)")))
        }
        if reasonKind == .limitPassed {
            errors.append(
                FieldError(
                    "reasonKind", .fieldInvalid,
                    Text(
                        zh: "limitPassed 只用于系统的超时自动上报（可选：\(HandUpReason.allowedList)）",
                        en: "limitPassed is the system's own hand-up (use one of: \(HandUpReason.allowedList))")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
    }
}
