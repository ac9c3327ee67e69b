import ArgumentParser
import Foundation
import GridCore
import GridService

extension Role: ExpressibleByArgument {}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage a district's users and their role bindings.",
        subcommands: [Create.self, Import.self, Grant.self, Revoke.self, ResetPassword.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints a one-time password.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Login (lower-case).") var login: String
        @Option(help: "Display name, e.g. 张三.") var name: String
        @Option(help: "Phone number.") var phone: String?

        func run() async throws {
            let (login, name, phone) = (login, name, phone)
            let (user, password) = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.createUser(.operator, tenantId: tenantId, login: login, displayName: name, phone: phone)
            }
            print(
                CLI.say(
                    "已创建用户 \(user.login)（\(user.displayName)），初始密码：\(password)（首次登录须修改）",
                    "created user \(user.login) (\(user.displayName))  one-time password: \(password)  (the first login must change it)"))
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update users from CSV (用户名/username, 姓名/name, 手机/phone, 角色/role, 范围/scope, 部门/department, 初始密码/password).",
            discussion: """
                Matched by login: new users get the file's password or a generated one, printed once, and must change it \
                at their first login; known users get the file's name and phone. A role over a scope unit is granted \
                unless held already. All or nothing: every bad row is named by line, column and value.
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @OptionGroup var sheet: SheetImportOptions

        func run() async throws {
            let (data, dryRun) = (try CLI.read(sheet.file), sheet.dryRun)
            let result = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.importUsers(.operator, tenantId: tenantId, csv: data, dryRun: dryRun)
            }
            CLI.printSheetImport(result, noun: CLI.say("用户", "users"))
            for entry in result.passwords {
                print(
                    CLI.say(
                        "\(entry.login) 初始密码：\(entry.password)（首次登录须修改）",
                        "\(entry.login) one-time password: \(entry.password)  (the first login must change it)"))
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bind a role over an org unit's subtree.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Login.") var login: String
        @Option(help: "Role: \(Role.allowedList).") var role: Role
        @Option(help: "Code of the org unit the role covers.") var scope: String
        @Option(help: "Department code: a departmentLiaison's, or the department a leader leads.") var department: String?

        func run() async throws {
            let (login, role, scope, department) = (login, role, scope, department)
            let result = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.grant(
                    .operator, tenantId: tenantId, login: login, role: role, scopeCode: scope, departmentCode: department)
            }
            UserCommand.printBindings(result)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a role binding.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Login.") var login: String
        @Option(help: "Role.") var role: Role
        @Option(help: "Code of the org unit.") var scope: String

        func run() async throws {
            let (login, role, scope) = (login, role, scope)
            let result = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.revoke(.operator, tenantId: tenantId, login: login, role: role, scopeCode: scope)
            }
            UserCommand.printBindings(result)
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password", abstract: "Set a new one-time password and end the user's sessions.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption
        @Option(help: "Login.") var login: String

        func run() async throws {
            let login = login
            let password = try await CLI.withDistrict(connection, tenant) { service, tenantId in
                try await service.resetPassword(.operator, tenantId: tenantId, login: login)
            }
            print(
                CLI.say(
                    "\(login)：新的一次性密码 \(password)（下次登录须修改）", "\(login): new one-time password \(password)  (the next login must change it)"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users with their bindings.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var tenant: TenantOption

        func run() async throws {
            let users = try await CLI.withDistrict(connection, tenant) { service, id in
                var all: [UserWithBindings] = []
                var page = PageRequest(limit: PageRequest.maxLimit)
                while true {
                    let result = try await service.users(.operator, tenantId: id, page: page)
                    all += result.items
                    guard let next = result.nextCursor else { break }
                    page = try PageRequest.parse(cursor: next, limit: PageRequest.maxLimit)
                }
                return all
            }
            CLI.printTable(
                [CLI.say("用户名 姓名 状态 角色授权", "LOGIN NAME STATUS BINDINGS").split(separator: " ").map(String.init)]
                    + users.map { entry in
                        [
                            entry.user.login, entry.user.displayName, entry.user.status,
                            entry.bindings.map { "\($0.role.rawValue)@\($0.scopeUnitId)" }.joined(separator: " "),
                        ]
                    })
        }
    }

    static func printBindings(_ result: UserWithBindings) {
        print(CLI.say("\(result.user.login) 的角色授权：", "\(result.user.login) bindings:"))
        for binding in result.bindings {
            print(
                CLI.say(
                    "  \(binding.role.rawValue) 范围单元 \(binding.scopeUnitId)\(binding.departmentId.map { " 部门 \($0)" } ?? "")",
                    "  \(binding.role.rawValue) over unit \(binding.scopeUnitId)\(binding.departmentId.map { " department \($0)" } ?? "")"))
        }
    }
}

/// The options of a CSV import: the file and `--dry-run`.
struct SheetImportOptions: ParsableArguments {
    @Option(help: "CSV file (UTF-8, with or without BOM).") var file: String
    @Flag(help: "Print what the import would change; write nothing.") var dryRun = false
}

extension CLI {
    /// The bytes of `file` ('-' for standard input).
    static func read(_ file: String) throws -> Data {
        do {
            return file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError(CLI.say("无法读取 \(file)：\(error.localizedDescription)", "cannot read \(file): \(error.localizedDescription)"))
        }
    }

    static func printSheetImport(_ result: SheetImportResult, noun: String) {
        if result.dryRun { print(say("试运行，未写入任何内容：", "dry run, nothing written:")) }
        print(
            say(
                "\(noun)：新增 \(result.created.count)，修改 \(result.updated.count)，授权 \(result.granted.count)，不变 \(result.unchanged)",
                "\(noun): created \(result.created.count), updated \(result.updated.count), granted \(result.granted.count), unchanged \(result.unchanged)"))
        for code in result.created { print("+ \(code)") }
        for code in result.updated { print("~ \(code)") }
        for grant in result.granted { print("> \(grant)") }
    }
}
