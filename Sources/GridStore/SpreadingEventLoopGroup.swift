import Dispatch
import NIOCore

/// The pool's event loops, handed out in turn. PostgresClient opens each connection on
/// `group.any()`, which from an event loop thread is that thread's own loop; since gridgov runs
/// Swift concurrency on NIO's loops (its `Entry.main`), every connection of the pool would
/// otherwise land on the loop its pool task happens to run on, and every query's answer (and the
/// request resuming after it) on one thread while the other idles.
public final class SpreadingEventLoopGroup: EventLoopGroup {
    let base: any EventLoopGroup

    public init(base: any EventLoopGroup) { self.base = base }

    public func next() -> any EventLoop { base.next() }
    public func any() -> any EventLoop { base.next() }
    public func makeIterator() -> EventLoopIterator { base.makeIterator() }

    @preconcurrency
    public func shutdownGracefully(queue: DispatchQueue, _ callback: @Sendable @escaping ((any Error)?) -> Void) {
        base.shutdownGracefully(queue: queue, callback)
    }

    public func _preconditionSafeToSyncShutdown(file: StaticString, line: UInt) {
        base._preconditionSafeToSyncShutdown(file: file, line: line)
    }
}
