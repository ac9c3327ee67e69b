import Foundation
import GridCore
import PostgresNIO

/// The whistle's tables: whistles, their summoned departments, history and photos.
public enum WhistleStore {
    /// A whistle about to be written (its state is `formed`).
    public struct NewWhistle: Sendable {
        public var caseId: Int64?
        public var unit: OrgUnitRecord
        public var streetId: Int64
        public var level: LadderLevel
        public var kind: WhistleKind
        public var reason: String
        public var object: String?
        public var address: String?
        public var place: Coordinate?
        public var scheduledAt: Date?
        public var radiusMeters: Double
        public var proposed: Bool
        public var createdBy: Int64?
        public var createdLogin: String
        public var departments: [(id: Int64, task: String?)]

        public init(
            caseId: Int64?, unit: OrgUnitRecord, streetId: Int64, level: LadderLevel, kind: WhistleKind, reason: String, object: String?,
            address: String?, place: Coordinate?, scheduledAt: Date?, radiusMeters: Double, proposed: Bool, createdBy: Int64?, createdLogin: String,
            departments: [(id: Int64, task: String?)]
        ) {
            self.caseId = caseId
            self.unit = unit
            self.streetId = streetId
            self.level = level
            self.kind = kind
            self.reason = reason
            self.object = object
            self.address = address
            self.place = place
            self.scheduledAt = scheduledAt
            self.radiusMeters = radiusMeters
            self.proposed = proposed
            self.createdBy = createdBy
            self.createdLogin = createdLogin
            self.departments = departments
        }
    }

    /// Writes the whistle and its proposed departments; returns its id. `nil` when the case has a
    /// live whistle already (the unique index said so).
    public static func insert(_ tx: Tx, _ new: NewWhistle, at now: Date) async throws -> Int64? {
        let rows = try await tx.query(
            """
            INSERT INTO whistles (tenant_id, case_id, unit_id, unit_path, street_id, level, kind, kind_name, reason, object, address, lat, lng,
                                  scheduled_at, limit_minutes, radius_m, proposed, created_by, created_login, created_at, updated_at)
            VALUES (\(tx.tenant), \(new.caseId), \(new.unit.id), \(new.unit.path.raw), \(new.streetId), \(new.level.rawValue), \(new.kind.code),
                    \(new.kind.name), \(new.reason), \(new.object), \(new.address), \(new.place?.lat), \(new.place?.lng), \(new.scheduledAt),
                    \(new.kind.limitMinutes), \(new.radiusMeters), \(new.proposed), \(new.createdBy), \(new.createdLogin), \(now), \(now))
            ON CONFLICT (tenant_id, case_id) WHERE case_id IS NOT NULL AND state IN ('formed', 'analysed', 'whistled', 'accepted', 'onSite')
            DO NOTHING
            RETURNING id
            """)
        var id: Int64?
        for try await value in rows.decode(Int64.self) { id = value }
        guard let id else { return nil }
        try await setDepartments(tx, whistleId: id, new.departments, status: .proposed)
        return id
    }

    /// Makes `departments` (in order, with their tasks) the whistle's proposed or summoned ones; any
    /// other department on it is dropped.
    public static func setDepartments(
        _ tx: Tx, whistleId: Int64, _ departments: [(id: Int64, task: String?)], status: SummonsStatus, summonedAt: Date? = nil, due: Date? = nil
    ) async throws {
        let ids = departments.map(\.id), tasks = departments.map { $0.task ?? "" }
        try await tx.query(
            """
            INSERT INTO whistle_summons AS s (tenant_id, whistle_id, department_id, position, status, task, summoned_at, due_at)
            SELECT \(tx.tenant), \(whistleId), d.id, d.position, \(status.rawValue), nullif(d.task, ''), \(summonedAt), \(due)
            FROM unnest(\(ids)::bigint[], \(tasks)::text[]) WITH ORDINALITY AS d(id, task, position)
            ON CONFLICT (tenant_id, whistle_id, department_id) DO UPDATE
            SET position = EXCLUDED.position, status = EXCLUDED.status, task = coalesce(EXCLUDED.task, s.task),
                summoned_at = EXCLUDED.summoned_at, due_at = EXCLUDED.due_at
            """)
        try await tx.query(
            """
            UPDATE whistle_summons SET status = 'dropped', summoned_at = NULL, due_at = NULL
            WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND NOT department_id = ANY(\(ids)::bigint[]) AND status <> 'dropped'
            """)
    }

