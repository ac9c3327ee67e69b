import AsyncHTTPClient
import Crypto
import Foundation
import GridCore
import GridStore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A new subscription and its signing secret, shown this once.
public struct CreatedWebhook: Sendable {
    public var subscription: WebhookSubscription
    public var secret: String
}

extension GridService {
    /// Deliveries that keep failing stop after this many attempts.
    static let webhookMaxAttempts = 8
    /// How long one delivery may take, connection included.
    static let webhookTimeout: TimeAmount = .seconds(5)
    /// Deliveries under way at once in one worker.
    static let webhookConcurrency = 8
    static let allowListLimit = 50
    /// The case events a subscription can name (besides `*`), and the briefs published on schedule.
    public static let webhookEventTypes: [String] =
        ["case.report"] + CaseAction.allCases.map { "case.\($0.rawValue)" }
        + [
            "case.warnYellow", "case.markOverdue", "case.stageYellow", "case.stageOverdue", "case.raiseOrder", "case.replyOrder", "case.orderRed",
            "case.callback",
        ] + BriefCadence.allCases.map { "brief.\($0.rawValue)" }

    public func createWebhook(_ caller: Caller, tenantId: Int64, url: String, eventTypes: [String], department: String?) async throws -> CreatedWebhook {
        var errors: [FieldError] = []
        if let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false, url.count <= 500 {
        } else {
            errors.append(
                FieldError(
                    "url", .webhookBadURL,
                    Text(
                        zh: "回调地址应为 http(s) 网址（≤ 500 字符），实际为“\(url)”",
                        en: "the URL must be an http(s) address of at most 500 characters, got '\(url)'")))
        }
        let unknown = eventTypes.filter { $0 != "*" && !Self.webhookEventTypes.contains($0) }
        if eventTypes.isEmpty || !unknown.isEmpty {
            errors.append(
                FieldError(
                    "eventTypes", .webhookBadEventType,
                    Text(
                        zh: "事件类型无效：\(unknown.joined(separator: ", "))（可选：*, \(Self.webhookEventTypes.joined(separator: ", "))）",
                        en:
                            "unknown event types: \(unknown.isEmpty ? "none given" : unknown.joined(separator: ", ")) (allowed: *, \(Self.webhookEventTypes.joined(separator: ", ")))"
                    )))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        // Permission first; then the target, resolved outside any transaction (DNS may be slow).
        let allowList = try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.tenantWrite, at: try await Self.rootPath(tx))
            return try await WebhookStore.allowList(tx)
        }
        if let host = URL(string: url)?.host, let problem = try await Self.targetProblem(host: host, allowList: allowList) {
            throw GridError.invalid([FieldError("url", .webhookInternalTarget, problem)])
        }
        let secret = Secrets.randomHex(bytes: 32)
        return try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.tenantWrite, at: try await Self.rootPath(tx))
            var departmentId: Int64?
            if let code = department {
                guard let found = try await DepartmentStore.find(tx, code: code) else {
                    throw Errors.field("department", .departmentUnknown, zh: "部门“\(code)”不存在", en: "department '\(code)' does not exist")
                }
                departmentId = found.id
            }
            let id = try await WebhookStore.insert(
                tx, url: url, secret: secret, eventTypes: Array(Set(eventTypes)).sorted(), departmentId: departmentId,
                createdBy: caller.actorName)
            try await Self.audit(
                tx, caller, "create", .webhook, key: String(id), before: nil,
                after: ["url": url, "eventTypes": Array(Set(eventTypes)).sorted(), "department": department as Any])
            for cadence in BriefCadence.allCases where eventTypes.contains("brief.\(cadence.rawValue)") || eventTypes.contains("*") {
                try await Self.scheduleBriefs(tx, cadence, now: Date())
            }
            return CreatedWebhook(subscription: try await WebhookStore.find(tx, id: id)!, secret: secret)
        }
    }

    /// Why deliveries to `host` are refused: it resolves to an internal address the district's
    /// allow-list does not name, or to nothing. Nil when every address it resolves to may be called.
    static func targetProblem(host: String, allowList: [String]) async throws -> Text? {
        WebhookTarget.problem(host: host, addresses: try await HostResolver.addresses(of: host), allowList: allowList)
    }

    /// The district's webhook allow-list (tenant admin).
    public func webhookAllowList(_ caller: Caller, tenantId: Int64) async throws -> [String] {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorize(.tenantWrite, at: try await Self.rootPath(tx))
            return try await WebhookStore.allowList(tx)
        }
    }

    /// Replaces the district's webhook allow-list: host names, addresses or networks (CIDR) of
    /// its own systems inside its network that deliveries may reach (tenant admin).
    public func setWebhookAllowList(_ caller: Caller, tenantId: Int64, entries rawEntries: [String]) async throws -> [String] {
        let entries = rawEntries.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var errors: [FieldError] = []
        if entries.count > Self.allowListLimit {
            errors.append(
                FieldError(
                    "entries", .webhookAllowListTooLong,
                    Text(
                        zh: "白名单最多 \(Self.allowListLimit) 条，实际 \(entries.count) 条",
                        en: "an allow-list has at most \(Self.allowListLimit) entries, got \(entries.count)")))
        }
        for (i, entry) in entries.enumerated() {
            if let problem = WebhookTarget.allowListProblem(entry) { errors.append(FieldError("entries[\(i)]", .webhookAllowListBadEntry, problem)) }
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        return try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.tenantWrite, at: try await Self.rootPath(tx))
            let before = try await WebhookStore.allowList(tx)
            try await WebhookStore.replaceAllowList(tx, entries: entries, createdBy: caller.actorName)
            let after = try await WebhookStore.allowList(tx)
            if before != after {
                try await Self.audit(tx, caller, "replace", .webhookAllowList, key: "all", before: ["entries": before], after: ["entries": after])
            }
            return after
        }
    }

    public func webhooks(_ caller: Caller, tenantId: Int64) async throws -> [WebhookSubscription] {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorize(.tenantWrite, at: try await Self.rootPath(tx))
            return try await WebhookStore.list(tx)
        }
    }

    public func deleteWebhook(_ caller: Caller, tenantId: Int64, id: Int64) async throws {
        try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.tenantWrite, at: try await Self.rootPath(tx))
            let before = try await WebhookStore.find(tx, id: id)
            guard try await WebhookStore.deactivate(tx, id: id) else {
                throw GridError(.webhookNotFound, Text(zh: "订阅 \(id) 不存在", en: "subscription \(id) does not exist"))
            }
            try await Self.audit(
                tx, caller, "delete", .webhook, key: String(id), before: before.map { ["url": $0.url, "eventTypes": $0.eventTypes] }, after: nil)
        }
    }

    /// Plans a delivery to every subscription that wants this event of the case (in the
    /// transaction that wrote the event, so that an event and its deliveries stand or fall together).
    static func enqueueWebhooks(_ tx: Tx, _ record: CaseRecord, event action: String, at now: Date) async throws {
        let type = "case.\(action)"
        let subscriptions = try await WebhookStore.matching(tx, eventType: type, departmentId: record.leadDepartmentId)
        guard !subscriptions.isEmpty else { return }
        let body: [String: Any?] = [
            "event": type, "at": WorkCalendar.standard.rfc3339(now),
            "case": [
                "id": record.id, "number": record.number, "state": record.state.rawValue, "version": record.version,
                "category": record.categoryCode, "grade": record.grade, "leadDepartment": record.leadDepartmentCode, "grid": record.gridCode,
                "handleDue": record.handleDue.map(WorkCalendar.standard.rfc3339),
            ] as [String: Any?],
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body.compactMapValues { $0 }, options: [.sortedKeys]), as: UTF8.self)
        for subscription in subscriptions {
            let payload = String(
                decoding: try JSONSerialization.data(
                    withJSONObject: ["subscription": subscription.id, "event": type, "body": text],
                    options: [.sortedKeys]), as: UTF8.self)
            try await JobStore.schedule(tx, .webhook, caseId: record.id, at: now, payload: payload)
        }
    }

    /// Delivers the due webhook jobs of every district, `webhookConcurrency` at a time, in a lane of
    /// their own: a dead endpoint costs its own deliveries their timeout and, once its breaker is
    /// open, nothing at all; it never delays the escalation jobs.
    public func deliverDueWebhooks(now: Date = Date(), limit: Int = 100) async throws -> JobRunSummary {
        let claimed = try await JobStore.claim(db, kinds: JobKind.deliveries, now: now, limit: limit, lease: Self.jobLease)
        var summary = JobRunSummary(claimed: claimed.count)
        await withTaskGroup(of: DeliveryOutcome.self) { group in
            func count(_ outcome: DeliveryOutcome?) {
                switch outcome {
                case .delivered: summary.done += 1
                case .failed: summary.failed += 1
                case .postponed: summary.postponed += 1
                case nil: break
                }
            }
            for (i, job) in claimed.enumerated() {
                if i >= Self.webhookConcurrency { count(await group.next()) }
                group.addTask { await self.deliver(job, at: now) }
            }
            while let outcome = await group.next() { count(outcome) }
        }
        return summary
    }

    /// What became of one delivery.
    enum DeliveryOutcome: Sendable { case delivered, failed, postponed }

    /// Delivers one claimed webhook job: reads what to send in one transaction, checks the target
    /// again (the host may resolve elsewhere now) and posts it with no transaction open (a slow
    /// endpoint holds no connection or lock), records the answer in another. A failure is retried
    /// with back-off; an endpoint whose breaker is open is not tried, and its job waits.
    func deliver(_ claimed: JobStore.Claimed, at now: Date) async -> DeliveryOutcome {
        do {
            let next: WebhookDelivery = try await db.withTenant(claimed.tenantId) { tx in
                guard let job = try await JobStore.lock(tx, id: claimed.id), !job.done else { return .nothing("already done") }
                let next = try await Self.webhookRequest(job, tx)
                if case .nothing(let outcome) = next { try await JobStore.finish(tx, id: job.id, outcome: outcome) }
                return next
            }
            guard case .post(let request) = next else { return .delivered }
            let endpoint = request.endpoint
            guard webhookBreakers.admit(endpoint, at: now) else {
                let until = webhookBreakers.openUntil(endpoint) ?? now.addingTimeInterval(60)
                try await db.withTenant(claimed.tenantId) { tx in
                    try await JobStore.postpone(tx, id: claimed.id, until: until, outcome: "postponed: \(endpoint) failed repeatedly")
                }
                return .postponed
            }
            let addresses = try await HostResolver.addresses(of: request.host)
            if let problem = WebhookTarget.problem(host: request.host, addresses: addresses, allowList: request.allowList) {
                try await db.withTenant(claimed.tenantId) { tx in try await JobStore.finish(tx, id: claimed.id, outcome: "refused: \(problem.en)") }
                return .failed
            }
            let status: UInt
            do {
                status = try await Self.post(request, checked: addresses[0])
            } catch {
                webhookBreakers.record(endpoint, success: false, at: now)
                throw error
            }
            webhookBreakers.record(endpoint, success: (200..<300).contains(status), at: now)
            guard (200..<300).contains(status) else {
                throw GridError(.webhookFailed, Text(zh: "回调返回 \(status)", en: "the endpoint answered \(status)"))
            }
            try await db.withTenant(claimed.tenantId) { tx in try await JobStore.finish(tx, id: claimed.id, outcome: "delivered: \(status)") }
            return .delivered
        } catch {
            logger.warning("webhook delivery failed", metadata: ["job": "\(claimed.id)", "tenant": "\(claimed.tenantId)", "error": "\(error)"])
            let backoff = Double(min(3600, 30 << min(claimed.attempts, 7)))
            try? await db.withTenant(claimed.tenantId) { tx in
                try await JobStore.retry(tx, id: claimed.id, at: now.addingTimeInterval(backoff), outcome: "attempt \(claimed.attempts) failed: \(error)")
            }
            return .failed
        }
    }

    /// The client deliveries go through: redirects are not followed (a redirect could lead into
    /// the service's own network), and connecting and reading are bounded.
    static let webhookClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(3), read: webhookTimeout)))

    /// Posts a delivery; its status code. A plain-http target is called at `checked`, the address
    /// its name resolved to when it was checked (with the name in Host), so that the name cannot
    /// resolve elsewhere in between; an https one by its name, whose certificate a rebinding could
    /// not present.
    static func post(_ delivery: WebhookPost, checked address: IPAddress) async throws -> UInt {
        var url = delivery.url
        var headers = delivery.headers
        if delivery.url.scheme?.lowercased() == "http", IPAddress(delivery.host) == nil,
            var components = URLComponents(url: delivery.url, resolvingAgainstBaseURL: false)
        {
            headers.append(("Host", delivery.url.port.map { "\(delivery.host):\($0)" } ?? delivery.host))
            components.host = if case .v6 = address { "[\(address)]" } else { "\(address)" }
            url = components.url ?? url
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: delivery.body))
        let response = try await webhookClient.execute(request, timeout: webhookTimeout)
        return response.status.code
    }

    /// The signed request of a delivery (`X-Gridgov-Signature: sha256=<hex HMAC>` of the body under the
    /// subscription's secret), or why there is nothing (more) to send.
    static func webhookRequest(_ job: JobStore.Job, _ tx: Tx) async throws -> WebhookDelivery {
        guard let payload = try JSONSerialization.jsonObject(with: Data(job.payload.utf8)) as? [String: Any],
            let subscriptionId = (payload["subscription"] as? NSNumber)?.int64Value, let body = payload["body"] as? String,
            let event = payload["event"] as? String
        else { return .nothing("malformed delivery") }
        guard let subscription = try await WebhookStore.find(tx, id: subscriptionId), subscription.active else {
            return .nothing("cancelled: no active subscription")
        }
        if job.attempts > Self.webhookMaxAttempts { return .nothing("gave up after \(Self.webhookMaxAttempts) attempts") }
        guard let url = URL(string: subscription.url), let host = url.host else { return .nothing("malformed URL: \(subscription.url)") }
        let headers = [
            ("Content-Type", "application/json; charset=utf-8"), ("User-Agent", "gridgov-webhooks"), ("X-Gridgov-Event", event),
            ("X-Gridgov-Delivery", String(job.id)), ("X-Gridgov-Signature", "sha256=" + Self.signature(body, secret: subscription.secret)),
        ]
        return .post(WebhookPost(url: url, host: host, headers: headers, body: body, allowList: try await WebhookStore.allowList(tx)))
    }

    /// The hex HMAC-SHA256 of `body` under `secret`, as receivers recompute it.
    public static func signature(_ body: String, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }
}

/// A delivery to post: where, what, and the district's allow-list to check the target against.
struct WebhookPost: Sendable {
    var url: URL
    var host: String
    var headers: [(String, String)]
    var body: String
    var allowList: [String]

    /// What the breaker keys on: scheme, host and port.
    var endpoint: String { "\(url.scheme ?? "http")://\(host):\(url.port ?? (url.scheme == "https" ? 443 : 80))" }
}

/// What a webhook job comes to: a request to post, or nothing to send (and why).
enum WebhookDelivery: Sendable {
    case post(WebhookPost)
    case nothing(String)
}

/// The breakers of the endpoints this process delivers to.
final class WebhookBreakers: Sendable {
    private let breakers = Mutex<[String: CircuitBreaker]>([:])

    func admit(_ endpoint: String, at now: Date) -> Bool {
        breakers.withLock { $0[endpoint, default: CircuitBreaker()].admit(at: now) }
    }

    func record(_ endpoint: String, success: Bool, at now: Date) {
        breakers.withLock { $0[endpoint, default: CircuitBreaker()].record(success: success, at: now) }
    }

    func openUntil(_ endpoint: String) -> Date? {
        breakers.withLock { $0[endpoint]?.openUntil }
    }
}
