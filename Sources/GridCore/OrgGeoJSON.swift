import Foundation

/// Reads org units from a GeoJSON FeatureCollection (properties: code, name, kind, parentCode,
/// optional gridLevel) as districts' GIS exports write them: kinds in English or Chinese, no
/// parent code (null) for units under the district itself. Every problem names the feature index
/// and field; a code a spreadsheet turned into a number is refused with the fix.
public enum OrgGeoJSON {
    public static func drafts(from collection: JSONValue, gridLevels: [GridLevel]) throws(GridError) -> [UnitDraft] {
        guard collection["type"]?.string == "FeatureCollection" else {
            throw GridError.invalid([
                FieldError(
                    "type", .geojsonNotFeatureCollection,
                    Text(
                        zh: "应为 GeoJSON FeatureCollection，实际 type 为 \(collection["type"]?.brief ?? "缺失")",
                        en: "expected a GeoJSON FeatureCollection, got type \(collection["type"]?.brief ?? "missing")"))
            ])
        }
        guard let features = collection["features"]?.array else {
            throw GridError.invalid([FieldError("features", .geojsonNoFeatures, Text(zh: "缺少 features 数组", en: "features must be an array"))])
        }
        var drafts: [UnitDraft] = []
        drafts.reserveCapacity(features.count)
        var errors: [FieldError] = []
        for (i, feature) in features.enumerated() {
            let source = "features[\(i)]"
            do throws(GridError) {
                drafts.append(try draft(feature, source: source, gridLevels: gridLevels))
            } catch {
                errors.append(contentsOf: error.fieldErrors.isEmpty ? [FieldError(source, error.code, error.message)] : error.fieldErrors)
                if errors.count >= OrgPlanner.maxErrors { break }
            }
        }
        if !errors.isEmpty { throw GridError.invalid(Array(errors.prefix(OrgPlanner.maxErrors))) }
        return drafts
    }

    static func draft(_ feature: JSONValue, source: String, gridLevels: [GridLevel]) throws(GridError) -> UnitDraft {
        var errors: [FieldError] = []
        func missing(_ field: String, _ value: JSONValue?) {
            errors.append(
                FieldError(
                    "\(source).properties.\(field)", .geojsonPropertyInvalid,
                    Text(
                        zh: "属性 \(field) 应为非空字符串，实际为 \(value?.brief ?? "缺失")",
                        en: "property \(field) must be a non-empty string, got \(value?.brief ?? "nothing")")))
        }
        guard feature["type"]?.string == "Feature", let properties = feature["properties"]?.object else {
            throw GridError.invalid([FieldError(source, .geojsonNotFeature, Text(zh: "应为带 properties 的 Feature", en: "expected a Feature with properties"))])
        }
        func text(_ key: String) -> String? {
            switch properties[key] {
            case .string(let s):
                let t = s.trimmingCharacters(in: .whitespaces)
                return t.isEmpty ? nil : t
            case .number(let n) where n == n.rounded() && n >= 0 && n < 1e18: return String(Int64(n))
            default: return nil
            }
        }
        var reported: Set<String> = []
        /// A code as text; a number a spreadsheet made of it is reported, not read.
        func codeText(_ key: String) -> String? {
            let mangled: String? =
                switch properties[key] {
                case .string(let s) where SpreadsheetText.isMangledNumber(s.trimmingCharacters(in: .whitespaces)): s
                case .number(let n) where n > 0 && (n != n.rounded() || n >= 1e18): "\(n)"
                case .number(let n) where n > 0 && SpreadsheetText.looksRounded(String(Int64(n))): String(Int64(n))
                default: nil
                }
            guard let mangled else { return text(key) }
            reported.insert(key)
            errors.append(FieldError("\(source).properties.\(key)", .geojsonCodeSpreadsheetNumber, SpreadsheetText.problem(key, mangled)))
            return nil
        }
        let code = codeText("code")
        if code == nil && !reported.contains("code") { missing("code", properties["code"]) }
        let name = text("name"), kindText = text("kind")
        if name == nil { missing("name", properties["name"]) }
        let parentCode = codeText("parentCode")
        switch properties["parentCode"] {
        case nil, .null?: break
        case .string(let s)? where s.trimmingCharacters(in: .whitespaces).isEmpty: break
        case let value? where parentCode == nil && !reported.contains("parentCode"): missing("parentCode", value)
        default: break
        }
        var kind: OrgUnitKind?
        var gridLevel: Int?
        if let kindText {
            if let known = OrgUnitKind(name: kindText) {
                kind = known
            } else if let level = gridLevels.firstIndex(where: { $0.key == kindText || $0.name == kindText }) {
                kind = .grid
                gridLevel = level + 1
            } else {
                let allowed = OrgUnitKind.allowedList + gridLevels.map { ", \($0.key)" }.joined()
                errors.append(
                    FieldError(
                        "\(source).properties.kind", .orgUnitUnknownKind,
                        Text(
                            zh: "未知类型“\(kindText)”，可选：\(OrgUnitKind.chineseList), \(allowed)", en: "unknown kind '\(kindText)'; allowed: \(allowed)")))
            }
        } else {
            missing("kind", properties["kind"])
        }
        switch properties["gridLevel"] {
        case nil, .null?: break
        case .number(let n)? where n == n.rounded() && n >= 1 && n <= 9: gridLevel = Int(n)
        case let other?:
            errors.append(
                FieldError(
                    "\(source).properties.gridLevel", .geojsonPropertyInvalid,
                    Text(zh: "gridLevel 应为正整数，实际为 \(other.brief)", en: "gridLevel must be a positive integer, got \(other.brief)")))
        }
        var area: Area?
        switch feature["geometry"] {
        case nil, .null?: break
        case let geometry?:
            do throws(GridError) { area = try Area.parse(geoJSON: geometry, at: "\(source).geometry") } catch { errors.append(contentsOf: error.fieldErrors) }
        }
        guard errors.isEmpty, let code, let name, let kind else { throw GridError.invalid(errors) }
        return UnitDraft(source: source, code: code, name: name, kind: kind, gridLevel: gridLevel, parentCode: parentCode, area: area)
    }
}
