import Foundation
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// Hands a pooled connection from the task that leased it to the task that uses it, bounds the
/// wait for it and for every statement sent on it, and lets the user walk away from a statement
/// that will never be answered. When the wait limit passes, a user still waiting for the lease
/// stops waiting, and a statement in flight is abandoned and its connection closed (PostgreSQL then
/// rolls the transaction back). PostgresNIO hands a statement to its channel without a write
/// promise: sent on a connection that has just closed, it is dropped and its answer never comes
/// (seen when PostgreSQL restarts under load, and when a session is ended under a statement), so
/// statements run in tasks of their own that the user can leave behind: at the limit, or as soon as
/// the connection closes (with or without a limit).
final class ConnectionLease: Sendable {
    private enum State {
        case waiting(CheckedContinuation<PostgresConnection, any Error>?)
        case leased(PostgresConnection, release: CheckedContinuation<Void, Never>?)
        case failed(any Error)
        case expired(PostgresConnection?, release: CheckedContinuation<Void, Never>?)
        case released
    }

    private let state = NIOLockedValueBox(State.waiting(nil))
    /// The statement in flight (resumed by its task, or failed when the lease expires or the
    /// connection closes), and whether the connection has closed: one lock, so that a statement is
    /// either seen by the close or sees it.
    private let flight = NIOLockedValueBox(Flight())
    private struct Flight {
        var statement: (id: UInt64, fail: @Sendable (any Error) -> Void)?
        var connectionClosed = false
    }
    /// How many statements were sent on the connection.
    private let nextStatement = NIOLockedValueBox<UInt64>(0)

    /// The connection, once leased; throws the pool's error, or `DatabaseWaitExpired`.
    func connection() async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            let answer: Result<PostgresConnection, any Error>? = state.withLockedValue { state in
                switch state {
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                case .leased(let connection, _): return .success(connection)
                case .failed(let error): return .failure(error)
                case .expired, .released: return .failure(DatabaseWaitExpired(stage: .lease))
                }
            }
            if let answer { continuation.resume(with: answer) }
        }
    }

    /// Called by the leasing task with its connection: returns when the user releases it (or the
    /// lease expired), so that the pool gets the connection back only then.
    func hold(_ connection: PostgresConnection) async {
        ClosingWatch.attach(connection, to: self)
        defer { ClosingWatch.detach(connection, from: self) }
        await withCheckedContinuation { (release: CheckedContinuation<Void, Never>) in
            let (waiter, releaseNow): (CheckedContinuation<PostgresConnection, any Error>?, Bool) = state.withLockedValue { state in
                switch state {
                case .waiting(let waiter):
                    state = .leased(connection, release: release)
                    return (waiter, false)
                case .leased, .failed, .expired, .released:
                    return (nil, true)
                }
            }
            waiter?.resume(returning: connection)
            if releaseNow { release.resume() }
        }
        // A connection closed at the limit goes back to the pool only once closed, so that the
        // pool drops it instead of handing it to the next caller.
        if expired == .statement { try? await connection.closeFuture.get() }
    }

    /// The pool could not lease a connection.
    func fail(_ error: any Error) {
        let waiter: CheckedContinuation<PostgresConnection, any Error>? = state.withLockedValue { state in
            guard case .waiting(let waiter) = state else { return nil }
            state = .failed(error)
            return waiter
        }
        waiter?.resume(throwing: error)
    }

    /// Sends one statement (and reads what `operation` reads) in a task of its own; its answer, or
    /// an error as soon as the lease expires. A connection already closed gets no statement: the
    /// error says whether it is the session's first (so that the session may take another).
    func run<R: Sendable>(on connection: PostgresConnection, _ operation: @escaping @Sendable () async throws -> R) async throws -> R {
        let id = nextStatement.withLockedValue {
            $0 += 1
            return $0
        }
        guard !connection.isClosed else { throw DatabaseConnectionClosed(firstStatement: id == 1) }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<R, any Error>) in
            let resumed = NIOLockedValueBox(false)
            let finish: @Sendable (Result<R, any Error>) -> Void = { result in
                let first = resumed.withLockedValue { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(with: result) }
            }
            let closed = flight.withLockedValue { flight in
                if !flight.connectionClosed { flight.statement = (id, { finish(.failure($0)) }) }
                return flight.connectionClosed
            }
            if closed {
                finish(.failure(DatabaseConnectionClosed(firstStatement: id == 1)))
                return
            }
            if expired != nil {
                finish(.failure(DatabaseWaitExpired(stage: .statement)))
                return
            }
            Task {
                let result: Result<R, any Error>
                do { result = .success(try await operation()) } catch { result = .failure(error) }
                self.flight.withLockedValue { if $0.statement?.id == id { $0.statement = nil } }
                finish(result)
            }
        }
    }

    private func failInFlight(_ error: any Error) {
        let fail = flight.withLockedValue { flight in
            defer { flight.statement = nil }
            return flight.statement?.fail
        }
        fail?(error)
    }

    /// The connection closed (the server ended the session, the database went away, the limit
    /// closed it): a statement in flight will not be answered, and none is sent from now on.
    func connectionClosed() {
        let fail = flight.withLockedValue { flight in
            flight.connectionClosed = true
            defer { flight.statement = nil }
            return flight.statement?.fail
        }
        fail?(DatabaseConnectionClosed(firstStatement: false))
    }

    /// The wait limit passed: a waiter stops waiting; a statement in flight is abandoned and its
    /// connection closed (its transaction cannot commit).
    func expire() {
        let (waiter, connection): (CheckedContinuation<PostgresConnection, any Error>?, PostgresConnection?) = state.withLockedValue { state in
            switch state {
            case .waiting(let waiter):
                state = .expired(nil, release: nil)
                return (waiter, nil)
            case .leased(let connection, let release):
                // The holder is let go by `release()`, which the user always calls.
                state = .expired(connection, release: release)
                return (nil, connection)
            case .failed, .expired, .released:
                return (nil, nil)
            }
        }
        waiter?.resume(throwing: DatabaseWaitExpired(stage: .lease))
        failInFlight(DatabaseWaitExpired(stage: .statement))
        _ = connection?.close() as EventLoopFuture<Void>?
    }

    /// Where the limit passed, if it did: waiting for the connection, or while using it.
    var expired: DatabaseWaitExpired.Stage? {
        state.withLockedValue { state in
            guard case .expired(let connection, _) = state else { return nil }
            return connection == nil ? .lease : .statement
        }
    }

    /// The user is done: the leasing task gives the connection back to the pool.
    func release() {
        let release: CheckedContinuation<Void, Never>? = state.withLockedValue { state in
            switch state {
            case .leased(_, let release):
                state = .released
                return release
            case .expired(let connection, let release):
                state = .expired(connection, release: nil)  // the holder still learns that the connection was closed
                return release
            case .waiting:
                state = .released
                return nil
            case .failed, .released:
                return nil
            }
        }
        release?.resume()
    }
}

