import Foundation

/// The head of one case's hash-chained history when an anchor was taken: its last event. Every
/// event's hash covers the one before, so the head pins the whole history up to it.
public struct ChainHead: Sendable, Equatable {
    public var caseId: Int64
    /// The case's number, for people (not hashed: cases are compared by id).
    public var number: String
    /// The last event's seq (the number of events); 0 for a case without history.
    public var seq: Int64
    /// The last event's hash; empty for a case without history.
    public var hash: [UInt8]

    public init(caseId: Int64, number: String, seq: Int64, hash: [UInt8]) {
        self.caseId = caseId
        self.number = number
        self.seq = seq
        self.hash = hash
    }

    /// The Merkle leaf: "<case id> <seq> <hash>".
    public var leaf: String { "\(caseId) \(seq) \(HistoryAnchor.hex(hash))" }
}

/// What the database holds now of an anchored case: the seq of its last event and the hash of its
/// event at the anchored seq (nil when there is no such event any more).
public struct FoundHead: Sendable, Equatable {
    public var lastSeq: Int64
    public var hashAtAnchoredSeq: [UInt8]?

    public init(lastSeq: Int64, hashAtAnchoredSeq: [UInt8]?) {
        self.lastSeq = lastSeq
        self.hashAtAnchoredSeq = hashAtAnchoredSeq
    }
}

/// The anchored cases of one district reported on one local day.
public struct AnchoredDay: Sendable, Equatable {
    public var day: LocalDate
    /// By case id.
    public var heads: [ChainHead]
    public var cases: Int
    /// Events covered: the sum of the heads' seqs.
    public var events: Int64
    /// The Merkle root over the heads' leaves.
    public var root: [UInt8]

    public init(day: LocalDate, heads: [ChainHead], digest: DigestFunction) {
        let sorted = heads.sorted { $0.caseId < $1.caseId }
        self.init(
            day: day, heads: sorted, cases: sorted.count, events: sorted.reduce(0) { $0 + $1.seq },
            root: MerkleTree.root(texts: sorted.map(\.leaf), digest: digest))
    }

    /// A day as an anchor file states it.
    init(day: LocalDate, heads: [ChainHead], cases: Int, events: Int64, root: [UInt8]) {
        self.day = day
        self.heads = heads
        self.cases = cases
        self.events = events
        self.root = root
    }

    /// The Merkle leaf of the day in its district's tree: "<day> <cases> <events> <root>".
    public var leaf: String { "\(day) \(cases) \(events) \(HistoryAnchor.hex(root))" }
}

/// One district's cases, anchored: by local day of report, the head of every case's history.
public struct DistrictAnchor: Sendable, Equatable {
    public var code: String
    public var tenantId: Int64
    /// When the heads were read (whole seconds).
    public var taken: Date
    /// By day.
    public var days: [AnchoredDay]
    public var cases: Int
    public var events: Int64
    /// The Merkle root over the days' leaves.
    public var root: [UInt8]

    /// Groups `heads` by day and computes the roots.
    public init(code: String, tenantId: Int64, taken: Date, heads: [(day: LocalDate, head: ChainHead)], digest: DigestFunction) {
        let byDay = Dictionary(grouping: heads, by: \.day)
        let days = byDay.keys.sorted().map { AnchoredDay(day: $0, heads: byDay[$0]!.map(\.head), digest: digest) }
        self.init(
            code: code, tenantId: tenantId, taken: Date(timeIntervalSince1970: taken.timeIntervalSince1970.rounded(.down)), days: days,
            cases: days.reduce(0) { $0 + $1.cases }, events: days.reduce(0) { $0 + $1.events },
            root: MerkleTree.root(texts: days.map(\.leaf), digest: digest))
    }

    /// A district as an anchor file states it.
    init(code: String, tenantId: Int64, taken: Date, days: [AnchoredDay], cases: Int, events: Int64, root: [UInt8]) {
        self.code = code
        self.tenantId = tenantId
        self.taken = taken
        self.days = days
        self.cases = cases
        self.events = events
        self.root = root
    }

    /// The Merkle leaf of the district in the file's tree: "<code> <tenant id> <taken> <cases> <events> <root>".
    public var leaf: String { "\(code) \(tenantId) \(HistoryAnchor.time(taken)) \(cases) \(events) \(HistoryAnchor.hex(root))" }

