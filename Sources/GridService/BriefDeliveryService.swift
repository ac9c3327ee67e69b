import Foundation
import GridCore
import GridStore

/// The brief sent on schedule: a user subscribes to the monthly or weekly brief of the district or
/// of a street they read; a webhook subscribes to `brief.month` or `brief.week`. On the morning
/// after a period (08:00 local) the `briefDue` job publishes it: the headline figures are computed
/// (and kept, so that the brief itself opens at once), the issue is recorded once, each subscriber
/// is told with the link, each webhook gets the figures and the links, and the next period's job
/// is scheduled.
extension GridService {
    /// Seconds after a period's end its brief goes out: the next morning at 08:00, when the
    /// figures as of its end have long settled.
    static let briefMorning: TimeInterval = 8 * 3600

    /// The figures a published brief states in its message and webhook.
    static let briefHeadline: [Indicator] = [.filed, .closureRate, .onTimeHandlingRate, .openOverdue, .satisfactionRate]

    public func briefSubscriptions(_ caller: Caller, tenantId: Int64) async throws -> [BriefDeliveryStore.Subscription] {
        let userId = try Self.briefSubscriber(caller)
        return try await withActiveTenant(tenantId) { tx, _ in try await BriefDeliveryStore.subscriptions(tx, userId: userId) }
    }

    /// Subscribes the caller to `cadence`'s brief of `scopeCode` (default: the scope they read),
    /// the district or a street; the same again answers the existing subscription (created false).
    public func subscribeToBrief(_ caller: Caller, tenantId: Int64, cadence: String, scopeCode: String?, now: Date = Date()) async throws -> (
        subscription: BriefDeliveryStore.Subscription, created: Bool
    ) {
        let userId = try Self.briefSubscriber(caller)
        guard let cadence = BriefCadence(rawValue: cadence) else {
            throw Errors.field(
                "cadence", .fieldInvalid, zh: "cadence “\(cadence)” 应为 month（月报）或 week（周报）",
                en: "cadence '\(cadence)' must be month or week")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            guard [.district, .street, .township].contains(scope.kind) else {
                throw Errors.field(
                    "scope", .fieldInvalid, zh: "简报按全区或街道（乡镇）出，\(scope.code)（\(scope.name)）不是",
                    en: "a brief is of the district or a street, not of \(scope.code)")
            }
            let (subscription, created) = try await BriefDeliveryStore.subscribe(tx, userId: userId, scopeUnitId: scope.id, cadence: cadence)
            // Gone only if the user ended it at the same moment from another session.
            guard let subscription else {
                throw GridError(.briefSubscriptionNotFound, Text(zh: "订阅已被同时取消，请重试", en: "the subscription was ended meanwhile; try again"))
            }
            try await Self.scheduleBriefs(tx, cadence, now: now)
            return (subscription, created)
        }
    }

    public func unsubscribeFromBrief(_ caller: Caller, tenantId: Int64, id: Int64) async throws {
        let userId = try Self.briefSubscriber(caller)
        try await withActiveTenant(tenantId) { tx, _ in
            guard try await BriefDeliveryStore.unsubscribe(tx, userId: userId, id: id) else {
                throw GridError(.briefSubscriptionNotFound, Text(zh: "您没有编号为 \(id) 的简报订阅", en: "you have no brief subscription \(id)"))
            }
        }
    }

    /// A person who may read figures somewhere: subscriptions are theirs (the CLI's operator has none).
    static func briefSubscriber(_ caller: Caller) throws -> Int64 {
        try caller.authorizeSomewhere(.caseRead)
        guard let userId = caller.userId else {
            throw GridError(.authActionNotAllowed, Text(zh: "简报订阅属于具体用户", en: "a brief subscription belongs to a user"))
        }
        return userId
    }

    /// Makes sure the district's `briefDue` job of `cadence` is pending: the running period's, on
    /// the morning after it ends. `except`: the job now running (it schedules its successor).
    static func scheduleBriefs(_ tx: Tx, _ cadence: BriefCadence, now: Date, except: Int64? = nil) async throws {
        let offset = try await workCalendar(tx).calendar.utcOffsetSeconds
        let running = BriefPeriod.lastEnded(cadence, before: now, utcOffsetSeconds: offset).next
        try await BriefDeliveryStore.ensureScheduled(
            tx, cadence: cadence, period: running.description, at: running.period(utcOffsetSeconds: offset).to.addingTimeInterval(briefMorning),
            except: except)
    }

