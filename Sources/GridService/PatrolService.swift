import Foundation
import GridCore
import GridStore

extension GridService {
    /// A grid worker checks in on patrol (巡查打卡) at a point: the grid it lies in must be one they
    /// work in as a grid worker. The time is the server's. With an Idempotency-Key a resend (a
    /// network drop) answers the check-in the first one made (`replayed`); the same key with
    /// another point is refused.
    public func patrolCheckIn(
        _ caller: Caller, tenantId: Int64, lat: Double, lng: Double, idempotencyKey: String?
    ) async throws -> (checkin: PatrolCheckin, replayed: Bool) {
        guard let principal = caller.principal else {
            throw GridError(.patrolNotAllowed, Text(zh: "巡查打卡须由网格员本人进行", en: "a patrol check-in is made by the grid worker in person"))
        }
        guard let point = Coordinate(lng: lng, lat: lat) else {
            throw Errors.field(
                "lat", .geoBadCoordinate, zh: "位置 (\(lat), \(lng)) 不是有效的经纬度", en: "(\(lat), \(lng)) is not a valid latitude and longitude")
        }
        let key = try Self.intakeKey(idempotencyKey, of: caller)
        guard let grid = try await OrgUnitStore.locate(db, tenantId: tenantId, point) else {
            throw GridError(
                .patrolPointOutside,
                Text(zh: "打卡位置 (\(point.lat), \(point.lng)) 不在本区任何网格内", en: "the check-in point (\(point.lat), \(point.lng)) lies in no grid of this district"))
        }
        guard principal.bindings.contains(where: { $0.role == .gridWorker && $0.scope.covers(grid.path) }) else {
            throw GridError(
                .patrolNotAllowed,
                Text(
                    zh: "打卡位置 (\(point.lat), \(point.lng)) 所在网格不在您作为网格员负责的范围内",
                    en: "the check-in point (\(point.lat), \(point.lng)) lies in a grid you do not work in as a grid worker"))
        }
        return try await withActiveTenant(tenantId) { tx, tenant in
            func earlier(_ key: String) async throws -> PatrolCheckin? {
                guard let found = try await PatrolStore.byKey(tx, userId: principal.userId, key: key) else { return nil }
                guard found.lat == point.lat, found.lng == point.lng else { throw Errors.idempotencyKeyReused(key) }
                return found
            }
            if let key, let found = try await earlier(key) { return (found, true) }
            guard
                let id = try await PatrolStore.checkIn(
                    tx, userId: principal.userId, gridId: grid.id, gridPath: grid.path, timeZone: tenant.timeZone, point: point, key: key)
            else {
                // Another request under the key committed meanwhile: its check-in is the answer.
                guard let key, let found = try await earlier(key) else {
                    throw GridError(.dbRetry, Text(zh: "并发冲突，请重试", en: "concurrent update conflict; retry the request"))
                }
                return (found, true)
            }
            guard let written = try await PatrolStore.find(tx, id: id) else { preconditionFailure("the check-in was just written") }
            return (written, false)
        }
    }

    /// The check-ins in grids within `scopeCode` (default: the caller's scope for reading cases) in
    /// [from, to), optionally of one person (`login`), newest first.
    public func patrolCheckins(
        _ caller: Caller, tenantId: Int64, scopeCode: String?, login: String?, from: Date, to: Date, page: PageRequest
    ) async throws -> Page<PatrolCheckin> {
        try StatsPeriod.check(from: from, to: to)
        let before = try page.afterNumber()
        return try await withReadTenant(for: caller, tenantId) { tx in
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            var userId: Int64?
            if let login {
                guard let user = try await UserStore.find(tx, login: login) else { throw Errors.userNotFound(login) }
                userId = user.id
            }
            let rows = try await PatrolStore.list(tx, within: scope.path, userId: userId, from: from, to: to, beforeId: before, limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { String($0.id) }
        }
    }
}
