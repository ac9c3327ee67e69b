import Foundation
import GridCore
import PostgresNIO

/// What escalation leaves behind: supervision orders (督办) on cases and notifications to the
/// people of a scope.
public enum EscalationStore {
    public struct Order: Sendable, Equatable {
        public var id: Int64
        public var caseId: Int64
        public var card: String
        public var reason: String
        public var issuedAt: Date
        public var due: Date
        public var resolvedAt: Date?
    }

    public struct Notification: Sendable, Equatable {
        public var id: Int64
        public var caseId: Int64?
        public var kind: String
        public var message: String
        public var createdAt: Date
    }

    public static func raiseOrder(_ tx: Tx, caseId: Int64, card: String, reason: String, due: Date) async throws {
        try await tx.query(
            "INSERT INTO supervision_orders (tenant_id, case_id, card, reason, due) VALUES (\(tx.tenant), \(caseId), \(card), \(reason), \(due))")
    }

    public static func orders(_ tx: Tx, caseId: Int64) async throws -> [Order] {
        var result: [Order] = []
        for try await (id, caseId, card, reason, issuedAt, due, resolvedAt) in try await tx.query(
            """
            SELECT id, case_id, card, reason, issued_at, due, resolved_at FROM supervision_orders
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) ORDER BY id
            """).decode((Int64, Int64, String, String, Date, Date, Date?).self)
        {
            result.append(Order(id: id, caseId: caseId, card: card, reason: reason, issuedAt: issuedAt, due: due, resolvedAt: resolvedAt))
        }
        return result
    }

    /// Resolves the case's open orders (the case was handled).
    public static func resolveOrders(_ tx: Tx, caseId: Int64) async throws {
        try await tx.query(
            "UPDATE supervision_orders SET resolved_at = now() WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND resolved_at IS NULL")
    }

    /// Tells the people of a scope (those of `roles` there, when given) and of a department.
    public static func notify(_ tx: Tx, scopeUnitId: Int64, scopePath: ScopePath, roles: [Role]? = nil, departmentId: Int64?, caseId: Int64?,
                              kind: String, message: String) async throws {
        try await tx.query(
            """
            INSERT INTO notifications (tenant_id, scope_unit_id, scope_path, roles, department_id, case_id, kind, message)
            VALUES (\(tx.tenant), \(scopeUnitId), \(scopePath.raw), \(roles?.map(\.rawValue)), \(departmentId), \(caseId), \(kind), \(message))
            """)
    }

    /// Tells the person who reported the case (when a user of the district reported it); false when no one was.
    @discardableResult
    public static func notifyReporter(_ tx: Tx, caseId: Int64, kind: String, message: String) async throws -> Bool {
        let rows = try await tx.query(
            """
            INSERT INTO notifications (tenant_id, user_id, case_id, kind, message)
            SELECT c.tenant_id, c.reported_by, c.id, \(kind), \(message) FROM cases c
            WHERE c.tenant_id = \(tx.tenant) AND c.id = \(caseId) AND c.reported_by IS NOT NULL
            RETURNING 1
            """)
        for try await _ in rows { return true }
        return false
    }

    /// Notifications addressed to units within any of `scopes` (to one of `roles` there, or to all),
    /// to one of `departments` or to `userId`, newest first.
    public static func notifications(_ tx: Tx, scopes: [ScopePath], roles: [Role], departments: [Int64], userId: Int64?, beforeId: Int64?,
                                     limit: Int) async throws -> [Notification]
    {
        let lows = scopes.map(\.raw), highs = scopes.map(\.upperBound), roleNames = roles.map(\.rawValue)
        var result: [Notification] = []
        for try await (id, caseId, kind, message, createdAt) in try await tx.query(
            """
            SELECT n.id, n.case_id, n.kind, n.message, n.created_at FROM notifications n
            WHERE n.tenant_id = \(tx.tenant) AND n.id < \(beforeId ?? Int64.max)
              AND ((EXISTS (SELECT 1 FROM unnest(\(lows)::text[], \(highs)::text[]) s(lo, hi) WHERE n.scope_path >= s.lo AND n.scope_path < s.hi)
                    AND (n.roles IS NULL OR n.roles && \(roleNames)::text[]))
                   OR n.department_id = ANY(\(departments)::bigint[]) OR n.user_id = \(userId))
            ORDER BY n.id DESC LIMIT \(Int32(limit))
            """).decode((Int64, Int64?, String, String, Date).self)
        {
            result.append(Notification(id: id, caseId: caseId, kind: kind, message: message, createdAt: createdAt))
        }
        return result
    }
}