    /// Every anchored head with its day.
    public var heads: [(day: LocalDate, head: ChainHead)] { days.flatMap { day in day.heads.map { (day.day, $0) } } }

    /// Compares the anchored heads with what the database holds now (`found`, by case id; a case
    /// missing from it was deleted). A history may have grown since: its anchored head must still
    /// be its event at the same seq with the same hash. Each day whose heads no longer hash to its
    /// root is named, then each of its cases that was deleted, rewound or re-hashed.
    public func compare(with found: [Int64: FoundHead], digest: DigestFunction) -> [AnchorFinding] {
        var findings: [AnchorFinding] = []
        for day in days {
            var leaves: [String] = []
            var intactCases = 0
            var intactEvents: Int64 = 0
            var cases: [AnchorFinding] = []
            for head in day.heads {
                guard let now = found[head.caseId] else {
                    cases.append(.caseDeleted(district: code, day: day.day, head))
                    continue
                }
                let hash: [UInt8]? = head.seq == 0 ? [] : now.hashAtAnchoredSeq
                guard let hash else {
                    cases.append(.caseRewound(district: code, day: day.day, head, lastSeq: now.lastSeq))
                    continue
                }
                leaves.append(ChainHead(caseId: head.caseId, number: head.number, seq: head.seq, hash: hash).leaf)
                if hash == head.hash {
                    intactCases += 1
                    intactEvents += head.seq
                } else {
                    cases.append(.caseRehashed(district: code, day: day.day, head))
                }
            }
            if MerkleTree.root(texts: leaves, digest: digest) != day.root || intactCases != day.cases {
                findings.append(
                    .dayChanged(
                        district: code, day: day.day, anchoredCases: day.cases, anchoredEvents: day.events,
                        intactCases: intactCases, intactEvents: intactEvents))
            }
            findings += cases
        }
        return findings
    }
}

/// What comparing a database (or an anchor file with itself) found wrong.
public enum AnchorFinding: Sendable, Equatable {
    /// An anchored case is no longer in the database.
    case caseDeleted(district: String, day: LocalDate, ChainHead)
    /// An anchored case's history now ends before its anchored head.
    case caseRewound(district: String, day: LocalDate, ChainHead, lastSeq: Int64)
    /// An anchored case's event at the head's seq has another hash: the history was edited and re-hashed.
    case caseRehashed(district: String, day: LocalDate, ChainHead)
    /// A day's anchored cases no longer hash to its root.
    case dayChanged(district: String, day: LocalDate, anchoredCases: Int, anchoredEvents: Int64, intactCases: Int, intactEvents: Int64)
    /// An anchored district is not in the database.
    case districtMissing(district: String, tenantId: Int64)
    /// The district's code now names another tenant than the anchored one.
    case districtReplaced(district: String, anchoredId: Int64, currentId: Int64)
    /// The district asked for is not in the anchor.
    case districtNotAnchored(district: String)
    /// The anchor file's own lines do not add up to its roots.
    case fileInconsistent(Text)
    /// The anchor file's root is not the one kept elsewhere.
    case rootNotExpected(expected: String, found: String)

    public var caseId: Int64? {
        switch self {
        case .caseDeleted(_, _, let head), .caseRewound(_, _, let head, _), .caseRehashed(_, _, let head): head.caseId
        default: nil
        }
    }

    public var day: LocalDate? {
        switch self {
        case .caseDeleted(_, let day, _), .caseRewound(_, let day, _, _), .caseRehashed(_, let day, _), .dayChanged(_, let day, _, _, _, _): day
        default: nil
        }
    }

