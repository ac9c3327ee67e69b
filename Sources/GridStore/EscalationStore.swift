import Foundation
import GridCore
import PostgresNIO

/// What escalation leaves behind: supervision orders (督办) on cases and notifications to the
/// people of a scope.
public enum EscalationStore {

    /// Raises an order and plans the job that turns it red if it lapses; returns its id.
    @discardableResult
    public static func raiseOrder(_ tx: Tx, caseId: Int64, card: String, reason: String, due: Date, manual: Bool = false, raisedBy: Int64? = nil) async throws
        -> Int64
    {
        let rows = try await tx.query(
            """
            WITH raised AS (
                INSERT INTO supervision_orders (tenant_id, case_id, card, reason, due, manual, raised_by)
                VALUES (\(tx.tenant), \(caseId), \(card), \(reason), \(due), \(manual), \(raisedBy))
                RETURNING id
            ), planned AS (
                INSERT INTO jobs (tenant_id, kind, case_id, run_at, payload)
                SELECT \(tx.tenant), 'orderLapse', \(caseId), \(due), jsonb_build_object('order', raised.id) FROM raised
            )
            SELECT id FROM raised
            """)
        for try await id in rows.decode(Int64.self) { return id }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    static let orderColumns = "id, case_id, card, reason, issued_at, due, resolved_at, manual, raised_by, reply, replied_at, escalated_at"

    static func orders(_ rows: PostgresRowSequence) async throws -> [SupervisionOrder] {
        var result: [SupervisionOrder] = []
        for try await (id, caseId, card, reason, issuedAt, due, resolvedAt, manual, raisedBy, reply, repliedAt, escalatedAt) in rows.decode(
            (Int64, Int64, String, String, Date, Date, Date?, Bool, Int64?, String?, Date?, Date?).self)
        {
            result.append(
                SupervisionOrder(
                    id: id, caseId: caseId, card: card, reason: reason, issuedAt: issuedAt, due: due, resolvedAt: resolvedAt,
                    manual: manual, raisedBy: raisedBy, reply: reply, repliedAt: repliedAt, escalatedAt: escalatedAt))
        }
        return result
    }

    public static func orders(_ tx: Tx, caseId: Int64) async throws -> [SupervisionOrder] {
        try await orders(
            tx.query(
                "SELECT \(unescaped: orderColumns) FROM supervision_orders WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) ORDER BY id"))
    }

    /// One order, locked for the transaction.
    public static func lockOrder(_ tx: Tx, id: Int64) async throws -> SupervisionOrder? {
        try await orders(
            tx.query(
                "SELECT \(unescaped: orderColumns) FROM supervision_orders WHERE tenant_id = \(tx.tenant) AND id = \(id) FOR UPDATE")
        ).first
    }

    /// The department's answer to an order (it stays open until the case is handled, or resolves it when `resolves`).
    public static func reply(_ tx: Tx, orderId: Int64, reply: String, by userId: Int64?, at now: Date, resolves: Bool) async throws {
        try await tx.query(
            """
            UPDATE supervision_orders SET reply = \(reply), replied_at = \(now), replied_by = \(userId),
                   resolved_at = CASE WHEN \(resolves) THEN coalesce(resolved_at, \(now)) ELSE resolved_at END
            WHERE tenant_id = \(tx.tenant) AND id = \(orderId)
            """)
    }

    /// The order lapsed unanswered: the red card.
    public static func escalate(_ tx: Tx, orderId: Int64, at now: Date) async throws {
        try await tx.query(
            "UPDATE supervision_orders SET card = 'red', escalated_at = \(now) WHERE tenant_id = \(tx.tenant) AND id = \(orderId)")
    }

    /// Resolves the case's open orders (the case was handled).
    public static func resolveOrders(_ tx: Tx, caseId: Int64) async throws {
        try await tx.query(
            "UPDATE supervision_orders SET resolved_at = now() WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND resolved_at IS NULL")
    }

    /// Who an event of a case reaches, resolved from `NoticeTable`'s audiences by the service.
    public struct Recipients: Sendable, Equatable {
        /// The liaisons of this department.
        public var department: Int64?
        /// Roles bound at any unit of the case's chain (the units that contain its grid).
        public var coveringRoles: [Role] = []
        public var chain: [Int64] = []
        /// Roles bound at the street itself, and the street.
        public var streetRoles: [Role] = []
        public var street: Int64?
        /// Roles bound at the district's root itself, and the root.
        public var districtRoles: [Role] = []
        public var root: Int64?
        /// Named people (the raiser of an order).
        public var users: [Int64] = []
        /// The user who reported the case (none when a caller or the CLI did).
        public var reporter = false
        /// The named members of this unit (`unit_members`).
        public var unitMembers: Int64?
        /// The leaders of `department` too (a leader binding that names it: 部门领导).
        public var departmentLeaders = false

        public init() {}
    }

    /// Delivers one notice to every active person `to` reaches, once each however many of their
    /// bindings match; returns how many were told.
    @discardableResult
    public static func deliver(_ tx: Tx, caseId: Int64?, whistleId: Int64? = nil, kind: String, message: String, to r: Recipients) async throws -> Int {
        let rows = try await tx.query(
            """
            INSERT INTO notifications (tenant_id, user_id, case_id, whistle_id, kind, message)
            SELECT \(tx.tenant), r.user_id, \(caseId), \(whistleId), \(kind), \(message)
            FROM (SELECT b.user_id FROM role_bindings b
                  WHERE b.tenant_id = \(tx.tenant) AND b.role = 'departmentLiaison' AND b.department_id = \(r.department)
                  UNION
                  SELECT b.user_id FROM role_bindings b
                  WHERE \(r.departmentLeaders) AND b.tenant_id = \(tx.tenant) AND b.role = 'leader' AND b.department_id = \(r.department)
                  UNION
                  SELECT b.user_id FROM role_bindings b
                  WHERE b.tenant_id = \(tx.tenant) AND b.role = ANY(\(r.coveringRoles.map(\.rawValue))::text[]) AND b.scope_org_unit_id = ANY(\(r.chain)::bigint[])
                  UNION
                  SELECT b.user_id FROM role_bindings b
                  WHERE b.tenant_id = \(tx.tenant) AND b.role = ANY(\(r.streetRoles.map(\.rawValue))::text[]) AND b.scope_org_unit_id = \(r.street)
                  UNION
                  SELECT b.user_id FROM role_bindings b
                  WHERE b.tenant_id = \(tx.tenant) AND b.role = ANY(\(r.districtRoles.map(\.rawValue))::text[]) AND b.scope_org_unit_id = \(r.root)
                  UNION
                  SELECT c.reported_by FROM cases c WHERE \(r.reporter) AND c.tenant_id = \(tx.tenant) AND c.id = \(caseId)
                  UNION
                  SELECT m.user_id FROM unit_members m WHERE m.tenant_id = \(tx.tenant) AND m.unit_id = \(r.unitMembers)
                  UNION
                  SELECT unnest(\(r.users)::bigint[])) r
            JOIN users u ON u.tenant_id = \(tx.tenant) AND u.id = r.user_id AND u.status = 'active'
            ORDER BY r.user_id
            RETURNING 1
            """)
        var told = 0
        for try await _ in rows { told += 1 }
        return told
    }

    /// What `userId` was told (each notice is delivered to each person), and the broadcasts of
    /// before per-person delivery addressed to units within any of `scopes` (to one of `roles`
    /// there, or to all) or to one of `departments`; newest first; only unread ones when `unread`.
    public static func notifications(
        _ tx: Tx, scopes: [ScopePath], roles: [Role], departments: [Int64], userId: Int64?, unread: Bool = false,
        beforeId: Int64?, limit: Int
    ) async throws -> [NoticeRecord] {
        let lows = scopes.map(\.raw), highs = scopes.map(\.upperBound), roleNames = roles.map(\.rawValue)
        var result: [NoticeRecord] = []
        for try await (id, caseId, whistleId, kind, message, createdAt, readAt) in try await tx.query(
            """
            SELECT n.id, n.case_id, n.whistle_id, n.kind, n.message, n.created_at, n.read_at FROM notifications n
            WHERE n.tenant_id = \(tx.tenant) AND n.id < \(beforeId ?? Int64.max) AND (NOT \(unread) OR n.read_at IS NULL)
              AND (n.user_id = \(userId)
                   OR (n.user_id IS NULL
                       AND ((EXISTS (SELECT 1 FROM unnest(\(lows)::text[], \(highs)::text[]) s(lo, hi) WHERE n.scope_path >= s.lo AND n.scope_path < s.hi)
                             AND (n.roles IS NULL OR n.roles && \(roleNames)::text[]))
                            OR n.department_id = ANY(\(departments)::bigint[]))))
            ORDER BY n.id DESC LIMIT \(Int32(limit))
            """
        ).decode((Int64, Int64?, Int64?, String, String, Date, Date?).self) {
            result.append(NoticeRecord(id: id, caseId: caseId, whistleId: whistleId, kind: kind, message: message, createdAt: createdAt, readAt: readAt))
        }
        return result
    }

    /// Marks `userId`'s notices read: one (`id`), or all up to and including `upTo`. Returns how
    /// many changed; a notice of someone else is not theirs to mark (0).
    @discardableResult
    public static func markRead(_ tx: Tx, userId: Int64, id: Int64? = nil, upTo: Int64? = nil, at now: Date) async throws -> Int {
        let rows = try await tx.query(
            """
            UPDATE notifications SET read_at = \(now)
            WHERE tenant_id = \(tx.tenant) AND user_id = \(userId) AND read_at IS NULL
              AND (\(id)::bigint IS NULL OR id = \(id)) AND (\(upTo)::bigint IS NULL OR id <= \(upTo))
            RETURNING 1
            """)
        var changed = 0
        for try await _ in rows { changed += 1 }
        return changed
    }

    /// Whether `userId` has a notice `id` (read or not).
    public static func owns(_ tx: Tx, userId: Int64, id: Int64) async throws -> Bool {
        for try await _ in try await tx.query(
            "SELECT 1 FROM notifications WHERE tenant_id = \(tx.tenant) AND id = \(id) AND user_id = \(userId)")
        { return true }
        return false
    }
}
