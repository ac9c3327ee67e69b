import AsyncHTTPClient
import Crypto
import Foundation
import GridCore
import GridStore
import NIOCore
import NIOHTTP1

/// A new subscription and its signing secret, shown this once.
public struct CreatedWebhook: Sendable {
    public var subscription: WebhookStore.Subscription
    public var secret: String
}

extension GridService {
    /// Deliveries that keep failing stop after this many attempts.
    static let webhookMaxAttempts = 8
    static let webhookTimeout: TimeAmount = .seconds(10)
    /// The case events a subscription can name (besides `*`).
    public static let webhookEventTypes: [String] = ["case.report"] + CaseAction.allCases.map { "case.\($0.rawValue)" } + ["case.warnYellow", "case.markOverdue"]

    public func createWebhook(_ caller: Caller, tenantId: Int64, url: String, eventTypes: [String], department: String?) async throws -> CreatedWebhook {
        var errors: [FieldError] = []
        if let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false, url.count <= 500 {
        } else {
            errors.append(FieldError("url", "webhook.badURL", Text(zh: "回调地址应为 http(s) 网址（≤ 500 字符），实际为“\(url)”",
                                                                 en: "the URL must be an http(s) address of at most 500 characters, got '\(url)'")))
        }
        let unknown = eventTypes.filter { $0 != "*" && !Self.webhookEventTypes.contains($0) }
        if eventTypes.isEmpty || !unknown.isEmpty {
            errors.append(FieldError("eventTypes", "webhook.badEventType", Text(
                zh: "事件类型无效：\(unknown.joined(separator: ", "))（可选：*, \(Self.webhookEventTypes.joined(separator: ", "))）",
                en: "unknown event types: \(unknown.isEmpty ? "none given" : unknown.joined(separator: ", ")) (allowed: *, \(Self.webhookEventTypes.joined(separator: ", ")))")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        let secret = Secrets.randomHex(bytes: 32)
        return try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.tenantWrite, at: try await Self.rootPath(tx))
            var departmentId: Int64?
            if let code = department {
                guard let found = try await DepartmentStore.find(tx, code: code) else {
                    throw Errors.field("department", "department.unknown", zh: "部门“\(code)”不存在", en: "department '\(code)' does not exist")
                }
                departmentId = found.id
            }
            let id = try await WebhookStore.insert(tx, url: url, secret: secret, eventTypes: Array(Set(eventTypes)).sorted(), departmentId: departmentId,
                                                   createdBy: caller.principal?.login ?? "cli")
            return CreatedWebhook(subscription: try await WebhookStore.find(tx, id: id)!, secret: secret)
        }
    }

    public func webhooks(_ caller: Caller, tenantId: Int64) async throws -> [WebhookStore.Subscription] {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorize(.tenantWrite, at: try await Self.rootPath(tx))
            return try await WebhookStore.list(tx)
        }
    }

    public func deleteWebhook(_ caller: Caller, tenantId: Int64, id: Int64) async throws {
        try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.tenantWrite, at: try await Self.rootPath(tx))
            guard try await WebhookStore.deactivate(tx, id: id) else {
                throw GridError(.notFound, "webhook.notFound", Text(zh: "订阅 \(id) 不存在", en: "subscription \(id) does not exist"))
            }
        }
    }

    /// Plans a delivery to every subscription that wants this event of the case (in the
    /// transaction that wrote the event, so that an event and its deliveries stand or fall together).
    static func enqueueWebhooks(_ tx: Tx, _ record: CaseRecord, event action: String, at now: Date) async throws {
        let type = "case.\(action)"
        let subscriptions = try await WebhookStore.matching(tx, eventType: type, departmentId: record.leadDepartmentId)
        guard !subscriptions.isEmpty else { return }
        let body: [String: Any?] = [
            "event": type, "at": ISO8601DateFormatter().string(from: now),
            "case": [
                "id": record.id, "number": record.number, "state": record.state.rawValue, "version": record.version,
                "category": record.categoryCode, "grade": record.grade, "leadDepartment": record.leadDepartmentCode, "grid": record.gridCode,
                "handleDue": record.handleDue.map { ISO8601DateFormatter().string(from: $0) },
            ] as [String: Any?],
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body.compactMapValues { $0 }, options: [.sortedKeys]), as: UTF8.self)
        for subscription in subscriptions {
            let payload = String(decoding: try JSONSerialization.data(withJSONObject: ["subscription": subscription.id, "event": type, "body": text],
                                                                      options: [.sortedKeys]), as: UTF8.self)
            try await JobStore.schedule(tx, .webhook, caseId: record.id, at: now, payload: payload)
        }
    }

    /// Delivers one claimed webhook job: reads what to send in one transaction, posts it with no
    /// transaction open (a slow endpoint holds no connection or lock), records the answer in
    /// another. A non-2xx answer or no answer throws, and the caller retries with back-off.
    func deliver(_ claimed: JobStore.Claimed) async throws {
        let next: WebhookDelivery = try await db.withTenant(claimed.tenantId) { tx in
            guard let job = try await JobStore.lock(tx, id: claimed.id), !job.done else { return .nothing("already done") }
            let next = try await Self.webhookRequest(job, tx)
            if case .nothing(let outcome) = next { try await JobStore.finish(tx, id: job.id, outcome: outcome) }
            return next
        }
        guard case .post(let request) = next else { return }
        let response = try await HTTPClient.shared.execute(request, timeout: Self.webhookTimeout)
        guard (200..<300).contains(response.status.code) else {
            throw GridError(.unavailable, "webhook.failed", Text(zh: "回调返回 \(response.status.code)", en: "the endpoint answered \(response.status.code)"))
        }
        try await db.withTenant(claimed.tenantId) { tx in try await JobStore.finish(tx, id: claimed.id, outcome: "delivered: \(response.status.code)") }
    }

    /// The signed request of a delivery (`X-Gridgov-Signature: sha256=<hex HMAC>` of the body under the
    /// subscription's secret), or why there is nothing (more) to send.
    static func webhookRequest(_ job: JobStore.Job, _ tx: Tx) async throws -> WebhookDelivery {
        guard let payload = try JSONSerialization.jsonObject(with: Data(job.payload.utf8)) as? [String: Any],
              let subscriptionId = (payload["subscription"] as? NSNumber)?.int64Value, let body = payload["body"] as? String,
              let event = payload["event"] as? String
        else { return .nothing("malformed delivery") }
        guard let subscription = try await WebhookStore.find(tx, id: subscriptionId), subscription.active else { return .nothing("cancelled: no active subscription") }
        if job.attempts > Self.webhookMaxAttempts { return .nothing("gave up after \(Self.webhookMaxAttempts) attempts") }
        var request = HTTPClientRequest(url: subscription.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "gridgov-webhooks")
        request.headers.add(name: "X-Gridgov-Event", value: event)
        request.headers.add(name: "X-Gridgov-Delivery", value: String(job.id))
        request.headers.add(name: "X-Gridgov-Signature", value: "sha256=" + Self.signature(body, secret: subscription.secret))
        request.body = .bytes(ByteBuffer(string: body))
        return .post(request)
    }

    /// The hex HMAC-SHA256 of `body` under `secret`, as receivers recompute it.
    public static func signature(_ body: String, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }
}

/// What a webhook job comes to: a request to post, or nothing to send (and why).
enum WebhookDelivery: Sendable {
    case post(HTTPClientRequest)
    case nothing(String)
}
