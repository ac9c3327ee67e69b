import Foundation
import GridAPI
import GridCore
import GridService
import OpenAPIRuntime

/// Translations between the service's records and the generated API types.
enum APIMapping {
    /// The contract's twin of a code (`ErrorCodeTests` keeps the two lists equal).
    static func code(_ code: ErrorCode) -> Components.Schemas.ErrorCode {
        Components.Schemas.ErrorCode(rawValue: code.rawValue) ?? ._internal
    }

    static func unit(_ record: OrgUnitRecord) throws -> Components.Schemas.OrgUnit {
        Components.Schemas.OrgUnit(
            id: record.id, parentId: record.parentId, kind: Components.Schemas.OrgUnitKind(rawValue: record.kind.rawValue) ?? .grid,
            gridLevel: record.gridLevel, code: record.code, name: record.name, path: record.path.raw, version: record.version,
            updatedAt: record.updatedAt, retiredAt: record.retiredAt,
            geometry: try record.geometry.map { try JSONDecoder().decode(Components.Schemas.Geometry.self, from: Data($0.utf8)) })
    }

    static func geometry(_ value: Components.Schemas.Geometry?) throws -> JSONValue? {
        guard let value else { return nil }
        return try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    static func binding(_ binding: RoleBinding) -> Components.Schemas.Binding {
        Components.Schemas.Binding(
            id: binding.id, role: Components.Schemas.Role(rawValue: binding.role.rawValue) ?? .viewer, scopeUnitId: binding.scopeUnitId,
            scopePath: binding.scope.raw, departmentId: binding.departmentId)
    }

    static func user(_ entry: UserWithBindings) -> Components.Schemas.User {
        Components.Schemas.User(
            id: entry.user.id, login: entry.user.login, displayName: entry.user.displayName, phone: entry.user.phone,
            status: entry.user.status == "active" ? .active : .disabled, mustChangePassword: entry.user.mustChangePassword,
            bindings: entry.bindings.map(binding))
    }

    static func department(_ record: DepartmentRecord) -> Components.Schemas.Department {
        Components.Schemas.Department(
            id: record.id, code: record.code, name: record.name, kind: record.kind == .district ? .district : .streetOffice,
            orgUnitId: record.orgUnitId, version: record.version, receivesTerritorial: record.receivesTerritorial)
    }

    static func me(_ principal: Principal, tenantCode: String) -> Components.Schemas.Me {
        Components.Schemas.Me(
            tenant: .init(id: principal.tenantId, code: tenantCode), user: .init(id: principal.userId, login: principal.login),
            bindings: principal.bindings.map(binding))
    }

    static func members(_ unit: OrgUnitRecord, _ members: [UnitMember]) -> Components.Schemas.UnitMembers {
        .init(
            unit: .init(id: unit.id, code: unit.code, name: unit.name),
            members: members.map {
                .init(
                    login: $0.login, displayName: $0.displayName, duty: Components.Schemas.UnitMember.DutyPayload(rawValue: $0.duty.rawValue)!,
                    department: $0.departmentCode)
            })
    }

    static func eTag(_ version: Int64) -> String { "\"\(version)\"" }

    /// The version an If-Match header names; nil for none or `*`.
    static func version(ifMatch: String?) throws -> Int64? {
        guard let raw = ifMatch?.trimmingCharacters(in: .whitespaces), !raw.isEmpty, raw != "*" else { return nil }
        var tag = raw.hasPrefix("W/") ? String(raw.dropFirst(2)) : raw
        tag = tag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let version = Int64(tag) else {
            throw GridError.invalid([
                FieldError(
                    "If-Match", .headerIfMatch, Text(zh: "If-Match 值“\(raw)”不是本服务签发的 ETag", en: "If-Match '\(raw)' is not an ETag this service issued"))
            ])
        }
        return version
    }

    static func page(cursor: String?, limit: Int?) throws -> PageRequest { try PageRequest.parse(cursor: cursor, limit: limit) }
}
