import Crypto
import Foundation

/// One-time passwords and bearer tokens (random, stored as SHA-256, prefixed with the tenant id
/// so that a request's token finds its tenant before any tenant data is read).
public enum Secrets {
    static let passwordAlphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    static let tokenBytes = 32

    /// A one-time password a person can read aloud: 12 characters without look-alikes.
    public static func randomPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in passwordAlphabet.randomElement(using: &generator)! })
    }

    /// `bytes` random bytes as lowercase hex (webhook signing secrets).
    public static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// `gg_<tenant>_<43 base64url characters>`.
    public static func newToken(tenantId: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<tokenBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "gg_\(tenantId)_\(encoded)"
    }

    /// The tenant a token claims; nil when it is not a gridgov token.
    public static func tenant(ofToken token: String) -> Int64? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "gg", parts[2].count >= 40 else { return nil }
        return Int64(parts[1])
    }

    public static func tokenHash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }
}