    static let whistleColumns = """
        w.id, w.version, w.state, w.case_id, c.number, w.unit_id, u.code, u.name, w.unit_path, w.level, w.kind, w.reason, w.object, w.address,
        w.lat, w.lng, w.scheduled_at, w.limit_minutes, w.radius_m, w.proposed, w.created_login, w.created_at, w.whistled_at, w.accepted_at,
        w.decline_reason, w.withdraw_reason, w.closed_at, w.result, w.evaluated_at, w.feedback, w.fed_back_at, w.kind_name
        """
    static let whistleFrom = """
        FROM whistles w JOIN org_units u ON u.tenant_id = w.tenant_id AND u.id = w.unit_id
        LEFT JOIN cases c ON c.tenant_id = w.tenant_id AND c.id = w.case_id
        """

    static func whistle(_ row: PostgresRow) throws -> WhistleRecord {
        let r = row.makeRandomAccess()
        func c<T: PostgresDecodable>(_ i: Int, _: T.Type = T.self) throws -> T { try r[i].decode(T.self) }
        let lat: Double? = try c(14), lng: Double? = try c(15)
        return WhistleRecord(
            id: try c(0), version: try c(1), state: WhistleState(rawValue: try c(2)) ?? .formed, caseId: try c(3), caseNumber: try c(4),
            unitId: try c(5), unitCode: try c(6), unitName: try c(7), unitPath: ScopePath(try c(8, String.self)) ?? .root(0),
            level: LadderLevel(rawValue: try c(9)) ?? .street, kind: try c(10), kindName: try c(31), reason: try c(11), object: try c(12), address: try c(13),
            place: lat.flatMap { lat in lng.flatMap { Coordinate(lng: $0, lat: lat) } }, scheduledAt: try c(16), limitMinutes: Int(try c(17, Int32.self)),
            radiusMeters: try c(18), proposed: try c(19), createdBy: try c(20), createdAt: try c(21), whistledAt: try c(22), acceptedAt: try c(23),
            declineReason: try c(24), withdrawReason: try c(25), closedAt: try c(26), result: try c(27), evaluatedAt: try c(28), feedback: try c(29),
            fedBackAt: try c(30))
    }

    /// The whistle with its departments (in order), locked for the transaction when `lock`.
    public static func find(_ tx: Tx, id: Int64, lock: Bool = false) async throws -> WhistleRecord? {
        var found: WhistleRecord?
        for try await row in try await tx.query(
            """
            SELECT \(unescaped: whistleColumns) \(unescaped: whistleFrom)
            WHERE w.tenant_id = \(tx.tenant) AND w.id = \(id) \(unescaped: lock ? "FOR UPDATE OF w" : "")
            """)
        {
            found = try whistle(row)
        }
        guard var record = found else { return nil }
        record.summons = try await summons(tx, whistleIds: [id])[id] ?? []
        return record
    }

