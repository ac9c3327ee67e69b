import Foundation
import GridCore
import GridStore
import Logging

/// What one pass of the job worker did.
public struct JobRunSummary: Sendable, Equatable {
    public var claimed: Int
    public var done: Int
    public var failed: Int
    /// Deliveries put back untried (their endpoint's breaker is open).
    public var postponed: Int

    public init(claimed: Int = 0, done: Int = 0, failed: Int = 0, postponed: Int = 0) {
        self.claimed = claimed
        self.done = done
        self.failed = failed
        self.postponed = postponed
    }
}

extension GridService {
    /// Seconds a claimed job stays with its worker before another may take it.
    static let jobLease = 60
    /// The deadline of a supervision order raised when a case goes overdue.
    static let supervisionLimit = TimeLimit(amount: 1, unit: .workDays)

    /// Claims the escalation jobs due at `now` (every district: deadline lights, supervision
    /// orders) and runs each in its district's transaction, where the effect and the job's
    /// completion are written together. Webhook deliveries are a lane of their own
    /// (`deliverDueWebhooks`). `now` is a parameter so that tests (and a catch-up run) control the clock.
    public func runDueJobs(now: Date = Date(), limit: Int = 100, kinds: [JobKind] = JobKind.escalations + JobKind.reportIns) async throws -> JobRunSummary {
        var summary = JobRunSummary()
        let claimed = try await JobStore.claim(db, kinds: kinds, now: now, limit: limit, lease: Self.jobLease)
        summary.claimed = claimed.count
        for job in claimed {
            do {
                try await db.withTenant(job.tenantId) { tx in
                    guard let locked = try await JobStore.lock(tx, id: job.id), !locked.done else { return }
                    let outcome = try await self.run(locked, at: now, tx)
                    try await JobStore.finish(tx, id: job.id, outcome: outcome)
                }
                summary.done += 1
            } catch {
                summary.failed += 1
                logger.error("job failed", metadata: ["job": "\(job.id)", "tenant": "\(job.tenantId)", "kind": "\(job.kind.rawValue)", "error": "\(error)"])
                let backoff = Double(min(3600, 30 << min(job.attempts, 7)))
                try? await db.withTenant(job.tenantId) { tx in
                    try await JobStore.retry(tx, id: job.id, at: now.addingTimeInterval(backoff), outcome: "attempt \(job.attempts) failed: \(error)")
                }
            }
        }
        return summary
    }

    /// When the next job of `kinds` falls due (the worker's lane sleeps until then at most).
    public func nextDue(_ kinds: [JobKind]) async throws -> Date? { try await JobStore.nextDue(db, kinds: kinds) }

    func run(_ job: JobStore.Job, at now: Date, _ tx: Tx) async throws -> String {
        switch job.kind {
        case .caseYellow, .caseRed:
            guard let caseId = job.caseId, let record = try await CaseStore.find(tx, id: caseId) else { return "no case" }
            return try await light(job.kind == .caseRed ? .red : .yellow, on: record, at: now, tx)
        case .stageYellow, .stageRed:
            return try await stageLight(job.kind == .stageRed ? .red : .yellow, job: job, at: now, tx)
        case .orderLapse:
            return try await lapse(job, at: now, tx)
        case .ladderLimit:
            return try await ladderLimit(job, at: now, tx)
        case .whistleLimit:
            return try await whistleLimit(job, at: now, tx)
        case .briefDue:
            return try await publishBriefs(job, at: now, tx)
        case .webhook:
            return "moot: deliveries run in their own lane"
        }
    }

    /// Turns a case's handling light: yellow warns its department; red marks it overdue, raises a
    /// supervision order (督办, the yellow card) with its own deadline and tells the department and
    /// the command centres (`NoticeTable`).
    func light(_ light: TrafficLight, on record: CaseRecord, at now: Date, _ tx: Tx) async throws -> String {
        guard HandlingClock.runs(in: record.state) else { return "moot: the case is \(record.state.rawValue)" }
        let due = light == .red ? record.redAt : record.warnAt
        guard let due, due <= now else { return "moot: the deadline moved" }
        guard record.light < light else { return "moot: already \(record.light.rawValue)" }
        var next = record
        next.light = light
        let action = light == .red ? "markOverdue" : "warnYellow"
        struct Light: Encodable { var light: String }
        try await Self.recordEvent(tx, on: record, writing: next, action, by: .system, payload: Light(light: light.rawValue))
        try await ClockStore.setHandlingLight(tx, caseId: record.id, light: light)
        if let written = try await CaseStore.find(tx, id: record.id) { try await Self.enqueueWebhooks(tx, written, event: action, at: now) }
        let calendar = try await calendarCache.calendar(tx).calendar
        let deadline = record.handleDue.map(calendar.readable) ?? ""
        if light == .yellow {
            try await Self.tell(tx, .handleYellow, about: record, "案件 \(record.number) 处置时限将至（\(deadline)），请抓紧办理")
            return "yellow"
        }
        let orderDue = calendar.deadline(from: now, limit: Self.supervisionLimit)
        try await EscalationStore.raiseOrder(tx, caseId: record.id, card: "yellow", reason: "处置超时（时限 \(deadline)）", due: orderDue)
        try await Self.tell(
            tx, .handleRed, about: record,
            "案件 \(record.number) 已超过处置时限（\(deadline)），已发督办单（黄牌），请于 \(calendar.readable(orderDue)) 前办结或答复")
        return "red: supervision order raised"
    }

    /// A supervision order's deadline passed: answered or resolved, nothing; otherwise the red
    /// card — the order turns red, the case's history records it, and the next level up and the
    /// district are told.
    func lapse(_ job: JobStore.Job, at now: Date, _ tx: Tx) async throws -> String {
        struct Payload: Decodable { var order: Int64 }
        guard let orderId = try? JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8)).order,
            let order = try await EscalationStore.lockOrder(tx, id: orderId)
        else { return "no order" }
        guard order.resolvedAt == nil, order.repliedAt == nil else { return "moot: the order was answered" }
        guard order.escalatedAt == nil else { return "moot: already red" }
        guard order.due <= now else { return "moot: not yet due" }
        guard let record = try await CaseStore.find(tx, id: order.caseId) else { return "no case" }
        // A case that ended meanwhile (voided, merged, closed) has nobody left to chase.
        guard record.state.isOpen else { return "moot: the case is \(record.state.rawValue)" }
        try await EscalationStore.escalate(tx, orderId: order.id, at: now)
        struct Event: Encodable {
            var order: Int64
            var card: String
            var due: Date
        }
        try await Self.recordEvent(tx, on: record, "orderRed", by: .system, payload: Event(order: order.id, card: "red", due: order.due))
        let calendar = try await calendarCache.calendar(tx).calendar
        try await Self.tell(
            tx, .orderRed, about: record,
            "案件 \(record.number) 的督办单（\(order.reason)）逾期未办（时限 \(calendar.readable(order.due))），升级为红牌督办")
        if let written = try await CaseStore.find(tx, id: record.id) { try await Self.enqueueWebhooks(tx, written, event: "orderRed", at: now) }
        return "red card"
    }
}
