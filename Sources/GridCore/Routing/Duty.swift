/// One row of a district's duty list (职责清单): the department that owns an item (or a whole
/// class of items) within an area of the district.
public struct DutyEntry: Sendable, Hashable, Codable {
    public var categoryCode: String
    public var areaCode: String
    public var department: String
    public var note: String?

    public init(categoryCode: String, areaCode: String, department: String, note: String? = nil) {
        self.categoryCode = categoryCode
        self.areaCode = areaCode
        self.department = department
        self.note = note
    }
}

/// The duty list arranged for lookup. The owner of a report is the row of the most specific
/// category (item before sub-class before class) and, among those, of the smallest area
/// (grid before community before street before district).
public struct DutyIndex: Sendable {
    private let byCategory: [String: [DutyEntry]]

    public init(_ entries: [DutyEntry]) {
        byCategory = Dictionary(grouping: entries, by: \.categoryCode)
    }

    public var isEmpty: Bool { byCategory.isEmpty }

    public func owner(categoryChain: [String], areaChain: [String]) -> DutyEntry? {
        for category in categoryChain.reversed() {
            guard let rows = byCategory[category] else { continue }
            var best: (depth: Int, entry: DutyEntry)?
            for row in rows {
                guard let depth = areaChain.lastIndex(of: row.areaCode) else { continue }
                if best == nil || depth > best!.depth { best = (depth, row) }
            }
            if let best { return best.entry }
        }
        return nil
    }
}
