import Foundation

/// The rows of a users or departments CSV, each checked on its own, and the header each column
/// was found under, so that every later error can name the line, the column as the file has it,
/// and the value.
public struct SheetRows<Row: Sendable & Equatable>: Sendable, Equatable {
    public var rows: [Row]
    public var headers: [String: String]

    /// Where a problem is: `line 7, 手机`.
    public func at(_ line: Int, _ key: String) -> String { "line \(line), \(headers[key] ?? key)" }
}

/// A user as a district lists them: login, name, phone, and optionally one role over a unit (with
/// the department of a liaison) and an initial password.
public struct UserRow: Sendable, Equatable {
    public var line: Int
    public var login: String
    public var name: String
    public var phone: String?
    public var role: Role?
    public var scopeCode: String?
    public var departmentCode: String?
    public var password: String?

    public init(
        line: Int, login: String, name: String, phone: String? = nil, role: Role? = nil, scopeCode: String? = nil, departmentCode: String? = nil,
        password: String? = nil
    ) {
        self.line = line
        self.login = login
        self.name = name
        self.phone = phone
        self.role = role
        self.scopeCode = scopeCode
        self.departmentCode = departmentCode
        self.password = password
    }
}

/// A department as a district lists it; the kind may be left to the unit it belongs to.
public struct DepartmentRow: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case district, streetOffice }

    public var line: Int
    public var code: String
    public var name: String
    public var kind: Kind?
    /// The street or township of a street office; nil for the district itself.
    public var unitCode: String?

    public init(line: Int, code: String, name: String, kind: Kind? = nil, unitCode: String? = nil) {
        self.line = line
        self.code = code
        self.name = name
        self.kind = kind
        self.unitCode = unitCode
    }
}

/// Reads users and departments CSVs (UTF-8 with or without BOM, headers in English or Chinese).
/// Every bad cell is reported with its line, column and value; a code or phone number that a
/// spreadsheet turned into a number is refused with the fix.
public enum PeopleSheets {
    public static let userColumns: [CSVColumn] = [
        CSVColumn(key: "login", names: ["login", "username", "用户名", "登录名", "账号"], required: true),
        CSVColumn(key: "name", names: ["name", "displayName", "姓名"], required: true),
        CSVColumn(key: "phone", names: ["phone", "手机", "手机号", "电话"], required: false),
        CSVColumn(key: "role", names: ["role", "角色"], required: false),
        CSVColumn(key: "scope", names: ["scope", "范围", "管辖范围", "单位编码"], required: false),
        CSVColumn(key: "department", names: ["department", "部门", "部门编码"], required: false),
        CSVColumn(key: "password", names: ["password", "初始密码", "密码"], required: false),
    ]

    public static let departmentColumns: [CSVColumn] = [
        CSVColumn(key: "code", names: ["code", "部门编码", "编码"], required: true),
        CSVColumn(key: "name", names: ["name", "部门名称", "名称"], required: true),
        CSVColumn(key: "kind", names: ["kind", "类型"], required: false),
        CSVColumn(key: "unit", names: ["unit", "所属单位", "所属街道", "单位编码"], required: false),
    ]

    static let departmentKindNames: [String: DepartmentRow.Kind] = [
        "区级部门": .district, "区级": .district, "区": .district, "街道科室": .streetOffice, "科室": .streetOffice,
    ]

    /// Reads one CSV's cells, collecting every problem with its line, column and value.
    struct Reader {
        let table: CSVTable
        let columns: CSVColumns
        var headers: [String: String] = [:]
        var errors: [FieldError] = []

        init(_ data: Data, _ specs: [CSVColumn]) throws(GridError) {
            table = try CSVTable.parse(data)
            columns = try table.columns(specs)
            for (key, i) in columns.index { headers[key] = table.header[i] }
        }

        func at(_ row: CSVRow, _ key: String) -> String { "line \(row.line), \(headers[key] ?? key)" }

        mutating func fail(_ row: CSVRow, _ key: String, _ code: ErrorCode, _ text: Text) {
            if errors.count < OrgPlanner.maxErrors { errors.append(FieldError(at(row, key), code, text)) }
        }

        mutating func required(_ row: CSVRow, _ key: String) -> String? {
            guard let value = columns.value(key, in: row) else {
                let column = headers[key] ?? key
                fail(row, key, .fieldRequired, Text(zh: "第 \(row.line) 行缺少“\(column)”", en: "line \(row.line): \(column) is required"))
                return nil
            }
            return value
        }

        /// A code cell: refused when a spreadsheet made a number of it.
        mutating func code(_ row: CSVRow, _ key: String) -> String? {
            guard let value = columns.value(key, in: row) else { return nil }
            guard !SpreadsheetText.isMangledNumber(value) else {
                fail(row, key, .csvSpreadsheetNumber, SpreadsheetText.problem(headers[key] ?? key, value))
                return nil
            }
            return value
        }

        /// Each key's first line, reporting a repeat.
        mutating func once(_ row: CSVRow, _ key: String, _ value: String, seen: inout [String: Int]) {
            if let first = seen[value] {
                fail(
                    row, key, .csvDuplicate,
                    Text(zh: "“\(value)”与第 \(first) 行重复", en: "'\(value)' repeats line \(first)"))
            } else {
                seen[value] = row.line
            }
        }

