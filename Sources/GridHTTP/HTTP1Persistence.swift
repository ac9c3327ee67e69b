import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Decides for each HTTP/1 request whether its connection outlives the answer (RFC 9112 §9.3),
/// which Hummingbird's HTTP/1 channel cannot: it turns requests into HTTP types, which carry no
/// version, and closes a connection only when a request says exactly `Connection: close`. Without
/// this handler an HTTP/1.0 request lacking `Connection: keep-alive` (what health probes and load
/// balancers send) holds its connection until the client gives up.
///
/// It sits right after NIO's HTTP/1 decoder, where the version is still known. A request whose
/// connection must not persist gets `Connection: close`, so that Hummingbird ends the connection
/// after answering it; the answer says `close` too, or `keep-alive` to an HTTP/1.0 client that
/// asked for it. Answers to HTTP/1.0 carry version 1.0, which keeps NIO's encoder from sending
/// them chunked (a 1.0 client cannot read chunks); such an answer without a `Content-Length` ends
/// where the connection does, so its connection closes after it even when the client asked to keep it.
final class HTTP1PersistenceHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the answer to a request must honour, in the order the requests came (HTTP/1 answers in order).
    private struct Exchange {
        var version: HTTPVersion
        var method: HTTPMethod
        var keepAlive: Bool
    }

    private var exchanges = CircularBuffer<Exchange>()
    /// Set when the answer being written ends only with its connection.
    private var closeAfterAnswer = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        let keepAlive = head.isKeepAlive
        exchanges.append(Exchange(version: head.version, method: head.method, keepAlive: keepAlive))
        if !keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where !Self.isInterim(head.status):
            guard let exchange = exchanges.popFirst() else { break }
            var keepAlive = exchange.keepAlive
            if exchange.version == .http1_0 {
                head.version = .http1_0
                if keepAlive && !Self.isFramed(head, answering: exchange.method) {
                    keepAlive = false
                    closeAfterAnswer = true
                }
                if keepAlive { head.headers.replaceOrAdd(name: "connection", value: "keep-alive") }
            }
            if !keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            return
        case .end where closeAfterAnswer:
            closeAfterAnswer = false
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.writeAndFlush(data, promise: written)
            return
        default:
            break
        }
        context.write(data, promise: promise)
    }

    /// A 1xx answer other than 101 precedes the final answer to the same request.
    static func isInterim(_ status: HTTPResponseStatus) -> Bool {
        (100..<200).contains(status.code) && status != .switchingProtocols
    }

    /// Whether the client can tell where an HTTP/1.0 answer ends without the connection closing.
    static func isFramed(_ head: HTTPResponseHead, answering method: HTTPMethod) -> Bool {
        method == .HEAD || head.status == .noContent || head.status == .notModified || head.headers.contains(name: "content-length")
    }
}

/// Hummingbird's HTTP/1 channel with `HTTP1PersistenceHandler` placed after the HTTP/1 decoder.
struct PersistentHTTP1Channel: ServerChildChannel {
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(HTTP1PersistenceHandler(), position: .after(decoder))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 that closes connections as the requests ask and after `idleTimeout` without traffic.
    static func persistentHTTP1(idleTimeout: Duration) -> HTTPServerBuilder {
        .init { responder in
            PersistentHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .init(idleTimeout))))
        }
    }
}
