import Foundation
import GridCore
import PostgresNIO

/// The cases of a scope and period as rows of a spreadsheet, read as the database sends them (one
/// pass in the order they were reported; PostgresNIO asks for more rows only as they are consumed).
public enum CaseExportStore {
    public static let header = [
        "案件编号", "状态", "来源", "问题类别编码", "问题类别", "等级", "网格编码", "网格", "主办部门", "上报时间", "立案时间", "处置时限", "处置时间", "结案时间", "返工次数",
        "延期次数", "地址", "问题描述",
    ]
    /// The columns of codes made of digits (written as text for Excel).
    public static let codeColumns: Set<Int> = [6]

    /// Calls `each` with every case reported in [from, to) within `scope`, in the order reported, its times
    /// in `timeZone` ("2026-11-23 09:16:00").
    public static func rows(
        _ tx: Tx, within scope: ScopePath, from: Date, to: Date, timeZone: String, _ each: (CaseExportRow) async throws -> Void
    ) async throws {
        // The one statement reads as fast as the client takes the file: the sessions' statement
        // timeout (30 s) would cut a large district's file short.
        try await tx.query("SELECT set_config('statement_timeout', '600s', true)")
        let rows = try await tx.query(
            """
            SELECT c.number, c.state, c.source, coalesce(k.code, ''), coalesce(k.name, ''), coalesce(c.grade, ''), coalesce(g.code, ''),
                   coalesce(g.name, ''), coalesce(d.name, ''),
                   to_char(c.reported_at AT TIME ZONE \(timeZone), 'YYYY-MM-DD HH24:MI:SS'),
                   coalesce(to_char(c.filed_at AT TIME ZONE \(timeZone), 'YYYY-MM-DD HH24:MI:SS'), ''),
                   coalesce(to_char(c.handle_due AT TIME ZONE \(timeZone), 'YYYY-MM-DD HH24:MI:SS'), ''),
                   coalesce(to_char(c.handled_at AT TIME ZONE \(timeZone), 'YYYY-MM-DD HH24:MI:SS'), ''),
                   coalesce(to_char(c.closed_at AT TIME ZONE \(timeZone), 'YYYY-MM-DD HH24:MI:SS'), ''),
                   c.rework_count::text, c.extension_count::text, coalesce(c.address, ''), c.description
            FROM cases c
            LEFT JOIN categories k ON k.tenant_id = c.tenant_id AND k.id = c.category_id
            LEFT JOIN org_units g ON g.tenant_id = c.tenant_id AND g.id = c.grid_id
            LEFT JOIN departments d ON d.tenant_id = c.tenant_id AND d.id = c.lead_department_id
            WHERE c.tenant_id = \(tx.tenant) AND c.grid_path >= \(scope.raw) AND c.grid_path < \(scope.upperBound)
              AND c.reported_at >= \(from) AND c.reported_at < \(to)
            ORDER BY c.reported_at, c.id
            """)
        for try await row in rows { try await each(CaseExportRow(row: row)) }
    }
}

/// One case of the export as the database sent it: its cells are written to the file as the
/// bytes that came (all of them text), without a string made of each.
public struct CaseExportRow {
    let row: PostgresRow

    /// The Chinese labels of the states (column 1) and the sources (column 2) by their raw values, as UTF-8.
    static let labels: [Int: [String: [UInt8]]] = [
        1: Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0.rawValue, Array($0.label.zh.utf8)) }),
        2: Dictionary(uniqueKeysWithValues: CaseSource.allCases.map { ($0.rawValue, Array($0.label.zh.utf8)) }),
    ]

    /// Appends the case as one CSV record: Excel-safe, codes as text, its state and source in Chinese.
    public func appendCSV(to out: inout [UInt8]) {
        for (column, cell) in row.enumerated() {
            let bytes = cell.bytes ?? ByteBuffer()
            if column <= 2, let label = Self.labels[column]?[String(buffer: bytes)] {
                label.withUnsafeBytes { CSVTable.appendCell($0, column: column, excelSafe: true, code: false, to: &out) }
                continue
            }
            bytes.withUnsafeReadableBytes {
                CSVTable.appendCell($0, column: column, excelSafe: true, code: CaseExportStore.codeColumns.contains(column), to: &out)
            }
        }
        CSVTable.endRecord(&out)
    }
}
