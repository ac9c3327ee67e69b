import Foundation
import GridCore
import GridStore
import NIOCore

extension GridService {
    /// Adds a photo to a case (before or after handling) while the case is open, by someone who
    /// takes part in it; the image's header is read first (format, dimensions). The upload is an
    /// event of the case's history, with the photo's SHA-256 and dimensions.
    public func uploadAttachment(_ caller: Caller, tenantId: Int64, caseId: Int64, kind: String, declaredType: String, bytes: [UInt8]) async throws
        -> AttachmentMeta
    {
        guard ["before", "after"].contains(kind) else {
            throw Errors.field("kind", .fieldUnknownValue, zh: "照片类别应为 before 或 after，实际为“\(kind)”", en: "kind must be before or after, got '\(kind)'")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            let record = try await Self.readableCase(tx, caller, id: caseId)
            var participates = Self.takesPart(caller, in: record)
            if !participates, caller.principal != nil, record.levelUnitId != nil || record.pendingUnitId != nil {
                // A named member of the unit holding the case (a zone team's) or asked to take it photographs it too.
                let named = try await Self.ladderContext(tx, caller, record).named
                participates = [record.levelUnitId, record.pendingUnitId].contains { $0.map(named.contains) == true }
            }
            try AttachmentRules.checkUploader(participates: participates, state: record.state)
            let existing = try await AttachmentStore.list(tx, caseId: caseId).count
            let image = try AttachmentRules.check(declaredType: declaredType, bytes: bytes, existing: existing)
            let id = try await AttachmentStore.insert(
                tx, caseId: caseId, kind: kind, contentType: image.format.contentType, bytes: bytes,
                uploadedBy: caller.principal?.userId)
            guard let meta = try await AttachmentStore.find(tx, caseId: caseId, id: id) else { preconditionFailure("attachment \(id) vanished") }
            struct Attached: Encodable {
                var attachment: Int64
                var kind: String
                var sha256: String
                var size: Int
                var width: Int
                var height: Int
            }
            let payload = CaseStore.canonicalJSON(
                Attached(
                    attachment: id, kind: kind, sha256: meta.sha256, size: meta.size, width: image.width,
                    height: image.height))
            guard
                try await CaseStore.update(
                    tx, record, expectedVersion: record.version,
                    event: (
                        actorId: caller.principal?.userId, actor: caller.principal?.login ?? "cli", role: nil, action: "attach", from: record.state,
                        payload: payload
                    ))
            else { throw try await Self.lostRace(record, caller, ifVersion: nil, tx) }
            return meta
        }
    }

    /// Whether the caller takes part in the case: its reporter, someone whose roles count at it (the
    /// command centre in scope, the lead department's liaison, the grid's workers, the community
    /// chief), or a liaison of a department with a task on it (an assisting one). The operator does.
    static func takesPart(_ caller: Caller, in record: CaseRecord) -> Bool {
        guard let principal = caller.principal else { return true }
        if let reporter = record.reportedBy, reporter == principal.login { return true }
        if !roles(caller, at: record).isEmpty { return true }
        return principal.bindings.contains { binding in
            binding.role == .departmentLiaison && binding.departmentId.map(record.taskDepartments.contains) == true
        }
    }

    public func attachments(_ caller: Caller, tenantId: Int64, caseId: Int64) async throws -> [AttachmentMeta] {
        try await withTenant(for: caller, tenantId) { tx in
            _ = try await Self.readableCase(tx, caller, id: caseId)
            return try await AttachmentStore.list(tx, caseId: caseId)
        }
    }

    public func attachment(_ caller: Caller, tenantId: Int64, caseId: Int64, id: Int64) async throws -> (meta: AttachmentMeta, data: ByteBuffer) {
        try await withTenant(for: caller, tenantId) { tx in
            _ = try await Self.readableCase(tx, caller, id: caseId)
            guard let meta = try await AttachmentStore.find(tx, caseId: caseId, id: id), let data = try await AttachmentStore.data(tx, caseId: caseId, id: id)
            else { throw GridError(.attachmentNotFound, Text(zh: "照片 \(id) 不存在", en: "photo \(id) does not exist")) }
            return (meta, data)
        }
    }
}
