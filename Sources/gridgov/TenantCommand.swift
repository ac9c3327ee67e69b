import ArgumentParser
import GridCore
import GridService

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Provision and administer districts (tenants).",
        subcommands: [Create.self, List.self, Show.self, Suspend.self, Resume.self, SetGridLevels.self, SetLadder.self, SetWhistle.self, SetPatrol.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a district with its root unit and first administrator.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Short code, e.g. HD.") var code: String
        @Option(help: "Name, e.g. 海淀区.") var name: String
        @Option(help: "6-digit administrative division code, e.g. 110108.") var division: String
        @Option(help: "Login of the tenant administrator.") var admin: String = "admin"

        func run() async throws {
            let (code, name, division, admin) = (code, name, division, admin)
            let result = try await CLI.withService(connection) { service in
                try await service.createTenant(code: code, name: name, divisionCode: division, adminLogin: admin)
            }
            let t = result.tenant
            print(
                CLI.say(
                    "已创建区 \(t.code) \(t.name)（编号 \(t.id)，行政区划代码 \(t.divisionCode)）",
                    "created district \(t.code) \(t.name) (id \(t.id), division \(t.divisionCode))"))
            print(
                CLI.say(
                    "区管理员：\(result.adminLogin)  一次性密码：\(result.adminPassword)  （仅显示这一次；首次登录须修改）",
                    "tenant admin: \(result.adminLogin)  one-time password: \(result.adminPassword)  (shown once; the first login must change it)"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List districts.")
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let tenants = try await CLI.withService(connection) { service in try await service.listTenants() }
            let header = CLI.language == .zh ? ["编号", "代码", "名称", "行政区划", "状态"] : ["ID", "CODE", "NAME", "DIVISION", "STATUS"]
            CLI.printTable([header] + tenants.map { [String($0.id), $0.code, $0.name, $0.divisionCode, TenantCommand.status($0.status)] })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one district.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String

        func run() async throws {
            let code = code
            let tenant = try await CLI.withService(connection) { service in try await service.tenant(code: code) }
            let levels = TenantCommand.gridLevels(tenant)
            let rows: [(zh: String, en: String, value: String)] = [
                ("编号", "id", String(tenant.id)), ("代码", "code", tenant.code), ("名称", "name", tenant.name),
                ("行政区划", "division", tenant.divisionCode), ("时区", "time zone", tenant.timeZone),
                ("状态", "status", TenantCommand.status(tenant.status)), ("网格层级", "grid levels", levels),
            ]
            let labels = rows.map { CLI.say("\($0.zh)：", "\($0.en):") }
            let width = labels.map(CLI.displayWidth).max() ?? 0
            for (label, row) in zip(labels, rows) { print(label + String(repeating: " ", count: width - CLI.displayWidth(label) + 1) + row.value) }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a district: its users get 403 until it is resumed.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String

        func run() async throws { try await TenantCommand.setStatus(code, active: false, connection) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended district.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String

        func run() async throws { try await TenantCommand.setStatus(code, active: true, connection) }
    }

    struct SetGridLevels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-grid-levels", abstract: "Name a district's grid levels, outermost first.",
            discussion: "Example: gridgov tenant set-grid-levels HD basicGrid=基础网格 unitGrid=单元网格")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String
        @Argument(help: "Levels as key=name, outermost first.") var levels: [String]

        func run() async throws {
            let code = code
            var parsed: [GridLevel] = []
            for level in levels {
                let parts = level.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else {
                    throw ValidationError(CLI.say("“\(level)”不是 key=名称 的格式，例如 unitGrid=单元网格", "'\(level)' is not key=name, e.g. unitGrid=单元网格"))
                }
                parsed.append(GridLevel(key: parts[0], name: parts[1]))
            }
            let levels = parsed
            let tenant = try await CLI.withService(connection) { service in try await service.setGridLevels(code: code, levels: levels) }
            let named = TenantCommand.gridLevels(tenant)
            print(CLI.say("\(tenant.code) 的网格层级：\(named)", "\(tenant.code) grid levels: \(named)"))
        }
    }

    struct SetLadder: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-ladder", abstract: "Set the levels a district handles cases at (its hand-up ladder).",
            discussion:
                "Levels: \(LadderLevel.allowedList); street and district always. The local limit of a level below the street: --limit LEVEL=AMOUNT:UNIT (units: \(LimitUnit.allCases.map(\.rawValue).joined(separator: ", "))). Example: gridgov tenant set-ladder HD grid community zone street district --limit community=2:workDays"
        )
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String
        @Argument(help: "The levels, lowest first.") var levels: [String]
        @Option(name: .customLong("limit"), help: "LEVEL=AMOUNT:UNIT, the local limit of a level below the street; repeat for each.") var limits: [String] = []

        func run() async throws {
            let code = code
            let levels = try self.levels.map { text in
                guard let level = LadderLevel(rawValue: text) else {
                    throw ValidationError(
                        CLI.say("“\(text)”不是层级，可选：\(LadderLevel.allowedList)", "'\(text)' is not a level; allowed: \(LadderLevel.allowedList)"))
                }
                return level
            }
            let limits = try Dictionary(self.limits.map(LadderLimits.parse), uniquingKeysWith: { _, last in last })
            let tenant = try await CLI.withService(connection) { service in try await service.setLadder(code: code, levels: levels, limits: limits) }
            let named = tenant.settings.ladder.levels.map { level in
                let limit = LadderLimits.applies(to: level) ? tenant.settings.ladderLimits[level].map { "（\($0.amount)\($0.unit.label.zh)）" } ?? "" : ""
                return CLI.say(
                    level.label.zh + limit,
                    level.rawValue + (tenant.settings.ladderLimits[level].map { LadderLimits.applies(to: level) ? " (\($0))" : "" } ?? ""))
            }.joined(separator: " → ")
            print(CLI.say("\(tenant.code) 的处置层级：\(named)", "\(tenant.code) handles cases at: \(named)"))
        }
    }

    struct SetWhistle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-whistle", abstract: "Set a district's whistle kinds and report-in limits, check-in radius, community whistles and scale.",
            discussion:
                "Kinds: --kind CODE=NAME[:MINUTES], repeated, replace the list (the first is what a rule proposes). Example: gridgov tenant set-whistle HD --kind enforce=执法哨:30 --kind consult=会商哨:60 --radius 300 --community-whistles on"
        )
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String
        @Option(name: .customLong("kind"), help: "CODE=NAME[:MINUTES], a whistle kind; repeat for each (the list replaces the district's).")
        var kinds: [String] = []
        @Option(help: "Metres from the whistle's place beyond which a check-in is flagged.") var radius: Double?
        @Option(help: "on or off: communities and villages may whistle to their street's offices.") var communityWhistles: String?
        @Option(help: "The top of the scoring scale (each of on time, attitude, result).") var scoreMax: Int?

        func run() async throws {
            let code = code, radius = radius, scoreMax = scoreMax
            let kinds = try self.kinds.isEmpty ? nil : self.kinds.map(WhistleSettings.parseKind)
            var community: Bool?
            if let text = communityWhistles {
                guard ["on", "off"].contains(text) else {
                    throw ValidationError(CLI.say("--community-whistles 应为 on 或 off，实际为“\(text)”", "--community-whistles is on or off, got '\(text)'"))
                }
                community = text == "on"
            }
            let communityWhistles = community
            let tenant = try await CLI.withService(connection) { service in
                try await service.setWhistleSettings(
                    code: code, kinds: kinds, radiusMeters: radius, communityWhistles: communityWhistles, scoreMax: scoreMax)
            }
            let w = tenant.settings.whistle
            let listed = w.kinds.map { "\($0.code)=\($0.name):\($0.limitMinutes)" }.joined(separator: ", ")
            print(
                CLI.say(
                    "\(tenant.code) 的哨种：\(listed)；报到半径 \(Int(w.radiusMeters)) 米；村社吹哨\(w.communityWhistles ? "开放" : "未开放")；评分满分 \(w.scoreMax)",
                    "\(tenant.code) whistle kinds: \(listed); check-in radius \(Int(w.radiusMeters)) m; community whistles \(w.communityWhistles ? "on" : "off"); top score \(w.scoreMax)"
                ))
        }
    }

    struct SetPatrol: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-patrol", abstract: "Set a district's patrol rule: the discovery limit after a round passes a grid.",
            discussion:
                "A grid worker's report counts as found on time (案件发现及时率) when made within the limit after their last check-in in that grid that day; reports already made keep the limit they were judged by. Example: gridgov tenant set-patrol HD --discovery-limit 60"
        )
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Tenant code.") var code: String
        @Option(help: "Minutes (5 to 1440) after the round within which a report is on time.") var discoveryLimit: Int

        func run() async throws {
            let code = code, limit = discoveryLimit
            let tenant = try await CLI.withService(connection) { service in try await service.setPatrolSettings(code: code, discoveryLimitMinutes: limit) }
            let minutes = tenant.settings.patrol.discoveryLimitMinutes
            print(
                CLI.say(
                    "\(tenant.code) 的巡查规则：巡查打卡后 \(minutes) 分钟内上报为发现及时",
                    "\(tenant.code) patrol rule: a report within \(minutes) minutes after the round's check-in is found on time"))
        }
    }

    static func setStatus(_ code: String, active: Bool, _ connection: ConnectionOptions) async throws {
        let tenant = try await CLI.withService(connection) { service in try await service.setTenantStatus(code: code, active: active) }
        print(CLI.say("\(tenant.code) 已\(status(tenant.status))", "\(tenant.code) is \(status(tenant.status))"))
    }

    /// A district's status in the CLI's language.
    static func status(_ status: TenantStatus) -> String {
        switch status {
        case .active: CLI.say("启用", "active")
        case .suspended: CLI.say("停用", "suspended")
        }
    }

    /// A district's grid levels, outermost first.
    static func gridLevels(_ tenant: TenantRecord) -> String {
        tenant.settings.gridLevels.map { "\($0.key) (\($0.name))" }.joined(separator: " → ")
    }
}
