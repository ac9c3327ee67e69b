import Foundation
import GridCore
import PostgresNIO

/// The ladder's tables: the units' members, the handover slips and the turns of custody.
public enum LadderStore {
    // MARK: members

    /// The units of a path (`ids`, root first) and which of them `userId` is a named member of, in
    /// one statement (what every ladder action and every view of a filed case reads).
    public static func path(_ tx: Tx, ids: [Int64], memberships userId: Int64?) async throws -> (units: [OrgUnitRecord], named: Set<Int64>) {
        var units: [OrgUnitRecord] = [], named: Set<Int64> = []
        for try await row in try await tx.query(
            """
            SELECT \(unescaped: OrgUnitStore.columns), NULL::text, retired_at,
                   EXISTS (SELECT 1 FROM unit_members m WHERE m.tenant_id = u.tenant_id AND m.unit_id = u.id AND m.user_id = \(userId))
            FROM org_units u WHERE u.tenant_id = \(tx.tenant) AND u.id = ANY(\(ids)) ORDER BY u.depth
            """)
        {
            let unit = try OrgUnitStore.record(row)
            units.append(unit)
            if try row.makeRandomAccess()[11].decode(Bool.self) { named.insert(unit.id) }
        }
        return (units, named)
    }

    /// Every unit the user is a named member of, with the unit's kind and path.
    public static func memberUnits(_ tx: Tx, userId: Int64) async throws -> [(id: Int64, kind: OrgUnitKind, path: ScopePath)] {
        var result: [(Int64, OrgUnitKind, ScopePath)] = []
        for try await (id, kind, path) in try await tx.query(
            """
            SELECT u.id, u.kind, u.path FROM unit_members m JOIN org_units u ON u.tenant_id = m.tenant_id AND u.id = m.unit_id
            WHERE m.tenant_id = \(tx.tenant) AND m.user_id = \(userId) ORDER BY u.id
            """
        ).decode((Int64, String, String).self) {
            if let kind = OrgUnitKind(rawValue: kind), let path = ScopePath(path) { result.append((id, kind, path)) }
        }
        return result
    }

    public static func members(_ tx: Tx, unitId: Int64) async throws -> [UnitMember] {
        var result: [UnitMember] = []
        for try await (userId, login, name, duty, departmentId, departmentCode) in try await tx.query(
            """
            SELECT m.user_id, u.login, u.display_name, m.duty, m.department_id, d.code
            FROM unit_members m JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
            LEFT JOIN departments d ON d.tenant_id = m.tenant_id AND d.id = m.department_id
            WHERE m.tenant_id = \(tx.tenant) AND m.unit_id = \(unitId) ORDER BY m.duty <> 'head', u.login
            """
        ).decode((Int64, String, String, String, Int64?, String?).self) {
            result.append(
                UnitMember(
                    userId: userId, login: login, displayName: name, duty: UnitDuty(rawValue: duty) ?? .member, departmentId: departmentId,
                    departmentCode: departmentCode))
        }
        return result
    }

    /// Replaces the unit's members with `members` (user, duty, department).
    public static func setMembers(_ tx: Tx, unitId: Int64, _ members: [(userId: Int64, duty: UnitDuty, departmentId: Int64?)]) async throws {
        try await tx.query("DELETE FROM unit_members WHERE tenant_id = \(tx.tenant) AND unit_id = \(unitId)")
        guard !members.isEmpty else { return }
        try await tx.query(
            """
            INSERT INTO unit_members (tenant_id, unit_id, user_id, duty, department_id)
            SELECT \(tx.tenant), \(unitId), m.user_id, m.duty, nullif(m.department_id, 0)
            FROM unnest(\(members.map(\.userId))::bigint[], \(members.map(\.duty.rawValue))::text[], \(members.map { $0.departmentId ?? 0 })::bigint[])
                 AS m(user_id, duty, department_id)
            """)
    }

    // MARK: slips

    public static func openSlip(_ tx: Tx, caseId: Int64, gridPath: ScopePath, _ draft: HandoverDraft, by userId: Int64?, at now: Date) async throws {
        try await tx.query(
            """
            INSERT INTO case_handovers (tenant_id, case_id, grid_path, from_level, from_unit_id, to_level, to_unit_id, reason_kind, reason, tried,
                                        photos, automatic, created_by, created_at)
            VALUES (\(tx.tenant), \(caseId), \(gridPath.raw), \(draft.from.level.rawValue), \(draft.from.id), \(draft.to.level.rawValue), \(draft.to.id),
                    \(draft.reasonKind.rawValue), \(draft.reason), \(draft.tried), \(draft.photos)::bigint[], \(draft.automatic), \(userId), \(now))
            """)
    }

