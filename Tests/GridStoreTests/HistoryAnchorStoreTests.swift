import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// What the hash chains alone cannot show and an anchor kept outside the database does: the
/// schema owner rewinding a case, re-hashing an edited history or deleting a whole case.
@Suite struct HistoryAnchorStoreTests {
    /// A district with four cases, two of them reported the day before (local time) and worked on.
    struct Anchored {
        var district: SmallDistrict
        /// Three events, reported yesterday.
        var worked: CaseRecord
        /// Two events, reported yesterday.
        var verifying: CaseRecord
        /// One event each, reported today.
        var fresh: [CaseRecord]
        var yesterday: LocalDate
        var today: LocalDate
        /// The anchor as written to its file and read back.
        var anchor: DistrictAnchor
    }

    static func intake(_ point: Coordinate, _ description: String) -> CaseIntake {
        CaseIntake(category: "E0101", description: description, lat: point.lat, lng: point.lng, source: .hotline)
    }

    static func anchored(_ db: TestDatabase) async throws -> Anchored {
        let district = try await db.seedSmallDistrict()
        let service = db.service
        let point = district.pointInStreet1
        var cases: [CaseRecord] = []
        for n in 1...4 {
            cases.append(try await service.takeIn(.operator, tenantId: district.tenantId, intake(point, "占道经营 \(n)"), idempotencyKey: nil).view.record)
        }
        _ = try await service.act(.operator, tenantId: district.tenantId, caseId: cases[0].id, .requestVerify, CaseActionInput(), ifVersion: nil)
        _ = try await service.act(.operator, tenantId: district.tenantId, caseId: cases[0].id, .confirm, CaseActionInput(), ifVersion: nil)
        _ = try await service.act(.operator, tenantId: district.tenantId, caseId: cases[1].id, .requestVerify, CaseActionInput(), ifVersion: nil)
        try await db.owner.query(
            "UPDATE cases SET reported_at = reported_at - interval '1 day' WHERE id IN (\(cases[0].id), \(cases[1].id))",
            logger: db.logger)
        var days: [LocalDate] = []
        for try await day in try await db.owner.query(
            "SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date - d, 'YYYY-MM-DD') FROM unnest(ARRAY[1, 0]) d", logger: db.logger
        )
        .decode(String.self) { days.append(try #require(LocalDate(day))) }
        let taken = try await service.anchorHistory(tenantId: district.tenantId)
        let file = HistoryAnchor(districts: [taken], digest: GridService.historyDigest).rendered
        let anchor = try #require(try HistoryAnchor.parse(file).districts.first)
        #expect(anchor == taken)
        return Anchored(
            district: district, worked: cases[0], verifying: cases[1], fresh: Array(cases[2...]), yesterday: days[0], today: days[1],
            anchor: anchor)
    }

    static func owner(_ db: TestDatabase, _ sql: String) async throws {
        try await db.owner.query(PostgresQuery(unsafeSQL: sql), logger: db.logger)
    }

    @Test func anAnchorHoldsEveryCasesHeadByDayOfReport() async throws {
        try await TestDatabase.with { db in
            let a = try await Self.anchored(db)
            #expect(a.anchor.code == "HD" && a.anchor.tenantId == a.district.tenantId)
            #expect(a.anchor.days.map(\.day) == [a.yesterday, a.today])
            #expect(a.anchor.days[0].heads.map(\.caseId) == [a.worked.id, a.verifying.id])
            #expect(a.anchor.days[0].heads.map(\.seq) == [3, 2])
            #expect(a.anchor.days[1].heads.map(\.number) == a.fresh.map(\.number))
            #expect(a.anchor.cases == 4 && a.anchor.events == 7)
            // The head is the hash the database chained last.
            var last: [UInt8] = []
            for try await hash in try await db.owner.query("SELECT hash FROM case_events WHERE case_id = \(a.worked.id) AND seq = 3", logger: db.logger)
                .decode(ByteBuffer.self)
            { last = Array(hash.readableBytesView) }
            #expect(a.anchor.days[0].heads[0].hash == last)
            let report = try await db.service.verifyHistory(tenantId: a.district.tenantId, anchors: [a.anchor])
            #expect(report.breaks.isEmpty && report.anchorChecks.count == 1)
            #expect(report.anchorChecks.first?.findings == [])
        }
    }

    /// Later cases and events are not findings: the anchored heads are still events of their grown chains.
    @Test func anUntouchedDatabaseThatGrewSinceItsAnchorPasses() async throws {
        try await TestDatabase.with { db in
            let a = try await Self.anchored(db)
            _ = try await db.service.act(.operator, tenantId: a.district.tenantId, caseId: a.verifying.id, .confirm, CaseActionInput(), ifVersion: nil)
            _ = try await db.service.act(.operator, tenantId: a.district.tenantId, caseId: a.fresh[0].id, .requestVerify, CaseActionInput(), ifVersion: nil)
            _ = try await db.service.takeIn(.operator, tenantId: a.district.tenantId, Self.intake(a.district.pointInStreet1, "新报"), idempotencyKey: nil)
            let report = try await db.service.verifyHistory(tenantId: a.district.tenantId, anchors: [a.anchor])
            #expect(report.cases == 5 && report.events == 10)
            #expect(report.breaks.isEmpty)
            #expect(report.anchorChecks.map(\.findings) == [[]])
        }
    }

    /// (a) The last events of a case deleted and the case put back as it was before them.
    @Test func aRewoundCaseIsFoundOnlyByTheAnchor() async throws {
        try await TestDatabase.with { db in
            let a = try await Self.anchored(db)
            try await Self.owner(db, "DELETE FROM case_events WHERE tenant_id = \(a.district.tenantId) AND case_id = \(a.worked.id) AND seq > 1")
            try await Self.owner(db, "UPDATE cases SET version = 1, state = 'reported' WHERE tenant_id = \(a.district.tenantId) AND id = \(a.worked.id)")
            let plain = try await db.service.verifyHistory(tenantId: a.district.tenantId)
            #expect(plain.breaks.isEmpty, "the chains alone show the rewind: \(plain.breaks)")
            let report = try await db.service.verifyHistory(tenantId: a.district.tenantId, anchors: [a.anchor])
            let findings = try #require(report.anchorChecks.first?.findings)
            let head = a.anchor.days[0].heads[0]
            #expect(
                findings == [
                    .dayChanged(district: "HD", day: a.yesterday, anchoredCases: 2, anchoredEvents: 5, intactCases: 1, intactEvents: 2),
                    .caseRewound(district: "HD", day: a.yesterday, head, lastSeq: 1),
                ])
            #expect(findings[1].text.en.contains("case \(a.worked.number) (id \(a.worked.id))"))
        }
    }

    /// (b) An event edited and every hash from it on computed again, so that the chain holds.
    @Test func aReHashedHistoryIsFoundOnlyByTheAnchor() async throws {
        try await TestDatabase.with { db in
            let a = try await Self.anchored(db)
            let t = a.district.tenantId, c = a.worked.id
            try await Self.owner(db, "UPDATE case_events SET actor = 'someone else' WHERE tenant_id = \(t) AND case_id = \(c) AND seq = 2")
            for seq in 2...3 {
                try await Self.owner(
                    db,
                    """
                    UPDATE case_events e SET hash = case_event_hash(
                        (SELECT p.hash FROM case_events p WHERE p.tenant_id = e.tenant_id AND p.case_id = e.case_id AND p.seq = e.seq - 1),
                        e.tenant_id, e.case_id, e.seq, e.at, e.actor_id, e.actor, e.role, e.action, e.from_state, e.to_state, e.payload)
                    WHERE e.tenant_id = \(t) AND e.case_id = \(c) AND e.seq = \(seq)
                    """)
            }
            let plain = try await db.service.verifyHistory(tenantId: t)
            #expect(plain.breaks.isEmpty, "the chains alone show the edit: \(plain.breaks)")
            let findings = try #require(try await db.service.verifyHistory(tenantId: t, anchors: [a.anchor]).anchorChecks.first?.findings)
            #expect(
                findings == [
                    .dayChanged(district: "HD", day: a.yesterday, anchoredCases: 2, anchoredEvents: 5, intactCases: 1, intactEvents: 2),
                    .caseRehashed(district: "HD", day: a.yesterday, a.anchor.days[0].heads[0]),
                ])
            #expect(findings[1].text.en.contains("event 3 no longer has its anchored hash"))
        }
    }

