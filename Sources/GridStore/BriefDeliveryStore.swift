import Foundation
import GridCore
import PostgresNIO

/// The briefs sent on schedule: users' subscriptions, the issues published, and the `briefDue`
/// job of each cadence (migration 0032).
public enum BriefDeliveryStore {
    public typealias Subscription = BriefSubscription

    static let select = """
        SELECT s.id, s.user_id, s.cadence, u.id, u.code, u.name, s.created_at
        FROM brief_subscriptions s JOIN org_units u ON u.tenant_id = s.tenant_id AND u.id = s.scope_unit_id
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [Subscription] {
        var result: [Subscription] = []
        for try await (id, userId, cadence, unitId, code, name, createdAt) in rows.decode((Int64, Int64, String, Int64, String, String, Date).self) {
            result.append(
                Subscription(
                    id: id, userId: userId, cadence: BriefCadence(rawValue: cadence) ?? .month, scopeId: unitId, scopeCode: code, scopeName: name,
                    createdAt: createdAt))
        }
        return result
    }

    /// A user's subscriptions, oldest first.
    public static func subscriptions(_ tx: Tx, userId: Int64) async throws -> [Subscription] {
        try await decode(tx.query("\(unescaped: select) WHERE s.tenant_id = \(tx.tenant) AND s.user_id = \(userId) ORDER BY s.id"))
    }

    /// Subscribes (the same user, scope and cadence again answers the existing subscription).
    public static func subscribe(_ tx: Tx, userId: Int64, scopeUnitId: Int64, cadence: BriefCadence) async throws -> (Subscription?, created: Bool) {
        var created = false
        for try await _ in try await tx.query(
            """
            INSERT INTO brief_subscriptions (tenant_id, user_id, scope_unit_id, cadence)
            VALUES (\(tx.tenant), \(userId), \(scopeUnitId), \(cadence.rawValue))
            ON CONFLICT (tenant_id, user_id, scope_unit_id, cadence) DO NOTHING RETURNING id
            """
        ).decode(Int64.self) { created = true }
        let found = try await decode(
            tx.query(
                """
                \(unescaped: select) WHERE s.tenant_id = \(tx.tenant) AND s.user_id = \(userId) AND s.scope_unit_id = \(scopeUnitId)
                  AND s.cadence = \(cadence.rawValue)
                """))
        return (found.first, created)
    }

    /// Ends one of a user's subscriptions; false when the user has none with that id.
    public static func unsubscribe(_ tx: Tx, userId: Int64, id: Int64) async throws -> Bool {
        for try await _ in try await tx.query(
            "DELETE FROM brief_subscriptions WHERE tenant_id = \(tx.tenant) AND user_id = \(userId) AND id = \(id) RETURNING 1"
        ).decode(Int32.self) { return true }
        return false
    }

    /// The scopes someone wants `cadence`'s brief of, with their subscribers (active users only).
    public static func audiences(_ tx: Tx, cadence: BriefCadence) async throws -> [(scopeUnitId: Int64, users: [Int64])] {
        var result: [(Int64, [Int64])] = []
        for try await (scope, users) in try await tx.query(
            """
            SELECT s.scope_unit_id, array_agg(s.user_id ORDER BY s.user_id)
            FROM brief_subscriptions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
            WHERE s.tenant_id = \(tx.tenant) AND s.cadence = \(cadence.rawValue) AND u.status = 'active'
            GROUP BY s.scope_unit_id ORDER BY s.scope_unit_id
            """
        ).decode((Int64, [Int64]).self) { result.append((scope, users)) }
        return result
    }

    /// Records an issue; false when it was published already (a job run again).
    public static func recordIssue(_ tx: Tx, cadence: BriefCadence, period: String, scopeUnitId: Int64, figures: String) async throws -> Bool {
        for try await _ in try await tx.query(
            """
            INSERT INTO brief_issues (tenant_id, cadence, period, scope_unit_id, figures)
            VALUES (\(tx.tenant), \(cadence.rawValue), \(period), \(scopeUnitId), \(figures)::jsonb)
            ON CONFLICT DO NOTHING RETURNING 1
            """
        ).decode(Int32.self) { return true }
        return false
    }

    /// Tells `users` that a brief came out (a notification each, with the link in the message).
    public static func tell(_ tx: Tx, users: [Int64], message: String) async throws {
        guard !users.isEmpty else { return }
        try await tx.query(
            """
            INSERT INTO notifications (tenant_id, user_id, kind, message)
            SELECT \(tx.tenant), u, \(NoticeEvent.briefPublished.rawValue), \(message) FROM unnest(\(users)::int8[]) u
            """)
    }

    /// Makes sure the district has a pending `briefDue` job of `cadence` (this one, at `runAt`, if
    /// none but `except`).
    public static func ensureScheduled(_ tx: Tx, cadence: BriefCadence, period: String, at runAt: Date, except: Int64? = nil) async throws {
        try await tx.query(
            """
            INSERT INTO jobs (tenant_id, kind, run_at, payload)
            SELECT \(tx.tenant), 'briefDue', \(runAt), jsonb_build_object('cadence', \(cadence.rawValue)::text, 'period', \(period)::text)
            WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE tenant_id = \(tx.tenant) AND kind = 'briefDue' AND done_at IS NULL
                                AND payload->>'cadence' = \(cadence.rawValue) AND id IS DISTINCT FROM \(except))
            """)
    }
}