    public static func decideSlip(
        _ tx: Tx, caseId: Int64, _ status: HandoverSlip.Status, reason: String?, newDue: Date?, by userId: Int64?, at now: Date
    ) async throws {
        try await tx.query(
            """
            UPDATE case_handovers SET status = \(status.rawValue), decided_by = \(userId), decided_at = \(now), decision_reason = \(reason),
                   new_due = \(newDue)
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND status = 'pending'
            """)
    }

    public static func slips(_ tx: Tx, caseId: Int64) async throws -> [HandoverSlip] {
        var result: [HandoverSlip] = []
        let rows = try await tx.query(
            """
            SELECT h.id, h.from_level, f.id, f.code, f.name, h.to_level, t.id, t.code, t.name, h.reason_kind, h.reason, h.tried, h.photos,
                   h.automatic, cu.login, h.created_at, h.status, du.login, h.decided_at, h.decision_reason, h.new_due
            FROM case_handovers h
            JOIN org_units f ON f.tenant_id = h.tenant_id AND f.id = h.from_unit_id
            JOIN org_units t ON t.tenant_id = h.tenant_id AND t.id = h.to_unit_id
            LEFT JOIN users cu ON cu.tenant_id = h.tenant_id AND cu.id = h.created_by
            LEFT JOIN users du ON du.tenant_id = h.tenant_id AND du.id = h.decided_by
            WHERE h.tenant_id = \(tx.tenant) AND h.case_id = \(caseId) ORDER BY h.id
            """)
        for try await row in rows {
            let r = row.makeRandomAccess()
            func unit(_ at: Int) throws -> LadderUnit {
                LadderUnit(
                    id: try r[at + 1].decode(Int64.self), code: try r[at + 2].decode(String.self), name: try r[at + 3].decode(String.self),
                    level: LadderLevel(rawValue: try r[at].decode(String.self)) ?? .street)
            }
            result.append(
                HandoverSlip(
                    id: try r[0].decode(Int64.self),
                    content: HandoverDraft(
                        from: try unit(1), to: try unit(5), reasonKind: HandUpReason(rawValue: try r[9].decode(String.self)) ?? .other,
                        reason: try r[10].decode(String.self), tried: try r[11].decode(String?.self), photos: try r[12].decode([Int64].self),
                        automatic: try r[13].decode(Bool.self)),
                    createdBy: try r[14].decode(String?.self), createdAt: try r[15].decode(Date.self),
                    status: HandoverSlip.Status(rawValue: try r[16].decode(String.self)) ?? .pending, decidedBy: try r[17].decode(String?.self),
                    decidedAt: try r[18].decode(Date?.self), decisionReason: try r[19].decode(String?.self), newDue: try r[20].decode(Date?.self)))
        }
        return result
    }

    /// The ids among `photos` that are not attachments of the case.
    public static func foreignPhotos(_ tx: Tx, caseId: Int64, _ photos: [Int64]) async throws -> [Int64] {
        guard !photos.isEmpty else { return [] }
        var found: Set<Int64> = []
        for try await id in try await tx.query(
            "SELECT id FROM case_attachments WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND id = ANY(\(photos)::bigint[])"
        ).decode(Int64.self) { found.insert(id) }
        return photos.filter { !found.contains($0) }
    }

    // MARK: custody

    /// Ends the open turn (`by` the action that ended it) and begins `unit`'s.
    public static func moveCustody(_ tx: Tx, caseId: Int64, gridPath: ScopePath, to unit: LadderUnit, by action: String, at now: Date) async throws {
        try await endCustody(tx, caseId: caseId, by: action, at: now)
        try await tx.query(
            """
            INSERT INTO case_custody (tenant_id, case_id, grid_path, level, unit_id, started_at, started_by)
            VALUES (\(tx.tenant), \(caseId), \(gridPath.raw), \(unit.level.rawValue), \(unit.id), \(now), \(action))
            """)
    }

    public static func endCustody(_ tx: Tx, caseId: Int64, by action: String, at now: Date) async throws {
        try await tx.query(
            """
            UPDATE case_custody SET ended_at = greatest(\(now), started_at), ended_by = \(action)
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND ended_at IS NULL
            """)
    }

    public static func turns(_ tx: Tx, caseId: Int64) async throws -> [CustodyTurn] {
        var result: [CustodyTurn] = []
        for try await (level, id, code, name, startedAt, startedBy, endedAt, endedBy) in try await tx.query(
            """
            SELECT k.level, u.id, u.code, u.name, k.started_at, k.started_by, k.ended_at, k.ended_by
            FROM case_custody k JOIN org_units u ON u.tenant_id = k.tenant_id AND u.id = k.unit_id
            WHERE k.tenant_id = \(tx.tenant) AND k.case_id = \(caseId) ORDER BY k.id
            """
        ).decode((String, Int64, String, String, Date, String, Date?, String?).self) {
            result.append(
                CustodyTurn(
                    unit: LadderUnit(id: id, code: code, name: name, level: LadderLevel(rawValue: level) ?? .street), startedAt: startedAt,
                    startedBy: startedBy, endedAt: endedAt, endedBy: endedBy))
        }
        return result
    }