    /// The departments of each whistle, in their order.
    static func summons(_ tx: Tx, whistleIds: [Int64]) async throws -> [Int64: [Summons]] {
        var result: [Int64: [Summons]] = [:]
        for try await row in try await tx.query(
            """
            SELECT s.whistle_id, s.department_id, d.code, d.name, s.status, s.task, s.summoned_at, s.due_at, s.check_in_at, s.check_in_login,
                   s.check_in_lat, s.check_in_lng, s.distance_m, s.far, s.photo_id, s.minutes_late, s.red_at, s.released_at, s.release_reason,
                   s.checked_out_at, s.report, s.report_photos, s.reported_at, s.score_on_time, s.score_attitude, s.score_result, s.score_comment
            FROM whistle_summons s JOIN departments d ON d.tenant_id = s.tenant_id AND d.id = s.department_id
            WHERE s.tenant_id = \(tx.tenant) AND s.whistle_id = ANY(\(whistleIds)::bigint[])
            ORDER BY s.whistle_id, s.position
            """)
        {
            let r = row.makeRandomAccess()
            func c<T: PostgresDecodable>(_ i: Int, _: T.Type = T.self) throws -> T { try r[i].decode(T.self) }
            var checkIn: CheckIn?
            if let at: Date = try c(8), let lat: Double = try c(10), let lng: Double = try c(11), let point = Coordinate(lng: lng, lat: lat) {
                checkIn = CheckIn(
                    at: at, byLogin: try c(9, String?.self) ?? "", point: point, distanceMeters: try c(12), far: try c(13, Bool?.self) ?? false,
                    photoId: try c(14, Int64?.self) ?? 0, minutesLate: Int(try c(15, Int32?.self) ?? 0))
            }
            var score: WhistleScore?
            if let onTime: Int16 = try c(23) {
                score = WhistleScore(
                    onTime: Int(onTime), attitude: Int(try c(24, Int16?.self) ?? 0), result: Int(try c(25, Int16?.self) ?? 0), comment: try c(26))
            }
            let whistleId: Int64 = try c(0)
            result[whistleId, default: []].append(
                Summons(
                    departmentId: try c(1), departmentCode: try c(2), departmentName: try c(3), status: SummonsStatus(rawValue: try c(4)) ?? .proposed,
                    task: try c(5), summonedAt: try c(6), due: try c(7), checkIn: checkIn, redAt: try c(16), releasedAt: try c(17),
                    releaseReason: try c(18), checkedOutAt: try c(19), report: try c(20), reportPhotos: try c(21), reportedAt: try c(22),
                    score: score))
        }
        return result
    }

    /// Writes the whistle's own columns as `record` has them and moves its version on, if it is
    /// still at `record.version`; false when it moved meanwhile.
    public static func save(_ tx: Tx, _ record: WhistleRecord, at now: Date) async throws -> Bool {
        let rows = try await tx.query(
            """
            UPDATE whistles SET version = version + 1, state = \(record.state.rawValue), whistled_at = \(record.whistledAt),
                accepted_at = \(record.acceptedAt), decline_reason = \(record.declineReason), withdraw_reason = \(record.withdrawReason),
                closed_at = \(record.closedAt), result = \(record.result), evaluated_at = \(record.evaluatedAt), feedback = \(record.feedback),
                fed_back_at = \(record.fedBackAt), updated_at = \(now)
            WHERE tenant_id = \(tx.tenant) AND id = \(record.id) AND version = \(record.version)
            RETURNING 1
            """)
        var saved = false
        for try await _ in rows { saved = true }
        return saved
    }

    /// Appends a step to the whistle's history at `version` (the whistle's version after it).
    public static func event(
        _ tx: Tx, whistleId: Int64, version: Int64, action: String, actorId: Int64?, actor: String, state: WhistleState, at now: Date, payload: String
    ) async throws {
        try await tx.query(
            """
            INSERT INTO whistle_events (tenant_id, whistle_id, version, action, actor_id, actor, state, at, payload)
            VALUES (\(tx.tenant), \(whistleId), \(version), \(action), \(actorId), \(actor), \(state.rawValue), \(now), \(payload)::jsonb)
            """)
    }

    public static func events(_ tx: Tx, whistleId: Int64) async throws -> [WhistleEventRecord] {
        var result: [WhistleEventRecord] = []
        for try await (version, action, actor, state, at, payload) in try await tx.query(
            """
            SELECT version, action, actor, state, at, payload::text FROM whistle_events
            WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) ORDER BY version
            """
        ).decode((Int64, String, String, String, Date, String).self) {
            result.append(
                WhistleEventRecord(version: version, action: action, actor: actor, state: WhistleState(rawValue: state) ?? .formed, at: at, payload: payload))
        }
        return result
    }

    // MARK: a department's steps

    public struct CheckInRow: Sendable {
        public var userId: Int64?
        public var login: String
        public var point: Coordinate
        public var distanceMeters: Double?
        public var far: Bool
        public var photoId: Int64
        public var minutesLate: Int
        public var clientKey: String?

