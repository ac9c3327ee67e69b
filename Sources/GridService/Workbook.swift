import CXlsxWriter
import Foundation
import GridCore

/// XLSX through libxlsxwriter (never hand-written zip or XML): sheets of text and numbers, the
/// header row bold and frozen. Text cells are strings as written — a code stays a code, and
/// nothing is ever a formula.
public enum Workbook {
    public struct Sheet: Sendable {
        public var name: String
        public var table: SheetTable

        public init(name: String, _ table: SheetTable) {
            self.name = name
            self.table = table
        }
    }

    /// The workbook's bytes. libxlsxwriter writes to a file: a private temporary one, removed.
    public static func xlsx(_ sheets: [Sheet]) throws -> Data {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gridgov-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let workbook = workbook_new(path) else { throw failure("workbook_new") }
        let bold = workbook_add_format(workbook)
        format_set_bold(bold)
        for sheet in sheets {
            // Sheet names: at most 31 characters, none of []:*?/\ (Excel's rule).
            let name = String(sheet.name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
            guard let worksheet = workbook_add_worksheet(workbook, name.isEmpty ? nil : name) else {
                workbook_close(workbook)
                throw failure("workbook_add_worksheet")
            }
            for (column, title) in sheet.table.header.enumerated() {
                worksheet_write_string(worksheet, 0, lxw_col_t(column), title, bold)
                worksheet_set_column(worksheet, lxw_col_t(column), lxw_col_t(column), column < 2 ? 18 : 12, nil)
            }
            worksheet_freeze_panes(worksheet, 1, 0)
            for (index, row) in sheet.table.rows.enumerated() {
                let line = lxw_row_t(index + 1)
                for (column, cell) in row.enumerated() {
                    switch cell {
                    case .text(let text): worksheet_write_string(worksheet, line, lxw_col_t(column), text, nil)
                    case .number(let value, _): worksheet_write_number(worksheet, line, lxw_col_t(column), value, nil)
                    case .empty: break
                    }
                }
            }
        }
        let closed = workbook_close(workbook)
        guard closed == LXW_NO_ERROR else { throw failure("workbook_close: \(String(cString: lxw_strerror(closed)))") }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func failure(_ what: String) -> GridError {
        GridError(.internal, Text(zh: "无法生成 XLSX（\(what)）", en: "the XLSX could not be written (\(what))"))
    }

    public static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}