    /// The `briefDue` job: publishes the period's brief of every scope someone subscribed to (and of
    /// the district when a webhook wants the cadence), once each, and schedules the next period's.
    func publishBriefs(_ job: JobStore.Job, at now: Date, _ tx: Tx) async throws -> String {
        struct Payload: Decodable {
            var cadence: String
            var period: String
        }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8)), let cadence = BriefCadence(rawValue: payload.cadence),
            let period = try? BriefPeriod.parse(payload.period), period.cadence == cadence
        else { return "bad payload" }
        let calendar = try await Self.workCalendar(tx).calendar
        let (from, to) = period.period(utcOffsetSeconds: calendar.utcOffsetSeconds)
        guard to <= now else { return "moot: \(period) has not ended" }
        let event = "brief.\(cadence.rawValue)"
        var audiences = try await BriefDeliveryStore.audiences(tx, cadence: cadence)
        let hooks = try await WebhookStore.matching(tx, eventType: event, departmentId: nil)
        guard let root = try await OrgUnitStore.root(tx) else { return "no org tree" }
        if !hooks.isEmpty && !audiences.contains(where: { $0.scopeUnitId == root.id }) { audiences.insert((root.id, []), at: 0) }
        var published = 0
        for (scopeId, users) in audiences {
            guard let scope = try await OrgUnitStore.find(tx, id: scopeId) else { continue }
            let (_, total) = try await Self.tallies(tx, grouping: .department, scope: scope, from: from, to: to, asOf: to, calendar: calendar, now: now)
            let figures: [[String: Any?]] = Self.briefHeadline.map { indicator in
                let value = total.value(indicator)
                return [
                    "indicator": indicator.rawValue, "label": indicator.label.zh, "value": value.value, "numerator": value.numerator,
                    "denominator": value.denominator,
                ]
            }
            let figuresJSON = String(
                decoding: try JSONSerialization.data(withJSONObject: figures.map { $0.compactMapValues { $0 } }, options: [.sortedKeys]), as: UTF8.self)
            guard
                try await BriefDeliveryStore.recordIssue(
                    tx, cadence: cadence, period: period.description, scopeUnitId: scope.id, figures: figuresJSON)
            else { continue }
            published += 1
            let link = "/v1/briefs/\(period)?scope=\(scope.code)"
            try await BriefDeliveryStore.tell(tx, users: users, message: Self.briefMessage(scope: scope, period: period, total: total, link: link))
            let body: [String: Any] = [
                "event": event, "at": WorkCalendar.standard.rfc3339(now),
                "brief": [
                    "period": period.description, "cadence": cadence.rawValue, "title": "\(scope.name) \(period.label)网格化管理工作简报",
                    "scope": ["id": scope.id, "code": scope.code, "name": scope.name] as [String: Any], "from": WorkCalendar.standard.rfc3339(from),
                    "to": WorkCalendar.standard.rfc3339(to), "html": link, "pdf": link + "&format=pdf",
                    "figures": figures.map { $0.compactMapValues { $0 } },
                ] as [String: Any],
            ]
            let text = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
            for hook in hooks {
                let delivery = String(
                    decoding: try JSONSerialization.data(withJSONObject: ["subscription": hook.id, "event": event, "body": text], options: [.sortedKeys]),
                    as: UTF8.self)
                try await JobStore.schedule(tx, .webhook, caseId: nil, at: now, payload: delivery)
            }
        }
        // The next period's, while anyone wants it.
        if !audiences.isEmpty { try await Self.scheduleBriefs(tx, cadence, now: now, except: job.id) }
        return "\(period): \(published) published"
    }

    /// "学院路街道 2026年11月网格化管理工作简报已发布：立案 1234 件，结案率 90.1%，按期处置率 92.0%，超期未结 12 件。查看 /v1/briefs/…".
    static func briefMessage(scope: OrgUnitRecord, period: BriefPeriod, total: IndicatorTally, link: String) -> String {
        func rate(_ indicator: Indicator) -> String { total.value(indicator).value.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
        return "\(scope.name) \(period.label)网格化管理工作简报已发布：立案 \(total.filed) 件，结案率 \(rate(.closureRate))，"
            + "按期处置率 \(rate(.onTimeHandlingRate))，超期未结 \(Int(total.value(.openOverdue).numerator)) 件。查看 \(link)"
    }
}
