import Foundation
import GridCore
import GridStore
import NIOCore

extension GridService {
    /// Adds a photo to a case (before or after handling): by someone who works the case or reports
    /// in its grid; the upload is an event of the case's history, with the photo's SHA-256.
    public func uploadAttachment(_ caller: Caller, tenantId: Int64, caseId: Int64, kind: String, declaredType: String, bytes: [UInt8]) async throws
        -> AttachmentStore.Meta
    {
        guard ["before", "after"].contains(kind) else {
            throw Errors.field("kind", "field.unknownValue", zh: "照片类别应为 before 或 after，实际为“\(kind)”", en: "kind must be before or after, got '\(kind)'")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            let record = try await Self.readableCase(tx, caller, id: caseId)
            let mayReport = caller.principal.map { $0.can(.caseReport, at: record.gridPath) } ?? true
            guard !Self.roles(caller, at: record).isEmpty || mayReport else {
                throw GridError(.forbidden, "attachment.notAllowed", Text(zh: "您不能为该案件上传照片", en: "you may not add photos to this case"))
            }
            let existing = try await AttachmentStore.list(tx, caseId: caseId).count
            let type = try AttachmentRules.check(declaredType: declaredType, bytes: bytes, existing: existing)
            let id = try await AttachmentStore.insert(tx, caseId: caseId, kind: kind, contentType: type, bytes: bytes, uploadedBy: caller.principal?.userId)
            guard let meta = try await AttachmentStore.find(tx, caseId: caseId, id: id) else { preconditionFailure("attachment \(id) vanished") }
            struct Attached: Encodable { var attachment: Int64; var kind: String; var sha256: String; var size: Int }
            let payload = CaseStore.canonicalJSON(Attached(attachment: id, kind: kind, sha256: meta.sha256, size: meta.size))
            guard try await CaseStore.update(tx, record, expectedVersion: record.version, event: (
                actorId: caller.principal?.userId, actor: caller.principal?.login ?? "cli", role: nil, action: "attach", from: record.state,
                payload: payload))
            else { throw Self.stale(record) }
            return meta
        }
    }

    public func attachments(_ caller: Caller, tenantId: Int64, caseId: Int64) async throws -> [AttachmentStore.Meta] {
        try await withTenant(for: caller, tenantId) { tx in
            _ = try await Self.readableCase(tx, caller, id: caseId)
            return try await AttachmentStore.list(tx, caseId: caseId)
        }
    }

    public func attachment(_ caller: Caller, tenantId: Int64, caseId: Int64, id: Int64) async throws -> (meta: AttachmentStore.Meta, data: ByteBuffer) {
        try await withTenant(for: caller, tenantId) { tx in
            _ = try await Self.readableCase(tx, caller, id: caseId)
            guard let meta = try await AttachmentStore.find(tx, caseId: caseId, id: id), let data = try await AttachmentStore.data(tx, caseId: caseId, id: id)
            else { throw GridError(.notFound, "attachment.notFound", Text(zh: "照片 \(id) 不存在", en: "photo \(id) does not exist")) }
            return (meta, data)
        }
    }
}
