import Foundation

/// Keeps a failing webhook endpoint from costing every delivery its timeout: after `threshold`
/// failures in a row the endpoint is skipped for a cool-off that doubles with each further failure
/// (30 s up to 10 min); then one delivery is let through to try it, and a success closes the
/// breaker again.
public struct CircuitBreaker: Sendable, Equatable {
    public static let threshold = 3
    static let firstCoolOff: TimeInterval = 30
    static let longestCoolOff: TimeInterval = 600

    public private(set) var failures = 0
    /// Deliveries wait until then; nil while the breaker is closed.
    public private(set) var openUntil: Date?

    public init() {}

    /// Whether a delivery may be tried now. Past the cool-off one trial is let through, and the
    /// others wait for its outcome (at most one cool-off).
    public mutating func admit(at now: Date) -> Bool {
        guard let until = openUntil else { return true }
        guard now >= until else { return false }
        openUntil = now.addingTimeInterval(coolOff)
        return true
    }

    public mutating func record(success: Bool, at now: Date) {
        if success {
            failures = 0
            openUntil = nil
            return
        }
        failures += 1
        if failures >= Self.threshold { openUntil = now.addingTimeInterval(coolOff) }
    }

    /// The cool-off after the current run of failures.
    public var coolOff: TimeInterval {
        min(Self.longestCoolOff, Self.firstCoolOff * pow(2, Double(max(0, failures - Self.threshold))))
    }
}