    // MARK: figures

    /// The units of the grouping's kinds within `scope`, in code order (not retired), with the depth
    /// of each in the tree (a street is at 2, a community at 3, or at 4 under a zone).
    public static func groupUnits(_ tx: Tx, kinds: [OrgUnitKind], within scope: ScopePath) async throws -> [(unit: LadderUnit, depth: Int)] {
        guard !kinds.isEmpty else { return [] }
        var result: [(LadderUnit, Int)] = []
        for try await (id, code, name, kind, path) in try await tx.query(
            """
            SELECT id, code, name, kind, path FROM org_units
            WHERE tenant_id = \(tx.tenant) AND kind = ANY(\(kinds.map(\.rawValue))::text[]) AND path >= \(scope.raw) AND path < \(scope.upperBound)
              AND retired_at IS NULL
            ORDER BY code
            """
        ).decode((Int64, String, String, String, String).self) {
            let unit = LadderUnit(id: id, code: code, name: name, level: LadderUnit.level(of: OrgUnitKind(rawValue: kind) ?? .street))
            result.append((unit, ScopePath(path)?.depth ?? 0))
        }
        return result
    }

    /// The counted facts of the level figures over [from, to) within `scope`: cases closed (by the
    /// level holding them), slips written (by level, reason, automatic, refused) and turns begun
    /// (count and seconds held, up to `now`). Each table is read once and summed straight into the
    /// groups: by the ids at `depths` of the grid's path (the depths where the grouping's units
    /// lie; the caller keeps the ids that are its units), or by level alone when `depths` is empty.
    public static func figureFacts(
        _ tx: Tx, depths: [Int], within scope: ScopePath, from: Date, to: Date, now: Date
    ) async throws -> [LadderFact] {
        // The group key: the path's ids at the units' depths (whole numbers this function made, not input).
        let keys = depths.sorted().map { "split_part(grid_path, '.', \($0))" }
        let key = keys.isEmpty ? "NULL::text[]" : "ARRAY[\(keys.joined(separator: ", "))]"
        var facts: [LadderFact] = []
        let rows = try await tx.query(
            """
            SELECT \(unescaped: key) AS units, 'solved' AS kind, coalesce(level, 'street') AS level, NULL::text AS reason, false AS automatic,
                   false AS refused, count(*)::int8 AS n, 0::float8 AS secs
            FROM cases
            WHERE tenant_id = \(tx.tenant) AND closed_at >= \(from) AND closed_at < \(to) AND grid_path >= \(scope.raw) AND grid_path < \(scope.upperBound)
            GROUP BY 1, 3
            UNION ALL
            SELECT \(unescaped: key), 'slip', from_level, reason_kind, automatic, status = 'refused', count(*)::int8, 0::float8
            FROM case_handovers
            WHERE tenant_id = \(tx.tenant) AND created_at >= \(from) AND created_at < \(to) AND grid_path >= \(scope.raw) AND grid_path < \(scope.upperBound)
            GROUP BY 1, 3, 4, 5, 6
            UNION ALL
            SELECT \(unescaped: key), 'turn', level, NULL, false, false, count(*)::int8,
                   sum(extract(epoch FROM coalesce(ended_at, \(now)) - started_at))::float8
            FROM case_custody
            WHERE tenant_id = \(tx.tenant) AND started_at >= \(from) AND started_at < \(to) AND grid_path >= \(scope.raw) AND grid_path < \(scope.upperBound)
            GROUP BY 1, 3
            """)
        for try await (units, kind, level, reason, automatic, refused, count, seconds) in rows.decode(
            ([String]?, String, String, String?, Bool, Bool, Int64, Double).self)
        {
            guard let kind = LadderFact.Kind(rawValue: kind), let level = LadderLevel(rawValue: level) else { continue }
            let fact = LadderFact(
                kind: kind, level: level, reason: reason.flatMap(HandUpReason.init), automatic: automatic, refused: refused, count: Int(count),
                seconds: seconds)
            guard let units else {
                facts.append(fact)
                continue
            }
            // Each id on the path at a depth the grouping's units lie at; `LadderFigures.rows` keeps those that are its units.
            for id in Set(units.compactMap { Int64($0) }) {
                var attributed = fact
                attributed.unitId = id
                facts.append(attributed)
            }
        }
        return facts
    }
}