        public init(
            userId: Int64?, login: String, point: Coordinate, distanceMeters: Double?, far: Bool, photoId: Int64, minutesLate: Int, clientKey: String?
        ) {
            self.userId = userId
            self.login = login
            self.point = point
            self.distanceMeters = distanceMeters
            self.far = far
            self.photoId = photoId
            self.minutesLate = minutesLate
            self.clientKey = clientKey
        }
    }

    public static func checkIn(_ tx: Tx, whistleId: Int64, departmentId: Int64, _ row: CheckInRow, at now: Date) async throws {
        try await tx.query(
            """
            UPDATE whistle_summons SET check_in_at = \(now), check_in_by = \(row.userId), check_in_login = \(row.login),
                check_in_lat = \(row.point.lat), check_in_lng = \(row.point.lng), distance_m = \(row.distanceMeters), far = \(row.far),
                photo_id = \(row.photoId), minutes_late = \(Int32(row.minutesLate)), client_key = \(row.clientKey)
            WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND department_id = \(departmentId) AND check_in_at IS NULL
            """)
    }

    /// The key and the request a department's check-in was sent with (what makes a resend the same).
    public static func checkInKey(_ tx: Tx, whistleId: Int64, departmentId: Int64) async throws -> (key: String?, lat: Double, lng: Double, photo: Int64?)? {
        try await tx.query(
            """
            SELECT client_key, check_in_lat, check_in_lng, photo_id FROM whistle_summons
            WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND department_id = \(departmentId) AND check_in_at IS NOT NULL
            """
        ).decode((String?, Double, Double, Int64?).self).first { _ in true }.map { (key: $0.0, lat: $0.1, lng: $0.2, photo: $0.3) }
    }

    public static func report(_ tx: Tx, whistleId: Int64, departmentId: Int64, report: String, photos: [Int64], at now: Date) async throws {
        try await tx.query(
            """
            UPDATE whistle_summons SET report = \(report), report_photos = \(photos)::bigint[], reported_at = \(now)
            WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND department_id = \(departmentId)
            """)
    }

    public static func checkOut(_ tx: Tx, whistleId: Int64, departmentId: Int64, at now: Date) async throws {
        try await tx.query(
            """
            UPDATE whistle_summons SET checked_out_at = \(now)
            WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND department_id = \(departmentId)
            """)
    }

    public static func release(_ tx: Tx, whistleId: Int64, departmentId: Int64, by userId: Int64?, reason: String?, at now: Date) async throws {
        try await tx.query(
            """
            UPDATE whistle_summons SET released_at = \(now), released_by = \(userId), release_reason = \(reason)
            WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND department_id = \(departmentId)
            """)
    }

    public static func markRed(_ tx: Tx, whistleId: Int64, departmentId: Int64, at now: Date) async throws {
        try await tx.query(
            """
            UPDATE whistle_summons SET red_at = \(now)
            WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND department_id = \(departmentId)
            """)
    }

    public static func score(_ tx: Tx, whistleId: Int64, departmentId: Int64, _ score: WhistleScore, by userId: Int64?, at now: Date) async throws {
        try await tx.query(
            """
            UPDATE whistle_summons SET score_on_time = \(Int16(score.onTime)), score_attitude = \(Int16(score.attitude)),
                score_result = \(Int16(score.result)), score_comment = \(score.comment), scored_at = \(now), scored_by = \(userId)
            WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND department_id = \(departmentId)
            """)
    }

    /// The departments an item names as having to report in when it is whistled (应报到部门).
    public static func mustReport(_ tx: Tx, categoryId: Int64?) async throws -> [String] {
        guard let categoryId else { return [] }
        return try await tx.query("SELECT must_report FROM categories WHERE tenant_id = \(tx.tenant) AND id = \(categoryId)").decode([String].self)
            .first { _ in true } ?? []
    }

