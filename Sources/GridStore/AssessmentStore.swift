import Foundation
import GridCore
import PostgresNIO

/// The assessment's versions of weights and deductions (`assessment_schemes`).
public enum AssessmentStore {
    static let columns = "subject, effective_month::text, effective_at, version, document::text, note, created_login, updated_at"

    static func version(_ row: PostgresRow) throws -> AssessmentSchemeVersion? {
        let (subject, month, effectiveAt, version, document, note, login, updatedAt) = try row.decode(
            (String, String, Date, Int32, String, String?, String, Date).self)
        guard let subject = AssessmentSubject(rawValue: subject), let month = AssessmentMonth(String(month.prefix(7))) else { return nil }
        let scheme = try JSONDecoder().decode(AssessmentScheme.self, from: Data(document.utf8))
        return AssessmentSchemeVersion(
            subject: subject, month: month, effectiveAt: effectiveAt, version: Int(version), scheme: scheme, note: note, createdLogin: login,
            updatedAt: updatedAt)
    }

    /// Every version, by subject and month.
    public static func all(_ tx: Tx) async throws -> [AssessmentSchemeVersion] {
        var result: [AssessmentSchemeVersion] = []
        for try await row in try await tx.query(
            "SELECT \(unescaped: columns) FROM assessment_schemes WHERE tenant_id = \(tx.tenant) ORDER BY subject, effective_month")
        {
            if let version = try version(row) { result.append(version) }
        }
        return result
    }

    /// The version of `subject` in force at `instant` (the latest that took effect by then).
    public static func inForce(_ tx: Tx, subject: AssessmentSubject, at instant: Date) async throws -> AssessmentSchemeVersion? {
        for try await row in try await tx.query(
            """
            SELECT \(unescaped: columns) FROM assessment_schemes
            WHERE tenant_id = \(tx.tenant) AND subject = \(subject.rawValue) AND effective_at <= \(instant)
            ORDER BY effective_at DESC LIMIT 1
            """)
        {
            return try version(row)
        }
        return nil
    }

    /// Writes the version of `subject` from `month`: a new one (numbered after the subject's last)
    /// or a replacement of one not yet in force (the database refuses one in force: GA001).
    public static func put(
        _ tx: Tx, subject: AssessmentSubject, month: AssessmentMonth, effectiveAt: Date, document: String, note: String?, userId: Int64?,
        login: String
    ) async throws -> AssessmentSchemeVersion {
        let rows = try await tx.query(
            """
            INSERT INTO assessment_schemes AS s (tenant_id, subject, effective_month, effective_at, version, document, note, created_by, created_login)
            SELECT \(tx.tenant), \(subject.rawValue), \(month.firstDay.description)::date, \(effectiveAt),
                   coalesce((SELECT max(version) FROM assessment_schemes WHERE tenant_id = \(tx.tenant) AND subject = \(subject.rawValue)), 0) + 1,
                   \(document)::jsonb, \(note), \(userId), \(login)
            ON CONFLICT (tenant_id, subject, effective_month) DO UPDATE
                SET document = EXCLUDED.document, note = EXCLUDED.note, updated_at = now()
            RETURNING \(unescaped: columns)
            """)
        for try await row in rows {
            if let version = try version(row) { return version }
        }
        preconditionFailure("an upsert returns its row")
    }
}
