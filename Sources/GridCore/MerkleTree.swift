/// A hash function over bytes. GridCore does no cryptography of its own: the caller passes one
/// (GridService passes SHA-256).
public typealias DigestFunction = @Sendable ([UInt8]) -> [UInt8]

/// The Merkle tree hash of RFC 6962 (Certificate Transparency, section 2.1): a leaf is hashed as
/// H(0x00 ‖ leaf), an inner node as H(0x01 ‖ left ‖ right), and a list of n > 1 items splits after
/// the largest power of two below n. The prefixes keep a leaf from passing for a node, and the
/// split never repeats a leaf to fill the tree, so two different lists never share a root. Anyone
/// can recompute a root with a few lines of any language.
public enum MerkleTree {
    /// The root over `leaves` in their order; H of no bytes for none.
    public static func root(_ leaves: [[UInt8]], digest: DigestFunction) -> [UInt8] {
        guard !leaves.isEmpty else { return digest([]) }
        return node(leaves.map { digest([0] + $0) }[...], digest)
    }

    /// The root over the UTF-8 bytes of each text.
    public static func root(texts: [String], digest: DigestFunction) -> [UInt8] {
        root(texts.map { Array($0.utf8) }, digest: digest)
    }

    static func node(_ hashes: ArraySlice<[UInt8]>, _ digest: DigestFunction) -> [UInt8] {
        guard hashes.count > 1 else { return hashes[hashes.startIndex] }
        var split = 1
        while split * 2 < hashes.count { split *= 2 }
        let left = node(hashes.prefix(split), digest), right = node(hashes.dropFirst(split), digest)
        return digest([1] + left + right)
    }
}

/// Lower-case hexadecimal, as anchors and hashes are written.
public enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Nil unless `text` is an even number of hexadecimal digits (either case).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = value(utf8[i]), let low = value(utf8[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }
}
