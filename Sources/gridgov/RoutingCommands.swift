import ArgumentParser
import Foundation
import GridCore
import GridService

/// A list file's format, from `--format` or the file's extension.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json

    static func of(_ file: String, _ explicit: ListFormat?) -> ListFormat {
        explicit ?? (file.lowercased().hasSuffix(".json") ? .json : .csv)
    }
}

enum Files {
    static func read(_ file: String) throws -> Data {
        do {
            return file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
    }

    static func json(_ data: Data, file: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw CLIError(message: "\(file) is not valid JSON: \(describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        }
        return "\(error)"
    }

    static func write(_ data: Data, to output: String?) throws {
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        guard FileManager.default.createFile(atPath: output, contents: data) else { throw ValidationError("cannot write \(output)") }
    }
}

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "The problem list (问题清单): load the national profile, import, export.",
        subcommands: [LoadStandard.self, Import.self, Export.self])

    struct LoadStandard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "load-standard", abstract: "Merge the national standard event and component classes.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Profile name.") var profile = GridService.standardProfile

        func run() async throws {
            let (tenant, profile) = (tenant.code, profile)
            let summary = try await CLI.withService(connection) { service in
                try await service.loadStandardCatalog(.operator, tenantId: try await service.tenantId(code: tenant), profile: profile)
            }
            print("\(profile): \(CatalogCommand.describe(summary))")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a problem list (CSV or JSON) by code, all or nothing.",
            discussion: """
                CSV columns (English or Chinese): code/编码, parentCode/上级编码, name/名称, kind/类型 (event 事件 | component 部件 | matter 事项),
                public/公开, filingStandard/立案标准, closingStandard/结案标准, grades/等级时限 (e.g. "general:一般:7 workDays; urgent:紧急:4工作小时"),
                leadDepartment/主办部门, assistingDepartments/协办部门 (separated by ;), defaultLevel/处置层级 (community | street | district),
                placeholderStandards/标准待定 (exported; an item keeps it while its standards are unchanged).
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "csv or json (default: by the file's extension).") var format: ListFormat?
        @Argument(help: "File ('-' for standard input).") var file: String

        func run() async throws {
            let (tenant, file) = (tenant.code, file)
            let data = try Files.read(file)
            let entries: [CategoryEntry], sources: [String]
            switch ListFormat.of(file, format) {
            case .csv: (entries, sources) = try await CLI.report { try ListFormats.readCatalogCSV(data) }
            case .json:
                let json = try await CLI.report { try Files.json(data, file: file) }
                entries = try await CLI.report { try CatalogPlanner.read(json).categories }
                sources = entries.indices.map { "categories[\($0)]" }
            }
            let summary = try await CLI.withService(connection) { service in
                try await service.importCatalog(.operator, tenantId: try await service.tenantId(code: tenant), document: CatalogDocument(categories: entries)) {
                    sources[$0]
                }
            }
            print(CatalogCommand.describe(summary))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the problem list as CSV (with BOM, for Excel/WPS) or JSON.",
            discussion: "Items whose filing and closing standards are still the national profile's template are marked 标准待定 (placeholderStandards).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "csv or json.") var format: ListFormat = .csv
        @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

        func run() async throws {
            let tenant = tenant.code
            let entries = try await CLI.withService(connection) { service in
                try await service.catalog(.operator, tenantId: try await service.tenantId(code: tenant)).map(\.entry)
            }
            try Files.write(format == .csv ? Data(ListFormats.catalogCSV(entries).utf8) : try ListFormats.catalogJSON(entries), to: output)
        }
    }

    /// What a merge changed, in the CLI's language.
    static func describe(_ summary: CatalogImportSummary) -> String {
        let (added, updated, unchanged) = (summary.inserted, summary.updated, summary.unchanged)
        return CLI.say("新增 \(added) 项，更新 \(updated) 项，未变 \(unchanged) 项", "\(added) added, \(updated) updated, \(unchanged) unchanged")
    }
}

struct DutiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duties", abstract: "The duty list (职责清单): who owns which items where.", subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the duty list (CSV or JSON), all or nothing.",
            discussion: "CSV columns: categoryCode/事项编码, areaCode/区域编码, department/责任部门, note/备注.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "csv or json (default: by the file's extension).") var format: ListFormat?
        @Argument(help: "File ('-' for standard input).") var file: String

        func run() async throws {
            let (tenant, file) = (tenant.code, file)
            let data = try Files.read(file)
            let entries: [DutyEntry], sources: [String]
            switch ListFormat.of(file, format) {
            case .csv: (entries, sources) = try await CLI.report { try ListFormats.readDutyCSV(data) }
            case .json:
                let json = try await CLI.report { try Files.json(data, file: file) }
                entries = try await CLI.report { try ListFormats.readDutyJSON(json) }
                sources = entries.indices.map { "duties[\($0)]" }
            }
            let written = try await CLI.withService(connection) { service in
                try await service.importDuties(.operator, tenantId: try await service.tenantId(code: tenant), entries: entries) { sources[$0] }
            }
            print(CLI.say("职责清单已替换：\(written) 行", "duty list replaced: \(written) rows"))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the duty list, or one department's part of it (\"what we own\").")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Only this department's rows.") var department: String?
        @Option(help: "csv or json.") var format: ListFormat = .csv
        @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

        func run() async throws {
            let (tenant, department) = (tenant.code, department)
            let entries = try await CLI.withService(connection) { service in
                try await service.duties(.operator, tenantId: try await service.tenantId(code: tenant), department: department)
            }
            try Files.write(format == .csv ? Data(ListFormats.dutyCSV(entries).utf8) : try ListFormats.dutyJSON(entries), to: output)
        }
    }
}

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
            let (tenant, note, file) = (tenant.code, note, file)
            let json = try await CLI.report { try Files.json(try Files.read(file), file: file) }
            let view = try await CLI.withService(connection) { service in
                try await service.saveDraft(.operator, tenantId: try await service.tenantId(code: tenant), document: json, note: note, ifVersion: nil)
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
            let (tenant, file) = (tenant.code, file)
            let json = try await CLI.report { try file.map { try Files.json(try Files.read($0), file: $0) } }
            let report = try await CLI.withService(connection) { service in
                let id = try await service.tenantId(code: tenant)
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
            let tenant = tenant.code
            let view = try await CLI.withService(connection) { service in
                try await service.publishDraft(.operator, tenantId: try await service.tenantId(code: tenant), ifVersion: nil)
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
            let tenant = tenant.code
            let choice: RuleSetChoice = draft ? .draft : number.map(RuleSetChoice.number) ?? .published
            let view = try await CLI.withService(connection) { service in
                try await service.ruleSet(.operator, tenantId: try await service.tenantId(code: tenant), choice)
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
            let tenant = tenant.code
            let page = try await CLI.withService(connection) { service in
                try await service.ruleSets(.operator, tenantId: try await service.tenantId(code: tenant), page: try PageRequest.parse(cursor: nil, limit: 200))
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
            guard let caseSource = CaseSource(rawValue: source) else { throw ValidationError("source '\(source)' is not one of: \(CaseSource.allowedList)") }
            var time = Date()
            if let at {
                guard let parsed = ListFormats.parseTime(at) else { throw ValidationError("time '\(at)' must be RFC 3339 or YYYY-MM-DD HH:MM") }
                time = parsed
            }
            let question = RoutingQuestion(
                categoryCode: category, grade: grade, source: caseSource, lat: lat, lng: lng, description: description, at: time,
                allRules: allRules)
            let (tenant, choice) = (tenant.code, draft ? RuleSetChoice.draft : .published)
            let answer = try await CLI.withService(connection) { service in
                try await service.explain(.operator, tenantId: try await service.tenantId(code: tenant), question, ruleSet: choice)
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
            let (tenant, choice) = (tenant.code, published ? RuleSetChoice.published : .draft)
            let results = try await CLI.withService(connection) { service in
                try await service.testRouting(.operator, tenantId: try await service.tenantId(code: tenant), cases: cases, ruleSet: choice)
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
