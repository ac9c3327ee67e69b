import Foundation

/// An IP address, read from its text form (dotted IPv4, or IPv6 with `::` and an embedded IPv4).
public enum IPAddress: Sendable, Equatable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])  // 16 bytes

    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }  // fe80::1%eth0
        if let v4 = Self.parseV4(text) {
            self = .v4(v4)
        } else if let v6 = Self.parseV6(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    static func parseV6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, piece.contains("."), let v4 = parseV4(piece) {
                    bytes += [UInt8(v4 >> 24), UInt8(v4 >> 16 & 0xFF), UInt8(v4 >> 8 & 0xFF), UInt8(v4 & 0xFF)]
                    continue
                }
                guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else { return nil }
                bytes += [UInt8(group >> 8), UInt8(group & 0xFF)]
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// The IPv4 address an IPv6 one carries (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`).
    public var embeddedV4: UInt32? {
        guard case .v6(let bytes) = self else { return nil }
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        let nat64 = bytes[0..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0][...]
        guard mapped || nat64 else { return nil }
        return UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15])
    }

    public var description: String {
        switch self {
        case .v4(let value): return [24, 16, 8, 0].map { String(value >> UInt32($0) & 0xFF) }.joined(separator: ".")
        case .v6(let bytes):
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
        }
    }
}

/// A block of addresses: `10.0.0.0/8`, `fc00::/7`, or one address.
public struct IPNetwork: Sendable, Equatable {
    public var address: IPAddress
    public var prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return nil }
        let width = if case .v4 = address { 32 } else { 128 }
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...width).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            prefix = width
        }
        self.address = address
    }

    public func contains(_ other: IPAddress) -> Bool {
        switch (address, other) {
        case (.v4(let network), .v4(let value)):
            let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
            return network & mask == value & mask
        case (.v6(let network), .v6(let value)):
            for i in 0..<16 {
                let bits = min(8, max(0, prefix - i * 8))
                let mask: UInt8 = bits == 0 ? 0 : ~UInt8(0) << UInt8(8 - bits)
                if network[i] & mask != value[i] & mask { return false }
            }
            return true
        default:
            return false
        }
    }
}

/// Where a district's webhooks may be delivered: not into the service's own network. Loopback,
/// private, link-local (the cloud metadata service at 169.254.169.254 among them), shared,
/// multicast and reserved addresses are refused, unless the district's allow-list names the
/// address, a network around it or the host (its departments' systems on premises).
public enum WebhookTarget {
    /// The ranges refused, with what they are.
    public static let refusedRanges: [(network: IPNetwork, what: String)] = [
        ("0.0.0.0/8", "this network"), ("10.0.0.0/8", "private"), ("100.64.0.0/10", "shared (carrier NAT)"), ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local (cloud metadata)"), ("172.16.0.0/12", "private"), ("192.0.0.0/24", "protocol assignments"),
        ("192.168.0.0/16", "private"), ("198.18.0.0/15", "benchmarking"), ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"), ("::1/128", "loopback"), ("fc00::/7", "unique local (private)"), ("fe80::/10", "link-local"),
        ("ff00::/8", "multicast"),
    ].map { (IPNetwork($0.0)!, $0.1) }

    /// What the address is when it is refused (`loopback`, `private` …), nil when it is public.
    public static func refusedRange(of address: IPAddress) -> String? {
        if let v4 = address.embeddedV4 { return refusedRange(of: .v4(v4)) }
        return refusedRanges.first { $0.network.contains(address) }?.what
    }

    /// Whether the allow-list names this host or address (an entry is a host name, an address or a network).
    public static func allowed(host: String, address: IPAddress, allowList: [String]) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: ["[", "]"])
        let addresses = [address] + (address.embeddedV4.map { [IPAddress.v4($0)] } ?? [])
        return allowList.contains { entry in
            if let network = IPNetwork(entry) { return addresses.contains(where: network.contains) }
            return entry.lowercased() == host
        }
    }

    /// Why the target `host` resolved to `addresses` is refused; nil when every address may be called.
    public static func problem(host: String, addresses: [IPAddress], allowList: [String]) -> Text? {
        guard !addresses.isEmpty else {
            return Text(zh: "回调地址的主机“\(host)”无法解析", en: "the host '\(host)' of the URL does not resolve")
        }
        for address in addresses {
            guard let what = refusedRange(of: address), !allowed(host: host, address: address, allowList: allowList) else { continue }
            return Text(
                zh: "回调地址“\(host)”指向内部地址 \(address)（\(what)），不允许；如为本区内网系统，请先由区管理员加入回调白名单",
                en:
                    "the URL's host '\(host)' is the internal address \(address) (\(what)), which is refused; a tenant admin may add it to the webhook allow-list for an on-premises system"
            )
        }
        return nil
    }

    /// Why an allow-list entry is not one (a host name, an address or a network in CIDR form).
    public static func allowListProblem(_ entry: String) -> Text? {
        if entry.contains("/") || IPAddress(entry) != nil {
            return IPNetwork(entry) == nil ? Text(zh: "白名单条目“\(entry)”不是有效的网段", en: "allow-list entry '\(entry)' is not a valid network") : nil
        }
        let valid =
            (1...253).contains(entry.count)
            && entry.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
                (1...63).contains(label.count) && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                    && label.first != "-" && label.last != "-"
            }
        return valid ? nil : Text(zh: "白名单条目“\(entry)”不是有效的主机名、地址或网段", en: "allow-list entry '\(entry)' is not a host name, an address or a network")
    }
}
