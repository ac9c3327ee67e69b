import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A keep-alive HTTP/1.1 client over one loopback socket: requests with headers and a JSON body,
/// reads a Content-Length or chunked body. Just enough to time the server without a client library's overhead.
final class MiniHTTPClient {
    private let fd: Int32
    private var buffer = [UInt8]()

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw BenchError("cannot connect to 127.0.0.1:\(port)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Sends a request and returns (status, body); a body is JSON unless `contentType` says otherwise.
    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil, contentType: String = "application/json") throws -> (
        Int, Data
    ) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\nContent-Type: \(contentType)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if let body { bytes += body }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw BenchError("send failed") }
            sent += n
        }
        while true {
            if let end = find([13, 10, 13, 10]) {
                let headerText = String(decoding: buffer[..<end], as: UTF8.self)
                let status = Int(headerText.split(separator: " ").dropFirst().first ?? "") ?? 0
                var length = 0, chunked = false
                for line in headerText.split(separator: "\r\n") {
                    let lower = line.lowercased()
                    if lower.hasPrefix("content-length:") { length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0 }
                    if lower.hasPrefix("transfer-encoding:") && lower.contains("chunked") { chunked = true }
                }
                if chunked {
                    buffer.removeFirst(end + 4)
                    return (status, try readChunks())
                }
                while buffer.count < end + 4 + length { try fill() }
                let body = Data(buffer[(end + 4)..<(end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                return (status, body)
            }
            try fill()
        }
    }

    /// A chunked body: hex size lines, each chunk followed by CRLF, up to the zero chunk and its trailer.
    private func readChunks() throws -> Data {
        var body = Data()
        while true {
            var lineEnd = find([13, 10])
            while lineEnd == nil {
                try fill()
                lineEnd = find([13, 10])
            }
            let sizeText = (String(decoding: buffer[..<lineEnd!], as: UTF8.self).split(separator: ";").first.map(String.init) ?? "").trimmingCharacters(
                in: .whitespaces)
            guard let size = Int(sizeText, radix: 16) else { throw BenchError("bad chunk size '\(sizeText)'") }
            buffer.removeFirst(lineEnd! + 2)
            if size == 0 {
                // Trailer lines, then an empty line.
                while true {
                    var end = find([13, 10])
                    while end == nil {
                        try fill()
                        end = find([13, 10])
                    }
                    buffer.removeFirst(end! + 2)
                    if end == 0 { return body }
                }
            }
            while buffer.count < size + 2 { try fill() }
            body.append(contentsOf: buffer[..<size])
            buffer.removeFirst(size + 2)
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw BenchError("connection closed") }
        buffer += chunk[..<n]
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for i in 0...(buffer.count - pattern.count) where buffer[i] == pattern[0] && Array(buffer[i..<i + pattern.count]) == pattern { return i }
        return nil
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
