import Foundation
import GridCore
import NIOCore
import PostgresNIO

/// The photos of cases.
public enum AttachmentStore {

    static let select = """
        SELECT a.id, a.kind, a.content_type, a.size, encode(a.sha256, 'hex'), u.login, a.created_at
        FROM case_attachments a LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.uploaded_by
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [AttachmentMeta] {
        var result: [AttachmentMeta] = []
        for try await (id, kind, type, size, sha, login, createdAt) in rows.decode((Int64, String, String, Int32, String, String?, Date).self) {
            result.append(AttachmentMeta(id: id, kind: kind, contentType: type, size: Int(size), sha256: sha, uploadedBy: login, createdAt: createdAt))
        }
        return result
    }

    public static func insert(_ tx: Tx, caseId: Int64, kind: String, contentType: String, bytes: [UInt8], uploadedBy: Int64?) async throws -> Int64 {
        for try await id in try await tx.query(
            """
            INSERT INTO case_attachments (tenant_id, case_id, kind, content_type, size, sha256, data, uploaded_by)
            VALUES (\(tx.tenant), \(caseId), \(kind), \(contentType), \(Int32(bytes.count)), sha256(\(ByteBuffer(bytes: bytes))),
                    \(ByteBuffer(bytes: bytes)), \(uploadedBy))
            RETURNING id
            """
        ).decode(Int64.self) {
            return id
        }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    public static func list(_ tx: Tx, caseId: Int64) async throws -> [AttachmentMeta] {
        try await decode(tx.query("\(unescaped: select) WHERE a.tenant_id = \(tx.tenant) AND a.case_id = \(caseId) ORDER BY a.id"))
    }

    public static func find(_ tx: Tx, caseId: Int64, id: Int64) async throws -> AttachmentMeta? {
        try await decode(tx.query("\(unescaped: select) WHERE a.tenant_id = \(tx.tenant) AND a.case_id = \(caseId) AND a.id = \(id)")).first
    }

    public static func data(_ tx: Tx, caseId: Int64, id: Int64) async throws -> ByteBuffer? {
        for try await data in try await tx.query(
            "SELECT data FROM case_attachments WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) AND id = \(id)"
        ).decode(ByteBuffer.self) {
            return data
        }
        return nil
    }
}