        func finish<Row>(_ rows: [Row]) throws(GridError) -> SheetRows<Row> {
            if !errors.isEmpty { throw GridError.invalid(errors) }
            return SheetRows(rows: rows, headers: headers)
        }
    }

    public static func users(_ data: Data) throws(GridError) -> SheetRows<UserRow> {
        var r = try Reader(data, userColumns)
        var rows: [UserRow] = [], seen: [String: Int] = [:]
        for row in r.table.rows {
            let before = r.errors.count
            let login = r.required(row, "login")?.lowercased(), name = r.required(row, "name")
            if let login {
                if let problem = Users.loginProblem(login) { r.fail(row, "login", .userBadLogin, problem) }
                r.once(row, "login", login, seen: &seen)
            }
            if let name, name.count > 100 {
                r.fail(
                    row, "name", .userBadName, Text(zh: "姓名“\(name.prefix(20))…”超过 100 个字符", en: "name '\(name.prefix(20))…' is longer than 100 characters"))
            }
            let phone = r.code(row, "phone")
            if let phone, phone.wholeMatch(of: #/[0-9+()\- ]{3,32}/#) == nil {
                r.fail(
                    row, "phone", .userBadPhone,
                    Text(zh: "电话“\(phone)”应为 3–32 位数字（可含 + - 空格 括号）", en: "phone '\(phone)' must be 3–32 digits (with + - spaces or brackets)"))
            }
            var role: Role?
            if let text = r.columns.value("role", in: row) {
                role = Role(rawValue: text) ?? Role.allCases.first { $0.label.zh == text }
                if role == nil {
                    let zh = Role.allCases.map(\.label.zh).joined(separator: "、")
                    r.fail(
                        row, "role", .fieldUnknownValue,
                        Text(zh: "角色“\(text)”无效，可选：\(zh)", en: "role '\(text)' is not one of: \(Role.allowedList)"))
                }
            }
            let scope = r.code(row, "scope"), department = r.code(row, "department")
            if (r.columns.value("role", in: row) == nil) != (r.columns.value("scope", in: row) == nil) {
                let key = scope == nil ? "scope" : "role"
                r.fail(row, key, .bindingRoleAndScope, Text(zh: "角色与范围须同时填写或同时留空", en: "give a role and its scope (a unit code) together, or neither"))
            }
            if role == .departmentLiaison && r.columns.value("department", in: row) == nil {
                r.fail(row, "department", .bindingDepartmentRequired, Text(zh: "部门联络员必须指定部门", en: "a departmentLiaison needs a department"))
            } else if let role, !role.namesDepartment, let department {
                r.fail(
                    row, "department", .bindingDepartmentNotAllowed,
                    Text(
                        zh: "只有部门联络员和部门领导绑定部门，“\(department)”",
                        en: "only a departmentLiaison or a department's leader names a department, got '\(department)'"))
            }
            let password = r.columns.value("password", in: row)
            if let password, let problem = Users.passwordProblem(password) { r.fail(row, "password", .userBadPassword, problem) }
            guard r.errors.count == before, let login, let name else { continue }
            rows.append(
                UserRow(line: row.line, login: login, name: name, phone: phone, role: role, scopeCode: scope, departmentCode: department, password: password))
        }
        return try r.finish(rows)
    }

    public static func departments(_ data: Data) throws(GridError) -> SheetRows<DepartmentRow> {
        var r = try Reader(data, departmentColumns)
        var rows: [DepartmentRow] = [], seen: [String: Int] = [:]
        for row in r.table.rows {
            let before = r.errors.count
            let code = r.required(row, "code") == nil ? nil : r.code(row, "code")
            let name = r.required(row, "name")
            if let code {
                if code.count > 32 {
                    r.fail(row, "code", .departmentBadCode, Text(zh: "部门编码“\(code)”超过 32 个字符", en: "department code '\(code)' is longer than 32 characters"))
                }
                r.once(row, "code", code, seen: &seen)
            }
            if let name, name.count > 100 {
                r.fail(
                    row, "name", .departmentBadName,
                    Text(zh: "部门名称“\(name.prefix(20))…”超过 100 个字符", en: "department name '\(name.prefix(20))…' is longer than 100 characters"))
            }
            var kind: DepartmentRow.Kind?
            if let text = r.columns.value("kind", in: row) {
                kind = DepartmentRow.Kind(rawValue: text) ?? departmentKindNames[text]
                if kind == nil {
                    r.fail(
                        row, "kind", .fieldUnknownValue,
                        Text(zh: "类型“\(text)”无效，可选：区级部门、街道科室", en: "kind '\(text)' is not one of: district, streetOffice"))
                }
            }
            let unit = r.code(row, "unit")
            if kind == .streetOffice && r.columns.value("unit", in: row) == nil {
                r.fail(row, "unit", .departmentUnitRequired, Text(zh: "街道科室须指定所属街道", en: "a street office needs the code of its street"))
            }
            guard r.errors.count == before, let code, let name else { continue }
            rows.append(DepartmentRow(line: row.line, code: code, name: name, kind: kind, unitCode: unit))
        }
        return try r.finish(rows)
    }
}
