/// The photos a case may carry: images only, whose header is read to its dimensions (a declared
/// type that the bytes contradict is refused, as is a picture no camera takes), within a size limit
/// and a count per case; added by the people who work the case, while it is open.
public enum AttachmentRules {
    public static let maxBytes = 8 << 20
    public static let maxPerCase = 20
    /// The longest side and the most pixels a photo may declare (a phone's is a few thousand pixels a side).
    public static let maxSide = 20_000
    public static let maxPixels = 100_000_000
    public static let allowedTypes = ImageHeader.Format.allCases.map(\.contentType)

    /// The image type the bytes announce, or nil when they are none of the allowed ones.
    public static func sniff(_ bytes: [UInt8]) -> String? { ImageHeader.format(of: bytes)?.contentType }

    /// Who may add a photo: someone who takes part in the case (its reporter, a role that counts at
    /// it, a department with a task on it), and only while the case is still open.
    public static func checkUploader(participates: Bool, state: CaseState) throws(GridError) {
        guard participates else {
            throw GridError(
                .attachmentNotAllowed,
                Text(
                    zh: "只有案件的上报人、辖区内的指挥中心人员、承办或协办部门的联络员、所在网格的网格员和持有该案件的层级成员可以上传照片",
                    en:
                        "only the case's reporter, the command centre in its scope, its lead or assisting departments' liaisons, its grid's workers and the members of the level holding it may add photos"
                ))
        }
        guard state.isOpen else {
            throw GridError(
                .attachmentCaseNotOpen,
                Text(
                    zh: "案件已\(state.label.zh)，不能再上传照片", en: "the case is \(state.label.en); photos are added only while it is open"))
        }
    }

    /// Checks an upload and reads its header; the error names the problem and the value.
    public static func check(declaredType: String, bytes: [UInt8], existing: Int) throws(GridError) -> ImageHeader {
        guard !bytes.isEmpty else {
            throw GridError(.attachmentEmpty, Text(zh: "照片内容为空", en: "the photo is empty"))
        }
        guard bytes.count <= maxBytes else {
            throw GridError(
                .attachmentTooLarge,
                Text(
                    zh: "照片 \(bytes.count) 字节，超过 \(maxBytes) 字节的上限", en: "the photo has \(bytes.count) bytes, over the limit of \(maxBytes)"))
        }
        guard let format = ImageHeader.format(of: bytes) else {
            throw GridError(
                .attachmentNotImage,
                Text(
                    zh: "上传内容不是 JPEG、PNG 或 WebP 图片（声明类型 \(declaredType)）",
                    en: "the upload is not a JPEG, PNG or WebP image (declared as \(declaredType))"))
        }
        guard format.contentType == declaredType else {
            throw GridError(
                .attachmentTypeMismatch,
                Text(
                    zh: "声明类型为 \(declaredType)，内容却是 \(format.contentType)", en: "declared as \(declaredType) but the bytes are \(format.contentType)"))
        }
        let header: ImageHeader
        do {
            guard let read = try ImageHeader.read(bytes) else { preconditionFailure("a recognised format reads to a header or an error") }
            header = read
        } catch {
            throw GridError(
                .attachmentUnreadable,
                Text(
                    zh: "无法读取 \(error.format.rawValue) 图片的头部：\(error.reason.zh)",
                    en: "the \(error.format.rawValue) image's header cannot be read: \(error.reason.en)"))
        }
        try checkDimensions(header)
        guard existing < maxPerCase else {
            throw GridError(
                .attachmentTooMany,
                Text(
                    zh: "每个案件最多 \(maxPerCase) 张照片", en: "a case has at most \(maxPerCase) photos"))
        }
        return header
    }

    /// A photo has pixels, at most `maxSide` a side and `maxPixels` in all.
    static func checkDimensions(_ header: ImageHeader) throws(GridError) {
        let (width, height) = (header.width, header.height)
        let size = "\(width)×\(height)"
        guard width > 0, height > 0 else {
            throw GridError(
                .attachmentBadDimensions,
                Text(
                    zh: "图片尺寸为 \(size) 像素，宽和高都应大于 0", en: "the image is \(size) pixels; width and height must be above 0"))
        }
        guard width <= maxSide, height <= maxSide else {
            throw GridError(
                .attachmentBadDimensions,
                Text(
                    zh: "图片尺寸为 \(size) 像素，每边最多 \(maxSide) 像素", en: "the image is \(size) pixels; a side is at most \(maxSide)"))
        }
        guard width * height <= maxPixels else {
            throw GridError(
                .attachmentBadDimensions,
                Text(
                    zh: "图片尺寸为 \(size) 像素（\(width * height) 像素），最多 \(maxPixels) 像素",
                    en: "the image is \(size) pixels (\(width * height) in all); at most \(maxPixels) are allowed"))
        }
    }
}