    /// The whistles of a case, newest first.
    public static func ofCase(_ tx: Tx, caseId: Int64) async throws -> [(id: Int64, state: WhistleState, kindName: String, proposed: Bool)] {
        var result: [(id: Int64, state: WhistleState, kindName: String, proposed: Bool)] = []
        for try await (id, state, kindName, proposed) in try await tx.query(
            "SELECT id, state, kind_name, proposed FROM whistles WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) ORDER BY id DESC"
        ).decode((Int64, String, String, Bool).self) {
            result.append((id, WhistleState(rawValue: state) ?? .formed, kindName, proposed))
        }
        return result
    }

    // MARK: lists

    /// Whistles within any of `scopes` (by the whistling unit's path) or summoning one of
    /// `departments`, newest first, after the id `before`; filtered by state and case.
    public static func list(
        _ tx: Tx, scopes: [ScopePath], departments: [Int64], state: WhistleState?, caseId: Int64?, before: Int64?, limit: Int
    ) async throws -> [WhistleRecord] {
        var records: [WhistleRecord] = []
        for try await row in try await tx.query(
            """
            SELECT \(unescaped: whistleColumns) \(unescaped: whistleFrom)
            WHERE w.tenant_id = \(tx.tenant) AND w.id < \(before ?? Int64.max)
              AND (\(state?.rawValue)::text IS NULL OR w.state = \(state?.rawValue)) AND (\(caseId)::bigint IS NULL OR w.case_id = \(caseId))
              AND (EXISTS (SELECT 1 FROM unnest(\(scopes.map(\.raw))::text[], \(scopes.map(\.upperBound))::text[]) AS s(lo, hi)
                           WHERE w.unit_path >= s.lo AND w.unit_path < s.hi)
                   OR w.id IN (SELECT x.whistle_id FROM whistle_summons x
                               WHERE x.tenant_id = \(tx.tenant) AND x.department_id = ANY(\(departments)::bigint[]) AND x.status <> 'dropped'))
            ORDER BY w.id DESC LIMIT \(limit)
            """)
        {
            records.append(try whistle(row))
        }
        let summons = try await summons(tx, whistleIds: records.map(\.id))
        for i in records.indices { records[i].summons = summons[records[i].id] ?? [] }
        return records
    }

    // MARK: photos

