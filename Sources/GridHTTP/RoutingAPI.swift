import Foundation
import GridAPI
import GridCore
import GridService
import OpenAPIRuntime

/// The problem list, duty list, calendar, routing and audit operations of openapi.yaml.
extension APIHandler {
    /// The largest CSV body read (the body-limit middleware may refuse earlier).
    static let maxCSVBytes = 32 << 20

    // MARK: problem list

    func exportCatalog(_ input: Operations.ExportCatalog.Input) async throws -> Operations.ExportCatalog.Output {
        let entries = try await service.catalog(try caller, tenantId: try tenantId).map(\.entry)
        if input.query.format == .csv { return .ok(.init(body: .csv(HTTPBody(ListFormats.catalogCSV(entries))))) }
        return .ok(.init(body: .json(try APIMapping.document(CatalogDocument(categories: entries)))))
    }

    func importCatalog(_ input: Operations.ImportCatalog.Input) async throws -> Operations.ImportCatalog.Output {
        let entries: [CategoryEntry], sources: [String]
        switch input.body {
        case .json(let document):
            entries = try CatalogPlanner.read(try APIMapping.jsonValue(document)).categories
            sources = entries.indices.map { "categories[\($0)]" }
        case .csv(let body):
            (entries, sources) = try ListFormats.readCatalogCSV(try await Data(collecting: body, upTo: Self.maxCSVBytes))
        }
        let summary = try await service.importCatalog(try caller, tenantId: try tenantId, document: CatalogDocument(categories: entries)) { sources[$0] }
        return .ok(.init(body: .json(APIMapping.summary(summary))))
    }

    func loadStandardCatalog(_ input: Operations.LoadStandardCatalog.Input) async throws -> Operations.LoadStandardCatalog.Output {
        .ok(.init(body: .json(APIMapping.summary(try await service.loadStandardCatalog(try caller, tenantId: try tenantId)))))
    }

