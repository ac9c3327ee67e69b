/// The kinds of node in a district's tree, and which kind may hang under which.
public enum OrgUnitKind: String, Sendable, CaseIterable, Codable {
    case district, street, township, zone, community, village, grid

    public var label: Text {
        switch self {
        case .district: Text(zh: "区", en: "district")
        case .street: Text(zh: "街道", en: "street")
        case .township: Text(zh: "乡镇", en: "township")
        case .zone: Text(zh: "片区", en: "zone")
        case .community: Text(zh: "社区", en: "community")
        case .village: Text(zh: "村", en: "village")
        case .grid: Text(zh: "网格", en: "grid")
        }
    }

    /// The kind a district's GIS export names: the English key or a Chinese name (区, 街道, 乡镇, 镇,
    /// 乡, 片区, 社区, 居委会, 村, 行政村, 网格).
    public init?(name: String) {
        guard let kind = OrgUnitKind(rawValue: name) ?? Self.chineseNames[name] else { return nil }
        self = kind
    }

    static let chineseNames: [String: OrgUnitKind] = [
        "区": .district, "街道": .street, "乡镇": .township, "镇": .township, "乡": .township, "片区": .zone,
        "社区": .community, "居委会": .community, "村": .village, "行政村": .village, "网格": .grid,
    ]

    /// The Chinese names accepted, for error messages.
    public static var chineseList: String { "区, 街道, 乡镇, 镇, 乡, 片区, 社区, 居委会, 村, 行政村, 网格" }

    /// Whether a unit of this kind (and grid level, for grids) may be a child of `parent`.
    public func canHang(gridLevel: Int?, under parent: OrgUnitKind, parentGridLevel: Int?) -> Bool {
        switch self {
        case .district: false
        case .street, .township: parent == .district
        case .zone: parent == .street || parent == .township
        case .community, .village: parent == .street || parent == .township || parent == .zone
        case .grid:
            switch (gridLevel, parent) {
            case (1, .community), (1, .village): true
            case (let level?, .grid): parentGridLevel.map { $0 + 1 == level } ?? false
            default: false
            }
        }
    }

    /// The kinds a child of this kind may have, for error messages.
    public var allowedChildren: [OrgUnitKind] {
        OrgUnitKind.allCases.filter { child in
            child.canHang(gridLevel: child == .grid ? (self == .grid ? 2 : 1) : nil, under: self, parentGridLevel: self == .grid ? 1 : nil)
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A tenant's named grid levels, outermost first (e.g. 基础网格 → 单元网格).
public struct GridLevel: Sendable, Equatable, Codable {
    public var key: String
    public var name: String

    public init(key: String, name: String) {
        self.key = key
        self.name = name
    }

    public static let defaults = [GridLevel(key: "basicGrid", name: "基础网格"), GridLevel(key: "unitGrid", name: "单元网格")]
}
