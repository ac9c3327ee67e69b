import Foundation
import GridCore
import PostgresNIO

/// Tenants: created and changed in platform transactions, read in the tenant's own.
public enum TenantStore {
    /// The columns `decode` reads. A constant.
    static let columns = "id, code, name, division_code, time_zone, status, settings::text, version, created_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [TenantRecord] {
        var result: [TenantRecord] = []
        for try await row in rows { result.append(try record(row)) }
        return result
    }

    /// One row of `columns`.
    static func record(_ row: PostgresRow) throws -> TenantRecord { try record(row.makeRandomAccess(), from: 0) }

    static let decodedSettings = DecodedJSON<TenantSettings>()

    /// The columns of `columns` in `row` from column `start` on (a statement that reads more than the tenant).
    static func record(_ row: PostgresRandomAccessRow, from start: Int) throws -> TenantRecord {
        let settings = try row[start + 6].decode(String.self)
        return TenantRecord(
            id: try row[start].decode(Int64.self), code: try row[start + 1].decode(String.self), name: try row[start + 2].decode(String.self),
            divisionCode: try row[start + 3].decode(String.self), timeZone: try row[start + 4].decode(String.self),
            status: TenantStatus(rawValue: try row[start + 5].decode(String.self)) ?? .suspended, settings: try decodedSettings.decode(settings),
            version: try row[start + 7].decode(Int64.self), createdAt: try row[start + 8].decode(Date.self))
    }

    public static func insert(_ tx: Tx, code: String, name: String, divisionCode: String, settings: TenantSettings) async throws -> Int64 {
        let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        let rows = try await tx.query(
            "INSERT INTO tenants (code, name, division_code, settings) VALUES (\(code), \(name), \(divisionCode), \(json)::jsonb) RETURNING id")
        for try await id in rows.decode(Int64.self) { return id }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    public static func all(_ tx: Tx) async throws -> [TenantRecord] {
        try await decode(tx.query("SELECT \(unescaped: columns) FROM tenants ORDER BY id"))
    }

    /// Prepared once per connection: every write of a district's data checks its tenant first.
    public static func find(_ tx: Tx, id: Int64) async throws -> TenantRecord? {
        try await tx.execute(ByIdStatement(id: id)).first
    }

    struct ByIdStatement: PostgresPreparedStatement {
        static let sql = "SELECT \(columns) FROM tenants WHERE id = $1"
        let id: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(id)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> TenantRecord { try TenantStore.record(row) }
    }

    public static func find(_ tx: Tx, code: String) async throws -> TenantRecord? {
        try await decode(
            tx.query(
                "SELECT \(unescaped: columns) FROM tenants WHERE code = \(code.uppercased())")
        ).first
    }

    /// Resolves a code to an id and status without a tenant set (definer function).
    public static func lookup(_ tx: Tx, code: String) async throws -> (id: Int64, status: String)? {
        for try await (id, status) in try await tx.query("SELECT id, status FROM tenant_by_code(\(code))").decode((Int64, String).self) {
            return (id, status)
        }
        return nil
    }

    public static func setSettings(_ tx: Tx, id: Int64, settings: TenantSettings) async throws {
        let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        try await tx.query(
            "UPDATE tenants SET settings = \(json)::jsonb, version = version + 1, updated_at = now() WHERE id = \(id)")
    }

    public static func setStatus(_ tx: Tx, id: Int64, status next: TenantStatus) async throws -> Bool {
        let status = next.rawValue
        let rows = try await tx.query(
            "UPDATE tenants SET status = \(status), version = version + 1, updated_at = now() WHERE id = \(id) RETURNING id")
        for try await _ in rows { return true }
        return false
    }
}
