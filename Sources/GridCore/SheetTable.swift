import Foundation

/// A cell of an exported table: text as written (codes stay codes), or a number shown with a
/// fixed number of decimals in CSV (XLSX keeps the number itself).
public enum SheetCell: Sendable, Equatable {
    case text(String)
    case number(Double, digits: Int)
    case empty

    public var csv: String {
        switch self {
        case .text(let text): text
        case .number(let value, let digits): String(format: "%.\(digits)f", value)
        case .empty: ""
        }
    }
}

/// A table a person opens in Excel or WPS: Chinese headers, then rows; the columns in
/// `codeColumns` hold codes (written as text in CSV, `="110199001"`).
public struct SheetTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[SheetCell]]
    public var codeColumns: Set<Int>

    public init(header: [String], rows: [[SheetCell]], codeColumns: Set<Int> = []) {
        self.header = header
        self.rows = rows
        self.codeColumns = codeColumns
    }

    /// CSV with a BOM and CRLF, Excel-safe (no formula injection, codes as text).
    public func csv() -> String {
        CSVTable.render(header: header, rows: rows.map { $0.map(\.csv) }, excelSafe: true, codeColumns: codeColumns)
    }
}
