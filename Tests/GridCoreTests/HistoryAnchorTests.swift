import Crypto
import Foundation
import GridCore
import Testing

let sha256: DigestFunction = { Array(SHA256.hash(data: $0)) }

@Suite struct MerkleTreeTests {
    /// The reference leaves and tree heads of Certificate Transparency (RFC 6962), sizes 0 to 8.
    static let leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    @Test(arguments: 0...8)
    func rootsAreThoseOfRFC6962(size: Int) throws {
        let leaves = try Self.leaves.prefix(size).map { try #require(Hex.decode($0)) }
        #expect(Hex.encode(MerkleTree.root(leaves, digest: sha256)) == Self.roots[size])
    }

    @Test func anyChangeOfTheLeavesChangesTheRoot() {
        let leaves = (0..<37).map { "leaf \($0)" }
        let root = MerkleTree.root(texts: leaves, digest: sha256)
        #expect(MerkleTree.root(texts: Array(leaves.dropLast()), digest: sha256) != root, "a leaf removed")
        #expect(MerkleTree.root(texts: leaves + [leaves[36]], digest: sha256) != root, "the last leaf repeated")
        var swapped = leaves
        swapped.swapAt(3, 4)
        #expect(MerkleTree.root(texts: swapped, digest: sha256) != root, "two leaves swapped")
        var edited = leaves
        edited[20] = "leaf 20 "
        #expect(MerkleTree.root(texts: edited, digest: sha256) != root, "a leaf edited")
    }

    @Test func hexRoundTripsAndRefusesWhatIsNotHex() {
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.decode("000FA0ff") == [0x00, 0x0f, 0xa0, 0xff])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}

@Suite struct HistoryAnchorTests {
    static func hash(_ text: String) -> [UInt8] { sha256(Array(text.utf8)) }
    static let day1 = LocalDate(year: 2026, month: 11, day: 22)!
    static let day2 = LocalDate(year: 2026, month: 11, day: 23)!

    /// A district with three cases on two days.
    static func district(code: String = "HD", tenantId: Int64 = 7) -> DistrictAnchor {
        DistrictAnchor(
            code: code, tenantId: tenantId, taken: Date(timeIntervalSince1970: 1_795_000_000.75),
            heads: [
                (day2, ChainHead(caseId: 12, number: "\(code)-20261123-000001", seq: 1, hash: hash("12/1"))),
                (day1, ChainHead(caseId: 11, number: "\(code)-20261122-000002", seq: 3, hash: hash("11/3"))),
                (day1, ChainHead(caseId: 10, number: "\(code)-20261122-000001", seq: 5, hash: hash("10/5"))),
            ], digest: sha256)
    }

    /// What the database holds when nothing changed since the anchor.
    static func unchanged(_ district: DistrictAnchor) -> [Int64: FoundHead] {
        Dictionary(uniqueKeysWithValues: district.heads.map { ($0.head.caseId, FoundHead(lastSeq: $0.head.seq, hashAtAnchoredSeq: $0.head.hash)) })
    }

    @Test func aDistrictGroupsItsCasesByDayAndCountsThem() {
        let d = Self.district()
        #expect(d.days.map(\.day) == [Self.day1, Self.day2])
        #expect(d.days[0].heads.map(\.caseId) == [10, 11])
        #expect(d.days.map(\.cases) == [2, 1] && d.days.map(\.events) == [8, 1])
        #expect(d.cases == 3 && d.events == 9)
        #expect(d.taken == Date(timeIntervalSince1970: 1_795_000_000))
        // The roots are the documented trees over the documented leaves.
        let day1Root = MerkleTree.root(texts: ["10 5 \(Hex.encode(Self.hash("10/5")))", "11 3 \(Hex.encode(Self.hash("11/3")))"], digest: sha256)
        #expect(d.days[0].root == day1Root)
        #expect(d.days[0].leaf == "2026-11-22 2 8 \(Hex.encode(day1Root))")
        #expect(d.root == MerkleTree.root(texts: d.days.map(\.leaf), digest: sha256))
        #expect(d.leaf.hasPrefix("HD 7 2026-11-18T11:06:40Z 3 9 "))
    }

    @Test func theFileReadsBackAsWrittenAndAddsUp() throws {
        let anchor = HistoryAnchor(districts: [Self.district(code: "HD"), Self.district(code: "CY", tenantId: 8)], digest: sha256)
        #expect(anchor.districts.map(\.code) == ["CY", "HD"])
        #expect(anchor.cases == 6 && anchor.events == 18)
        let text = anchor.rendered
        #expect(text.hasPrefix(HistoryAnchor.formatLine + "\n"))
        #expect(text.contains("\ncase 2026-11-22 10 5 \(Hex.encode(Self.hash("10/5"))) HD-20261122-000001\n"))
        #expect(text.hasSuffix("root 2 6 18 \(anchor.rootHex)\n"))
        let read = try HistoryAnchor.parse(text)
        #expect(read == anchor)
        #expect(read.inconsistencies(digest: sha256).isEmpty)
        #expect(read.inconsistencies(digest: sha256, expectedRoot: anchor.rootHex.uppercased()).isEmpty)
        // Windows line ends read the same.
        #expect(try HistoryAnchor.parse(text.replacingOccurrences(of: "\n", with: "\r\n")) == anchor)
    }