    public static func insertPhoto(_ tx: Tx, whistleId: Int64, contentType: String, bytes: [UInt8], uploadedBy: Int64?) async throws -> Int64 {
        let rows = try await tx.query(
            """
            INSERT INTO whistle_photos (tenant_id, whistle_id, content_type, size, sha256, data, uploaded_by)
            VALUES (\(tx.tenant), \(whistleId), \(contentType), \(Int32(bytes.count)), sha256(\(ByteBuffer(bytes: bytes))), \(ByteBuffer(bytes: bytes)),
                    \(uploadedBy))
            RETURNING id
            """)
        for try await id in rows.decode(Int64.self) { return id }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    static let photoSelect = """
        SELECT p.id, 'onSite', p.content_type, p.size, encode(p.sha256, 'hex'), u.login, p.created_at
        FROM whistle_photos p LEFT JOIN users u ON u.tenant_id = p.tenant_id AND u.id = p.uploaded_by
        """

    public static func photos(_ tx: Tx, whistleId: Int64) async throws -> [AttachmentMeta] {
        try await AttachmentStore.decode(
            tx.query("\(unescaped: photoSelect) WHERE p.tenant_id = \(tx.tenant) AND p.whistle_id = \(whistleId) ORDER BY p.id"))
    }

    public static func photo(_ tx: Tx, whistleId: Int64, id: Int64) async throws -> (meta: AttachmentMeta, data: ByteBuffer)? {
        guard
            let meta = try await AttachmentStore.decode(
                tx.query("\(unescaped: photoSelect) WHERE p.tenant_id = \(tx.tenant) AND p.whistle_id = \(whistleId) AND p.id = \(id)")
            ).first
        else { return nil }
        for try await data in try await tx.query(
            "SELECT data FROM whistle_photos WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND id = \(id)"
        ).decode(ByteBuffer.self) {
            return (meta, data)
        }
        return nil
    }

    /// Which of `ids` are not photos of the whistle.
    public static func foreignPhotos(_ tx: Tx, whistleId: Int64, _ ids: [Int64]) async throws -> [Int64] {
        guard !ids.isEmpty else { return [] }
        var known: Set<Int64> = []
        for try await id in try await tx.query(
            "SELECT id FROM whistle_photos WHERE tenant_id = \(tx.tenant) AND whistle_id = \(whistleId) AND id = ANY(\(ids)::bigint[])"
        ).decode(Int64.self) {
            known.insert(id)
        }
        return ids.filter { !known.contains($0) }
    }

    // MARK: figures

    /// The whistle figures of the whistles accepted in [from, to) whose unit lies within `scope`,
    /// grouped, with the total row (no key) last.
    public static func figures(_ tx: Tx, grouping: WhistleGrouping, within scope: ScopePath, from: Date, to: Date) async throws -> [WhistleFact] {
        let key: String, join: String
        switch grouping {
        case .department:
            key = "d.code, d.name"
            join = "JOIN departments d ON d.tenant_id = s.tenant_id AND d.id = s.department_id"
        case .street:
            key = "g.code, g.name"
            join = "JOIN org_units g ON g.tenant_id = w.tenant_id AND g.id = w.street_id"
        case .kind:
            key = "w.kind, w.kind_name"
            join = ""
        }
        var facts: [WhistleFact] = []
        for try await row in try await tx.query(
            """
            SELECT \(unescaped: key), count(DISTINCT w.id), count(s.department_id),
                   count(*) FILTER (WHERE s.check_in_at IS NOT NULL OR s.released_at IS NULL),
                   count(s.check_in_at), count(*) FILTER (WHERE s.minutes_late = 0), count(*) FILTER (WHERE s.minutes_late > 0),
                   count(*) FILTER (WHERE s.check_in_at IS NULL AND s.released_at IS NULL AND s.red_at IS NOT NULL),
                   count(*) FILTER (WHERE s.far),
                   coalesce(sum(extract(epoch FROM s.check_in_at - s.summoned_at) / 60), 0)::float8,
                   count(s.scored_at), coalesce(sum(s.score_on_time), 0)::int8, coalesce(sum(s.score_attitude), 0)::int8,
                   coalesce(sum(s.score_result), 0)::int8
            FROM whistles w
            JOIN whistle_summons s ON s.tenant_id = w.tenant_id AND s.whistle_id = w.id AND s.status = 'summoned'
            \(unescaped: join)
            WHERE w.tenant_id = \(tx.tenant) AND w.accepted_at >= \(from) AND w.accepted_at < \(to)
              AND w.unit_path >= \(scope.raw) AND w.unit_path < \(scope.upperBound)
            GROUP BY GROUPING SETS ((\(unescaped: key)), ())
            ORDER BY GROUPING(\(unescaped: key)), 1
            """)
        {
            let r = row.makeRandomAccess()
            func n(_ i: Int) throws -> Int { Int(try r[i].decode(Int64.self)) }
            facts.append(
                WhistleFact(
                    code: try r[0].decode(String?.self), name: try r[1].decode(String?.self), whistles: try n(2), summoned: try n(3), expected: try n(4),
                    checkedIn: try n(5), onTime: try n(6), late: try n(7), absent: try n(8), far: try n(9), arrivalMinutes: try r[10].decode(Double.self),
                    scored: try n(11), onTimeScore: try n(12), attitudeScore: try n(13), resultScore: try n(14)))
        }
        // No whistle at all: still a total row.
        if facts.isEmpty {
            facts.append(
                WhistleFact(
                    code: nil, name: nil, whistles: 0, summoned: 0, expected: 0, checkedIn: 0, onTime: 0, late: 0, absent: 0, far: 0, arrivalMinutes: 0,
                    scored: 0, onTimeScore: 0, attitudeScore: 0, resultScore: 0))
        }
        return facts
    }
}

/// The joint whistle's links: written, answered and read across districts only through the narrow
/// functions of migration 0026.
extension WhistleStore {
    /// Invites the district `partnerCode` to the whistle: both districts' links; the host's id.
    public static func invite(_ tx: Tx, whistleId: Int64, partnerCode: String, at now: Date) async throws -> Int64 {
        for try await id in try await tx.query("SELECT joint_invite(\(whistleId), \(partnerCode), \(now))").decode(Int64.self) { return id }
        preconditionFailure("joint_invite returned no row")
    }