    public var text: Text {
        switch self {
        case .caseDeleted(let district, let day, let head):
            Text(
                zh: "\(district) \(day)：案件 \(head.number)（id \(head.caseId)）在锚点中（至事件 \(head.seq)），数据库中已没有：案件被删除",
                en:
                    "\(district) \(day): case \(head.number) (id \(head.caseId)) is in the anchor (up to event \(head.seq)) but not in the database: the case was deleted"
            )
        case .caseRewound(let district, let day, let head, let lastSeq):
            Text(
                zh: "\(district) \(day)：案件 \(head.number)（id \(head.caseId)）锚定时历史至事件 \(head.seq)，现在只到事件 \(lastSeq)：事件被删除，案件被回退",
                en:
                    "\(district) \(day): case \(head.number) (id \(head.caseId)) was anchored with its history up to event \(head.seq), which now ends at event \(lastSeq): events were deleted and the case rewound"
            )
        case .caseRehashed(let district, let day, let head):
            Text(
                zh: "\(district) \(day)：案件 \(head.number)（id \(head.caseId)）的事件 \(head.seq) 与锚定的哈希不同：历史被修改后重新计算了哈希链",
                en:
                    "\(district) \(day): case \(head.number) (id \(head.caseId)) event \(head.seq) no longer has its anchored hash: the history was edited and its chain re-hashed"
            )
        case .dayChanged(let district, let day, let anchoredCases, let anchoredEvents, let intactCases, let intactEvents):
            Text(
                zh: "\(district) \(day)：当天锚定的案件与锚点的根哈希不符（锚定 \(anchoredCases) 件、\(anchoredEvents) 个事件，完好 \(intactCases) 件、\(intactEvents) 个事件）",
                en:
                    "\(district) \(day): the day's anchored cases no longer hash to its root (anchored \(anchoredCases) cases, \(anchoredEvents) events; intact \(intactCases) cases, \(intactEvents) events)"
            )
        case .districtMissing(let district, let tenantId):
            Text(zh: "区 \(district)（租户 \(tenantId)）在锚点中，数据库中已没有", en: "district \(district) (tenant \(tenantId)) is in the anchor but not in the database")
        case .districtReplaced(let district, let anchoredId, let currentId):
            Text(
                zh: "区 \(district) 锚定时是租户 \(anchoredId)，现在是租户 \(currentId)：原来的区被删除后重建",
                en: "district \(district) was tenant \(anchoredId) when anchored and is tenant \(currentId) now: the district was deleted and created again")
        case .districtNotAnchored(let district):
            Text(zh: "锚点中没有区 \(district)", en: "the anchor has no district \(district)")
        case .fileInconsistent(let what):
            Text(zh: "锚点文件本身对不上：\(what.zh)（文件被改动或损坏）", en: "the anchor file does not add up: \(what.en) (it was altered or damaged)")
        case .rootNotExpected(let expected, let found):
            Text(
                zh: "锚点文件的根哈希是 \(found)，不是另行保存的 \(expected)：这不是当初写下的那份锚点",
                en: "the anchor file's root is \(found), not the \(expected) kept elsewhere: this is not the anchor that was written")
        }
    }
}

/// Case histories anchored outside the database. An owner of the schema can delete a case's last
/// events and rewind it, re-hash an edited chain or delete a whole case, and the chains alone
/// still verify; a copy of every chain's head kept where that owner cannot reach exposes it. One
/// file holds, per district and local day of report, each case's head and the Merkle roots over
/// them, line by line:
///
///     gridgov history anchor 1
///     district <code> <tenant id> <taken>
///     case <day> <case id> <seq> <hash> <number>      (by day, then case id)
///     day <day> <cases> <events> <root>               (after its cases)
///     total <code> <cases> <events> <root>
///     root <districts> <cases> <events> <root>
///
/// Roots are RFC 6962 Merkle trees (`MerkleTree`) over these leaves, as UTF-8 text: a day's over
/// "<case id> <seq> <hash>" of its cases; a district's over "<day> <cases> <events> <root>" of its
/// days; the file's over "<code> <tenant id> <taken> <cases> <events> <root>" of its districts, by
/// code. Lines starting with # are comments.
public struct HistoryAnchor: Sendable, Equatable {
    public static let formatLine = "gridgov history anchor 1"

    /// By code.
    public var districts: [DistrictAnchor]
    public var cases: Int
    public var events: Int64
    public var root: [UInt8]

    public init(districts: [DistrictAnchor], digest: DigestFunction) {
        let sorted = districts.sorted { $0.code < $1.code }
        self.init(
            districts: sorted, cases: sorted.reduce(0) { $0 + $1.cases }, events: sorted.reduce(0) { $0 + $1.events },
            root: MerkleTree.root(texts: sorted.map(\.leaf), digest: digest))
    }

