import Foundation
import Synchronization

/// JSON columns decoded once per distinct text: a district's settings and an item's grades are
/// read with every report, and decoding them anew was a tenth of the server's work per intake.
/// The same text always decodes to the same value, so a hit is never stale; the memo is emptied
/// when it holds `capacity` texts.
final class DecodedJSON<Value: Decodable & Sendable>: Sendable {
    private let memo = Mutex<[String: Value]>([:])
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    /// How many texts the memo holds.
    var count: Int { memo.withLock { $0.count } }

    func decode(_ text: String) throws -> Value {
        if let hit = memo.withLock({ $0[text] }) { return hit }
        let value = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        memo.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[text] = value
        }
        return value
    }
}
