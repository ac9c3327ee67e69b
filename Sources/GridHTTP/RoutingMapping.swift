import Foundation
import GridAPI
import GridCore
import GridService
import OpenAPIRuntime

/// Translations of the problem list, rule sets, explanations and audit entries to the API types.
extension APIMapping {
    /// A free-form document of the API as the domain's JSON value.
    static func jsonValue(_ document: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(document))
    }

    /// Any encodable value as the API's free-form document.
    static func document(_ value: some Encodable) throws -> Components.Schemas.Document {
        try JSONDecoder().decode(Components.Schemas.Document.self, from: JSONEncoder().encode(value))
    }

    static func limit(_ limit: TimeLimit) -> Components.Schemas.TimeLimit {
        .init(amount: limit.amount, unit: Components.Schemas.LimitUnit(rawValue: limit.unit.rawValue) ?? .workDays)
    }

    /// A grade of `item`, `default` on the item's default grade (marked or, unmarked, the least urgent).
    static func grade(_ grade: Grade, of item: CategoryEntry) -> Components.Schemas.Grade {
        .init(key: grade.key, name: grade.name, limit: limit(grade.limit), _default: grade.key == item.defaultGrade?.key ? true : nil)
    }

    static func level(_ level: LadderLevel) -> Components.Schemas.HandlingLevel {
        Components.Schemas.HandlingLevel(rawValue: level.rawValue) ?? .street
    }

    static func category(_ record: CategoryRecord) -> Components.Schemas.Category {
        let e = record.entry
        return .init(
            code: e.code, parentCode: e.parentCode, name: e.name, kind: .init(rawValue: e.kind.rawValue) ?? .event, _public: e.isPublic,
            filingStandard: e.filingStandard, closingStandard: e.closingStandard, grades: e.grades.map { grade($0, of: e) }, leadDepartment: e.leadDepartment,
            assistingDepartments: e.assistingDepartments, defaultLevel: e.defaultLevel.map(level),
            mustReport: e.mustReport.isEmpty ? nil : e.mustReport, powers: e.powers, standardsArePlaceholders: e.placeholderStandards, path: record.path.raw,
            version: record.version, updatedAt: record.updatedAt)
    }

    static func summary(_ summary: CatalogImportSummary) -> Components.Schemas.ImportSummary {
        .init(inserted: summary.inserted, updated: summary.updated, unchanged: summary.unchanged)
    }

    static func duty(_ entry: DutyEntry) -> Components.Schemas.Duty {
        .init(categoryCode: entry.categoryCode, areaCode: entry.areaCode, department: entry.department, note: entry.note)
    }

    static func report(_ report: RuleSetReport) -> Components.Schemas.ValidationReport {
        let language = RequestScope.language
        func issue(_ e: FieldError) -> Components.Schemas.Issue { .init(field: e.field, code: APIMapping.code(e.code), detail: e.message.localized(language)) }
        return .init(publishable: report.isPublishable, errors: report.errors.map(issue), warnings: report.warnings.map(issue))
    }

    static func summary(_ record: RuleSetRecord, ruleCount: Int?) -> Components.Schemas.RuleSetSummary {
        .init(
            number: record.number, status: .init(rawValue: record.status.rawValue) ?? .retired, note: record.note, createdBy: record.createdBy,
            publishedBy: record.publishedBy, publishedAt: record.publishedAt, version: record.version, updatedAt: record.updatedAt,
            ruleCount: ruleCount ?? record.ruleCount)
    }

    static func ruleSet(_ view: RuleSetView) throws -> Components.Schemas.RuleSet {
        .init(
            summary: summary(view.record, ruleCount: view.ruleSet.rules.count), document: try document(RuleSetCodec.write(view.ruleSet)),
            report: view.report.map(report))
    }

    static func explanation(_ answer: RoutingAnswer, language: Language) throws -> Components.Schemas.Explanation {
        let decision = answer.explanation.decision
        func tried(_ t: TriedRule) -> Components.Schemas.TriedRule {
            .init(index: t.index, id: t.id, name: t.name, misses: t.misses.map { .init(condition: $0.condition, reason: $0.reason.localized(language)) })
        }
        var matched: Components.Schemas.TriedRule?
        var duty: Components.Schemas.Duty?
        switch decision.basis {
        case .rule(let index, let id): matched = .init(index: index, id: id, name: answer.rule?.name ?? id, misses: [])
        case .duty(let entry): duty = Self.duty(entry)
        case .item, .territorial: break
        }
        var lead: Components.Schemas.LeadRef?
        switch decision.lead {
        case .department(let code)?: lead = .init(_type: .department, code: code, name: answer.leadDepartment?.name ?? code)
        case .territorialStreet?: if let street = answer.street { lead = .init(_type: .street, code: street.code, name: street.name) }
        case nil: break
        }
        return .init(
            grid: try unit(answer.grid), chain: try answer.chain.map(unit),
            category: .init(code: answer.category.entry.code, name: answer.category.entry.name),
            categoryChain: answer.categoryChain.map { .init(code: $0.entry.code, name: $0.entry.name) }, grade: grade(answer.grade, of: answer.category.entry),
            ruleSet: answer.ruleSet.map { summary($0, ruleCount: nil) }, basis: .init(rawValue: decision.basis.kind) ?? .territorial,
            matched: matched, duty: duty, tried: answer.explanation.tried.map(tried),
            otherCategories: answer.explanation.otherCategories, level: level(decision.level), whistle: decision.whistle,
            priority: decision.priority, deadlineProfile: decision.deadlineProfile, lead: lead, assisting: decision.assisting,
            deadlines: answer.deadlines.map { .init(stage: .init(rawValue: $0.stage.rawValue) ?? .handle, limit: limit($0.limit), due: $0.due) })
    }

    static func audit(_ entry: AuditEntry) throws -> Components.Schemas.AuditEntry {
        func value(_ text: String?) throws -> OpenAPIValueContainer? {
            guard let text else { return nil }
            return try JSONDecoder().decode(OpenAPIValueContainer.self, from: Data(text.utf8))
        }
        return .init(
            id: entry.id, at: entry.at, actor: entry.actor, action: entry.action, entity: entry.entity, entityKey: entry.entityKey,
            before: try value(entry.before), after: try value(entry.after))
    }
}
