/// The photos a case may carry: images only, recognised by their first bytes (a declared type
/// that the bytes contradict is refused), within a size limit and a count per case.
public enum AttachmentRules {
    public static let maxBytes = 8 << 20
    public static let maxPerCase = 20
    public static let allowedTypes = ["image/jpeg", "image/png", "image/webp"]

    /// The image type the bytes are, or nil when they are none of the allowed ones.
    public static func sniff(_ bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if head.count == 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        return nil
    }

    /// Checks an upload; the error names the problem and the value.
    public static func check(declaredType: String, bytes: some Collection<UInt8>, existing: Int) throws -> String {
        guard !bytes.isEmpty else {
            throw GridError(.badRequest, "attachment.empty", Text(zh: "照片内容为空", en: "the photo is empty"))
        }
        guard bytes.count <= maxBytes else {
            throw GridError(.payloadTooLarge, "attachment.tooLarge", Text(
                zh: "照片 \(bytes.count) 字节，超过 \(maxBytes) 字节的上限", en: "the photo has \(bytes.count) bytes, over the limit of \(maxBytes)"))
        }
        guard let actual = sniff(bytes) else {
            throw GridError(.unsupportedMediaType, "attachment.notImage", Text(
                zh: "上传内容不是 JPEG、PNG 或 WebP 图片（声明类型 \(declaredType)）",
                en: "the upload is not a JPEG, PNG or WebP image (declared as \(declaredType))"))
        }
        guard actual == declaredType else {
            throw GridError(.unsupportedMediaType, "attachment.typeMismatch", Text(
                zh: "声明类型为 \(declaredType)，内容却是 \(actual)", en: "declared as \(declaredType) but the bytes are \(actual)"))
        }
        guard existing < maxPerCase else {
            throw GridError(.conflict, "attachment.tooMany", Text(
                zh: "每个案件最多 \(maxPerCase) 张照片", en: "a case has at most \(maxPerCase) photos"))
        }
        return actual
    }
}