/// Tells the lease holding a connection when the connection closes. One callback per connection,
/// registered the first time it is leased (a callback per lease would pile up on a connection that
/// lives for days); the entry goes when the connection closes.
enum ClosingWatch {
    private static let holders = NIOLockedValueBox<[ObjectIdentifier: ConnectionLease?]>([:])

    static func attach(_ connection: PostgresConnection, to lease: ConnectionLease) {
        let key = ObjectIdentifier(connection)
        let first = holders.withLockedValue { holders in
            defer { holders[key] = .some(lease) }
            return holders[key] == nil
        }
        // On a connection already closed this runs at once, and the entry goes again. The callback
        // keeps the connection, so that no other takes its identifier before the entry goes.
        if first { connection.closeFuture.whenComplete { [connection] _ in closed(ObjectIdentifier(connection)) } }
    }

    static func detach(_ connection: PostgresConnection, from lease: ConnectionLease) {
        holders.withLockedValue { holders in
            let key = ObjectIdentifier(connection)
            if case .some(.some(let holder)) = holders[key], holder === lease { holders[key] = .some(nil) }
        }
    }

    private static func closed(_ key: ObjectIdentifier) {
        let holder = holders.withLockedValue { $0.removeValue(forKey: key) }
        holder??.connectionClosed()
    }

    /// Whether the connection is watched (it has been leased and has not closed).
    static func isWatched(_ connection: PostgresConnection) -> Bool {
        holders.withLockedValue { $0[ObjectIdentifier(connection)] != nil }
    }
}

/// A statement was about to be sent on a connection already closed (the pool had not noticed yet),
/// or was in flight when it closed (`firstStatement` false: it may have been sent).
struct DatabaseConnectionClosed: Error {
    /// Nothing was sent on the session before: it may start again on another connection.
    var firstStatement: Bool
}

/// A database call that did not finish within the service's wait limit.
public struct DatabaseWaitExpired: Error, Sendable {
    public enum Stage: Sendable { case lease, statement }
    public var stage: Stage
}
