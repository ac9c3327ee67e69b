import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import Testing

/// Users and departments loaded from districts' CSV lists: upserts by login and code, all or
/// nothing, every bad row named, dry runs that write nothing, audited under the operator's name.
@Suite struct PeopleImportTests {
    static let bom = "\u{FEFF}"

    static func departments(_ district: SmallDistrict) -> Data {
        Data((bom + "部门编码,部门名称,类型,所属单位\r\nCGW,区城市管理委员会,区级部门,\r\n\(district.street1)-CGK,学院路街道城管科,,\(district.street1)\r\n").utf8)
    }

    static func users(_ district: SmallDistrict) -> Data {
        Data(
            (bom + """
                用户名,姓名,手机,角色,范围,部门,初始密码\r
                zhangsan,张三,13800138000,网格员,\(district.basicGrid1),,\r
                lisi,李四,,派遣员,\(district.division),,\r
                wangwu,王五,,部门联络员,\(district.division),CGW,Given-pass-1\r

                """).utf8)
    }

    func auditActors(_ db: TestDatabase, _ tenant: Int64, _ entity: String) async throws -> [String] {
        try await db.service.audit(.operator, tenantId: tenant, entity: entity, page: PageRequest(limit: 200)).items.map {
            "\($0.action) \($0.entityKey) \($0.actor)"
        }
    }

    @Test func departmentsAreCreatedThenRenamedByCode() async throws {
        try await TestDatabase.with { db in
            let district = try await db.seedSmallDistrict()
            let t = district.tenantId
            let dry = try await db.service.importDepartments(.operator, tenantId: t, csv: Self.departments(district), dryRun: true)
            #expect(dry.dryRun && dry.created == ["CGW", "\(district.street1)-CGK"])
            #expect(try await db.service.departments(.operator, tenantId: t, page: PageRequest(limit: 50)).items.isEmpty, "a dry run writes nothing")

            let created = try await Caller.$operatorName.withValue("王管理员") {
                try await db.service.importDepartments(.operator, tenantId: t, csv: Self.departments(district))
            }
            #expect(created.created.count == 2 && created.updated.isEmpty)
            let listed = try await db.service.departments(.operator, tenantId: t, page: PageRequest(limit: 50)).items
            #expect(listed.map { "\($0.code) \($0.kind.rawValue)" } == ["\(district.street1)-CGK streetOffice", "CGW district"])
            #expect(try await auditActors(db, t, "department").contains("create CGW 王管理员"))

            let renamed = Data("code,name\nCGW,区城市管理委\n\(district.street1)-CGK,学院路街道城管科\n".utf8)
            let again = try await db.service.importDepartments(.operator, tenantId: t, csv: renamed)
            #expect(again.updated == ["CGW"] && again.unchanged == 1 && again.created.isEmpty)
        }
    }

