import Foundation

/// One record of a CSV file and the physical line it starts on, for error messages.
public struct CSVRow: Sendable, Equatable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A column a CSV import understands: its key and the header names accepted for it (English and
/// the Chinese names districts use).
public struct CSVColumn: Sendable, Equatable {
    public var key: String
    public var names: [String]
    public var required: Bool

    public init(key: String, names: [String], required: Bool) {
        self.key = key
        self.names = names
        self.required = required
    }
}

/// The columns of a table matched to the keys an import asks for.
public struct CSVColumns: Sendable {
    let index: [String: Int]

    /// The trimmed value of `key` in `row`; nil when the column is absent or the cell empty.
    public func value(_ key: String, in row: CSVRow) -> String? {
        guard let i = index[key], i < row.fields.count else { return nil }
        let text = row.fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}

/// RFC 4180 CSV as districts produce it in Excel or WPS: UTF-8 with or without a BOM, CRLF or LF,
/// quoted fields with embedded commas, quotes and newlines. Parsing scans bytes, not characters.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [CSVRow]

    static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    public static func parse(_ data: Data) throws(GridError) -> CSVTable {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if String(validating: bytes, as: UTF8.self) == nil {
            let (line, offset) = firstInvalidUTF8(bytes)
            throw GridError.invalid([
                FieldError(
                    "line \(line)", .csvEncoding,
                    Text(
                        zh: "文件不是 UTF-8 编码（第 \(line) 行，字节 \(offset) 处）；请在 Excel/WPS 中另存为“CSV UTF-8”",
                        en: "the file is not UTF-8 (line \(line), byte \(offset)); save it as \"CSV UTF-8\" in Excel or WPS"))
            ])
        }
        var records: [CSVRow] = []
        var fields: [String] = [], field: [UInt8] = []
        var line = 1, recordLine = 1, i = 0
        var inQuotes = false, quotedField = false, quoteLine = 1
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedField = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(CSVRow(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote {
                        field.append(quote)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if b == lf || (b == cr && (i + 1 >= bytes.count || bytes[i + 1] != lf)) { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case quote:
                guard field.isEmpty && !quotedField else {
                    throw GridError.invalid([
                        FieldError(
                            "line \(line), column \(fields.count + 1)", .csvQuote,
                            Text(
                                zh: "第 \(line) 行第 \(fields.count + 1) 列：未加引号的字段中出现了引号；含引号的字段应整体加引号，内部引号写成两个",
                                en: "line \(line), column \(fields.count + 1): a quote inside an unquoted field; quote the whole field and double inner quotes")
                        )
                    ])
                }
                inQuotes = true
                quotedField = true
                quoteLine = line
            case comma:
                endField()
            case cr, lf:
                endRecord()
                if b == cr && i + 1 < bytes.count && bytes[i + 1] == lf { i += 1 }
                line += 1
                recordLine = line
            default:
                if quotedField {
                    throw GridError.invalid([
                        FieldError(
                            "line \(line), column \(fields.count + 1)", .csvQuote,
                            Text(
                                zh: "第 \(line) 行第 \(fields.count + 1) 列：引号结束后还有字符", en: "line \(line), column \(fields.count + 1): text after a closing quote"))
                    ])
                }
                field.append(b)
            }
            i += 1
        }
        if inQuotes {
            throw GridError.invalid([
                FieldError(
                    "line \(quoteLine)", .csvQuote,
                    Text(
                        zh: "第 \(quoteLine) 行开始的引号没有结束", en: "the quoted field starting on line \(quoteLine) is never closed"))
            ])
        }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
        guard let first = records.first else {
            throw GridError.invalid([FieldError("line 1", .csvEmpty, Text(zh: "文件为空，缺少表头行", en: "the file is empty: a header line is required"))])
        }
        let header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>(), errors: [FieldError] = []
        for name in header where !seen.insert(name.lowercased()).inserted {
            errors.append(FieldError("line \(first.line)", .csvHeaderDuplicate, Text(zh: "表头“\(name)”重复", en: "header '\(name)' appears twice")))
        }
        let rows = Array(records.dropFirst())
        for row in rows where row.fields.count != header.count {
            errors.append(
                FieldError(
                    "line \(row.line)", .csvColumns,
                    Text(
                        zh: "第 \(row.line) 行有 \(row.fields.count) 列，表头有 \(header.count) 列",
                        en: "line \(row.line) has \(row.fields.count) fields; the header has \(header.count)")))
            if errors.count >= OrgPlanner.maxErrors { break }
        }
        if !errors.isEmpty { throw GridError.invalid(errors) }
        return CSVTable(header: header, rows: rows)
    }

    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, offset: Int) {
        var line = 1, i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if length == 0 || i + length > bytes.count || String(validating: bytes[i..<i + length], as: UTF8.self) == nil { return (line, i) }
            if b == lf { line += 1 }
            i += length
        }
        return (line, i)
    }

    /// Matches the header to `specs`: each missing required column and each unknown column is an
    /// error naming it and the accepted names.
    public func columns(_ specs: [CSVColumn]) throws(GridError) -> CSVColumns {
        var index: [String: Int] = [:], errors: [FieldError] = []
        let normalized = header.map { $0.lowercased() }
        for (i, name) in normalized.enumerated() {
            if let spec = specs.first(where: { $0.names.contains { $0.lowercased() == name } }) {
                index[spec.key] = i
            } else {
                let accepted = specs.map(\.key).joined(separator: ", ")
                errors.append(
                    FieldError(
                        "line 1, column \(i + 1)", .csvColumnUnknown,
                        Text(
                            zh: "未知的列“\(header[i])”；可用列：\(accepted)", en: "unknown column '\(header[i])'; known columns: \(accepted)")))
            }
        }
        for spec in specs where spec.required && index[spec.key] == nil {
            errors.append(
                FieldError(
                    "line 1", .csvColumnMissing,
                    Text(
                        zh: "缺少列“\(spec.key)”（可写作：\(spec.names.joined(separator: "、"))）",
                        en: "column '\(spec.key)' is missing (accepted headers: \(spec.names.joined(separator: ", ")))")))
        }
        if !errors.isEmpty { throw GridError.invalid(errors) }
        return CSVColumns(index: index)
    }

    /// CSV text with CRLF line ends, fields quoted where needed, and a BOM by default so that
    /// Excel opens Chinese text correctly. `excelSafe` (an export a person opens) makes a cell that
    /// a spreadsheet would run as a formula (=, +, -, @ first) text with a leading apostrophe.
    ///
    /// `codeColumns` hold codes made of digits (division codes, 12 digits and more): each such cell
    /// is written `="110199001001"`, which Excel and WPS open as that text instead of a rounded
    /// number. Only digit strings are written so; anything else in the column is an ordinary cell.
    public static func render(header: [String], rows: [[String]], bom: Bool = true, excelSafe: Bool = false, codeColumns: Set<Int> = []) -> String {
        var out = bom ? "\u{FEFF}" : ""
        for row in [header] + rows { out += line(row, excelSafe: excelSafe, codeColumns: codeColumns) }
        return out
    }

    /// One record of `render`'s output, with its CRLF: for a table written as it is read (a
    /// streamed export).
    public static func line(_ row: [String], excelSafe: Bool = false, codeColumns: Set<Int> = []) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(row.reduce(2) { $0 + $1.utf8.count + 3 })
        for (column, raw) in row.enumerated() {
            var raw = raw
            raw.withUTF8 { appendCell(UnsafeRawBufferPointer($0), column: column, excelSafe: excelSafe, code: codeColumns.contains(column), to: &out) }
        }
        endRecord(&out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one cell of a record to `out` as `line` writes it (the comma before it, quotes where
    /// needed), from its UTF-8 bytes: a streamed export writes the database's bytes without making
    /// a string of each of a million rows' cells. `code`: a column of codes made of digits.
    public static func appendCell(_ raw: UnsafeRawBufferPointer, column: Int, excelSafe: Bool, code: Bool, to out: inout [UInt8]) {
        if column > 0 { out.append(0x2C) }
        if code, !raw.isEmpty, raw.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            out.append(contentsOf: [0x22, 0x3D, 0x22, 0x22])  // "=""
            out.append(contentsOf: raw)
            out.append(contentsOf: [0x22, 0x22, 0x22])  // """
            return
        }
        // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is text.
        let formula = excelSafe && raw.first.map { [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains($0) } == true
        // With the apostrophe first, only the last character's whitespace matters at that end.
        let needsQuotes =
            raw.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
            || (!formula && startsWithWhitespace(raw)) || endsWithWhitespace(raw)
        if needsQuotes { out.append(0x22) }
        if formula { out.append(0x27) }
        if needsQuotes && raw.contains(0x22) {
            for byte in raw {
                out.append(byte)
                if byte == 0x22 { out.append(0x22) }
            }
        } else {
            out.append(contentsOf: raw)
        }
        if needsQuotes { out.append(0x22) }
    }

    /// Ends a record `appendCell` wrote (CRLF).
    public static func endRecord(_ out: inout [UInt8]) { out.append(contentsOf: [0x0D, 0x0A]) }

    /// Whether the UTF-8 text's first (last) character is whitespace (ASCII, or a Unicode space such
    /// as U+3000), which a spreadsheet would trim from an unquoted cell.
    static func startsWithWhitespace(_ raw: UnsafeRawBufferPointer) -> Bool {
        guard let first = raw.first else { return false }
        if first < 0x80 { return isASCIIWhitespace(first) }
        var decoder = UTF8()
        var bytes = raw.makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&bytes) else { return false }
        return scalar.properties.isWhitespace
    }

    static func endsWithWhitespace(_ raw: UnsafeRawBufferPointer) -> Bool {
        guard let last = raw.last else { return false }
        if last < 0x80 { return isASCIIWhitespace(last) }
        // The last scalar starts at the last byte that is not a continuation byte (10xxxxxx).
        guard let start = raw.lastIndex(where: { $0 & 0xC0 != 0x80 }) else { return false }
        return startsWithWhitespace(UnsafeRawBufferPointer(rebasing: raw[start...]))
    }

    static func isASCIIWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
}
