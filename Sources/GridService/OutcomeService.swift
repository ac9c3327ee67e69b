import Foundation
import GridCore
import GridStore

extension GridService {
    /// The command centre records a call-back (回访) to the reporter of a closed case: reached or
    /// not, solved in their eyes, how satisfied. Each is an event of the case's history.
    public func recordCallback(_ caller: Caller, tenantId: Int64, caseId: Int64, _ raw: CaseCallback) async throws -> CaseView {
        let callback = try raw.checked()
        return try await withActiveTenant(tenantId) { tx, _ in
            let record = try await Self.readableCase(tx, caller, id: caseId)
            let role = caller.principal?.bindings.first { [.dispatcher, .shiftLeader].contains($0.role) && $0.scope.covers(record.gridPath) }?.role
            if caller.principal != nil && role == nil {
                throw GridError(
                    .caseCallbackNotAllowed,
                    Text(
                        zh: "只有辖区内的派遣员或值班长可以记录回访", en: "only a dispatcher or shift leader whose scope holds the case records a call-back"))
            }
            guard record.state == .closed || record.state == .evaluated else {
                throw GridError(
                    .caseCallbackNotClosed,
                    Text(
                        zh: "案件 \(record.number) 尚未结案（\(record.state.label.zh)），结案后回访",
                        en: "case \(record.number) is \(record.state.label.en); call back once it is closed"))
            }
            let now = Date()
            let id = try await OutcomeStore.addCallback(tx, caseId: record.id, callback, at: now, by: caller.principal?.userId)
            struct Event: Encodable {
                var callback: Int64
                var contacted: Bool
                var resolved: Bool?
                var satisfaction: String?
            }
            try await Self.recordEvent(
                tx, on: record, "callback", by: .person(caller, role: role),
                payload: Event(callback: id, contacted: callback.contacted, resolved: callback.resolved, satisfaction: callback.satisfaction?.rawValue))
            let written = try await CaseStore.find(tx, id: caseId)!
            try await Self.enqueueWebhooks(tx, written, event: "callback", at: now)
            return try await Self.view(tx, caller, written)
        }
    }

    /// The demand figures (群众诉求) of the caller's scopes for the cases reported in [from, to):
    /// received, open, closed by outcome, replied, and the call-backs' results.
    public func demandFigures(_ caller: Caller, tenantId: Int64, from: Date, to: Date) async throws -> DemandFigures {
        try StatsPeriod.check(from: from, to: to)
        return try await withReadTenant(for: caller, tenantId) { tx in
            guard let root = try await OrgUnitStore.root(tx) else { throw Errors.tenantNotFound("\(tenantId)") }
            let scopes = caller.scopes(for: .caseRead, root: root.path)
            return try await OutcomeStore.demandFigures(tx, scopes: scopes, from: from, to: to)
        }
    }
}
