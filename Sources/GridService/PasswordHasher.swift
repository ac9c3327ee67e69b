import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// The bcrypt work of one service, at its configured cost: hashing a new password, checking one
/// against a stored hash, and, for a login that has no hash to check (an unknown district or user),
/// a check of the same cost against a stand-in hash, so that how long a login takes does not say
/// whether it exists. It keeps count of what it did: the service must do no bcrypt work for a
/// caller who may not ask for it, and the tests hold it to that.
public final class PasswordHasher: Sendable {
    /// What a hasher has done: how many hashes it made, and the cost of each hash it checked a password against.
    public struct Work: Sendable, Equatable {
        public var hashes = 0
        public var checkedCosts: [Int] = []
    }

    public let cost: Int
    private let work = Mutex(Work())

    public init(cost: Int) { self.cost = cost }

    /// What this hasher has done so far.
    public var done: Work { work.withLock { $0 } }

    public func hash(_ password: String) async throws -> String {
        work.withLock { $0.hashes += 1 }
        return try await Self.runBlocking { Bcrypt.hash(password, cost: UInt8(self.cost)) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        work.withLock { $0.checkedCosts.append(Self.cost(ofHash: hash) ?? 0) }
        return try await Self.runBlocking { Bcrypt.verify(password, hash: hash) }
    }

    /// The work of a check, for a login with no hash to check; always false.
    public func verifyAgainstStandIn(_ password: String) async throws {
        _ = try await verify(password, hash: try await Self.standIn(cost: cost))
    }

    /// A stand-in hash per cost, made the first time a cost asks for it (two that ask at once may both
    /// make one; the first stored is kept).
    private static let standIns = Mutex<[Int: String]>([:])

    static func standIn(cost: Int) async throws -> String {
        if let known = standIns.withLock({ $0[cost] }) { return known }
        let made = try await runBlocking { Bcrypt.hash("no such login: a check as slow as a real one", cost: UInt8(cost)) }
        return standIns.withLock { cached in
            if let first = cached[cost] { return first }
            cached[cost] = made
            return made
        }
    }

    /// The cost a bcrypt hash was made with (`$2b$11$…` → 11), nil for anything else.
    public static func cost(ofHash hash: String) -> Int? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, ["2a", "2b", "2y"].contains(parts[1]), parts[2].count == 2 else { return nil }
        return Int(parts[2])
    }

    /// bcrypt is slow on purpose (tens to hundreds of milliseconds): it runs on NIO's pool for
    /// blocking work, never on an event loop or Swift's cooperative threads, and never while a
    /// transaction (and its pooled connection) is held.
    static func runBlocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
