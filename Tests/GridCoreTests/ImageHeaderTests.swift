import GridCore
import GridTestSupport
import Testing

/// Reading an image's header to its dimensions: real small images of each format, then cut and
/// bent ones, which must fail to read (never crash, never pass).
@Suite struct ImageHeaderTests {
    func read(_ bytes: [UInt8]) -> ImageHeader? { try? ImageHeader.read(bytes) }

    func problem(_ bytes: [UInt8]) -> ImageHeader.Unreadable? {
        do {
            _ = try ImageHeader.read(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func realImagesOfEachFormatReadToTheirSize() {
        #expect(read(TestImages.png(width: 40, height: 30)) == ImageHeader(format: .png, width: 40, height: 30))
        #expect(read(TestImages.png(width: 1, height: 1)) == ImageHeader(format: .png, width: 1, height: 1))
        #expect(read(TestImages.jpeg(width: 41, height: 29)) == ImageHeader(format: .jpeg, width: 41, height: 29))
        #expect(read(TestImages.jpeg(width: 300, height: 7, process: 0xC1)) == ImageHeader(format: .jpeg, width: 300, height: 7))
        #expect(read(TestImages.jpeg(width: 17, height: 9, process: 0xC2)) == ImageHeader(format: .jpeg, width: 17, height: 9))
        #expect(read(TestImages.webpLossy) == ImageHeader(format: .webp, width: 1, height: 1))
        #expect(read(TestImages.webpLossless) == ImageHeader(format: .webp, width: 1, height: 1))
        #expect(read(TestImages.webpExtended) == ImageHeader(format: .webp, width: 1, height: 1))
        #expect(read(TestImages.webp([("VP8 ", TestImages.vp8Header(width: 640, height: 480))])) == ImageHeader(format: .webp, width: 640, height: 480))
        #expect(read(TestImages.webp([("VP8L", TestImages.vp8lHeader(width: 16_384, height: 3))])) == ImageHeader(format: .webp, width: 16_384, height: 3))
        #expect(
            read(TestImages.webp([("VP8X", TestImages.vp8xData(width: 30_000, height: 2)), ("VP8L", TestImages.vp8lHeader(width: 1, height: 1))]))
                == ImageHeader(format: .webp, width: 30_000, height: 2))
        #expect(read(Array("%PDF-1.7".utf8)) == nil, "not an image format at all")
    }

    /// A JPEG's frame header may come after any number of other segments, and markers may be padded with 0xFF.
    @Test func aJPEGIsWalkedSegmentBySegmentToItsFrame() {
        let image = TestImages.jpeg(width: 64, height: 48)
        let exif = TestImages.segment(0xE1, Array("Exif".utf8) + [0, 0] + Array(repeating: 0x4D, count: 2000))
        let comment = TestImages.segment(0xFE, Array("拍摄于网格".utf8))
        let padded = Array(image[0..<2]) + exif + [0xFF] + comment + Array(image[2...])
        #expect(read(padded) == ImageHeader(format: .jpeg, width: 64, height: 48))
    }

    @Test func cutOrBentImagesDoNotRead() throws {
        let png = TestImages.png(width: 40, height: 30)
        let jpeg = TestImages.jpeg(width: 40, height: 30)
        for length in [8, 12, 20, 32] {
            #expect(problem(Array(png.prefix(length)))?.format == .png, "a PNG cut at \(length) bytes")
        }
        var badCRC = png
        badCRC[20] ^= 0x01  // a bit of the height
        #expect(problem(badCRC)?.reason.en.contains("CRC") == true)
        var notIHDR = png
        notIHDR[12] = UInt8(ascii: "i")
        #expect(problem(notIHDR) != nil)
        let badDepth = TestImages.pngSignature + TestImages.chunk("IHDR", TestImages.bigEndian(UInt32(4)) + TestImages.bigEndian(UInt32(4)) + [3, 2, 0, 0, 0])
        #expect(problem(badDepth)?.reason.en.contains("bit depth 3") == true)

        // Every cut of the JPEG before its frame header is complete fails; none crashes.
        let frameEnd = try #require(jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }) + 2 + 11
        for length in 3..<frameEnd {
            #expect(problem(Array(jpeg.prefix(length)))?.format == .jpeg, "a JPEG cut at \(length) bytes")
        }
        let fake: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 7, count: 3000)
        #expect(problem(fake)?.reason.en.contains("byte 1803") == true, "\(String(describing: problem(fake)))")
        #expect(problem([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01]) != nil, "a segment length below 2")
        #expect(problem([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08]) != nil, "a scan before any frame")
        #expect(problem([0xFF, 0xD8] + Array(repeating: 0xFF, count: 100)) != nil, "fill bytes to the end")
        let lossless = [0xFF, 0xD8] + TestImages.segment(0xC3, [8, 0, 10, 0, 10, 1, 1, 0x11, 0])
        #expect(problem(lossless)?.reason.en.contains("not supported") == true)
        let noComponents = [0xFF, 0xD8] + TestImages.segment(0xC0, [8, 0, 10, 0, 10, 0])
        #expect(problem(noComponents) != nil)

        let webp = TestImages.webpLossy
        for length in [12, 16, 20, 30, webp.count - 1] {
            #expect(problem(Array(webp.prefix(length)))?.format == .webp, "a WebP cut at \(length) bytes")
        }
        #expect(problem(TestImages.webp([("VP8Z", Array(repeating: 1, count: 20))]))?.reason.en.contains("VP8Z") == true)
        #expect(problem(TestImages.webp([("VP8 ", [0x31] + Array(TestImages.vp8Header(width: 4, height: 4).dropFirst()))])) != nil, "not a key frame")
        #expect(problem(TestImages.webp([("VP8L", [0x2E] + Array(TestImages.vp8lHeader(width: 4, height: 4).dropFirst()))])) != nil, "no signature")
        #expect(problem(TestImages.webp([("VP8X", [0, 0, 0, 0, 1, 0])])) != nil, "a short canvas header")
        var claimsMore = webp
        claimsMore[4] = 0xFF
        #expect(problem(claimsMore)?.reason.en.contains("claims") == true)
    }
}

/// Who may add a photo, when, and what it must be.
@Suite struct AttachmentRulesTests {
    func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return (error as? GridError)?.code.rawValue ?? "\(error)"
        }
    }

    @Test func onlyParticipantsAddPhotosAndOnlyToAnOpenCase() {
        #expect(code { try AttachmentRules.checkUploader(participates: true, state: .handling) } == nil)
        #expect(code { try AttachmentRules.checkUploader(participates: false, state: .handling) } == "attachment.notAllowed")
        for state in CaseState.allCases where !state.isOpen {
            #expect(code { try AttachmentRules.checkUploader(participates: true, state: state) } == "attachment.caseNotOpen", "\(state)")
        }
        #expect(code { try AttachmentRules.checkUploader(participates: true, state: .checkPassed) } == nil, "open until closed")
    }

    @Test func uploadsAreCheckedForTypeHeaderDimensionsSizeAndCount() throws {
        let png = TestImages.png(width: 8, height: 6)
        #expect(try AttachmentRules.check(declaredType: "image/png", bytes: png, existing: 0) == ImageHeader(format: .png, width: 8, height: 6))
        #expect(AttachmentRules.sniff(TestImages.jpeg(width: 8, height: 8)) == "image/jpeg")
        #expect(AttachmentRules.sniff(TestImages.webpLossless) == "image/webp")
        #expect(AttachmentRules.sniff([UInt8]()) == nil)
        func refusal(_ type: String, _ bytes: [UInt8], existing: Int = 0) -> GridError? {
            do {
                _ = try AttachmentRules.check(declaredType: type, bytes: bytes, existing: existing)
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal("image/jpeg", png)?.code == .attachmentTypeMismatch)
        #expect(refusal("image/jpeg", Array("hello".utf8))?.kind == .unsupportedMediaType)
        #expect(refusal("image/jpeg", [])?.code == .attachmentEmpty)
        let huge = TestImages.jpeg(width: 8, height: 8) + Array(repeating: 0, count: AttachmentRules.maxBytes)
        #expect(refusal("image/jpeg", huge)?.code == .attachmentTooLarge)
        #expect(refusal("image/png", png, existing: AttachmentRules.maxPerCase)?.code == .attachmentTooMany)

        let unreadable = try #require(refusal("image/png", Array(png.prefix(20))))
        #expect(unreadable.code == .attachmentUnreadable && unreadable.kind == .unsupportedMediaType)
        #expect(unreadable.message.en.contains("PNG") && unreadable.message.zh.contains("PNG"))

        let sizes: [(Int, Int, Bool)] = [
            (0, 5, false), (5, 0, false), (AttachmentRules.maxSide, 1, true), (AttachmentRules.maxSide + 1, 1, false), (1, AttachmentRules.maxSide + 1, false),
            (10_000, 10_000, true), (10_001, 10_000, false),
        ]
        for (width, height, accepted) in sizes {
            let error = refusal("image/png", TestImages.pngHeader(width: width, height: height))
            #expect((error == nil) == accepted, "\(width)×\(height): \(String(describing: error))")
            if let error {
                #expect(error.code == .attachmentBadDimensions && error.kind == .badRequest)
                #expect(error.message.en.contains("\(width)×\(height)") && error.message.zh.contains("\(width)×\(height)"), "\(error)")
            }
        }
    }
}
