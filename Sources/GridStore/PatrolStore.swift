import Foundation
import GridCore
import PostgresNIO

/// Patrol check-ins (巡查打卡, 0037): each kept as it came, and the grid-days they cover.
public enum PatrolStore {
    static let columns = """
        p.id, p.user_id, u.login, u.display_name, p.grid_id, g.code, g.name, p.day::text, p.at, p.lat, p.lng,
        p.at = (SELECT d.first_at FROM patrol_days d WHERE d.tenant_id = p.tenant_id AND d.day = p.day AND d.grid_id = p.grid_id AND d.user_id = p.user_id)
        """
    static let joins = """
        JOIN users u ON u.tenant_id = p.tenant_id AND u.id = p.user_id
        JOIN org_units g ON g.tenant_id = p.tenant_id AND g.id = p.grid_id
        """

    static func record(_ row: PostgresRow) throws -> PatrolCheckin {
        let (id, userId, login, name, gridId, gridCode, gridName, day, at, lat, lng, first) = try row.decode(
            (Int64, Int64, String, String, Int64, String, String, String, Date, Double, Double, Bool).self)
        return PatrolCheckin(
            id: id, userId: userId, login: login, name: name, gridId: gridId, gridCode: gridCode, gridName: gridName, day: day, at: at,
            lat: lat, lng: lng, firstToday: first)
    }

    /// Keeps a check-in of `userId` in the grid at the point, at `at` (nil: the transaction's
    /// time) on its date in the district's `timeZone`, and counts it in the projections coverage
    /// reads (0037): the person's grid-day and anyone's, and their months' counts of days (a
    /// grid-day new to the person, or to the grid, adds a day to its month). With a key already
    /// used by this person nothing is written: nil.
    public static func checkIn(
        _ tx: Tx, userId: Int64, gridId: Int64, gridPath: ScopePath, timeZone: String, point: Coordinate, key: String?, at: Date? = nil
    ) async throws -> Int64? {
        let rows = try await tx.query(
            """
            WITH p AS (
                INSERT INTO patrol_checkins (tenant_id, user_id, grid_id, grid_path, day, at, lat, lng, client_key)
                SELECT \(tx.tenant), \(userId), \(gridId), \(gridPath.raw), (x.at AT TIME ZONE \(timeZone))::date, x.at, \(point.lat), \(point.lng), \(key)
                FROM (SELECT coalesce(\(at)::timestamptz, now()) AS at) x
                ON CONFLICT (tenant_id, user_id, client_key) DO NOTHING
                RETURNING id, day, at
            ), d AS (
                INSERT INTO patrol_days AS o (tenant_id, day, grid_id, user_id, grid_path, first_at, last_at, checkins)
                SELECT \(tx.tenant), p.day, \(gridId), \(userId), \(gridPath.raw), p.at, p.at, 1 FROM p
                ON CONFLICT (tenant_id, day, grid_id, user_id) DO UPDATE
                    SET first_at = least(o.first_at, excluded.first_at), last_at = greatest(o.last_at, excluded.last_at), checkins = o.checkins + 1
                RETURNING xmax = 0 AS fresh, day
            ), pm AS (
                INSERT INTO patrol_person_months AS o (tenant_id, month, grid_id, user_id, grid_path, days)
                SELECT \(tx.tenant), date_trunc('month', d.day::timestamp)::date, \(gridId), \(userId), \(gridPath.raw), 1 FROM d WHERE d.fresh
                ON CONFLICT (tenant_id, month, grid_id, user_id) DO UPDATE SET days = o.days + 1
            ), gd AS (
                -- Anyone's grid-day: new, or (a check-in sent with an earlier time) begun earlier.
                INSERT INTO patrol_grid_days AS o (tenant_id, day, grid_id, grid_path, first_at, first_by)
                SELECT \(tx.tenant), p.day, \(gridId), \(gridPath.raw), p.at, \(userId) FROM p
                ON CONFLICT (tenant_id, day, grid_id) DO UPDATE SET first_at = excluded.first_at, first_by = excluded.first_by
                    WHERE excluded.first_at < o.first_at
                RETURNING xmax = 0 AS fresh, day
            ), gm AS (
                INSERT INTO patrol_grid_months AS o (tenant_id, month, grid_id, grid_path, days)
                SELECT \(tx.tenant), date_trunc('month', gd.day::timestamp)::date, \(gridId), \(gridPath.raw), 1 FROM gd WHERE gd.fresh
                ON CONFLICT (tenant_id, month, grid_id) DO UPDATE SET days = o.days + 1
            )
            SELECT id FROM p
            """
        ).decode(Int64.self)
        for try await id in rows { return id }
        return nil
    }

    /// The check-in this person sent under `key`, with the point it was sent with.
    public static func byKey(_ tx: Tx, userId: Int64, key: String) async throws -> PatrolCheckin? {
        try await records(
            tx,
            """
            SELECT \(unescaped: columns) FROM patrol_checkins p \(unescaped: joins)
            WHERE p.tenant_id = \(tx.tenant) AND p.user_id = \(userId) AND p.client_key = \(key)
            """
        ).first
    }

    public static func find(_ tx: Tx, id: Int64) async throws -> PatrolCheckin? {
        try await records(
            tx, "SELECT \(unescaped: columns) FROM patrol_checkins p \(unescaped: joins) WHERE p.tenant_id = \(tx.tenant) AND p.id = \(id)"
        ).first
    }

    static func records(_ tx: Tx, _ query: PostgresQuery) async throws -> [PatrolCheckin] {
        var result: [PatrolCheckin] = []
        for try await row in try await tx.query(query) { result.append(try record(row)) }
        return result
    }

    /// The check-ins in grids within `scope` in [from, to), optionally of one person, newest first
    /// below `beforeId`.
    public static func list(
        _ tx: Tx, within scope: ScopePath, userId: Int64?, from: Date, to: Date, beforeId: Int64?, limit: Int
    ) async throws -> [PatrolCheckin] {
        try await records(
            tx,
            """
            SELECT \(unescaped: columns) FROM patrol_checkins p \(unescaped: joins)
            WHERE p.tenant_id = \(tx.tenant) AND p.at >= \(from) AND p.at < \(to) AND p.grid_path >= \(scope.raw) AND p.grid_path < \(scope.upperBound)
              AND (\(userId)::int8 IS NULL OR p.user_id = \(userId)) AND p.id < \(beforeId ?? Int64.max)
            ORDER BY p.id DESC LIMIT \(limit)
            """)
    }
}
