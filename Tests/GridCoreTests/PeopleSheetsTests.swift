import Foundation
import GridCore
import Testing

/// Users and departments CSVs as districts keep them: Chinese or English headers, a BOM, and
/// every bad cell named by line, column and value.
@Suite struct PeopleSheetsTests {
    static let bom = "\u{FEFF}"

    func errors(_ body: () throws(GridError) -> Void, sourceLocation: SourceLocation = #_sourceLocation) throws -> [FieldError] {
        let thrown = thrownError(body)
        let error = try #require(thrown, sourceLocation: sourceLocation)
        #expect(error.kind == .badRequest, sourceLocation: sourceLocation)
        return error.fieldErrors
    }

    @Test func readsUsersUnderChineseHeadersWithABOM() throws {
        let csv =
            Self.bom + "用户名,姓名,手机,角色,范围,部门,初始密码\r\nZhangSan,张三,13800138000,网格员,110105001001001,,\r\nwangwu,王五,,departmentLiaison,110105,CGW,Start-1234\r\n"
        let sheet = try PeopleSheets.users(Data(csv.utf8))
        #expect(
            sheet.rows == [
                UserRow(line: 2, login: "zhangsan", name: "张三", phone: "13800138000", role: .gridWorker, scopeCode: "110105001001001"),
                UserRow(line: 3, login: "wangwu", name: "王五", role: .departmentLiaison, scopeCode: "110105", departmentCode: "CGW", password: "Start-1234"),
            ])
        #expect(sheet.at(2, "phone") == "line 2, 手机")
    }

    @Test func everyBadUserCellIsNamedWithItsValue() throws {
        let csv = """
            username,name,phone,role,scope,department
            ok.user,甲,,,,
            Bad Login,乙,,,,
            c1,丙,1.38001E+10,,,
            c2,丁,13800138000.0,,,
            c3,戊,,巡逻员,110105,
            c4,己,,gridWorker,,
            c5,庚,,departmentLiaison,110105,
            c6,辛,,gridWorker,1.10105E+14,
            ok.user,壬,,,,
            c7,,abc,,,

            """
        let errors = try errors { () throws(GridError) in _ = try PeopleSheets.users(Data(csv.utf8)) }
        let found = errors.map { "\($0.field) \($0.code)" }
        #expect(
            found == [
                "line 3, username user.badLogin", "line 4, phone csv.spreadsheetNumber", "line 5, phone csv.spreadsheetNumber",
                "line 6, role field.unknownValue", "line 7, scope binding.roleAndScope", "line 8, department binding.departmentRequired",
                "line 9, scope csv.spreadsheetNumber", "line 10, username csv.duplicate", "line 11, name field.required", "line 11, phone user.badPhone",
            ])
        #expect(errors[1].message.en.contains("'1.38001E+10'") && errors[1].message.en.contains("format the column as text"))
        #expect(errors[3].message.en.contains("'巡逻员'"))
        #expect(errors[7].message.en.contains("repeats line 2"))
    }

    @Test func aBadPasswordIsNamedButNotRepeated() throws {
        let errors = try errors { () throws(GridError) in _ = try PeopleSheets.users(Data("login,name,password\nzs,张三,short\n".utf8)) }
        #expect(errors.map(\.field) == ["line 2, password"])
        #expect(errors.first?.message.en.contains("short") == false)
    }

    @Test func readsDepartmentsWithTheirKindsInChinese() throws {
        let csv = Self.bom + "部门编码,部门名称,类型,所属单位\nCGW,区城市管理委员会,区级部门,\n110105001-CGK,甲街道城管科,街道科室,110105001\nSWJ,区水务局,,\n"
        let sheet = try PeopleSheets.departments(Data(csv.utf8))
        #expect(
            sheet.rows == [
                DepartmentRow(line: 2, code: "CGW", name: "区城市管理委员会", kind: .district),
                DepartmentRow(line: 3, code: "110105001-CGK", name: "甲街道城管科", kind: .streetOffice, unitCode: "110105001"),
                DepartmentRow(line: 4, code: "SWJ", name: "区水务局"),
            ])
    }

    @Test func everyBadDepartmentCellIsNamed() throws {
        let csv = "code,name,kind,unit\nCGW,城管委,district,\nCGW,重复,district,\n,无编码,,\nX1,科室,streetOffice,\nX2,局,委办,\nX3,科,,1.10105E+08\n"
        let errors = try errors { () throws(GridError) in _ = try PeopleSheets.departments(Data(csv.utf8)) }
        #expect(
            errors.map { "\($0.field) \($0.code)" } == [
                "line 3, code csv.duplicate", "line 4, code field.required", "line 5, unit department.unitRequired", "line 6, kind field.unknownValue",
                "line 7, unit csv.spreadsheetNumber",
            ])
    }

    @Test func anUnknownColumnListsTheKnownOnes() throws {
        let errors = try errors { () throws(GridError) in _ = try PeopleSheets.departments(Data("编码,名称,电话\n".utf8)) }
        #expect(errors.map(\.code.rawValue) == ["csv.column.unknown"])
    }
}
