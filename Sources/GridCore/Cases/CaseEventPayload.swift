import Foundation

/// What a workflow action's event records: the caller's input and, when the action set them, the
/// handling deadline, the lead department, the level it left the case with and a check round's
/// deadline. These let the assessment read a case as of any past time from its history alone
/// (`IndicatorStore`, `case_checks`): they are not in the input, and later actions (extension,
/// resumption, redispatch, the ladder's moves, a failed check) change them.
public struct CaseEventPayload: Encodable, Sendable {
    public var input: CaseActionInput
    public var handleDue: Date?
    public var leadDepartmentId: Int64?
    public var level: LadderLevel?
    public var checkDue: Date?

    public init(input: CaseActionInput, before: CaseRecord, after: CaseRecord) {
        self.input = input
        handleDue = after.handleDue != before.handleDue ? after.handleDue : nil
        leadDepartmentId = after.leadDepartmentId != before.leadDepartmentId ? after.leadDepartmentId : nil
        level = after.level != before.level ? after.level : nil
        checkDue = after.checkDue != before.checkDue ? after.checkDue : nil
    }

    /// `caseLevel`, not `level`: the input has a `level` of its own (the level a filing or a
    /// delegation asked for), encoded beside these keys.
    private enum Keys: String, CodingKey { case handleDue, leadDepartmentId, caseLevel, checkDue }

    public func encode(to encoder: any Encoder) throws {
        try input.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        if let handleDue { try container.encode(Self.microseconds(handleDue), forKey: .handleDue) }
        if let leadDepartmentId { try container.encode(leadDepartmentId, forKey: .leadDepartmentId) }
        if let level { try container.encode(level, forKey: .caseLevel) }
        if let checkDue { try container.encode(Self.microseconds(checkDue), forKey: .checkDue) }
    }

    /// `2026-11-03T09:30:00.000000Z`: ISO 8601 in UTC to the microsecond PostgreSQL keeps, so that
    /// `(payload->>'handleDue')::timestamptz` is the deadline the case row holds.
    public static func microseconds(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = (micros / 1_000_000).rounded(.down)
        let whole = Date(timeIntervalSince1970: seconds).formatted(Date.ISO8601FormatStyle())
        let fraction = Int(micros - seconds * 1_000_000)
        return whole.dropLast() + "." + String(repeating: "0", count: 6 - String(fraction).count) + String(fraction) + "Z"
    }
}
