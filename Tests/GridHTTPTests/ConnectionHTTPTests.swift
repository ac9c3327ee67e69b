import Foundation
import GridTestSupport
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Testing

@testable import GridHTTP

/// Connections end when HTTP/1 says they should: after the answer to a request that does not keep
/// its connection alive, and after the idle timeout otherwise. Against the real server on a free
/// port, through a raw socket that never closes its side, as a waiting health probe does.
@Suite struct ConnectionHTTPTests {
    /// How long the raw client waits for the server to close; well beyond "promptly", well below the
    /// default idle timeout, so that only the close under test can end the wait.
    static let clientTimeout = Duration.seconds(10)

    /// The server on a free port of this machine for the duration of `body`.
    func withServer(idleTimeout: Duration = ServerSettings().idleTimeout, _ body: @Sendable @escaping (Int) async throws -> Void) async throws {
        try await TestDatabase.with { db in
            let settings = ServerSettings(host: "127.0.0.1", port: 0, idleTimeout: idleTimeout)
            let app = try buildApplication(service: db.service, settings: settings, logger: db.logger)
            try await app.test(.live) { client in try await body(try #require(client.port)) }
        }
    }

    /// Sends `request` as raw bytes and reads until the server closes the connection: what arrived,
    /// or nil when the server had not closed it after `clientTimeout`.
    static func exchange(port: Int, sending request: String) async throws -> String? {
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        let raw = client.channel
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                try await client.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: request))
                    var received = ByteBuffer()
                    for try await chunk in inbound { received.writeImmutableBuffer(chunk) }
                    return String(buffer: received)
                }
            }
            group.addTask {
                try await Task.sleep(for: clientTimeout)
                return nil
            }
            let first = try await group.next() ?? nil
            // Ends the reader when the timeout came first.
            raw.close(promise: nil)
            group.cancelAll()
            return first
        }
    }

    /// The status lines of the answers a connection carried (none of the bodies here holds "HTTP/1.").
    static func statusLines(_ received: String) -> [String] {
        received.components(separatedBy: "HTTP/1.").dropFirst().map { "HTTP/1." + $0.prefix { $0 != "\r\n" } }
    }

    @Test func anHTTP10RequestWithoutKeepAliveIsAnsweredThenClosed() async throws {
        try await withServer { port in
            let received = try #require(
                try await Self.exchange(port: port, sending: "GET /readyz HTTP/1.0\r\n\r\n"),
                "the server kept the connection open after answering")
            #expect(Self.statusLines(received) == ["HTTP/1.0 200 OK"], "\(received)")
            #expect(received.lowercased().contains("\r\nconnection: close\r\n"), "\(received)")
            #expect(received.contains(#"{"status":"ready""#) && received.hasSuffix("}"), "\(received)")
        }
    }

    @Test func connectionCloseEndsAnHTTP11ConnectionWhateverItsCase() async throws {
        try await withServer { port in
            let request = "GET /healthz HTTP/1.1\r\nHost: gridgov\r\nConnection: Close\r\n\r\n"
            let received = try #require(
                try await Self.exchange(port: port, sending: request),
                "the server kept the connection open after answering")
            #expect(Self.statusLines(received) == ["HTTP/1.1 200 OK"], "\(received)")
            #expect(received.lowercased().contains("\r\nconnection: close\r\n"), "\(received)")
        }
    }

    @Test func anHTTP10ClientThatAsksForKeepAliveGetsItsNextRequestAnswered() async throws {
        try await withServer { port in
            let requests = "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /readyz HTTP/1.0\r\n\r\n"
            let received = try #require(
                try await Self.exchange(port: port, sending: requests),
                "the server kept the connection open after the second answer")
            #expect(Self.statusLines(received) == ["HTTP/1.0 200 OK", "HTTP/1.0 200 OK"], "\(received)")
            let answers = received.lowercased().components(separatedBy: "http/1.0 200 ok")
            try #require(answers.count == 3, "\(received)")
            #expect(answers[1].contains("\r\nconnection: keep-alive\r\n"), "\(received)")
            #expect(answers[2].contains("\r\nconnection: close\r\n"), "\(received)")
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosed() async throws {
        try await withServer(idleTimeout: .milliseconds(300)) { port in
            let received = try #require(
                try await Self.exchange(port: port, sending: "GET /healthz HTTP/1.1\r\nHost: gridgov\r\n\r\n"),
                "the server kept an idle connection open")
            #expect(Self.statusLines(received) == ["HTTP/1.1 200 OK"], "\(received)")
            #expect(!received.lowercased().contains("connection: close"), "\(received)")
        }
    }

    /// An HTTP/1.0 answer without a length ends where its connection does, even when the client asked to keep it.
    @Test func anHTTP10AnswerWithoutLengthClosesItsConnection() throws {
        let channel = EmbeddedChannel(handler: HTTP1PersistenceHandler())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        let keepAlive = HTTPRequestHead(version: .http1_0, method: .GET, uri: "/export", headers: ["Connection": "keep-alive"])
        try channel.writeInbound(HTTPServerRequestPart.head(keepAlive))
        guard case .head(let request) = try channel.readInbound(as: HTTPServerRequestPart.self) else {
            Issue.record("no request head passed on")
            return
        }
        #expect(request.headers["connection"] == ["keep-alive"])

        try channel.writeOutbound(HTTPServerResponsePart.head(.init(version: .http1_1, status: .ok)))
        guard case .head(let answer) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no answer head written")
            return
        }
        #expect(answer.version == .http1_0)
        #expect(answer.headers["connection"] == ["close"])
        try channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "a,b\n"))))
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        #expect(!channel.isActive, "the connection stayed open after an answer only its end delimits")
    }
}
