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

extension APIHandler {
    func listAssessmentSchemes(_ input: Operations.ListAssessmentSchemes.Input) async throws -> Operations.ListAssessmentSchemes.Output {
        let (versions, inForce) = try await service.assessmentSchemes(try caller, tenantId: try tenantId)
        return .ok(
            .init(
                body: .json(
                    .init(
                        inForce: inForce.map {
                            AssessmentMapping.version(subject: $0.subject, version: $0.version, month: $0.month, $0.scheme, note: $0.note)
                        },
                        versions: versions.map {
                            AssessmentMapping.version(subject: $0.subject, version: $0.version, month: $0.month, $0.scheme, note: $0.note)
                        }))))
    }

    func putAssessmentScheme(_ input: Operations.PutAssessmentScheme.Input) async throws -> Operations.PutAssessmentScheme.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let subject = try AssessmentMapping.subject(input.path.subject)
        guard let month = AssessmentMonth(input.path.month) else {
            throw GridError.invalid([
                FieldError(
                    "month", .fieldFormat,
                    Text(zh: "月份“\(input.path.month)”应为 YYYY-MM，如 2027-01", en: "month '\(input.path.month)' must be YYYY-MM, such as 2027-01"))
            ])
        }
        let written = try await service.setAssessmentScheme(
            try caller, tenantId: try tenantId, subject: subject, month: month, scheme: try AssessmentMapping.scheme(body), note: body.note)
        return .ok(
            .init(
                body: .json(
                    AssessmentMapping.version(subject: written.subject, version: written.version, month: written.month, written.scheme, note: written.note))))
    }

    func assessmentRanking(_ input: Operations.AssessmentRanking.Input) async throws -> Operations.AssessmentRanking.Output {
        let query = input.query
        let subject = try AssessmentMapping.subject(query.subject ?? "street")
        let (from, to, previousFrom) = try await AssessmentMapping.period(month: query.month, from: query.from, to: query.to, service: service, caller)
        let ranking = try await service.assessmentRanking(
            try caller, tenantId: try tenantId, subject: subject, scopeCode: query.scope, from: from, to: to, previousFrom: previousFrom,
            asOf: query.asOf)
        if query.format == .csv { return .ok(.init(body: .csv(HTTPBody(AssessmentMapping.csv(ranking))))) }
        let scheme = ranking.scheme
        return .ok(
            .init(
                body: .json(
                    .init(
                        subject: .init(rawValue: subject.rawValue)!,
                        scope: .init(id: ranking.scope.id, code: ranking.scope.code, name: ranking.scope.name), from: ranking.from, to: ranking.to,
                        asOf: ranking.asOf, previous: .init(from: ranking.previousFrom, to: ranking.previousTo),
                        scheme: AssessmentMapping.version(subject: subject, version: scheme.version, month: scheme.month, scheme.scheme, note: scheme.note),
                        rows: ranking.entries.map(AssessmentMapping.rankingRow)))))
    }
}

extension AssessmentMapping {
    static func subject(_ text: String) throws -> AssessmentSubject {
        guard let subject = AssessmentSubject(rawValue: text) else {
            throw GridError.invalid([
                FieldError(
                    "subject", .statsBadGroup,
                    Text(zh: "考核对象“\(text)”无效（可选：\(AssessmentSubject.allowedList)）", en: "subject '\(text)' is not one of: \(AssessmentSubject.allowedList)"))
            ])
        }
        return subject
    }

    /// `month`, else [from, to); and where the previous period starts (the month before, or the same length before).
    static func period(month: String?, from: Date?, to: Date?, service: GridService, _ caller: Caller) async throws -> (Date, Date, Date) {
        if let month {
            guard let parsed = AssessmentMonth(month) else {
                throw GridError.invalid([
                    FieldError("month", .fieldFormat, Text(zh: "月份“\(month)”应为 YYYY-MM，如 2026-11", en: "month '\(month)' must be YYYY-MM, such as 2026-11"))
                ])
            }
            // Months are local to the district: Beijing time, as every district's calendar keeps it.
            let offset = WorkCalendar.standard.utcOffsetSeconds
            let (start, end) = parsed.period(utcOffsetSeconds: offset)
            return (start, end, parsed.previous.start(utcOffsetSeconds: offset))
        }
        guard let from, let to else {
            throw GridError.invalid([
                FieldError(
                    from == nil ? "from" : "to", .fieldRequired,
                    Text(zh: "请给出 month，或 from 与 to", en: "give month, or from and to"))
            ])
        }
        return (from, to, from.addingTimeInterval(-to.timeIntervalSince(from)))
    }

