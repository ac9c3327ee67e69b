import Foundation
import GridCore
import PostgresNIO

/// The heads of case histories, read to anchor them outside the database and to compare the
/// database with an anchor.
extension CaseStore {
    /// How many anchored cases one comparison statement looks up.
    static let headsPerLookup = 10_000

    /// Every case of the district with the local day of its report (in the district's time zone,
    /// the day of its number) and its last event, by day and id; and when they were read.
    public static func chainHeads(_ tx: Tx) async throws -> (taken: Date, heads: [(day: LocalDate, head: ChainHead)]) {
        let rows = try await tx.query(
            """
            SELECT to_char((c.reported_at AT TIME ZONE t.time_zone)::date, 'YYYY-MM-DD'), c.id, c.number, coalesce(h.seq, 0), h.hash, now()
            FROM cases c
            JOIN tenants t ON t.id = c.tenant_id
            LEFT JOIN LATERAL (SELECT e.seq, e.hash FROM case_events e WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id
                               ORDER BY e.seq DESC LIMIT 1) h ON true
            WHERE c.tenant_id = \(tx.tenant)
            ORDER BY 1, c.id
            """)
        var taken: Date?
        var heads: [(day: LocalDate, head: ChainHead)] = []
        for try await (day, id, number, seq, hash, now) in rows.decode((String, Int64, String, Int64, ByteBuffer?, Date).self) {
            guard let date = LocalDate(day) else { preconditionFailure("PostgreSQL formatted a date as '\(day)'") }
            heads.append((date, ChainHead(caseId: id, number: number, seq: seq, hash: hash.map { Array($0.readableBytesView) } ?? [])))
            taken = now
        }
        if taken == nil {
            for try await now in try await tx.query("SELECT now()").decode(Date.self) { taken = now }
        }
        return (taken ?? Date(), heads)
    }

    /// What the district holds now of the anchored cases (`heads`: case id and anchored seq): for
    /// each case still there, the seq of its last event and the hash of its event at the anchored
    /// seq. A case not in the answer is not in the database.
    public static func foundHeads(_ tx: Tx, _ heads: [(caseId: Int64, seq: Int64)]) async throws -> [Int64: FoundHead] {
        var found: [Int64: FoundHead] = [:]
        var start = 0
        while start < heads.count {
            let chunk = heads[start..<min(start + headsPerLookup, heads.count)]
            start += headsPerLookup
            let rows = try await tx.query(
                """
                SELECT a.id, coalesce((SELECT max(x.seq) FROM case_events x WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id), 0), e.hash
                FROM unnest(\(chunk.map(\.caseId))::bigint[], \(chunk.map(\.seq))::bigint[]) AS a (id, seq)
                JOIN cases c ON c.tenant_id = \(tx.tenant) AND c.id = a.id
                LEFT JOIN case_events e ON e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.seq = a.seq
                """)
            for try await (id, last, hash) in rows.decode((Int64, Int64, ByteBuffer?).self) {
                found[id] = FoundHead(lastSeq: last, hashAtAnchoredSeq: hash.map { Array($0.readableBytesView) })
            }
        }
        return found
    }
}