    init(districts: [DistrictAnchor], cases: Int, events: Int64, root: [UInt8]) {
        self.districts = districts
        self.cases = cases
        self.events = events
        self.root = root
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.isEmpty ? "-" : Hex.encode(bytes) }

    static func time(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }

    public var rootHex: String { Hex.encode(root) }

    static let comments = [
        "# Case histories anchored: per district and local day of report, each case's last event (seq and hash),",
        "# with SHA-256 Merkle roots (RFC 6962) over days, districts and the file. Keep every such file where the",
        "# database's owner cannot change it (write-once storage, another machine; the root line on paper) and check",
        "# the database against it: gridgov cases verify-history --anchor FILE [--root <root of the last line>]",
    ]

    /// The file, line by line (each without its newline).
    public func render(_ emit: (String) -> Void) {
        emit(Self.formatLine)
        Self.comments.forEach(emit)
        for district in districts {
            emit("district \(district.code) \(district.tenantId) \(Self.time(district.taken))")
            for day in district.days {
                for head in day.heads { emit("case \(day.day) \(head.caseId) \(head.seq) \(Self.hex(head.hash)) \(head.number)") }
                emit("day \(day.day) \(day.cases) \(day.events) \(Self.hex(day.root))")
            }
            emit("total \(district.code) \(district.cases) \(district.events) \(Self.hex(district.root))")
        }
        emit("root \(districts.count) \(cases) \(events) \(Self.hex(root))")
    }

    public var rendered: String {
        var text = ""
        render { text += $0 + "\n" }
        return text
    }

    /// How many fields each kind of line has, its kind included.
    static let fieldCounts = ["district": 4, "case": 6, "day": 5, "total": 5, "root": 5]