    @Test func anEditedFileNoLongerAddsUp() throws {
        let anchor = HistoryAnchor(districts: [Self.district()], digest: sha256)
        let text = anchor.rendered
        // A case line dropped: its day, its district and the file no longer add up.
        let dropped = text.split(separator: "\n").filter { !$0.hasPrefix("case 2026-11-22 11 ") }.joined(separator: "\n")
        let findings = try HistoryAnchor.parse(dropped).inconsistencies(digest: sha256)
        #expect(findings.count == 3, "\(findings.map(\.text.en))")
        #expect(findings.first?.text.en.contains("HD 2026-11-22") == true)
        // A head's hash replaced by another.
        let edited = text.replacingOccurrences(of: Hex.encode(Self.hash("12/1")), with: Hex.encode(Self.hash("12/x")))
        #expect(try HistoryAnchor.parse(edited).inconsistencies(digest: sha256).first?.text.en.contains("HD 2026-11-23") == true)
        // The whole file consistently recomputed is still not the root kept elsewhere.
        let forged = HistoryAnchor(
            districts: [
                DistrictAnchor(
                    code: "HD", tenantId: 7, taken: Date(timeIntervalSince1970: 1_795_000_000),
                    heads: Array(Self.district().heads.dropLast()), digest: sha256)
            ], digest: sha256)
        let refused = forged.inconsistencies(digest: sha256, expectedRoot: anchor.rootHex)
        #expect(refused == [.rootNotExpected(expected: anchor.rootHex, found: forged.rootHex)])
    }

    @Test(arguments: [
        ("", "no root line"),
        ("gridgov history anchor 2\n", "line 1"),
        ("gridgov history anchor 1\ncase 2026-11-22 10 5 00 HD-1\n", "line 2"),
        ("gridgov history anchor 1\ndistrict HD 7 2026-11-18T11:06:40Z\ncase 2026-11-22 10 five 00 HD-1\n", "seq 'five'"),
        ("gridgov history anchor 1\ndistrict HD 7 2026-11-18T11:06:40Z\ncase 2026-11-22 10 5 0g HD-1\n", "hash '0g'"),
        ("gridgov history anchor 1\ndistrict HD 7 2026-11-18T11:06:40Z\ncase 2026-11-22 10 5 00 HD-1\ntotal HD 1 5 00\n", "2026-11-22 have no day line"),
        ("gridgov history anchor 1\ndistrict HD 7 yesterday\n", "time 'yesterday'"),
        ("gridgov history anchor 1\nroot 1 0 0 00\n", "counts 1 districts"),
        ("gridgov history anchor 1\nroot 0 0 0 00\nroot 0 0 0 00\n", "nothing may follow"),
        ("gridgov history anchor 1\nleaf 1\n", "unknown line 'leaf'"),
    ])
    func aMalformedFileIsRefusedWithItsLine(text: String, says: String) {
        do {
            _ = try HistoryAnchor.parse(text)
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.message.en.contains(says), "\(error.message.en)")
        }
    }

    @Test func anUnchangedDatabaseAndGrownHistoriesPass() {
        let d = Self.district()
        #expect(d.compare(with: Self.unchanged(d), digest: sha256).isEmpty)
        // Case 10 has had two more events since; its anchored event is still event 5 with the same hash.
        var grown = Self.unchanged(d)
        grown[10]?.lastSeq = 7
        #expect(d.compare(with: grown, digest: sha256).isEmpty)
    }

    @Test func aDeletedCaseIsNamedWithItsDay() {
        let d = Self.district()
        var found = Self.unchanged(d)
        found[11] = nil
        let findings = d.compare(with: found, digest: sha256)
        #expect(findings.count == 2)
        #expect(findings[0] == .dayChanged(district: "HD", day: Self.day1, anchoredCases: 2, anchoredEvents: 8, intactCases: 1, intactEvents: 5))
        #expect(findings[1] == .caseDeleted(district: "HD", day: Self.day1, d.days[0].heads[1]))
        #expect(findings[1].text.en.contains("HD-20261122-000002 (id 11)") && findings[1].text.en.contains("2026-11-22"))
        #expect(findings[1].text.zh.contains("案件被删除"))
    }

    @Test func aRewoundCaseIsNamedWithWhereItsHistoryNowEnds() {
        let d = Self.district()
        var found = Self.unchanged(d)
        found[10] = FoundHead(lastSeq: 3, hashAtAnchoredSeq: nil)
        let findings = d.compare(with: found, digest: sha256)
        #expect(findings.map(\.caseId) == [nil, 10])
        #expect(findings.last == .caseRewound(district: "HD", day: Self.day1, d.days[0].heads[0], lastSeq: 3))
        #expect(findings.last?.text.en.contains("up to event 5, which now ends at event 3") == true)
    }

    @Test func aReHashedHistoryIsNamed() {
        let d = Self.district()
        var found = Self.unchanged(d)
        found[12] = FoundHead(lastSeq: 1, hashAtAnchoredSeq: Self.hash("12/1 edited"))
        let findings = d.compare(with: found, digest: sha256)
        #expect(
            findings == [
                .dayChanged(district: "HD", day: Self.day2, anchoredCases: 1, anchoredEvents: 1, intactCases: 0, intactEvents: 0),
                .caseRehashed(district: "HD", day: Self.day2, d.days[1].heads[0]),
            ])
        #expect(findings.map(\.day) == [Self.day2, Self.day2])
    }
}
