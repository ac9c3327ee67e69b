import Foundation
import GridCore
import PostgresNIO

/// How cases ended for those who raised them (`case_outcomes`), the call-backs after (`case_callbacks`),
/// and the demand figures built on them.
public enum OutcomeStore {
    /// Records the closing of a case (replacing an earlier one of a case that was reopened).
    public static func record(_ tx: Tx, caseId: Int64, _ c: CaseClosing, at now: Date, by userId: Int64?) async throws {
        try await tx.query(
            """
            INSERT INTO case_outcomes AS o (tenant_id, case_id, outcome, explanation, planned_date, referred_to,
                                            reply_by, reply_channel, reply_at, reply_content, closed_at, closed_by)
            VALUES (\(tx.tenant), \(caseId), \(c.outcome.rawValue), \(c.explanation), \(c.plannedDate?.description)::date, \(c.referredTo),
                    \(c.reply?.by), \(c.reply?.channel.rawValue), \(c.reply?.at), \(c.reply?.content), \(now), \(userId))
            ON CONFLICT (tenant_id, case_id) DO UPDATE SET
                outcome = EXCLUDED.outcome, explanation = EXCLUDED.explanation, planned_date = EXCLUDED.planned_date,
                referred_to = EXCLUDED.referred_to, reply_by = EXCLUDED.reply_by, reply_channel = EXCLUDED.reply_channel,
                reply_at = EXCLUDED.reply_at, reply_content = EXCLUDED.reply_content, closed_at = EXCLUDED.closed_at, closed_by = EXCLUDED.closed_by
            """)
    }

    public static func closing(_ tx: Tx, caseId: Int64) async throws -> CaseClosing? {
        for try await (outcome, explanation, planned, referred, by, channel, at, content) in try await tx.query(
            """
            SELECT outcome, explanation, to_char(planned_date, 'YYYY-MM-DD'), referred_to, reply_by, reply_channel, reply_at, reply_content
            FROM case_outcomes WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId)
            """
        ).decode((String, String?, String?, String?, String?, String?, Date?, String?).self) {
            var reply: ReporterReply?
            if let by, let channel = channel.flatMap(ReplyChannel.init), let at { reply = ReporterReply(by: by, channel: channel, at: at, content: content) }
            return CaseClosing(
                outcome: DemandOutcome(rawValue: outcome) ?? .resolved, explanation: explanation, plannedDate: planned.flatMap(LocalDate.init),
                referredTo: referred, reply: reply)
        }
        return nil
    }

    @discardableResult
    public static func addCallback(_ tx: Tx, caseId: Int64, _ c: CaseCallback, at now: Date, by userId: Int64?) async throws -> Int64 {
        let rows = try await tx.query(
            """
            INSERT INTO case_callbacks (tenant_id, case_id, at, by_user, contacted, resolved, satisfaction, note)
            VALUES (\(tx.tenant), \(caseId), \(now), \(userId), \(c.contacted), \(c.resolved), \(c.satisfaction?.rawValue), \(c.note))
            RETURNING id
            """)
        for try await id in rows.decode(Int64.self) { return id }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    public static func callbacks(_ tx: Tx, caseId: Int64) async throws -> [CallbackRecord] {
        var result: [CallbackRecord] = []
        for try await (id, at, by, contacted, resolved, satisfaction, note) in try await tx.query(
            """
            SELECT id, at, by_user, contacted, resolved, satisfaction, note FROM case_callbacks
            WHERE tenant_id = \(tx.tenant) AND case_id = \(caseId) ORDER BY id
            """
        ).decode((Int64, Date, Int64?, Bool, Bool?, String?, String?).self) {
            result.append(
                CallbackRecord(
                    id: id, at: at, byUser: by,
                    callback: CaseCallback(
                        contacted: contacted, resolved: resolved,
                        satisfaction: satisfaction.flatMap(CaseRating.init), note: note)))
        }
        return result
    }

    public static func demandFigures(_ tx: Tx, scopes: [ScopePath], from: Date, to: Date) async throws -> DemandFigures {
        let lows = scopes.map(\.raw), highs = scopes.map(\.upperBound)
        var f = DemandFigures()
        for try await row in try await tx.query(
            """
            SELECT count(*)::int8,
                   count(*) FILTER (WHERE c.state NOT IN ('closed', 'evaluated', 'invalid', 'notFiled', 'voided', 'merged'))::int8,
                   count(*) FILTER (WHERE c.state IN ('closed', 'evaluated'))::int8,
                   count(*) FILTER (WHERE c.state IN ('closed', 'evaluated') AND o.outcome = 'resolved')::int8,
                   count(*) FILTER (WHERE c.state IN ('closed', 'evaluated') AND o.outcome = 'explained')::int8,
                   count(*) FILTER (WHERE c.state IN ('closed', 'evaluated') AND o.outcome = 'referred')::int8,
                   count(*) FILTER (WHERE c.state IN ('closed', 'evaluated') AND o.reply_at IS NOT NULL)::int8,
                   count(k.case_id)::int8,
                   count(*) FILTER (WHERE k.contacted)::int8,
                   count(*) FILTER (WHERE k.resolved)::int8,
                   count(*) FILTER (WHERE k.satisfaction = 'satisfied')::int8,
                   count(*) FILTER (WHERE k.satisfaction = 'basicallySatisfied')::int8,
                   count(*) FILTER (WHERE k.satisfaction = 'dissatisfied')::int8
            FROM cases c
            LEFT JOIN case_outcomes o ON o.tenant_id = c.tenant_id AND o.case_id = c.id
            LEFT JOIN LATERAL (SELECT b.case_id, b.contacted, b.resolved, b.satisfaction FROM case_callbacks b
                               WHERE b.tenant_id = c.tenant_id AND b.case_id = c.id ORDER BY b.id DESC LIMIT 1) k ON true
            WHERE c.tenant_id = \(tx.tenant) AND c.source IN ('resident', 'hotline')
              AND c.reported_at >= \(from) AND c.reported_at < \(to)
              AND EXISTS (SELECT 1 FROM unnest(\(lows)::text[], \(highs)::text[]) s(lo, hi) WHERE c.grid_path >= s.lo AND c.grid_path < s.hi)
            """
        ).decode((Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            (f.received, f.open, f.closed, f.resolved, f.explained, f.referred, f.replied) =
                (Int(row.0), Int(row.1), Int(row.2), Int(row.3), Int(row.4), Int(row.5), Int(row.6))
            (f.calledBack, f.contacted, f.confirmedResolved, f.satisfied, f.basicallySatisfied, f.dissatisfied) =
                (Int(row.7), Int(row.8), Int(row.9), Int(row.10), Int(row.11), Int(row.12))
        }
        return f
    }
}
