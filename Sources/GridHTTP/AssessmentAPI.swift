import Foundation
import GridAPI
import GridCore
import GridService
import OpenAPIRuntime

extension APIHandler {
    func indicatorFigures(_ input: Operations.IndicatorFigures.Input) async throws -> Operations.IndicatorFigures.Output {
        let query = input.query
        let grouping = try Self.grouping(query.by, default: IndicatorGrouping.street)
        let result = try await service.indicatorFigures(
            try caller, tenantId: try tenantId, grouping: grouping, scopeCode: query.scope, from: query.from, to: query.to, asOf: query.asOf,
            indicators: try AssessmentMapping.indicators(query.indicators))
        if query.format == .csv {
            let csv = IndicatorSheet.csv(
                grouping, result.indicators, rows: result.rows.map { ($0.subject.code, $0.subject.name, $0.tally) }, total: result.total)
            return .ok(.init(body: .csv(HTTPBody(csv))))
        }
        let language = RequestScope.language
        return .ok(
            .init(
                body: .json(
                    .init(
                        by: .init(rawValue: grouping.rawValue)!, scope: .init(id: result.scope.id, code: result.scope.code, name: result.scope.name),
                        from: result.from, to: result.to, asOf: result.asOf,
                        indicators: result.indicators.map {
                            .init(
                                key: $0.rawValue, label: $0.label.localized(language), unit: .init(rawValue: $0.unit.rawValue)!,
                                higherIsBetter: $0.higherIsBetter, definition: $0.definition.localized(language))
                        },
                        rows: result.rows.map { AssessmentMapping.row($0.subject, $0.tally, result.indicators) },
                        total: AssessmentMapping.row(nil, result.total, result.indicators)))))
    }
}

/// Assessment figures between the service's records and the REST contract's types.
enum AssessmentMapping {
    /// `onTimeHandlingRate,closureRate` → the indicators; nil or empty → none named.
    static func indicators(_ list: String?) throws -> [Indicator] {
        let keys = (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var result: [Indicator] = []
        for key in keys {
            guard let indicator = Indicator(rawValue: key) else {
                throw GridError.invalid([
                    FieldError(
                        "indicators", .assessmentIndicatorUnknown,
                        Text(zh: "指标“\(key)”不存在（可选：\(Indicator.allowedList)）", en: "unknown indicator '\(key)' (one of: \(Indicator.allowedList))"))
                ])
            }
            if !result.contains(indicator) { result.append(indicator) }
        }
        return result
    }

    static func round(_ value: Double) -> Double { (value * 10000).rounded() / 10000 }

    static func row(_ subject: IndicatorSubject?, _ tally: IndicatorTally, _ indicators: [Indicator]) -> Components.Schemas.IndicatorRow {
        .init(
            subject: subject.map { .init(code: $0.code, name: $0.name, kind: .init(rawValue: $0.kind)!) },
            values: indicators.map { indicator in
                let value = tally.value(indicator)
                return .init(indicator: indicator.rawValue, value: value.value.map(round), numerator: round(value.numerator), denominator: value.denominator)
            })
    }
}
