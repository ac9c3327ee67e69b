import Foundation
import GridAPI
import GridCore
import GridService
import OpenAPIRuntime

/// The grid workers' patrol check-ins (巡查打卡).
extension APIHandler {
    func patrolCheckIn(_ input: Operations.PatrolCheckIn.Input) async throws -> Operations.PatrolCheckIn.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let (checkin, replayed) = try await service.patrolCheckIn(
            try caller, tenantId: try tenantId, lat: body.lat, lng: body.lng, idempotencyKey: input.headers.idempotencyKey)
        return replayed ? .ok(.init(body: .json(Self.checkin(checkin)))) : .created(.init(body: .json(Self.checkin(checkin))))
    }

    func listPatrolCheckins(_ input: Operations.ListPatrolCheckins.Input) async throws -> Operations.ListPatrolCheckins.Output {
        let page = try await service.patrolCheckins(
            try caller, tenantId: try tenantId, scopeCode: input.query.scope, login: input.query.login, from: input.query.from, to: input.query.to,
            page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(.init(body: .json(.init(items: page.items.map(Self.checkin), nextCursor: page.nextCursor))))
    }

    static func checkin(_ c: PatrolCheckin) -> Components.Schemas.PatrolCheckin {
        .init(
            id: c.id, login: c.login, name: c.name, grid: .init(id: c.gridId, code: c.gridCode, name: c.gridName), day: c.day, at: c.at,
            lat: c.lat, lng: c.lng, firstToday: c.firstToday)
    }
}
