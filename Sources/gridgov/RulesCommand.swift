import ArgumentParser
import Foundation
import GridCore
import GridService

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Routing rule sets: edit a draft, validate, test, publish, explain.",
        subcommands: [Draft.self, Validate.self, Publish.self, Show.self, List.self, Explain.self, Test.self])

    struct Draft: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save a rule set document (JSON) as the draft and print its validation.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "A note on what changed.") var note: String?
        @Argument(help: "Rule set JSON file ('-' for standard input).") var file: String

        func run() async throws {
            let (note, file) = (note, file)
            let json = try await CLI.report { try Files.json(try Files.read(file), file: file) }
            let view = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.saveDraft(.operator, tenantId: tenantId, document: json, note: note, ifVersion: nil)
            }
            let (number, rules) = (view.record.number, view.ruleSet.rules.count)
            print(CLI.say("草稿 \(number) 已保存：\(rules) 条规则", "draft \(number) saved: \(rules) rules"))
            RulesCommand.printReport(view.report)
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a rule set file, or the draft; exits 1 on errors.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Argument(help: "Rule set JSON file (default: the saved draft).") var file: String?

        func run() async throws {
            let file = file
            let json = try await CLI.report { try file.map { try Files.json(try Files.read($0), file: $0) } }
            let report = try await CLI.withDistrict(connection, tenant) { service, id in
                if let json { return try await service.validateRules(.operator, tenantId: id, document: json) }
                return try await service.ruleSet(.operator, tenantId: id, .draft).report ?? RuleSetReport(errors: [], warnings: [])
            }
            RulesCommand.printReport(report)
            if !report.isPublishable { throw ExitCode(1) }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish the draft (refused while it has errors).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption

        func run() async throws {
            let view = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.publishDraft(.operator, tenantId: tenantId, ifVersion: nil)
            }
            let (number, rules) = (view.record.number, view.ruleSet.rules.count)
            print(CLI.say("规则集 \(number) 已发布：\(rules) 条规则", "rule set \(number) published: \(rules) rules"))
            RulesCommand.printReport(view.report)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a rule set document (the published one by default).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Version number.") var number: Int?
        @Flag(help: "The draft.") var draft = false

        func run() async throws {
            let choice: RuleSetChoice = draft ? .draft : number.map(RuleSetChoice.number) ?? .published
            let view = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.ruleSet(.operator, tenantId: tenantId, choice)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Swift.print(String(decoding: try encoder.encode(RuleSetCodec.write(view.ruleSet)), as: UTF8.self))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rule set versions, newest first.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption

        func run() async throws {
            let page = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.ruleSets(.operator, tenantId: tenantId, page: try PageRequest.parse(cursor: nil, limit: 200))
            }
            let header = CLI.language == .zh ? ["版本", "状态", "操作人", "发布时间", "备注"] : ["number", "status", "by", "published", "note"]
            CLI.printTable(
                [header]
                    + page.items.map {
                        [
                            String($0.number), RulesCommand.status($0.status), $0.publishedBy ?? $0.createdBy, $0.publishedAt.map(CLI.localTime) ?? "",
                            $0.note ?? "",
                        ]
                    })
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Route a hypothetical report and say why.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Item code of the problem list.") var category: String
        @Option(help: "Grade key (default: the item's first grade).") var grade: String?
        @Option(help: "Source: \(CaseSource.allowedList).") var source = "gridWorker"
        @Option(help: "Latitude (WGS84).") var lat: Double
        @Option(help: "Longitude (WGS84).") var lng: Double
        @Option(help: "Description text (for keyword rules).") var description = ""
        @Option(help: "Report time: RFC 3339 or 'YYYY-MM-DD HH:MM' (default: now).") var at: String?
        @Flag(help: "Ask the draft instead of the published rule set.") var draft = false
        @Flag(help: "List every earlier rule, also those about other categories.") var allRules = false

        func run() async throws {
            guard let caseSource = CaseSource(rawValue: source) else {
                throw ValidationError(CLI.say("来源“\(source)”无效，可选：\(CaseSource.allowedList)", "source '\(source)' is not one of: \(CaseSource.allowedList)"))
            }
            var time = Date()
            if let at {
                guard let parsed = ListFormats.parseTime(at) else {
                    throw ValidationError(CLI.say("时间“\(at)”应为 RFC 3339 或 YYYY-MM-DD HH:MM", "time '\(at)' must be RFC 3339 or YYYY-MM-DD HH:MM"))
                }
                time = parsed
            }
            let question = RoutingQuestion(
                categoryCode: category, grade: grade, source: caseSource, lat: lat, lng: lng, description: description, at: time,
                allRules: allRules)
            let choice = draft ? RuleSetChoice.draft : .published
            let answer = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.explain(.operator, tenantId: tenantId, question, ruleSet: choice)
            }
            let zh = CLI.language == .zh
            Swift.print("\(zh ? "网格    " : "grid      ")\(answer.chain.map { "\($0.name)(\($0.code))" }.joined(separator: " › "))")
            let categories = answer.categoryChain.map { "\($0.entry.name)(\($0.entry.code))" }.joined(separator: " › ")
            Swift.print(zh ? "类别    \(categories)，等级 \(answer.grade.name)" : "category  \(categories), grade \(answer.grade.name)")
            let ruleSet = answer.ruleSet.map { "\($0.number) (\(RulesCommand.status($0.status)))" } ?? (zh ? "尚未发布" : "none published")
            Swift.print("\(zh ? "规则集  " : "rule set  ")\(ruleSet)")
            for tried in answer.explanation.tried {
                Swift.print("  ✗ \(tried.id) \(tried.name): \(tried.misses.map { $0.reason.localized(CLI.language) }.joined(separator: "; "))")
            }
            if answer.explanation.otherCategories > 0 {
                let n = answer.explanation.otherCategories
                Swift.print(zh ? "  … 另有 \(n) 条其他类别的规则（--all-rules 列出）" : "  … \(n) earlier rule(s) about other categories (--all-rules lists them)")
            }
            let d = answer.explanation.decision
            switch d.basis {
            case .rule(_, let id): Swift.print("  ✓ \(id) \(answer.rule?.name ?? "")")
            case .duty(let duty): Swift.print("  → \(zh ? "职责清单" : "duty list"): \(duty.categoryCode) @ \(duty.areaCode)\(duty.note.map { " (\($0))" } ?? "")")
            case .item: Swift.print("  → \(zh ? "问题清单主办部门" : "the item's lead department")")
            case .territorial: Swift.print("  → \(zh ? "属地兜底" : "territorial fallback")")
            }
            let lead =
                answer.leadDepartment.map { "\($0.name)(\($0.code))" } ?? (d.lead == .territorialStreet ? answer.street.map { "\($0.name)(\($0.code))" } : nil)
                ?? "-"
            Swift.print("\(zh ? "层级    " : "level     ")\(d.level.label.localized(CLI.language))\(d.whistle ? (zh ? "，吹哨" : ", whistle") : "")")
            let assisting = d.assisting.joined(separator: zh ? "、" : ", ")
            Swift.print(
                zh
                    ? "主办    \(lead)\(d.assisting.isEmpty ? "" : "，协办 \(assisting)")"
                    : "lead      \(lead)\(d.assisting.isEmpty ? "" : ", assisting \(assisting)")")
            for deadline in answer.deadlines {
                let stage = deadline.stage.label.localized(CLI.language)
                let limit = "\(deadline.limit.amount) \(deadline.limit.unit.label.localized(CLI.language))"
                Swift.print("\(zh ? "时限    " : "deadline  ")\(stage)\(zh ? "：" : ": ")\(limit) → \(CLI.localTime(deadline.due))")
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a table of expected routings against the draft (or --published); exits 1 on any difference.",
            discussion:
                "CSV columns: category, grade, source, lat, lng, description, at, expectRule (rule id | duty | item | territorial), expectLead, expectLevel.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Flag(help: "Test the published rule set instead of the draft.") var published = false
        @Argument(help: "CSV file.") var file: String

        func run() async throws {
            let data = try Files.read(file)
            let cases = try await CLI.report { try ListFormats.readRoutingTests(data) }
            let choice = published ? RuleSetChoice.published : .draft
            let results = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.testRouting(.operator, tenantId: tenantId, cases: cases, ruleSet: choice)
            }
            for result in results where !result.passed {
                Swift.print("✗ \(result.testCase.source) \(result.testCase.question.categoryCode): \(result.differences.joined(separator: "; "))")
            }
            let failed = results.filter { !$0.passed }.count
            let passed = results.count - failed
            Swift.print(CLI.say("通过 \(passed) 条，未通过 \(failed) 条", "\(passed) passed, \(failed) failed"))
            if failed > 0 { throw ExitCode(1) }
        }
    }

    static func printReport(_ report: RuleSetReport?) {
        guard let report else { return }
        let (errorLabel, warningLabel) = CLI.language == .zh ? ("错误", "警告") : ("error  ", "warning")
        for error in report.errors { Swift.print("\(errorLabel) \(error.field): \(error.message.localized(CLI.language)) [\(error.code)]") }
        for warning in report.warnings { Swift.print("\(warningLabel) \(warning.field): \(warning.message.localized(CLI.language)) [\(warning.code)]") }
        let (errors, warnings) = (report.errors.count, report.warnings.count)
        Swift.print(CLI.say("\(errors) 个错误，\(warnings) 个警告", "\(errors) error(s), \(warnings) warning(s)"))
    }

    /// A rule set's status in the CLI's language.
    static func status(_ status: RuleSetRecord.Status) -> String {
        switch status {
        case .draft: CLI.say("草稿", "draft")
        case .published: CLI.say("已发布", "published")
        case .retired: CLI.say("已停用", "retired")
        }
    }
}
