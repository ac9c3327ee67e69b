import Foundation

/// Reads the fields of one JSON object of an imported document, collecting a FieldError for
/// every field that is missing or of the wrong type, so that one pass names every problem with
/// its place (`categories[3].grades[0].limit.unit`) and value.
public struct FieldReader {
    public let source: String
    public let object: [String: JSONValue]
    public private(set) var errors: [FieldError] = []

    /// Nil (with an error recorded by the caller's reader) when `value` is not an object.
    public init?(_ value: JSONValue?, source: String, errors: inout [FieldError]) {
        guard let object = value?.object else {
            errors.append(
                FieldError(
                    source, .fieldNotObject,
                    Text(zh: "应为 JSON 对象，实际为 \(value?.brief ?? "缺失")", en: "expected a JSON object, got \(value?.brief ?? "nothing")")))
            return nil
        }
        self.source = source
        self.object = object
    }

    public func path(_ key: String) -> String { "\(source).\(key)" }

    public mutating func fail(_ key: String, _ code: ErrorCode, zh: String, en: String) {
        errors.append(FieldError(path(key), code, Text(zh: zh, en: en)))
    }

    /// Adds errors found by a nested reader.
    public mutating func absorb(_ nested: [FieldError]) { errors.append(contentsOf: nested) }

    /// Rejects keys the document format does not know, so that a misspelt key is not silently ignored.
    public mutating func rejectUnknownKeys(_ known: Set<String>) {
        for key in object.keys.sorted() where !known.contains(key) {
            let allowed = known.sorted().joined(separator: ", ")
            fail(key, .fieldUnknown, zh: "未知字段“\(key)”，可用字段：\(allowed)", en: "unknown field '\(key)'; known fields: \(allowed)")
        }
    }

    /// A trimmed non-empty string of at most `maxLength` characters; nil when absent (and required → error).
    public mutating func string(_ key: String, required: Bool = false, maxLength: Int = 200) -> String? {
        switch object[key] {
        case nil, .null?:
            if required { fail(key, .fieldRequired, zh: "缺少必填字段 \(key)", en: "\(key) is required") }
            return nil
        case .string(let raw)?:
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty {
                if required { fail(key, .fieldRequired, zh: "字段 \(key) 不能为空", en: "\(key) must not be empty") }
                return nil
            }
            if text.count > maxLength {
                fail(key, .fieldTooLong, zh: "字段 \(key) 超过 \(maxLength) 个字符", en: "\(key) is longer than \(maxLength) characters")
                return nil
            }
            return text
        case .number(let n)? where n == n.rounded() && n >= 0 && n < 1e15:
            return String(Int64(n))
        case let other?:
            fail(key, .fieldType, zh: "字段 \(key) 应为字符串，实际为 \(other.brief)", en: "\(key) must be a string, got \(other.brief)")
            return nil
        }
    }

    public mutating func bool(_ key: String) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?:
            fail(key, .fieldType, zh: "字段 \(key) 应为 true 或 false，实际为 \(other.brief)", en: "\(key) must be true or false, got \(other.brief)")
            return nil
        }
    }

    /// A whole number in `range`.
    public mutating func int(_ key: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        switch object[key] {
        case nil, .null?:
            if required { fail(key, .fieldRequired, zh: "缺少必填字段 \(key)", en: "\(key) is required") }
            return nil
        case .number(let n)? where n == n.rounded() && n >= Double(range.lowerBound) && n <= Double(range.upperBound):
            return Int(n)
        case let other?:
            fail(
                key, .fieldRange, zh: "字段 \(key) 应为 \(range.lowerBound)–\(range.upperBound) 的整数，实际为 \(other.brief)",
                en: "\(key) must be a whole number within \(range.lowerBound)–\(range.upperBound), got \(other.brief)")
            return nil
        }
    }

    /// An array of strings; nil when absent.
    public mutating func strings(_ key: String, maxLength: Int = 200) -> [String]? {
        switch object[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            var result: [String] = []
            for (i, item) in items.enumerated() {
                if let text = item.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.count <= maxLength {
                    result.append(text)
                } else {
                    fail("\(key)[\(i)]", .fieldType, zh: "应为非空字符串，实际为 \(item.brief)", en: "must be a non-empty string, got \(item.brief)")
                }
            }
            return result
        case let other?:
            fail(key, .fieldType, zh: "字段 \(key) 应为字符串数组，实际为 \(other.brief)", en: "\(key) must be an array of strings, got \(other.brief)")
            return nil
        }
    }

    /// A value of a string enum, with the allowed list in the error.
    public mutating func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = false) -> E?
    where E.RawValue == String {
        guard let raw = string(key, required: required) else { return nil }
        if let value = E(rawValue: raw) { return value }
        let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
        fail(key, .fieldUnknownValue, zh: "字段 \(key) 的值“\(raw)”无效，可选：\(allowed)", en: "\(key) '\(raw)' is not one of: \(allowed)")
        return nil
    }

    /// A time limit `{"amount": 4, "unit": "workHours"}`.
    public mutating func limit(_ key: String, required: Bool = false) -> TimeLimit? {
        switch object[key] {
        case nil, .null?:
            if required { fail(key, .fieldRequired, zh: "缺少时限 \(key)", en: "\(key) is required") }
            return nil
        case let value?:
            var errors: [FieldError] = []
            guard var nested = FieldReader(value, source: path(key), errors: &errors) else {
                absorb(errors)
                return nil
            }
            nested.rejectUnknownKeys(["amount", "unit"])
            let amount = nested.int("amount", in: 0...TimeLimit.maxAmount, required: true)
            var unit: LimitUnit?
            switch nested.object["unit"] {
            case nil, .null?:
                nested.fail(
                    "unit", .limitUnitMissing, zh: "时限缺少单位（\(LimitUnit.allowedList)）",
                    en: "a time limit needs a unit (\(LimitUnit.allowedList))")
            default:
                // Required: an empty string must be an error, not a limit silently dropped.
                unit = nested.enumValue("unit", LimitUnit.self, required: true)
            }
            absorb(nested.errors)
            guard let amount, let unit else { return nil }
            return TimeLimit(amount: amount, unit: unit)
        }
    }
}
