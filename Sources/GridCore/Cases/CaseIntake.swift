import Foundation

/// A reported problem as it comes in, before it is located and stored: from a grid worker's phone,
/// the hotline desk, a department or a partner system.
public struct CaseIntake: Sendable, Equatable, Codable {
    /// An item of the problem list; nil leaves it to the dispatcher to classify at filing.
    public var category: String?
    public var grade: String?
    public var description: String
    /// The point reported, located to its grid; nil for a report by address only.
    public var lat: Double?
    public var lng: Double?
    public var address: String?
    /// For a report by address only (a caller with no point to give): the code of the grid the address lies in.
    public var grid: String?
    public var source: CaseSource
    public var reporterName: String?
    public var reporterPhone: String?

    public static let maxDescription = 2000
    public static let maxAddress = 200
    public static let maxReporterName = 50
    public static let maxReporterPhone = 30

    public init(
        category: String?, grade: String? = nil, description: String, lat: Double?, lng: Double?, address: String? = nil, grid: String? = nil,
        source: CaseSource, reporterName: String? = nil, reporterPhone: String? = nil
    ) {
        self.category = category
        self.grade = grade
        self.description = description
        self.lat = lat
        self.lng = lng
        self.address = address
        self.grid = grid
        self.source = source
        self.reporterName = reporterName
        self.reporterPhone = reporterPhone
    }

    /// The intake with text trimmed and empty strings as nil, or every problem named at once.
    public func validated() throws -> CaseIntake {
        var copy = self
        func trimmed(_ text: String?) -> String? {
            let value = text?.trimmingCharacters(in: .whitespacesAndNewlines)
            return value?.isEmpty == false ? value : nil
        }
        copy.category = trimmed(category)
        copy.grade = trimmed(grade)
        copy.description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        copy.address = trimmed(address)
        copy.grid = trimmed(grid)
        copy.reporterName = trimmed(reporterName)
        copy.reporterPhone = trimmed(reporterPhone)
        var errors: [FieldError] = []
        if copy.description.isEmpty {
            errors.append(FieldError("description", .fieldRequired, Text(zh: "请描述问题", en: "describe the problem")))
        }
        for (field, value, limit) in [
            ("description", Optional(copy.description), Self.maxDescription), ("address", copy.address, Self.maxAddress),
            ("reporterName", copy.reporterName, Self.maxReporterName),
            ("reporterPhone", copy.reporterPhone, Self.maxReporterPhone),
        ] {
            if let value, value.count > limit {
                errors.append(
                    FieldError(
                        field, .fieldTooLong,
                        Text(
                            zh: "\(field) 最多 \(limit) 个字符，实际 \(value.count) 个",
                            en: "\(field) is at most \(limit) characters, got \(value.count)")))
            }
        }
        if let phone = copy.reporterPhone, !phone.allSatisfy({ $0.isASCII && ($0.isNumber || "+- ".contains($0)) }) {
            errors.append(
                FieldError(
                    "reporterPhone", .fieldBadPhone,
                    Text(
                        zh: "联系电话只能含数字、空格、+ 和 -，实际为“\(phone)”",
                        en: "a phone number has only digits, spaces, + and -, got '\(phone)'")))
        }
        switch (lat, lng) {
        case let (lat?, lng?):
            if Coordinate(lng: lng, lat: lat) == nil {
                errors.append(
                    FieldError(
                        "lat,lng", .geoBadCoordinate,
                        Text(
                            zh: "坐标 (\(lat), \(lng)) 不是有效的 WGS84 经纬度",
                            en: "(\(lat), \(lng)) is not a valid WGS84 latitude/longitude")))
            }
        case (nil, nil):
            if copy.address == nil || copy.grid == nil {
                errors.append(
                    FieldError(
                        "lat,lng", .casePlaceRequired,
                        Text(
                            zh: "请给出上报位置（lat、lng），或给出地址（address）及其所在网格的编码（grid）",
                            en: "give the point (lat, lng), or an address with the code of its grid (grid)")))
            }
        default:
            errors.append(FieldError("lat,lng", .geoBadCoordinate, Text(zh: "lat 与 lng 须同时给出", en: "lat and lng go together")))
        }
        if copy.grade != nil && copy.category == nil {
            errors.append(FieldError("grade", .fieldWithoutCategory, Text(zh: "未选事项时不能指定等级", en: "a grade needs a category")))
        }
        guard errors.isEmpty else { throw GridError.invalid(errors) }
        return copy
    }

    /// The point reported, when there is one (after `validated()`, a valid one).
    public var point: Coordinate? { lat.flatMap { lat in lng.flatMap { Coordinate(lng: $0, lat: lat) } } }
}

/// The readable per-district case number: district code, local report day, a six-digit counter
/// (`HD-20261122-000123`).
public enum CaseNumber {
    public static func format(tenantCode: String, day: LocalDate, counter: Int) -> String {
        let digits = String(counter)
        return "\(prefix(tenantCode: tenantCode, day: day))\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }

    /// What every number of the district's day starts with (`HD-20261122-`).
    public static func prefix(tenantCode: String, day: LocalDate) -> String {
        "\(tenantCode)-\(day.description.filter { $0 != "-" })-"
    }
}

/// The reporter's rating of a closed case (综合评价).
public enum CaseRating: String, Sendable, Codable, CaseIterable {
    case satisfied, basicallySatisfied, dissatisfied

    public var label: Text {
        switch self {
        case .satisfied: Text(zh: "满意", en: "satisfied")
        case .basicallySatisfied: Text(zh: "基本满意", en: "basically satisfied")
        case .dissatisfied: Text(zh: "不满意", en: "dissatisfied")
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