    /// (c) A whole case deleted with its events and everything else that points at it.
    @Test func aDeletedCaseIsFoundOnlyByTheAnchor() async throws {
        try await TestDatabase.with { db in
            let a = try await Self.anchored(db)
            let t = a.district.tenantId, c = a.fresh[1].id
            try await Self.owner(
                db,
                """
                DO $$
                DECLARE r regclass;
                BEGIN
                    FOR r IN SELECT conrelid::regclass FROM pg_constraint WHERE confrelid = 'cases'::regclass AND contype = 'f' AND conrelid <> 'cases'::regclass LOOP
                        EXECUTE format('DELETE FROM %s WHERE tenant_id = \(t) AND case_id = \(c)', r);
                    END LOOP;
                    DELETE FROM cases WHERE tenant_id = \(t) AND id = \(c);
                END $$
                """)
            let plain = try await db.service.verifyHistory(tenantId: t)
            #expect(plain.breaks.isEmpty && plain.cases == 3, "the chains alone show the deletion: \(plain.breaks)")
            let findings = try #require(try await db.service.verifyHistory(tenantId: t, anchors: [a.anchor]).anchorChecks.first?.findings)
            #expect(
                findings == [
                    .dayChanged(district: "HD", day: a.today, anchoredCases: 2, anchoredEvents: 2, intactCases: 1, intactEvents: 1),
                    .caseDeleted(district: "HD", day: a.today, a.anchor.days[1].heads[1]),
                ])
            #expect(findings[1].text.en.contains("\(a.today): case \(a.fresh[1].number) (id \(c))"))
            #expect(findings[0].text.zh.contains("\(a.today)"))
        }
    }

    /// An anchor of another tenant under the same code (the district deleted and created again).
    @Test func anAnchorOfAnotherTenantUnderTheCodeIsAFinding() async throws {
        try await TestDatabase.with { db in
            let a = try await Self.anchored(db)
            var other = a.anchor
            other.tenantId += 1000
            let report = try await db.service.verifyHistory(tenantId: a.district.tenantId, anchors: [other])
            #expect(report.anchorChecks.first?.findings == [.districtReplaced(district: "HD", anchoredId: other.tenantId, currentId: a.district.tenantId)])
        }
    }
}