    @Test func badDepartmentRowsAreAllNamedAndNothingIsWritten() async throws {
        try await TestDatabase.with { db in
            let district = try await db.seedSmallDistrict()
            let t = district.tenantId
            _ = try await db.service.importDepartments(.operator, tenantId: t, csv: Self.departments(district))
            let csv = """
                部门编码,部门名称,类型,所属单位
                NEW,新部门,区级部门,
                X1,某科,街道科室,\(district.community1)
                X2,某局,,999999999
                CGW,区城管委,街道科室,\(district.street1)
                X3,某科,,\(district.division).0

                """
            let error = try await #require(throws: GridError.self) { try await db.service.importDepartments(.operator, tenantId: t, csv: Data(csv.utf8)) }
            #expect(error.fieldErrors.map { "\($0.field) \($0.code)" } == ["line 6, 所属单位 csv.spreadsheetNumber"])
            let fixed = csv.replacingOccurrences(of: "\(district.division).0", with: district.street2)
            let second = try await #require(throws: GridError.self) { try await db.service.importDepartments(.operator, tenantId: t, csv: Data(fixed.utf8)) }
            #expect(
                second.fieldErrors.map { "\($0.field) \($0.code)" } == [
                    "line 3, 所属单位 department.unitKind", "line 4, 所属单位 org.unit.unknown", "line 5, 部门编码 department.unitChanged",
                ])
            #expect(second.fieldErrors[1].message.en.contains("'999999999'"))
            #expect(try await db.service.departments(.operator, tenantId: t, page: PageRequest(limit: 50)).items.count == 2, "NEW was not written")
        }
    }

    @Test func usersAreCreatedWithPasswordsTheyMustChangeAndBindings() async throws {
        try await TestDatabase.with { db in
            let district = try await db.seedSmallDistrict()
            let t = district.tenantId
            _ = try await db.service.importDepartments(.operator, tenantId: t, csv: Self.departments(district))

            let dry = try await db.service.importUsers(.operator, tenantId: t, csv: Self.users(district), dryRun: true)
            #expect(dry.created == ["zhangsan", "lisi", "wangwu"] && dry.granted.count == 3 && dry.passwords.isEmpty)
            await #expect(throws: GridError.self) { try await db.service.user(.operator, tenantId: t, login: "zhangsan") }

            let result = try await Caller.$operatorName.withValue("王管理员") {
                try await db.service.importUsers(.operator, tenantId: t, csv: Self.users(district))
            }
            #expect(result.created == ["zhangsan", "lisi", "wangwu"])
            #expect(result.passwords.map(\.login) == ["zhangsan", "lisi"], "wangwu's password came from the file and is not repeated")
            #expect(
                result.granted == [
                    "zhangsan gridWorker@\(district.basicGrid1)", "lisi dispatcher@\(district.division)", "wangwu departmentLiaison@\(district.division)",
                ])

            let zhang = try await db.service.user(.operator, tenantId: t, login: "zhangsan")
            #expect(zhang.user.mustChangePassword && zhang.user.phone == "13800138000")
            #expect(zhang.bindings.map(\.role) == [.gridWorker])
            let session = try await db.service.login(tenantCode: district.code, login: "wangwu", password: "Given-pass-1")
            #expect(session.mustChangePassword)
            let oneTime = try #require(result.passwords.first)
            #expect(try await db.service.login(tenantCode: district.code, login: oneTime.login, password: oneTime.password).mustChangePassword)
            let audit = try await auditActors(db, t, "user")
            #expect(audit.contains("create zhangsan 王管理员"))
            #expect(try await auditActors(db, t, "roleBinding").contains("grant lisi 王管理员"))

            // Again, with a new name for zhangsan: updated, no binding granted twice, passwords untouched.
            let csv = String(decoding: Self.users(district), as: UTF8.self).replacingOccurrences(of: "张三", with: "张叁")
            let again = try await db.service.importUsers(.operator, tenantId: t, csv: Data(csv.utf8))
            #expect(again.created.isEmpty && again.updated == ["zhangsan"] && again.granted.isEmpty && again.unchanged == 2 && again.passwords.isEmpty)
            let renamed = try await db.service.user(.operator, tenantId: t, login: "zhangsan")
            #expect(renamed.user.displayName == "张叁" && renamed.bindings.count == 1)
            #expect(try await db.service.login(tenantCode: district.code, login: "wangwu", password: "Given-pass-1").mustChangePassword)
        }
    }

    @Test func badUserRowsAreAllNamedAndNothingIsWritten() async throws {
        try await TestDatabase.with { db in
            let district = try await db.seedSmallDistrict()
            let t = district.tenantId
            let csv = """
                username,name,phone,role,scope,department
                good,好人,,,,
                zs,张三,,gridWorker,999999999,
                ls,李四,,departmentLiaison,\(district.division),NOPE

                """
            let error = try await #require(throws: GridError.self) { try await db.service.importUsers(.operator, tenantId: t, csv: Data(csv.utf8)) }
            #expect(error.fieldErrors.map { "\($0.field) \($0.code)" } == ["line 3, scope org.unit.unknown", "line 4, department department.unknown"])
            #expect(error.fieldErrors.last?.message.en.contains("'NOPE'") == true)
            await #expect(throws: GridError.self) { try await db.service.user(.operator, tenantId: t, login: "good") }

            let mangled = try await #require(throws: GridError.self) {
                try await db.service.importUsers(.operator, tenantId: t, csv: Data("用户名,姓名,手机\nzs,张三,1.38001E+10\n".utf8))
            }
            #expect(mangled.fieldErrors.map(\.field) == ["line 2, 手机"])
            #expect(mangled.fieldErrors.first?.message.zh.contains("将该列设为文本格式") == true)
        }
    }
}
