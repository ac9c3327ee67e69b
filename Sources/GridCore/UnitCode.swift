import Foundation

/// The national code scheme (GB/T 2260 + statistical division codes + CJ/T 213 unit grids):
/// district 6 digits, street/township 9, community/village 12, grid 15, each extending the code of
/// its nearest coded ancestor by one 3-digit segment whose range depends on the kind. Zones (片区)
/// are local groupings outside the scheme and carry free codes.
public enum UnitCode {
    /// The kinds whose codes belong to the national chain.
    public static func isNational(_ kind: OrgUnitKind) -> Bool { kind != .zone }

    public static func digits(for kind: OrgUnitKind) -> Int {
        switch kind {
        case .district: 6
        case .street, .township: 9
        case .community, .village: 12
        case .grid: 15
        case .zone: 0
        }
    }

    /// The allowed range of the kind's own 3-digit segment.
    static func segmentRange(for kind: OrgUnitKind) -> ClosedRange<Int>? {
        switch kind {
        case .street: 1...99
        case .township: 100...399
        case .community: 1...199
        case .village: 200...399
        case .grid: 1...999
        case .district, .zone: nil
        }
    }

    /// Checks `code` for a unit of `kind` whose nearest coded ancestor has `ancestorCode`
    /// (nil for a district). Returns nil when the code is right, otherwise what is wrong.
    public static func problem(kind: OrgUnitKind, code: String, ancestorCode: String?) -> Text? {
        if kind == .zone {
            let ok = !code.isEmpty && code.count <= 32 && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            return ok
                ? nil
                : Text(
                    zh: "片区编码“\(code)”只能由 1–32 个字母、数字、- 或 _ 组成",
                    en: "zone code '\(code)' must be 1–32 letters, digits, '-' or '_'")
        }
        let length = digits(for: kind)
        guard code.count == length, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return Text(
                zh: "\(kind.label.zh)编码“\(code)”应为 \(length) 位数字",
                en: "\(kind.label.en) code '\(code)' must be \(length) digits")
        }
        if kind == .district {
            return code.first == "0" ? Text(zh: "区划代码“\(code)”不能以 0 开头", en: "division code '\(code)' cannot start with 0") : nil
        }
        guard let ancestorCode else {
            return Text(zh: "\(kind.label.zh)编码“\(code)”缺少上级编码", en: "\(kind.label.en) code '\(code)' has no coded ancestor")
        }
        guard ancestorCode.count == length - 3, code.hasPrefix(ancestorCode) else {
            return Text(
                zh: "\(kind.label.zh)编码“\(code)”应以上级编码“\(ancestorCode)”开头",
                en: "\(kind.label.en) code '\(code)' must start with its parent's code '\(ancestorCode)'")
        }
        let segment = Int(code.suffix(3)) ?? 0
        if let range = segmentRange(for: kind), !range.contains(segment) {
            let low = String(format: "%03d", range.lowerBound), high = String(format: "%03d", range.upperBound)
            return Text(
                zh: "\(kind.label.zh)编码“\(code)”的本级段 \(code.suffix(3)) 应在 \(low)–\(high) 之间",
                en: "\(kind.label.en) code '\(code)': segment \(code.suffix(3)) must be within \(low)–\(high)")
        }
        return nil
    }
}
