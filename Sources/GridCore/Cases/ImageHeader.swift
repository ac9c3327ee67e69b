/// The dimensions an image's header declares, read without decoding any pixel: PNG's IHDR, the
/// frame header (SOF0/1/2) of a JPEG found by walking its marker segments, and the frame or canvas
/// header of a WebP (VP8, VP8L, VP8X). An upload whose header cannot be read is no photo, whatever
/// its first bytes say; every read is bounds-checked, so a cut or hostile file only fails to decode.
public struct ImageHeader: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case png = "PNG"
        case jpeg = "JPEG"
        case webp = "WebP"

        public var contentType: String {
            switch self {
            case .png: "image/png"
            case .jpeg: "image/jpeg"
            case .webp: "image/webp"
            }
        }
    }

    /// Why a header could not be read, for the message that refuses the upload.
    public struct Unreadable: Error, Sendable, Equatable {
        public var format: Format
        public var reason: Text

        init(_ format: Format, zh: String, en: String) {
            self.format = format
            reason = Text(zh: zh, en: en)
        }
    }

    public var format: Format
    public var width: Int
    public var height: Int

    public init(format: Format, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }

    /// The format the first bytes announce, nil for anything else.
    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return .webp }
        return nil
    }

    /// Reads the header of an image in the format its first bytes announce.
    public static func read(_ bytes: [UInt8]) throws(Unreadable) -> ImageHeader? {
        switch format(of: bytes) {
        case .png?: try png(bytes)
        case .jpeg?: try jpeg(bytes)
        case .webp?: try webp(bytes)
        case nil: nil
        }
    }

    // MARK: PNG

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// IHDR's data: width, height, bit depth, colour type, compression, filter, interlace.
    static let ihdrLength = 13

    /// The first chunk must be IHDR, 13 bytes, with a CRC that matches.
    static func png(_ bytes: [UInt8]) throws(Unreadable) -> ImageHeader {
        let start = pngSignature.count
        guard let length = bigEndian32(bytes, start), bytes.count >= start + 8 + ihdrLength + 4 else {
            throw Unreadable(.png, zh: "文件在头部块（IHDR）结束前就截断了", en: "the file ends before its header chunk (IHDR) does")
        }
        guard Array(bytes[(start + 4)..<(start + 8)]) == Array("IHDR".utf8), length == ihdrLength else {
            throw Unreadable(.png, zh: "第一个块不是 13 字节的 IHDR", en: "the first chunk is not a 13-byte IHDR")
        }
        let chunk = Array(bytes[(start + 4)..<(start + 8 + ihdrLength)])
        guard bigEndian32(bytes, start + 8 + ihdrLength) == crc32(chunk) else {
            throw Unreadable(.png, zh: "IHDR 的 CRC 校验不符", en: "the IHDR chunk's CRC does not match")
        }
        let depth = chunk[12], colour = chunk[13]
        let depths: [UInt8: Set<UInt8>] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard depths[colour]?.contains(depth) == true else {
            throw Unreadable(.png, zh: "颜色类型 \(colour) 与位深 \(depth) 不是有效组合", en: "colour type \(colour) with bit depth \(depth) is not a valid combination")
        }
        return ImageHeader(format: .png, width: Int(bigEndian32(chunk, 4)!), height: Int(bigEndian32(chunk, 8)!))
    }

    // MARK: JPEG

    /// Frame markers whose header gives the size: baseline, extended sequential, progressive (Huffman).
    static let readableFrames: Set<UInt8> = [0xC0, 0xC1, 0xC2]
    /// The other frame markers (lossless, hierarchical, arithmetic coding): valid JPEG, but no browser or phone shows them.
    static let otherFrames: Set<UInt8> = [0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF]

    /// Walks the marker segments after SOI until the frame header; the scan or the end of the
    /// image before it means there is none.
    static func jpeg(_ bytes: [UInt8]) throws(Unreadable) -> ImageHeader {
        let cut = Unreadable(.jpeg, zh: "文件在帧头（SOF）之前就截断了", en: "the file ends before its frame header (SOF)")
        var at = 2
        while true {
            guard at < bytes.count else { throw cut }
            guard bytes[at] == 0xFF else {
                throw Unreadable(.jpeg, zh: "第 \(at) 字节处应为段标记（0xFF）", en: "a segment marker (0xFF) was expected at byte \(at)")
            }
            while at < bytes.count, bytes[at] == 0xFF { at += 1 }  // fill bytes
            guard at < bytes.count else { throw cut }
            let marker = bytes[at]
            at += 1
            // Markers without a length: TEM and the restart markers.
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { continue }
            if marker == 0xDA || marker == 0xD9 || marker == 0xD8 || marker == 0x00 {
                throw Unreadable(.jpeg, zh: "在帧头（SOF）之前遇到了标记 0x\(hex(marker))", en: "marker 0x\(hex(marker)) comes before any frame header (SOF)")
            }
            guard let length = bigEndian16(bytes, at), at + length <= bytes.count else { throw cut }
            guard length >= 2 else {
                throw Unreadable(.jpeg, zh: "标记 0x\(hex(marker)) 的段长度 \(length) 无效", en: "marker 0x\(hex(marker)) has an invalid segment length \(length)")
            }
            if otherFrames.contains(marker) {
                throw Unreadable(
                    .jpeg, zh: "编码方式 SOF 0x\(hex(marker)) 不受支持（仅支持基线、扩展和渐进式）",
                    en: "coding process SOF 0x\(hex(marker)) is not supported (baseline, extended and progressive are)")
            }
            if readableFrames.contains(marker) {
                // Precision, height, width, component count, three bytes per component.
                guard length >= 8, at + 7 < bytes.count, bytes[at + 7] > 0, length >= 8 + 3 * Int(bytes[at + 7]) else {
                    throw Unreadable(.jpeg, zh: "帧头（SOF）不完整", en: "the frame header (SOF) is incomplete")
                }
                return ImageHeader(format: .jpeg, width: bigEndian16(bytes, at + 5)!, height: bigEndian16(bytes, at + 3)!)
            }
            at += length
        }
    }

    // MARK: WebP

    /// The RIFF container's first chunk: a lossy frame, a lossless image, or the extended format's canvas.
    static func webp(_ bytes: [UInt8]) throws(Unreadable) -> ImageHeader {
        guard let riffSize = littleEndian(bytes, 4, count: 4), let chunkSize = littleEndian(bytes, 16, count: 4), bytes.count >= 20 else {
            throw Unreadable(.webp, zh: "文件在第一个块头之前就截断了", en: "the file ends before its first chunk header")
        }
        guard riffSize + 8 <= bytes.count, 20 + chunkSize <= bytes.count else {
            throw Unreadable(
                .webp, zh: "RIFF 容器声明 \(riffSize + 8) 字节、首块 \(chunkSize) 字节，文件只有 \(bytes.count) 字节",
                en: "the RIFF container claims \(riffSize + 8) bytes and its first chunk \(chunkSize), but the file has \(bytes.count)")
        }
        let data = Array(bytes[20..<(20 + chunkSize)])
        let fourCC = String(decoding: bytes[12..<16], as: UTF8.self)
        switch fourCC {
        case "VP8 ":
            // Frame tag (3 bytes; bit 0 clear on a key frame), start code, 14-bit width and height.
            guard data.count >= 10, data[0] & 1 == 0, Array(data[3..<6]) == [0x9D, 0x01, 0x2A] else {
                throw Unreadable(.webp, zh: "VP8 块没有关键帧头", en: "the VP8 chunk has no key frame header")
            }
            return ImageHeader(format: .webp, width: littleEndian(data, 6, count: 2)! & 0x3FFF, height: littleEndian(data, 8, count: 2)! & 0x3FFF)
        case "VP8L":
            // Signature 0x2F, then 14 bits width − 1, 14 bits height − 1, alpha, a 3-bit version that is 0.
            guard data.count >= 5, data[0] == 0x2F, let bits = littleEndian(data, 1, count: 4), bits >> 29 == 0 else {
                throw Unreadable(.webp, zh: "VP8L 块头无效", en: "the VP8L chunk's header is invalid")
            }
            return ImageHeader(format: .webp, width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            // Flags, 3 reserved bytes, 24-bit canvas width − 1 and height − 1.
            guard data.count >= 10 else { throw Unreadable(.webp, zh: "VP8X 块不完整", en: "the VP8X chunk is incomplete") }
            return ImageHeader(format: .webp, width: littleEndian(data, 4, count: 3)! + 1, height: littleEndian(data, 7, count: 3)! + 1)
        default:
            throw Unreadable(.webp, zh: "首块“\(printable(fourCC))”不是 VP8、VP8L 或 VP8X", en: "the first chunk '\(printable(fourCC))' is not VP8, VP8L or VP8X")
        }
    }

    // MARK: reading bytes

    static func bigEndian16(_ bytes: [UInt8], _ at: Int) -> Int? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        return Int(bytes[at]) << 8 | Int(bytes[at + 1])
    }

    static func bigEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[at + $1]) }
    }

    static func littleEndian(_ bytes: [UInt8], _ at: Int, count: Int) -> Int? {
        guard at >= 0, at + count <= bytes.count else { return nil }
        return (0..<count).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    /// A chunk name as text, with bytes that are not printable ASCII shown as '?'.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    /// CRC-32 (ISO 3309), as PNG computes it over a chunk's type and data.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        ~bytes.reduce(0xFFFF_FFFF) { crc, byte in crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }
}