    static func scheme(_ body: Components.Schemas.AssessmentSchemeInput) throws -> AssessmentScheme {
        func indicator(_ key: String, _ field: String) throws -> Indicator {
            guard let indicator = Indicator(rawValue: key) else {
                throw GridError.invalid([
                    FieldError(
                        field, .assessmentIndicatorUnknown,
                        Text(zh: "指标“\(key)”不存在（可选：\(Indicator.allowedList)）", en: "unknown indicator '\(key)' (one of: \(Indicator.allowedList))"))
                ])
            }
            return indicator
        }
        return AssessmentScheme(
            weights: try body.weights.enumerated().map { index, weight in
                .init(indicator: try indicator(weight.indicator, "weights[\(index)].indicator"), weight: weight.weight)
            },
            deductions: try (body.deductions ?? []).enumerated().map { index, deduction in
                .init(indicator: try indicator(deduction.indicator, "deductions[\(index)].indicator"), points: deduction.points, max: deduction.max)
            })
    }

    static func version(
        subject: AssessmentSubject, version: Int, month: AssessmentMonth?, _ scheme: AssessmentScheme, note: String?
    ) -> Components.Schemas.AssessmentSchemeVersion {
        .init(
            subject: .init(rawValue: subject.rawValue)!, version: version, month: month?.description,
            weights: scheme.weights.map { .init(indicator: $0.indicator.rawValue, weight: $0.weight) },
            deductions: scheme.deductions.map { .init(indicator: $0.indicator.rawValue, points: $0.points, max: $0.max) }, note: note)
    }

    static func rankingRow(_ entry: Ranking.Entry<IndicatorSubject>) -> Components.Schemas.RankingRow {
        .init(
            rank: entry.rank, subject: .init(code: entry.subject.code, name: entry.subject.name, kind: .init(rawValue: entry.subject.kind)!),
            score: entry.card?.score, grade: entry.card.flatMap { .init(rawValue: $0.grade) },
            parts: entry.card?.parts.map {
                .init(indicator: $0.indicator.rawValue, weight: $0.weight, value: $0.value.map(round), points: $0.points.map(round))
            } ?? [],
            deductions: entry.card?.deductions.map { .init(indicator: $0.indicator.rawValue, points: round($0.points)) } ?? [],
            previousRank: entry.previousRank, previousScore: entry.previousScore, rankChange: entry.rankChange, scoreChange: entry.scoreChange)
    }

    /// 名次, 编码, 名称, 综合得分, 等级, each weighted indicator's value, 扣分, 上期名次, 名次变化, 上期得分.
    static func csv(_ ranking: AssessmentRanking) -> String {
        let weights = ranking.scheme.scheme.weights
        let header = ["名次", "编码", "名称", "综合得分", "等级"] + weights.map(\.indicator.label.zh) + ["扣分", "上期名次", "名次变化", "上期得分"]
        func number(_ value: Double?, _ digits: Int) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "" }
        let rows = ranking.entries.map { entry -> [String] in
            let values = weights.map { weight in number(entry.card?.parts.first { $0.indicator == weight.indicator }?.value, 4) }
            return [entry.rank.map(String.init) ?? "", entry.subject.code, entry.subject.name, number(entry.card?.score, 2), entry.card?.grade ?? ""]
                + values
                + [
                    number(entry.card.map { $0.deductions.reduce(0) { $0 + $1.points } }, 2), entry.previousRank.map(String.init) ?? "",
                    entry.rankChange.map(String.init) ?? "", number(entry.previousScore, 2),
                ]
        }
        return CSVTable.render(header: header, rows: rows, excelSafe: true, codeColumns: [1])
    }
}
