import Foundation
import Synchronization

/// What one load client saw: the latency of every request it timed, how many answered with each
/// status, and the first unexpected answer.
struct ClientTally: Sendable {
    var latencies: [Double] = []
    var statuses: [Int: Int] = [:]
    var replays = 0
    var firstFailure: String?

    mutating func record(_ milliseconds: Double, status: Int) {
        latencies.append(milliseconds)
        statuses[status, default: 0] += 1
    }

    mutating func fail(_ text: String) {
        if firstFailure == nil { firstFailure = text }
    }

    static func merged(_ tallies: [ClientTally]) -> ClientTally {
        var all = ClientTally()
        for tally in tallies {
            all.latencies += tally.latencies
            all.statuses.merge(tally.statuses, uniquingKeysWith: +)
            all.replays += tally.replays
            if all.firstFailure == nil { all.firstFailure = tally.firstFailure }
        }
        return all
    }

    var statusSummary: String { statuses.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", ") }
}

/// Runs `count` blocking clients (MiniHTTPClient is blocking) on threads of their own, so that they
/// neither wait for nor hold up the executor's event loops, and returns what each one returned, in order.
func runClients<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
    let results = Mutex<[Int: Result<T, any Error>]>([:])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            let outcome = Result { try body(index) }
            results.withLock { $0[index] = outcome }
            group.leave()
        }
        thread.start()
    }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        group.notify(queue: .global()) { continuation.resume() }
    }
    return try results.withLock { all in try (0..<count).map { try all[$0]!.get() } }
}

/// Latency percentiles of a sample, nearest rank.
struct Percentiles {
    let sorted: [Double]

    init(_ values: [Double]) { sorted = values.sorted() }

    func at(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    var p50: Double { at(0.5) }
    var p90: Double { at(0.9) }
    var p99: Double { at(0.99) }
    var max: Double { sorted.last ?? 0 }
    var mean: Double { sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count) }
}

/// When a client's next request is due, after sleeping until then: unpaced (`interval` nil), now;
/// paced, client `client` of `clients` sends its `sent`-th request at start + (sent + client /
/// clients) × interval, so that the clients' requests interleave evenly. Latency is counted from
/// this time, so a server that falls behind cannot hide it.
func dueTime(start: Double, sent: Int, client: Int, clients: Int, interval: Double?) -> Double {
    guard let interval else { return monotonicSeconds() }
    let due = start + (Double(sent) + Double(client) / Double(clients)) * interval
    let wait = due - monotonicSeconds()
    if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
    return due
}

/// A monotonic clock in seconds, readable from any thread.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
