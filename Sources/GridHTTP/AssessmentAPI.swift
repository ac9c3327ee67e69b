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
        if query.format == .csv || query.format == .xlsx {
            let table = IndicatorSheet.table(
                grouping, result.indicators, rows: result.rows.map { ($0.subject.code, $0.subject.name, $0.tally) }, total: result.total)
            if query.format == .csv { return .ok(.init(body: .csv(HTTPBody(table.csv())))) }
            return .ok(.init(body: .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(HTTPBody(try Workbook.xlsx([.init(name: "考核指标", table)])))))
        }
        let language = RequestScope.language
        let links = AssessmentMapping.Links(from: result.from, to: result.to, asOf: result.asOf, scope: result.scope.code)
        return .ok(
            .init(
                body: .json(
                    .init(
                        by: .init(rawValue: grouping.rawValue)!, scope: .init(id: result.scope.id, code: result.scope.code, name: result.scope.name),
                        from: result.from, to: result.to, asOf: result.asOf,
                        indicators: result.indicators.map { AssessmentMapping.definition($0, language) },
                        rows: result.rows.map { AssessmentMapping.row($0.subject, $0.tally, result.indicators, links: links) },
                        total: AssessmentMapping.row(nil, result.total, result.indicators, links: links)))))
    }
}

/// Assessment figures between the service's records and the REST contract's types.
enum AssessmentMapping {
    /// `onTimeHandlingRate,closureRate` → the indicators; nil or empty → none named.
    static func indicators(_ list: String?) throws -> [Indicator] {
        let keys = (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var result: [Indicator] = []
        for key in keys {
            let indicator = try Indicator.parse(key, field: "indicators")
            if !result.contains(indicator) { result.append(indicator) }
        }
        return result
    }

    static func round(_ value: Double) -> Double { (value * 10000).rounded() / 10000 }

    static func definition(_ indicator: Indicator, _ language: Language) -> Components.Schemas.IndicatorDefinition {
        .init(
            key: indicator.rawValue, label: indicator.label.localized(language), unit: .init(rawValue: indicator.unit.rawValue)!,
            higherIsBetter: indicator.higherIsBetter, definition: indicator.definition.localized(language))
    }

    /// Where the cases behind a figure are listed: the same period, time and scope, and the
    /// row's unit, department or reporter.
    struct Links {
        var from: Date
        var to: Date
        var asOf: Date
        var scope: String

        func cases(_ indicator: Indicator, _ subject: IndicatorSubject?, numerator: Bool) -> String? {
            guard indicator.countsCases else { return nil }
            let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            var query = [
                ("indicator", indicator.rawValue), ("from", from.formatted(style)), ("to", to.formatted(style)), ("asOf", asOf.formatted(style)),
            ]
            switch subject?.kind {
            case nil: query.append(("scope", scope))
            case "department": query += [("scope", scope), ("department", subject!.code)]
            case "person": query += [("scope", scope), ("reporter", subject!.code)]
            default: query.append(("scope", subject!.code))
            }
            if numerator { query.append(("part", "numerator")) }
            var allowed = CharacterSet.urlQueryAllowed
            allowed.remove(charactersIn: "+&=")
            return "/v1/stats/indicators/cases?"
                + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
        }
    }

    static func row(_ subject: IndicatorSubject?, _ tally: IndicatorTally, _ indicators: [Indicator], links: Links) -> Components.Schemas.IndicatorRow {
        .init(
            subject: subject.map { .init(code: $0.code, name: $0.name, kind: .init(rawValue: $0.kind)!) },
            values: indicators.map { indicator in
                let value = tally.value(indicator)
                return .init(
                    indicator: indicator.rawValue, value: value.value.map(round), numerator: round(value.numerator), denominator: value.denominator,
                    cases: links.cases(indicator, subject, numerator: false),
                    numeratorCases: value.denominator == nil ? nil : links.cases(indicator, subject, numerator: true))
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
        let month = try AssessmentMonth.parse(input.path.month)
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
        let (from, to, previousFrom) = try AssessmentMapping.period(month: query.month, from: query.from, to: query.to)
        let ranking = try await service.assessmentRanking(
            try caller, tenantId: try tenantId, subject: subject, scopeCode: query.scope, from: from, to: to, previousFrom: previousFrom,
            asOf: query.asOf)
        if query.format == .csv { return .ok(.init(body: .csv(HTTPBody(AssessmentMapping.table(ranking).csv())))) }
        if query.format == .xlsx {
            return .ok(
                .init(
                    body: .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(
                        HTTPBody(try Workbook.xlsx([.init(name: "考核排名", AssessmentMapping.table(ranking))])))))
        }
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
    static func period(month: String?, from: Date?, to: Date?) throws -> (Date, Date, Date) {
        if let month {
            let parsed = try AssessmentMonth.parse(month)
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
        return AssessmentScheme(
            weights: try body.weights.enumerated().map { index, weight in
                .init(indicator: try Indicator.parse(weight.indicator, field: "weights[\(index)].indicator"), weight: weight.weight)
            },
            deductions: try (body.deductions ?? []).enumerated().map { index, deduction in
                .init(
                    indicator: try Indicator.parse(deduction.indicator, field: "deductions[\(index)].indicator"), points: deduction.points, max: deduction.max)
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
    static func table(_ ranking: AssessmentRanking) -> SheetTable {
        let weights = ranking.scheme.scheme.weights
        let header = ["名次", "编码", "名称", "综合得分", "等级"] + weights.map(\.indicator.label.zh) + ["扣分", "上期名次", "名次变化", "上期得分"]
        func number(_ value: Double?, _ digits: Int) -> SheetCell { value.map { .number($0, digits: digits) } ?? .empty }
        func whole(_ value: Int?) -> SheetCell { number(value.map(Double.init), 0) }
        let rows = ranking.entries.map { entry -> [SheetCell] in
            let values = weights.map { weight in number(entry.card?.parts.first { $0.indicator == weight.indicator }?.value, 4) }
            return [whole(entry.rank), .text(entry.subject.code), .text(entry.subject.name), number(entry.card?.score, 2), .text(entry.card?.grade ?? "")]
                + values
                + [
                    number(entry.card.map { $0.deductions.reduce(0) { $0 + $1.points } }, 2), whole(entry.previousRank), whole(entry.rankChange),
                    number(entry.previousScore, 2),
                ]
        }
        return SheetTable(header: header, rows: rows, codeColumns: [1])
    }
}

extension APIHandler {
    func indicatorCases(_ input: Operations.IndicatorCases.Input) async throws -> Operations.IndicatorCases.Output {
        let q = input.query
        guard let indicator = try AssessmentMapping.indicators(q.indicator).first else {
            throw GridError.invalid([FieldError("indicator", .fieldRequired, Text(zh: "请给出指标", en: "name an indicator"))])
        }
        let page = try await service.indicatorCases(
            try caller, tenantId: try tenantId, indicator: indicator, numerator: q.part == .numerator, scopeCode: q.scope, departmentCode: q.department,
            reporterLogin: q.reporter, from: q.from, to: q.to, asOf: q.asOf, page: try APIMapping.page(cursor: q.cursor, limit: q.limit))
        return .ok(.init(body: .json(.init(items: page.items.map(CaseMapping.summary), nextCursor: page.nextCursor))))
    }
}

extension APIHandler {
    func indicatorSeries(_ input: Operations.IndicatorSeries.Input) async throws -> Operations.IndicatorSeries.Output {
        let q = input.query
        let interval = SeriesInterval(rawValue: q.interval?.rawValue ?? "week") ?? .week
        let series = try await service.indicatorSeries(
            try caller, tenantId: try tenantId, interval: interval, count: q.count ?? (interval == .week ? 8 : 12), scopeCode: q.scope,
            indicators: try AssessmentMapping.indicators(q.indicators), end: q.end)
        if q.format == .csv || q.format == .xlsx {
            let style = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 8 * 3600)!)
            let header = ["期间开始", "期间结束", "截至"] + series.indicators.map(\.label.zh)
            let rows = (series.points + [series.yearBefore]).map { point -> [SheetCell] in
                [.text(point.from.formatted(style)), .text(point.to.formatted(style)), .text(point.asOf.formatted(style))]
                    + series.indicators.map { indicator in
                        point.tally.value(indicator).value.map { .number($0, digits: indicator.unit == .count ? 0 : 4) } ?? .empty
                    }
            }
            let table = SheetTable(header: header, rows: rows)
            if q.format == .csv { return .ok(.init(body: .csv(HTTPBody(table.csv())))) }
            return .ok(.init(body: .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(HTTPBody(try Workbook.xlsx([.init(name: "指标序列", table)])))))
        }
        let language = RequestScope.language
        func point(_ p: IndicatorSeries.Point) -> Components.Schemas.SeriesPoint {
            let links = AssessmentMapping.Links(from: p.from, to: p.to, asOf: p.asOf, scope: series.scope.code)
            return .init(from: p.from, to: p.to, asOf: p.asOf, values: AssessmentMapping.row(nil, p.tally, series.indicators, links: links).values)
        }
        let last = series.points[series.points.count - 1].tally
        let previous = series.points.count > 1 ? series.points[series.points.count - 2].tally : nil
        let changes = series.indicators.map { indicator -> Components.Schemas.SeriesChange in
            let value = last.value(indicator).value
            let before = previous?.value(indicator).value, yearBefore = series.yearBefore.tally.value(indicator).value
            func delta(_ other: Double?) -> Double? { value.flatMap { v in other.map { AssessmentMapping.round(v - $0) } } }
            func ratio(_ other: Double?) -> Double? { value.flatMap { v in other.flatMap { $0 == 0 ? nil : AssessmentMapping.round(v / $0 - 1) } } }
            return .init(
                indicator: indicator.rawValue, value: value.map(AssessmentMapping.round), previous: before.map(AssessmentMapping.round),
                yearBefore: yearBefore.map(AssessmentMapping.round), vsPrevious: delta(before), vsPreviousRatio: ratio(before),
                vsYearBefore: delta(yearBefore), vsYearBeforeRatio: ratio(yearBefore))
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        interval: .init(rawValue: interval.rawValue)!,
                        scope: .init(id: series.scope.id, code: series.scope.code, name: series.scope.name),
                        indicators: series.indicators.map { AssessmentMapping.definition($0, language) }, points: series.points.map(point),
                        yearBefore: point(series.yearBefore), changes: changes))))
    }
}

extension APIHandler {
    func getBrief(_ input: Operations.GetBrief.Input) async throws -> Operations.GetBrief.Output {
        let period = try BriefPeriod.parse(input.path.period)
        let brief = try await service.brief(try caller, tenantId: try tenantId, scopeCode: input.query.scope, period: period)
        let html = BriefPage.html(brief)
        if input.query.format == .pdf { return .ok(.init(body: .pdf(HTTPBody(try await BriefPDF.render(html))))) }
        return .ok(.init(body: .html(HTTPBody(html))))
    }

    func listBriefSubscriptions(_ input: Operations.ListBriefSubscriptions.Input) async throws -> Operations.ListBriefSubscriptions.Output {
        let items = try await service.briefSubscriptions(try caller, tenantId: try tenantId)
        return .ok(.init(body: .json(.init(items: items.map(AssessmentMapping.subscription)))))
    }

    func subscribeToBrief(_ input: Operations.SubscribeToBrief.Input) async throws -> Operations.SubscribeToBrief.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let (subscription, created) = try await service.subscribeToBrief(try caller, tenantId: try tenantId, cadence: body.cadence, scopeCode: body.scope)
        let mapped = AssessmentMapping.subscription(subscription)
        return created ? .created(.init(body: .json(mapped))) : .ok(.init(body: .json(mapped)))
    }

    func unsubscribeFromBrief(_ input: Operations.UnsubscribeFromBrief.Input) async throws -> Operations.UnsubscribeFromBrief.Output {
        try await service.unsubscribeFromBrief(try caller, tenantId: try tenantId, id: input.path.subscriptionId)
        return .noContent(.init())
    }
}

extension AssessmentMapping {
    static func subscription(_ s: BriefSubscription) -> Components.Schemas.BriefSubscription {
        .init(
            id: s.id, cadence: .init(rawValue: s.cadence.rawValue)!, scope: .init(id: s.scopeId, code: s.scopeCode, name: s.scopeName),
            createdAt: s.createdAt)
    }
}
