import Foundation
import GridCore
import PostgresNIO

/// The work calendar document of a district.
public enum CalendarStore {
    public static func find(_ tx: Tx) async throws -> (document: String, version: Int64)? {
        for try await (document, version) in try await tx.query(
            "SELECT document::text, version FROM work_calendars WHERE tenant_id = \(tx.tenant)"
        ).decode((String, Int64).self) {
            return (document, version)
        }
        return nil
    }

    /// The version of the stored document; nil when the district runs on the default.
    public static func version(_ tx: Tx) async throws -> Int64? {
        for try await version in try await tx.query("SELECT version FROM work_calendars WHERE tenant_id = \(tx.tenant)").decode(Int64.self) {
            return version
        }
        return nil
    }

    /// Writes the document; false when `expectedVersion` no longer matches.
    public static func save(_ tx: Tx, document: String, expectedVersion: Int64?) async throws -> Bool {
        let rows = try await tx.query(
            """
            INSERT INTO work_calendars (tenant_id, document) VALUES (\(tx.tenant), \(document)::jsonb)
            ON CONFLICT (tenant_id) DO UPDATE SET document = EXCLUDED.document, version = work_calendars.version + 1, updated_at = now()
            WHERE \(expectedVersion)::bigint IS NULL OR work_calendars.version = \(expectedVersion)
            RETURNING version
            """)
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// National holidays and make-up days (reference data) of `years`, in date order.
    public static func nationalDays(_ tx: Tx, years: ClosedRange<Int>) async throws -> [(day: String, kind: String, name: String)] {
        var result: [(String, String, String)] = []
        for try await row in try await tx.query(
            """
            SELECT to_char(day, 'YYYY-MM-DD'), kind, name FROM ref_calendar_days
            WHERE day >= make_date(\(Int32(clamping: years.lowerBound)), 1, 1) AND day < make_date(\(Int32(clamping: years.upperBound + 1)), 1, 1)
            ORDER BY day
            """
        ).decode((String, String, String).self) {
            result.append(row)
        }
        return result
    }

    /// The years within `years` for which the national reference table holds holiday data (read outside any district).
    public static func nationalYears(_ db: Database, years: ClosedRange<Int>) async throws -> Set<Int> {
        Set(
            try await db.query(
                """
                SELECT DISTINCT extract(year FROM day)::int FROM ref_calendar_days
                WHERE day >= make_date(\(Int32(clamping: years.lowerBound)), 1, 1) AND day < make_date(\(Int32(clamping: years.upperBound + 1)), 1, 1)
                """
            ) { row in Int(try row.decode(Int32.self)) })
    }
}
