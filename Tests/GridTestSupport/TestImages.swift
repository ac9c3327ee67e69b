import Foundation

/// Small, valid images built byte by byte (and three real WebP files), for the upload checks: a
/// decoder reads them as any viewer would, and the tests cut or bend them into hostile ones.
public enum TestImages {
    /// A grey PNG: signature, IHDR, one IDAT (a stored zlib stream of the scanlines) and IEND,
    /// each chunk with its CRC.
    public static func png(width: Int, height: Int) -> [UInt8] {
        var ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        ihdr += [8, 0, 0, 0, 0]  // 8-bit greyscale, deflate, adaptive filtering, no interlace
        let row: [UInt8] = [0] + Array(repeating: 0x80, count: width)  // filter type 0, then the pixels
        let scanlines = (0..<height).flatMap { _ in row }
        return pngSignature + chunk("IHDR", ihdr) + chunk("IDAT", storedZlib(scanlines)) + chunk("IEND", [])
    }

    /// A PNG's signature and header chunk only (the pixels of a huge image would not fit a test).
    public static func pngHeader(width: Int, height: Int) -> [UInt8] {
        pngSignature + chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0]) + chunk("IEND", [])
    }

    public static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A PNG chunk: length, type, data, CRC-32 of type and data.
    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    /// A grey baseline JPEG (one component, 8×8 blocks): SOI, an APP0 (JFIF) segment, DQT, SOF0,
    /// two one-code Huffman tables, SOS and the scan (every block "DC difference 0, end of block"),
    /// EOI. `process` is the frame marker's last byte (0xC0 baseline, 0xC1 extended, 0xC2 progressive
    /// with a matching spectral selection).
    public static func jpeg(width: Int, height: Int, process: UInt8 = 0xC0) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8]
        bytes += segment(0xE0, Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0])
        bytes += segment(0xDB, [0] + Array(repeating: 1, count: 64))
        bytes += segment(process, [8] + bigEndian(UInt16(height)) + bigEndian(UInt16(width)) + [1, 1, 0x11, 0])
        // One code of length 1 in each table: DC category 0, AC end of block.
        bytes += segment(0xC4, [0x00, 1] + Array(repeating: 0, count: 15) + [0x00])
        bytes += segment(0xC4, [0x10, 1] + Array(repeating: 0, count: 15) + [0x00])
        let spectralEnd: UInt8 = process == 0xC2 ? 0 : 63
        bytes += segment(0xDA, [1, 1, 0x00, 0, spectralEnd, 0])
        let blocks = ((width + 7) / 8) * ((height + 7) / 8)
        let bits = blocks * (process == 0xC2 ? 1 : 2)
        // Zero bits for the codes, padded with ones to a whole byte (no 0xFF byte can arise).
        var scan = Array(repeating: UInt8(0), count: bits / 8)
        if bits % 8 != 0 { scan.append(UInt8(0xFF >> (bits % 8))) }
        return bytes + scan + [0xFF, 0xD9]
    }

    /// A JPEG marker segment: marker, length (counting itself), payload.
    public static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, marker] + bigEndian(UInt16(payload.count + 2)) + payload
    }

    /// Real 1×1 WebP files of each kind (the feature probes browsers have long used): lossy (VP8),
    /// lossless (VP8L), and extended (VP8X with an alpha chunk and a lossy frame).
    public static let webpLossy = base64("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA")
    public static let webpLossless = base64("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
    public static let webpExtended = base64("UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==")

    /// A WebP file (RIFF container) holding the chunks given.
    public static func webp(_ chunks: [(String, [UInt8])]) -> [UInt8] {
        var body = Array("WEBP".utf8)
        for (type, data) in chunks {
            body += Array(type.utf8) + littleEndian(UInt32(data.count)) + data
            if data.count % 2 == 1 { body.append(0) }
        }
        return Array("RIFF".utf8) + littleEndian(UInt32(body.count)) + body
    }

    /// The frame header of a lossy key frame of this size (tag, start code, 14-bit sizes).
    public static func vp8Header(width: Int, height: Int) -> [UInt8] {
        [0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A] + littleEndian(UInt16(width & 0x3FFF)) + littleEndian(UInt16(height & 0x3FFF))
    }

    /// The header of a lossless image of this size (signature, 14-bit sizes less one, version 0).
    public static func vp8lHeader(width: Int, height: Int) -> [UInt8] {
        [0x2F] + littleEndian(UInt32((width - 1) & 0x3FFF | ((height - 1) & 0x3FFF) << 14))
    }

    /// The VP8X chunk's data for a canvas of this size (24-bit sizes less one).
    public static func vp8xData(width: Int, height: Int, flags: UInt8 = 0) -> [UInt8] {
        [flags, 0, 0, 0] + Array(littleEndian(UInt32(width - 1)).prefix(3)) + Array(littleEndian(UInt32(height - 1)).prefix(3))
    }

    public static func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    public static func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    public static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    public static func littleEndian(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

    static func base64(_ text: String) -> [UInt8] { Array(Data(base64Encoded: text)!) }

    /// A zlib stream of stored (uncompressed) deflate blocks with its Adler-32.
    static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var blocks = stride(from: 0, to: data.count, by: 65_535).map { Array(data[$0..<min($0 + 65_535, data.count)]) }
        if blocks.isEmpty { blocks = [[]] }
        for (i, block) in blocks.enumerated() {
            out.append(i == blocks.count - 1 ? 1 : 0)
            out += littleEndian(UInt16(block.count)) + littleEndian(UInt16(~UInt16(block.count))) + block
        }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian(b << 16 | a)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
