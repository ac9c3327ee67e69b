import ArgumentParser
import Foundation
import GridCore
import GridService

/// `gridgov members`: the real-name members who act for a unit on the ladder (a grid's head, a
/// community's staff, a zone's joint team).
struct MembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members", abstract: "Show or set the members who act for a unit on the hand-up ladder.",
        discussion: """
            Without --member, shows the unit's members. With one or more --member login[:head][@DEPT], replaces them
            (head: the grid head or team leader; DEPT: a zone team member's home department); --clear removes them all.
            Example: gridgov members --tenant HD ZONE-1 --member zhang.wei:head@CGW --member li.na@GAFJ
            """)
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var tenant: TenantOption
    @Argument(help: "The unit's code.") var unit: String
    @Option(name: .customLong("member"), help: "login[:head][@DEPT]; repeat for each member.") var members: [String] = []
    @Flag(help: "Remove every member.") var clear = false

    func run() async throws {
        let (code, given, clear) = (unit, try members.map(Self.parse), clear)
        let (unit, members) = try await CLI.withDistrict(connection, tenant) { service, tenantId in
            let unit = try await service.unit(.operator, tenantId: tenantId, code: code)
            if given.isEmpty && !clear { return try await service.unitMembers(.operator, tenantId: tenantId, unitId: unit.id) }
            return try await service.setUnitMembers(.operator, tenantId: tenantId, unitId: unit.id, given)
        }
        print(CLI.say("\(unit.code) \(unit.name) 的成员：\(members.count) 名", "\(unit.code) \(unit.name): \(members.count) members"))
        CLI.printTable(
            [CLI.say("账号 姓名 职责 部门", "LOGIN NAME DUTY DEPARTMENT").split(separator: " ").map(String.init)]
                + members.map { [$0.login, $0.displayName, CLI.say($0.duty.label.zh, $0.duty.label.en), $0.departmentCode ?? ""] })
    }

    /// `login[:head][@DEPT]`.
    static func parse(_ text: String) throws -> UnitMemberInput {
        var rest = Substring(text), department: String?
        if let at = rest.firstIndex(of: "@") {
            department = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard let login = parts.first, !login.isEmpty, parts.count <= 2 else {
            throw ValidationError(CLI.say("成员“\(text)”应写作 login[:head][@部门]", "member '\(text)' should read login[:head][@DEPT]"))
        }
        return UnitMemberInput(login: String(login), duty: parts.count == 2 ? String(parts[1]) : UnitDuty.member.rawValue, department: department)
    }
}
