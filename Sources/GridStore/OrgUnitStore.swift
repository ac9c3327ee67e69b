import Foundation
import GridCore
import Logging
import PostgresNIO

/// The org-unit tree: reads by id, code, children, subtree and ancestors; bulk creation through
/// COPY into a staging table (COPY FROM cannot target a table under RLS); renames and moves.
public enum OrgUnitStore {
    /// The columns `decode` reads, before the geometry and `retired_at` columns each query
    /// chooses (the definer lookups return no retired unit). A constant.
    static let columns = "id, parent_id, kind, grid_level, code, name, path, version, updated_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [OrgUnitRecord] {
        var result: [OrgUnitRecord] = []
        for try await row in rows { result.append(try record(row)) }
        return result
    }

    /// One row of `columns`, the geometry (or NULL) and `retired_at` (columns after them are the caller's).
    static func record(_ row: PostgresRow) throws -> OrgUnitRecord {
        let r = row.makeRandomAccess()
        let (id, parent, kind, level, code, name, path) = (
            try r[0].decode(Int64.self), try r[1].decode(Int64?.self), try r[2].decode(String.self), try r[3].decode(Int16?.self),
            try r[4].decode(String.self), try r[5].decode(String.self), try r[6].decode(String.self)
        )
        let (version, updated, geometry, retired) = (
            try r[7].decode(Int64.self), try r[8].decode(Date.self), try r[9].decode(String?.self), try r[10].decode(Date?.self)
        )
        return OrgUnitRecord(
            id: id, parentId: parent, kind: OrgUnitKind(rawValue: kind) ?? .grid, gridLevel: level.map(Int.init), code: code,
            name: name, path: ScopePath(path) ?? .root(id), version: version, updatedAt: updated, geometry: geometry, retiredAt: retired)
    }

    /// Serializes writes to one tenant's tree (imports, creates, moves) until the transaction ends.
    public static func lockTree(_ tx: Tx) async throws {
        try await tx.query("SELECT pg_advisory_xact_lock(7301, \(Int32(truncatingIfNeeded: tx.tenant)))")
    }

    public static func insertRoot(_ tx: Tx, code: String, name: String) async throws -> Int64 {
        let ids = try await reserveIds(tx, count: 1)
        try await tx.query(
            """
            INSERT INTO org_units (tenant_id, id, parent_id, kind, code, name, path, depth)
            VALUES (\(tx.tenant), \(ids[0]), NULL, 'district', \(code), \(name), \(ScopePath.root(ids[0]).raw), 1)
            """)
        return ids[0]
    }

    public static func reserveIds(_ tx: Tx, count: Int) async throws -> [Int64] {
        var ids: [Int64] = []
        ids.reserveCapacity(count)
        let rows = try await tx.query(
            "SELECT nextval(pg_get_serial_sequence('org_units', 'id')) FROM generate_series(1, \(count))")
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// Every unit of the tenant, as the planner needs them.
    public static func treeNodes(_ tx: Tx) async throws -> [TreeNode] {
        var nodes: [TreeNode] = []
        let rows = try await tx.query(
            "SELECT id, code, kind, grid_level, path, parent_id, name, retired_at IS NOT NULL FROM org_units WHERE tenant_id = \(tx.tenant)")
        for try await (id, code, kind, level, path, parent, name, retired) in rows.decode((Int64, String, String, Int16?, String, Int64?, String, Bool).self) {
            nodes.append(
                TreeNode(
                    id: id, code: code, kind: OrgUnitKind(rawValue: kind) ?? .grid, gridLevel: level.map(Int.init),
                    path: ScopePath(path) ?? .root(id), parentId: parent, name: name, retired: retired))
        }
        return nodes
    }

    /// Writes planned units (parent-first) with ids reserved here; returns them with ids and
    /// paths. Invalid polygons are reported per source and nothing is written.
    public static func insert(_ tx: Tx, plan: [PlannedUnit], progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> [(id: Int64, path: ScopePath)] {
        guard !plan.isEmpty else { return [] }
        try await stage(tx, plan.map(\.draft), progress: progress)
        return try await insertStaged(tx, plan: plan)
    }

    /// Copies the drafts' codes and polygons into the transaction's staging table `org_import`
    /// and has PostGIS check the polygons: an invalid or empty one is reported per source.
    public static func stage(_ tx: Tx, _ drafts: [UnitDraft], progress: (@Sendable (Int, Int) -> Void)? = nil) async throws {
        try await tx.query("CREATE TEMP TABLE org_import (n integer, code text, geom geometry) ON COMMIT DROP")
        let chunk = 2_000
        try await tx.connection.copyFrom(table: "org_import", columns: ["n", "code", "geom"], logger: tx.logger) { writer in
            var buffer = ByteBuffer()
            for (i, draft) in drafts.enumerated() {
                buffer.writeString([String(i), copyEscape(draft.code), draft.area?.ewkt ?? "\\N"].joined(separator: "\t"))
                buffer.writeString("\n")
                if (i + 1) % chunk == 0 {
                    try await writer.write(buffer)
                    buffer.clear()
                    progress?(i + 1, drafts.count)
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
            progress?(drafts.count, drafts.count)
        }
        var invalid: [FieldError] = []
        let rows = try await tx.query(
            """
            SELECT n, ST_IsValidReason(geom) FROM org_import
            WHERE geom IS NOT NULL AND (NOT ST_IsValid(geom) OR ST_IsEmpty(geom)) ORDER BY n LIMIT 100
            """)
        for try await (n, reason) in rows.decode((Int, String).self) {
            invalid.append(
                FieldError(
                    "\(drafts[n].source).geometry", .geojsonGeometryInvalid,
                    Text(zh: "多边形无效：\(reason)", en: "invalid polygon: \(reason)")))
        }
        if !invalid.isEmpty { throw GridError.invalid(invalid) }
    }

    /// The codes of staged units whose stored geometry differs from the staged one, compared as
    /// an export writes them (7 decimals), so that exporting and importing again changes nothing.
    public static func changedGeometries(_ tx: Tx) async throws -> Set<String> {
        var codes: Set<String> = []
        for try await code in try await tx.query(
            """
            SELECT s.code FROM org_import s JOIN org_units u ON u.tenant_id = \(tx.tenant) AND u.code = s.code
            WHERE ST_AsGeoJSON(u.geom, 7) IS DISTINCT FROM ST_AsGeoJSON(ST_Multi(s.geom), 7)
            """
        ).decode(String.self) { codes.insert(code) }
        return codes
    }

    /// Inserts planned units whose drafts are staged, taking their polygons from the staging table.
    public static func insertStaged(_ tx: Tx, plan: [PlannedUnit]) async throws -> [(id: Int64, path: ScopePath)] {
        guard !plan.isEmpty else { return [] }
        let ids = try await reserveIds(tx, count: plan.count)
        var placed: [(id: Int64, path: ScopePath)] = []
        var parentIds: [Int64] = []
        placed.reserveCapacity(plan.count)
        for (i, unit) in plan.enumerated() {
            let parent: (id: Int64, path: ScopePath) =
                switch unit.parent {
                case .existing(let node): (node.id, node.path)
                case .planned(let position): placed[position]
                }
            parentIds.append(parent.id)
            placed.append((ids[i], parent.path.child(ids[i])))
        }
        try await tx.query(
            """
            INSERT INTO org_units (tenant_id, id, parent_id, kind, grid_level, code, name, path, depth, geom)
            SELECT \(tx.tenant), x.id, x.parent_id, x.kind, nullif(x.grid_level, 0), x.code, x.name, x.path, x.depth, ST_Multi(s.geom)
            FROM unnest(\(ids)::bigint[], \(parentIds)::bigint[], \(plan.map(\.draft.kind.rawValue))::text[],
                        \(plan.map { Int16($0.gridLevel ?? 0) })::smallint[], \(plan.map(\.draft.code))::text[], \(plan.map(\.draft.name))::text[],
                        \(placed.map(\.path.raw))::text[], \(placed.map { Int16($0.path.depth) })::smallint[])
                 WITH ORDINALITY AS x(id, parent_id, kind, grid_level, code, name, path, depth, n)
            LEFT JOIN org_import s ON s.code = x.code
            ORDER BY x.n
            """)
        return placed
    }

    /// Gives staged units their file's name and (where `redraw`) polygon, and brings retired ones
    /// back; parents are changed by `move`.
    public static func update(_ tx: Tx, ids: [Int64], names: [String], redraw: [Bool]) async throws {
        guard !ids.isEmpty else { return }
        try await tx.query(
            """
            UPDATE org_units u
            SET name = x.name, retired_at = NULL, version = u.version + 1, updated_at = now(),
                geom = CASE WHEN x.redraw THEN (SELECT ST_Multi(s.geom) FROM org_import s WHERE s.code = u.code) ELSE u.geom END
            FROM unnest(\(ids)::bigint[], \(names)::text[], \(redraw)::boolean[]) AS x(id, name, redraw)
            WHERE u.tenant_id = \(tx.tenant) AND u.id = x.id
            """)
    }

    /// Retires units: they stay, with everything that points at them, but take no new reports.
    public static func retire(_ tx: Tx, ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await tx.query(
            """
            UPDATE org_units SET retired_at = now(), version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND id = ANY(\(ids)::bigint[]) AND retired_at IS NULL
            """)
    }

    static func copyEscape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(character)
            }
        }
        return out
    }

    public static func find(_ tx: Tx, id: Int64, geometry: Bool = false) async throws -> OrgUnitRecord? {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns), CASE WHEN \(geometry) THEN ST_AsGeoJSON(geom, 7) END, retired_at
                FROM org_units WHERE tenant_id = \(tx.tenant) AND id = \(id)
                """)
        ).first
    }

    public static func find(_ tx: Tx, code: String, geometry: Bool = false) async throws -> OrgUnitRecord? {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns), CASE WHEN \(geometry) THEN ST_AsGeoJSON(geom, 7) END, retired_at
                FROM org_units WHERE tenant_id = \(tx.tenant) AND code = \(code)
                """)
        ).first
    }

    public static func root(_ tx: Tx) async throws -> OrgUnitRecord? {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns), NULL::text, retired_at
                FROM org_units WHERE tenant_id = \(tx.tenant) AND parent_id IS NULL
                """)
        ).first
    }

    /// Units by id, root first (for ancestor chains).
    public static func chain(_ tx: Tx, ids: [Int64]) async throws -> [OrgUnitRecord] {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns), NULL::text, retired_at
                FROM org_units WHERE tenant_id = \(tx.tenant) AND id = ANY(\(ids)) ORDER BY depth
                """))
    }

    /// Direct children of a unit that are not retired, in code order after `after`.
    public static func children(_ tx: Tx, of parentId: Int64, after: String?, limit: Int) async throws -> [OrgUnitRecord] {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns), NULL::text, retired_at
                FROM org_units WHERE tenant_id = \(tx.tenant) AND parent_id = \(parentId) AND code > \(after ?? "") AND retired_at IS NULL
                ORDER BY code LIMIT \(limit)
                """))
    }

    /// A unit's subtree (itself included) without retired units, in path order after `after`,
    /// optionally of one kind.
    public static func subtree(_ tx: Tx, of path: ScopePath, kind: OrgUnitKind?, after: String?, limit: Int) async throws -> [OrgUnitRecord] {
        try await decode(
            tx.query(
                """
                SELECT \(unescaped: columns), NULL::text, retired_at
                FROM org_units
                WHERE tenant_id = \(tx.tenant) AND path >= \(path.raw) AND path < \(path.upperBound) AND path > \(after ?? "")
                  AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue)) AND retired_at IS NULL
                ORDER BY path LIMIT \(limit)
                """))
    }

    /// The deepest grid of `tenantId` containing the point, through the definer function: one
    /// round trip, no transaction.
    public static func locate(_ db: Database, tenantId: Int64, _ point: Coordinate) async throws -> (id: Int64, path: ScopePath)? {
        try await db.query("SELECT id, path FROM locate_grid(\(tenantId), \(point.lng), \(point.lat))") { row in
            let (id, path) = try row.decode((Int64, String).self)
            return (id: id, path: ScopePath(path) ?? .root(id))
        }.first
    }

    /// The deepest grid of `tenantId` containing the point and its ancestors, root first, in one
    /// round trip and no transaction (definer function); empty when no grid contains it.
    public static func locateChain(_ db: Database, tenantId: Int64, _ point: Coordinate) async throws -> [OrgUnitRecord] {
        try await db.execute(LocateChainStatement(tenantId: tenantId, lng: point.lng, lat: point.lat))
    }

    /// Prepared once per connection: intake and the apps locate on every report.
    struct LocateChainStatement: PostgresPreparedStatement {
        static let sql = "SELECT \(columns), NULL::text, NULL::timestamptz FROM locate_chain($1, $2, $3)"
        let tenantId: Int64
        let lng: Double
        let lat: Double

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(tenantId)
            bindings.append(lng)
            bindings.append(lat)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> OrgUnitRecord { try OrgUnitStore.record(row) }
    }

    /// Renames a unit if its version still matches; returns the new version.
    public static func rename(_ tx: Tx, id: Int64, name: String, expectedVersion: Int64?) async throws -> Int64? {
        let rows = try await tx.query(
            """
            UPDATE org_units SET name = \(name), version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND id = \(id) AND (\(expectedVersion)::bigint IS NULL OR version = \(expectedVersion))
            RETURNING version
            """)
        for try await version in rows.decode(Int64.self) { return version }
        return nil
    }

    /// Moves a unit and rewrites its subtree's paths; the caller has checked kinds and cycles.
    public static func move(_ tx: Tx, id: Int64, from oldPath: ScopePath, toParent parentId: Int64, newPath: ScopePath, expectedVersion: Int64?) async throws
        -> Int64?
    {
        let depthShift = newPath.depth - oldPath.depth
        let rows = try await tx.query(
            """
            UPDATE org_units SET parent_id = \(parentId), version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND id = \(id) AND (\(expectedVersion)::bigint IS NULL OR version = \(expectedVersion))
            RETURNING version
            """)
        var version: Int64?
        for try await v in rows.decode(Int64.self) { version = v }
        guard let version else { return nil }
        try await tx.query(
            """
            UPDATE org_units
            SET path = \(newPath.raw) || substr(path, \(Int32(oldPath.raw.count + 1))), depth = depth + \(Int16(depthShift)), updated_at = now()
            WHERE tenant_id = \(tx.tenant) AND path >= \(oldPath.raw) AND path < \(oldPath.upperBound)
            """)
        return version
    }

    /// Streams every unit below the district root as a GeoJSON feature, parents first.
    public static func export(_ tx: Tx, write: (String) async throws -> Void) async throws {
        let rows = try await tx.query(
            """
            SELECT json_build_object(
                'type', 'Feature',
                'properties', json_strip_nulls(json_build_object(
                    'code', u.code, 'name', u.name, 'kind', u.kind, 'gridLevel', u.grid_level, 'parentCode', p.code)),
                'geometry', ST_AsGeoJSON(u.geom, 7)::json)::text
            FROM org_units u
            LEFT JOIN org_units p ON p.tenant_id = u.tenant_id AND p.id = u.parent_id
            WHERE u.tenant_id = \(tx.tenant) AND u.parent_id IS NOT NULL AND u.retired_at IS NULL
            ORDER BY u.depth, u.path
            """)
        for try await line in rows.decode(String.self) { try await write(line) }
    }

    /// Which of `codes` name units of the district that are not retired.
    public static func existingCodes(_ tx: Tx, _ codes: [String]) async throws -> [String] {
        var result: [String] = []
        for try await code in try await tx.query(
            "SELECT code FROM org_units WHERE tenant_id = \(tx.tenant) AND code = ANY(\(codes)::text[]) AND retired_at IS NULL"
        ).decode(String.self) { result.append(code) }
        return result
    }

    /// Each of `codes` that exists and is not retired, with the codes of its chain from the district down.
    public static func codeChains(_ tx: Tx, _ codes: [String]) async throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for try await (code, chain) in try await tx.query(
            """
            SELECT u.code, ARRAY(SELECT a.code FROM org_units a
                                 WHERE a.tenant_id = u.tenant_id AND a.id = ANY(string_to_array(rtrim(u.path, '.'), '.')::bigint[])
                                 ORDER BY a.depth)
            FROM org_units u WHERE u.tenant_id = \(tx.tenant) AND u.code = ANY(\(codes)::text[]) AND u.retired_at IS NULL
            """
        ).decode((String, [String]).self) {
            result[code] = chain
        }
        return result
    }

    /// The deepest grid level in use in the tenant's tree (0 when it has no grid).
    public static func deepestGridLevel(_ tx: Tx) async throws -> Int {
        for try await level in try await tx.query(
            "SELECT coalesce(max(grid_level), 0)::int FROM org_units WHERE tenant_id = \(tx.tenant) AND kind = 'grid'"
        ).decode(Int.self) { return level }
        return 0
    }

    public static func count(_ tx: Tx) async throws -> Int {
        for try await n in try await tx.query("SELECT count(*)::bigint FROM org_units WHERE tenant_id = \(tx.tenant)").decode(Int64.self) {
            return Int(n)
        }
        return 0
    }
}