    /// Reads a file as it states itself (roots as written: `inconsistencies` recomputes them).
    public static func parse(_ text: String) throws(GridError) -> HistoryAnchor {
        var open: (code: String, tenantId: Int64, taken: Date)?
        var pending: [LocalDate: [ChainHead]] = [:]
        var days: [AnchoredDay] = []
        var districts: [DistrictAnchor] = []
        var total: (districts: Int, cases: Int, events: Int64, root: [UInt8])?
        var sawFormat = false
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            func bad(_ zh: String, _ en: String) -> GridError {
                GridError(.anchorBadLine, Text(zh: "锚点文件第 \(number) 行：\(zh)", en: "anchor line \(number): \(en)"))
            }
            guard sawFormat else {
                guard line == formatLine else { throw bad("应为“\(formatLine)”", "expected '\(formatLine)', the first line of an anchor") }
                sawFormat = true
                continue
            }
            guard total == nil else { throw bad("root 行之后不应再有内容", "nothing may follow the root line") }
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            func field<T>(_ i: Int, _ name: String, _ parse: (String) -> T?) throws(GridError) -> T {
                guard let value = parse(fields[i]) else { throw bad("\(name)“\(fields[i])”无法读取", "cannot read \(name) '\(fields[i])'") }
                return value
            }
            guard let count = fieldCounts[fields[0]] else {
                throw bad("未知的行“\(fields[0])”", "unknown line '\(fields[0])' (district, case, day, total or root)")
            }
            guard fields.count == count else { throw bad("应有 \(count) 个字段，实有 \(fields.count) 个", "expected \(count) fields, found \(fields.count)") }
            let date = { (text: String) in LocalDate(text) }
            let hash: (String) -> [UInt8]? = { $0 == "-" ? [] : Hex.decode($0) }
            switch fields[0] {
            case "district":
                guard open == nil else { throw bad("上一个区还没有 total 行", "the district before has no total line") }
                open = (fields[1], try field(2, "tenant id", { Int64($0) }), try field(3, "time", { try? Date.ISO8601FormatStyle().parse($0) }))
            case "case":
                guard open != nil else { throw bad("case 行应在 district 行之后", "a case line comes after a district line") }
                let head = ChainHead(
                    caseId: try field(2, "case id", { Int64($0) }), number: fields[5], seq: try field(3, "seq", { Int64($0) }),
                    hash: try field(4, "hash", hash))
                pending[try field(1, "day", date), default: []].append(head)
            case "day":
                guard open != nil else { throw bad("day 行应在 district 行之后", "a day line comes after a district line") }
                let day = try field(1, "day", date)
                days.append(
                    AnchoredDay(
                        day: day, heads: pending.removeValue(forKey: day) ?? [], cases: try field(2, "cases", { Int($0) }),
                        events: try field(3, "events", { Int64($0) }), root: try field(4, "root", hash)))
            case "total":
                guard let district = open, district.code == fields[1] else {
                    throw bad("total 行与 district 行的区不一致", "the total line names another district than its district line")
                }
                if let day = pending.keys.min() { throw bad("\(day) 的案件没有 day 行", "the cases of \(day) have no day line") }
                districts.append(
                    DistrictAnchor(
                        code: district.code, tenantId: district.tenantId, taken: district.taken, days: days,
                        cases: try field(2, "cases", { Int($0) }), events: try field(3, "events", { Int64($0) }),
                        root: try field(4, "root", hash)))
                open = nil
                days = []
            default:
                guard open == nil else { throw bad("root 行之前的区没有 total 行", "the district before the root line has no total line") }
                total = (
                    try field(1, "districts", { Int($0) }), try field(2, "cases", { Int($0) }), try field(3, "events", { Int64($0) }),
                    try field(4, "root", hash)
                )
            }
        }
        guard let total else {
            throw GridError(
                .anchorIncomplete,
                Text(
                    zh: "锚点文件不完整：没有 root 行（文件被截断？）",
                    en: "the anchor file is incomplete: it has no root line (was it cut short?)"))
        }
        if total.districts != districts.count {
            throw GridError(
                .anchorIncomplete,
                Text(
                    zh: "锚点文件的 root 行说有 \(total.districts) 个区，文件中有 \(districts.count) 个",
                    en: "the anchor's root line counts \(total.districts) districts, the file holds \(districts.count)"))
        }
        return HistoryAnchor(districts: districts, cases: total.cases, events: total.events, root: total.root)
    }

    /// Recomputes every count and root from the case lines and names each that differs from what
    /// the file states; `expectedRoot` (hex, from a copy kept elsewhere) is compared with the file's.
    public func inconsistencies(digest: DigestFunction, expectedRoot: String? = nil) -> [AnchorFinding] {
        var findings: [AnchorFinding] = []
        func differs(_ zh: String, _ en: String) { findings.append(.fileInconsistent(Text(zh: zh, en: en))) }
        let rebuilt = districts.map { DistrictAnchor(code: $0.code, tenantId: $0.tenantId, taken: $0.taken, heads: $0.heads, digest: digest) }
        for (stated, computed) in zip(districts, rebuilt) where stated != computed {
            let statedDays = Dictionary(stated.days.map { ($0.day, $0) }, uniquingKeysWith: { first, _ in first })
            for day in computed.days where statedDays[day.day].map({ ($0.cases, $0.events, $0.root) != (day.cases, day.events, day.root) }) ?? true {
                differs(
                    "\(stated.code) \(day.day) 的 case 行合计 \(day.cases) 件、\(day.events) 个事件，根哈希 \(Self.hex(day.root))，与 day 行不符",
                    "\(stated.code) \(day.day): its case lines add up to \(day.cases) cases, \(day.events) events, root \(Self.hex(day.root)), not what its day line says"
                )
            }
            if (stated.cases, stated.events, stated.root) != (computed.cases, computed.events, computed.root) {
                differs(
                    "\(stated.code) 的各天合计 \(computed.cases) 件、\(computed.events) 个事件，根哈希 \(Self.hex(computed.root))，与 total 行不符",
                    "\(stated.code): its days add up to \(computed.cases) cases, \(computed.events) events, root \(Self.hex(computed.root)), not what its total line says"
                )
            }
        }
        let whole = HistoryAnchor(districts: rebuilt, digest: digest)
        if (whole.cases, whole.events, whole.root) != (cases, events, root) {
            differs(
                "各区合计 \(whole.cases) 件、\(whole.events) 个事件，根哈希 \(whole.rootHex)，与 root 行不符",
                "its districts add up to \(whole.cases) cases, \(whole.events) events, root \(whole.rootHex), not what its root line says")
        }
        if let expectedRoot, expectedRoot.lowercased() != rootHex {
            findings.append(.rootNotExpected(expected: expectedRoot.lowercased(), found: rootHex))
        }
        return findings
    }
}
