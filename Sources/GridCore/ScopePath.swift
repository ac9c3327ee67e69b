/// A materialized tree path: the ids from the root down, each followed by a dot
/// (`"1.12.130.4711."`). "Everything under X" is the text range [path, path + "~"), which a btree
/// on a C-collated column answers and RLS does not hinder.
public struct ScopePath: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let raw: String

    public init?(_ raw: String) {
        // Canonical ids only: digits without a sign or a leading zero, so that equal ids are equal text.
        let ids = raw.split(separator: ".", omittingEmptySubsequences: false).dropLast()
        guard raw.hasSuffix("."), !ids.isEmpty,
            ids.allSatisfy({ ($0 == "0" || $0.first != "0") && $0.allSatisfy { $0.isASCII && $0.isNumber } && Int64($0) != nil })
        else {
            return nil
        }
        self.raw = raw
    }

    public static func root(_ id: Int64) -> ScopePath { ScopePath(unchecked: "\(id).") }

    private init(unchecked raw: String) { self.raw = raw }

    public func child(_ id: Int64) -> ScopePath { ScopePath(unchecked: raw + "\(id).") }

    /// The ids from the root to the node itself.
    public var ids: [Int64] { raw.split(separator: ".").compactMap { Int64($0) } }

    public var depth: Int { ids.count }

    /// Whether `other` is this node or lies beneath it.
    public func covers(_ other: ScopePath) -> Bool { other.raw.hasPrefix(raw) }

    /// The exclusive upper bound of the subtree range.
    public var upperBound: String { raw + "~" }

    /// Re-roots a descendant path when this node moves to `newPath`.
    public func rebase(_ descendant: ScopePath, onto newPath: ScopePath) -> ScopePath {
        precondition(covers(descendant))
        return ScopePath(unchecked: newPath.raw + descendant.raw.dropFirst(raw.count))
    }

    public var description: String { raw }

    public static func < (lhs: ScopePath, rhs: ScopePath) -> Bool { lhs.raw < rhs.raw }
}
