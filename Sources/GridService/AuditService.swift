import Foundation
import GridCore
import GridStore

extension GridService {
    /// Records a change in the audit log, in the transaction of the change: who (the user's login
    /// or the named operator), what, and the entity before and after as JSON objects (nil where
    /// it did not exist). Secrets never go in: a password reset says that it happened, not what.
    static func audit(_ tx: Tx, _ caller: Caller, _ action: String, _ entity: AuditEntity, key: String, before: [String: Any]?, after: [String: Any]?)
        async throws
    {
        func json(_ object: [String: Any]?) throws -> String? {
            guard let object else { return nil }
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        }
        try await AuditStore.record(
            tx, actor: caller.actorName, userId: caller.userId, action: action, entity: entity.rawValue, key: key, before: try json(before),
            after: try json(after))
    }
}
