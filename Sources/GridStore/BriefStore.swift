import Foundation
import GridCore
import PostgresNIO

/// What a brief reads besides the figures: the grids' outlines for its map and the month's
/// notable cases.
public enum BriefStore {
    /// The grids within `scope` of the finest level that has at most `limit` of them there (a
    /// street's unit grids, a district's basic grids: what an A4 map can show), as SVG path data
    /// (degrees, simplified to about two metres), the box around them, and the depths of their
    /// paths (where their ids lie in a case's path).
    public static func gridShapes(_ tx: Tx, within scope: ScopePath, limit: Int = 3000) async throws -> (
        box: (Double, Double, Double, Double)?, shapes: [(id: Int64, code: String, name: String, path: String)], depths: [Int]
    ) {
        var shapes: [(Int64, String, String, String)] = []
        var box: (Double, Double, Double, Double)?
        var depths: Set<Int> = []
        for try await (id, code, name, path, unitPath, minX, minY, maxX, maxY) in try await tx.query(
            """
            WITH levels AS (
                SELECT grid_level, count(*) AS n FROM org_units
                WHERE tenant_id = \(tx.tenant) AND kind = 'grid' AND geom IS NOT NULL AND retired_at IS NULL
                  AND path >= \(scope.raw) AND path < \(scope.upperBound)
                GROUP BY grid_level
            ), chosen AS (
                SELECT coalesce((SELECT max(grid_level) FROM levels WHERE n <= \(Int32(limit))), (SELECT min(grid_level) FROM levels)) AS level
            ), g AS (
                SELECT u.id, u.code, u.name, u.path, u.geom FROM org_units u, chosen
                WHERE u.tenant_id = \(tx.tenant) AND u.kind = 'grid' AND u.grid_level = chosen.level AND u.geom IS NOT NULL AND u.retired_at IS NULL
                  AND u.path >= \(scope.raw) AND u.path < \(scope.upperBound)
                ORDER BY u.code LIMIT \(Int32(limit))
            ), e AS (SELECT ST_Extent(geom) AS box FROM g)
            SELECT g.id, g.code, g.name, ST_AsSVG(ST_SimplifyPreserveTopology(g.geom, 0.00002), 0, 6), g.path::text,
                   ST_XMin(e.box), -ST_YMax(e.box), ST_XMax(e.box), -ST_YMin(e.box)
            FROM g, e
            """
        ).decode((Int64, String, String, String, String, Double, Double, Double, Double).self) {
            shapes.append((id, code, name, path))
            if let depth = ScopePath(unitPath)?.depth { depths.insert(depth) }
            box = (minX, minY, maxX - minX, maxY - minY)
        }
        return (box, shapes, depths.sorted())
    }

    /// The month's notable cases within `scope`: open at `asOf` and past their deadline, the
    /// longest overdue first, then those reworked in the period; at most `limit`.
    public static func notableCases(_ tx: Tx, within scope: ScopePath, from: Date, to: Date, asOf: Date, limit: Int = 10) async throws -> [(
        number: String, what: String, place: String, department: String, due: Date?, overdue: Bool, reworks: Int
    )] {
        var result: [(String, String, String, String, Date?, Bool, Int)] = []
        for try await row in try await tx.query(
            """
            SELECT c.number, coalesce(k.name, left(c.description, 30)), coalesce(g.name, c.address, ''), coalesce(d.name, ''), c.handle_due,
                   c.handled_at IS NULL AND c.closed_at IS NULL AND c.handle_due < \(asOf) AS overdue, c.rework_count
            FROM cases c
            LEFT JOIN categories k ON k.tenant_id = c.tenant_id AND k.id = c.category_id
            LEFT JOIN org_units g ON g.tenant_id = c.tenant_id AND g.id = c.grid_id
            LEFT JOIN departments d ON d.tenant_id = c.tenant_id AND d.id = c.lead_department_id
            WHERE c.tenant_id = \(tx.tenant) AND c.grid_path >= \(scope.raw) AND c.grid_path < \(scope.upperBound)
              AND c.state <> ALL(ARRAY['invalid', 'notFiled', 'voided', 'merged', 'suspended'])
              AND ((c.handled_at IS NULL AND c.closed_at IS NULL AND c.handle_due < \(asOf) AND c.filed_at < \(to))
                   OR (c.rework_count > 0 AND c.handled_at >= \(from) AND c.handled_at < \(to)))
            ORDER BY (c.handled_at IS NULL AND c.closed_at IS NULL AND c.handle_due < \(asOf)) DESC, c.handle_due, c.id
            LIMIT \(Int32(limit))
            """
        ).decode((String, String, String, String, Date?, Bool, Int32).self) {
            result.append((row.0, row.1, row.2, row.3, row.4, row.5, Int(row.6)))
        }
        return result
    }
}
