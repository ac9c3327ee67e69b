import GridStore
import NIOCore
import NIOPosix
import Testing

/// A pool opens each connection on `group.any()`: asked from an event loop, a plain group answers
/// that same loop every time, the spreading group each loop in turn.
@Suite struct SpreadingEventLoopGroupTests {
    /// The loops `group.any()` answers when asked `times` times from `caller`'s thread.
    static func anyFromLoop(_ group: any EventLoopGroup, on caller: any EventLoop, times: Int) async throws -> [ObjectIdentifier] {
        try await caller.submit { (0..<times).map { _ in ObjectIdentifier(group.any()) } }.get()
    }

    @Test func connectionsAskedFromOneLoopLandOnEveryLoop() async throws {
        let base = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Set(base.makeIterator().map { ObjectIdentifier($0) })
        let caller = base.next()
        let plain = try await Self.anyFromLoop(base, on: caller, times: 6)
        #expect(Set(plain) == [ObjectIdentifier(caller)], "a plain group keeps every connection on the asking loop")
        let spread = try await Self.anyFromLoop(SpreadingEventLoopGroup(base: base), on: caller, times: 6)
        #expect(Set(spread) == loops)
        #expect(spread.filter { $0 == ObjectIdentifier(caller) }.count == 3)
        try await base.shutdownGracefully()
    }
}