    func listCategories(_ input: Operations.ListCategories.Input) async throws -> Operations.ListCategories.Output {
        let page = try await service.categories(
            try caller, tenantId: try tenantId, parentCode: input.query.parent,
            page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(.init(body: .json(.init(items: page.items.map(APIMapping.category), nextCursor: page.nextCursor))))
    }

    func getCategory(_ input: Operations.GetCategory.Input) async throws -> Operations.GetCategory.Output {
        .ok(.init(body: .json(APIMapping.category(try await service.category(try caller, tenantId: try tenantId, code: input.path.code)))))
    }

    // MARK: duty list

    func listDuties(_ input: Operations.ListDuties.Input) async throws -> Operations.ListDuties.Output {
        let entries = try await service.duties(try caller, tenantId: try tenantId, department: input.query.department)
        if input.query.format == .csv { return .ok(.init(body: .csv(HTTPBody(ListFormats.dutyCSV(entries))))) }
        return .ok(.init(body: .json(.init(duties: entries.map(APIMapping.duty)))))
    }

    func replaceDuties(_ input: Operations.ReplaceDuties.Input) async throws -> Operations.ReplaceDuties.Output {
        let entries: [DutyEntry], sources: [String]
        switch input.body {
        case .json(let document):
            entries = try ListFormats.readDutyJSON(try APIMapping.jsonValue(document))
            sources = entries.indices.map { "duties[\($0)]" }
        case .csv(let body):
            (entries, sources) = try ListFormats.readDutyCSV(try await Data(collecting: body, upTo: Self.maxCSVBytes))
        }
        let rows = try await service.importDuties(try caller, tenantId: try tenantId, entries: entries) { sources[$0] }
        return .ok(.init(body: .json(.init(rows: rows))))
    }

    // MARK: calendar

    func getCalendar(_ input: Operations.GetCalendar.Input) async throws -> Operations.GetCalendar.Output {
        let calendar = try await service.calendar(try caller, tenantId: try tenantId)
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(calendar.version ?? 0)), body: .json(try APIMapping.document(calendar.document))))
    }

    func putCalendar(_ input: Operations.PutCalendar.Input) async throws -> Operations.PutCalendar.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let document: CalendarDocument
        do {
            document = try JSONDecoder().decode(CalendarDocument.self, from: JSONEncoder().encode(body))
        } catch {
            throw GridError.invalid([FieldError("$", .calendarSyntax, Text(zh: "日历文档格式错误：\(error)", en: "the calendar document is malformed: \(error)"))])
        }
        let calendar = try await service.setCalendar(
            try caller, tenantId: try tenantId, document: document,
            ifVersion: try APIMapping.version(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(calendar.version ?? 0)), body: .json(try APIMapping.document(calendar.document))))
    }

    func loadNationalHolidays(_ input: Operations.LoadNationalHolidays.Input) async throws -> Operations.LoadNationalHolidays.Output {
        let calendar = try await service.loadNationalHolidays(try caller, tenantId: try tenantId, year: input.path.year)
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(calendar.version ?? 0)), body: .json(try APIMapping.document(calendar.document))))
    }

    // MARK: rule sets

    func listRuleSets(_ input: Operations.ListRuleSets.Input) async throws -> Operations.ListRuleSets.Output {
        let page = try await service.ruleSets(
            try caller, tenantId: try tenantId, page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(.init(body: .json(.init(items: page.items.map { APIMapping.summary($0, ruleCount: nil) }, nextCursor: page.nextCursor))))
    }

    func getRuleSet(_ input: Operations.GetRuleSet.Input) async throws -> Operations.GetRuleSet.Output {
        let view = try await service.ruleSet(try caller, tenantId: try tenantId, .number(input.path.number))
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(view.record.version)), body: .json(try APIMapping.ruleSet(view))))
    }

    func getPublishedRuleSet(_ input: Operations.GetPublishedRuleSet.Input) async throws -> Operations.GetPublishedRuleSet.Output {
        .ok(.init(body: .json(try APIMapping.ruleSet(try await service.ruleSet(try caller, tenantId: try tenantId, .published)))))
    }

    func getDraftRuleSet(_ input: Operations.GetDraftRuleSet.Input) async throws -> Operations.GetDraftRuleSet.Output {
        let view = try await service.ruleSet(try caller, tenantId: try tenantId, .draft)
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(view.record.version)), body: .json(try APIMapping.ruleSet(view))))
    }

    func saveDraftRuleSet(_ input: Operations.SaveDraftRuleSet.Input) async throws -> Operations.SaveDraftRuleSet.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let view = try await service.saveDraft(
            try caller, tenantId: try tenantId, document: try APIMapping.jsonValue(body.document), note: body.note,
            ifVersion: try APIMapping.version(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(view.record.version)), body: .json(try APIMapping.ruleSet(view))))
    }

    func publishDraftRuleSet(_ input: Operations.PublishDraftRuleSet.Input) async throws -> Operations.PublishDraftRuleSet.Output {
        let view = try await service.publishDraft(try caller, tenantId: try tenantId, ifVersion: try APIMapping.version(ifMatch: input.headers.ifMatch))
        return .ok(.init(body: .json(try APIMapping.ruleSet(view))))
    }

    func validateRuleSet(_ input: Operations.ValidateRuleSet.Input) async throws -> Operations.ValidateRuleSet.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let report = try await service.validateRules(try caller, tenantId: try tenantId, document: try APIMapping.jsonValue(body))
        return .ok(.init(body: .json(APIMapping.report(report))))
    }

    // MARK: explain and test

    func explainRouting(_ input: Operations.ExplainRouting.Input) async throws -> Operations.ExplainRouting.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let choice: RuleSetChoice
        switch body.ruleSet {
        case nil, "published"?: choice = .published
        case "draft"?: choice = .draft
        case let text?:
            guard let number = Int(text), number > 0 else {
                throw GridError.invalid([
                    FieldError(
                        "ruleSet", .fieldUnknownValue,
                        Text(
                            zh: "ruleSet 应为 published、draft 或版本号，实际为“\(text)”",
                            en: "ruleSet must be published, draft or a version number, got '\(text)'"))
                ])
            }
            choice = .number(number)
        }
        let question = RoutingQuestion(
            categoryCode: body.category, grade: body.grade, source: body.source.flatMap { CaseSource(rawValue: $0.rawValue) } ?? .gridWorker,
            lat: body.lat, lng: body.lng, description: body.description ?? "", at: body.at ?? Date(),
            allRules: body.allRules ?? false)
        let answer = try await service.explain(try caller, tenantId: try tenantId, question, ruleSet: choice)
        return .ok(.init(body: .json(try APIMapping.explanation(answer, language: RequestScope.language))))
    }

    func testRouting(_ input: Operations.TestRouting.Input) async throws -> Operations.TestRouting.Output {
        guard case .csv(let body) = input.body else { throw Self.jsonRequired }
        let cases = try ListFormats.readRoutingTests(try await Data(collecting: body, upTo: Self.maxCSVBytes))
        let results = try await service.testRouting(
            try caller, tenantId: try tenantId, cases: cases,
            ruleSet: input.query.ruleSet == .published ? .published : .draft)
        let failed = results.filter { !$0.passed }.count
        return .ok(
            .init(
                body: .json(
                    .init(
                        passed: results.count - failed, failed: failed,
                        results: results.map {
                            .init(
                                line: $0.testCase.source, category: $0.testCase.question.categoryCode, basis: $0.basis, lead: $0.lead,
                                level: $0.level.flatMap { Components.Schemas.HandlingLevel(rawValue: $0.rawValue) }, passed: $0.passed,
                                differences: $0.differences)
                        }))))
    }

    // MARK: audit

    func listAudit(_ input: Operations.ListAudit.Input) async throws -> Operations.ListAudit.Output {
        let page = try await service.audit(
            try caller, tenantId: try tenantId, entity: input.query.entity?.rawValue,
            page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(.init(body: .json(.init(items: try page.items.map(APIMapping.audit), nextCursor: page.nextCursor))))
    }
}