    /// The guest district answers its invitation: accepted with its own whistle, or declined.
    public static func answer(_ tx: Tx, linkId: Int64, accept: Bool, whistleId: Int64?, reason: String?, at now: Date) async throws {
        try await tx.query("SELECT joint_answer(\(linkId), \(accept), \(whistleId), \(reason), \(now))")
    }

    /// The partner's side of an accepted link (nil when it is not accepted or the links disagree).
    public static func partner(_ tx: Tx, linkId: Int64) async throws -> JointPartnerSide? {
        for try await json in try await tx.query("SELECT joint_partner(\(linkId))::text").decode(String?.self) {
            guard let json else { return nil }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom { decoder in
                let text = try decoder.singleValueContainer().decode(String.self)
                guard let date = Self.timestamp(text) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad time \(text)"))
                }
                return date
            }
            return try decoder.decode(JointPartnerSide.self, from: Data(json.utf8))
        }
        return nil
    }

    /// A timestamptz as jsonb writes it (`2026-11-23T09:00:00.123+08:00`).
    static func timestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    static let linkColumns = """
        id, whistle_id, role, status, partner_code, partner_name, host_name, host_unit_name, kind_name, object, reason, address, lat, lng,
        scheduled_at, invited_at, answered_at, answer_reason
        """

    static func link(_ row: PostgresRow) throws -> WhistleLink {
        let r = row.makeRandomAccess()
        func c<T: PostgresDecodable>(_ i: Int, _: T.Type = T.self) throws -> T { try r[i].decode(T.self) }
        return WhistleLink(
            id: try c(0), whistleId: try c(1), role: WhistleLink.Role(rawValue: try c(2)) ?? .host,
            status: WhistleLink.Status(rawValue: try c(3)) ?? .invited, partnerCode: try c(4), partnerName: try c(5), hostName: try c(6),
            hostUnitName: try c(7), kindName: try c(8), object: try c(9), reason: try c(10), address: try c(11),
            place: Coordinate(lng: try c(13), lat: try c(12)) ?? Coordinate(lng: 0, lat: 0)!, scheduledAt: try c(14), invitedAt: try c(15),
            answeredAt: try c(16), answerReason: try c(17))
    }

    /// This district's links, newest first; or the one of `id`, or of the whistle `whistleId`.
    public static func links(_ tx: Tx, id: Int64? = nil, whistleId: Int64? = nil, limit: Int = 200) async throws -> [WhistleLink] {
        var result: [WhistleLink] = []
        for try await row in try await tx.query(
            """
            SELECT \(unescaped: linkColumns) FROM whistle_links
            WHERE tenant_id = \(tx.tenant) AND (\(id)::bigint IS NULL OR id = \(id)) AND (\(whistleId)::bigint IS NULL OR whistle_id = \(whistleId))
            ORDER BY id DESC LIMIT \(limit)
            """)
        {
            result.append(try link(row))
        }
        return result
    }

    /// A city's joint whistles, for the platform's operator (a platform transaction).
    public struct CityJoint: Sendable {
        public var hostCode, hostName, guestCode, guestName, kindName: String
        public var object: String?
        public var scheduledAt: Date?
        public var status: String
        public var hostState: String
        public var guestState: String?
        public var invitedAt: Date
    }

    public static func cityJoints(_ tx: Tx, city: String) async throws -> [CityJoint] {
        var result: [CityJoint] = []
        for try await row in try await tx.query("SELECT * FROM joint_whistles_in_city(\(city))") {
            let r = row.makeRandomAccess()
            func c<T: PostgresDecodable>(_ i: Int, _: T.Type = T.self) throws -> T { try r[i].decode(T.self) }
            result.append(
                CityJoint(
                    hostCode: try c(0), hostName: try c(1), guestCode: try c(2), guestName: try c(3), kindName: try c(4), object: try c(5),
                    scheduledAt: try c(6), status: try c(7), hostState: try c(8), guestState: try c(9), invitedAt: try c(10)))
        }
        return result
    }
}
