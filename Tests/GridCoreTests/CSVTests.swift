import Foundation
import GridCore
import Testing

@Suite struct CSVTests {
    private func parse(_ text: String) throws(GridError) -> CSVTable { try CSVTable.parse(Data(text.utf8)) }

    private func codes(_ error: GridError?) -> [String] { error?.fieldErrors.map(\.code.rawValue) ?? [] }

    @Test func readsHeaderAndRowsWithTheirLines() throws {
        let table = try parse("编码,名称\r\nE01,市容环境\r\nE0101,私搭乱建\r\n")
        #expect(table.header == ["编码", "名称"])
        #expect(table.rows == [CSVRow(line: 2, fields: ["E01", "市容环境"]), CSVRow(line: 3, fields: ["E0101", "私搭乱建"])])
    }

    @Test func aBOMIsDroppedAndLFAndALastLineWithoutNewlineWork() throws {
        let table = try CSVTable.parse(Data([0xEF, 0xBB, 0xBF] + Array("code,name\nA,甲\nB,乙".utf8)))
        #expect(table.header == ["code", "name"])
        #expect(table.rows.map(\.fields) == [["A", "甲"], ["B", "乙"]])
    }

    @Test func quotedFieldsHoldCommasQuotesAndNewlines() throws {
        let table = try parse("a,b,c\n\"x, y\",\"他说\"\"好\"\"\",\"line1\nline2\"\nlast,,\n")
        #expect(table.rows[0].fields == ["x, y", "他说\"好\"", "line1\nline2"])
        // The record after a field with a newline in it starts on the physical line after that.
        #expect(table.rows[1] == CSVRow(line: 4, fields: ["last", "", ""]))
    }

    @Test func blankLinesAreSkippedButKeepTheLineCount() throws {
        let table = try parse("a\n\nx\n\ny\n")
        #expect(table.rows == [CSVRow(line: 3, fields: ["x"]), CSVRow(line: 5, fields: ["y"])])
    }

    @Test func anInvalidEncodingNamesTheLineAndByte() {
        // 搭 in GBK is 0xB4 0xEE: a continuation byte where a character should start, not UTF-8.
        let error = thrownError { () throws(GridError) in try CSVTable.parse(Data(Array("code,name\nA,".utf8) + [0xB4, 0xEE, 0x0A])) }
        #expect(codes(error) == ["csv.encoding"])
        #expect(error?.fieldErrors.first?.field == "line 2")
        #expect(error?.fieldErrors.first?.message.en.contains("byte 12") == true)
    }

    @Test func quotesInTheWrongPlaceAreNamed() {
        #expect(codes(thrownError { () throws(GridError) in try parse("a,b\nx,ab\"c\n") }) == ["csv.quote"])
        #expect(thrownError { () throws(GridError) in try parse("a,b\nx,ab\"c\n") }?.fieldErrors.first?.field == "line 2, column 2")
        #expect(codes(thrownError { () throws(GridError) in try parse("a\n\"x\"y\n") }) == ["csv.quote"])
        let unclosed = thrownError { () throws(GridError) in try parse("a\nok\n\"never closed\n\n") }
        #expect(codes(unclosed) == ["csv.quote"])
        #expect(unclosed?.fieldErrors.first?.field == "line 3")
    }

    @Test func anEmptyFileNeedsAHeader() {
        #expect(codes(thrownError { () throws(GridError) in try parse("") }) == ["csv.empty"])
        #expect(codes(thrownError { () throws(GridError) in try CSVTable.parse(Data([0xEF, 0xBB, 0xBF])) }) == ["csv.empty"])
    }

    @Test func rowsWithTheWrongNumberOfFieldsAndDuplicateHeadersAreAllNamed() {
        let error = thrownError { () throws(GridError) in try parse("a,b,A\n1,2,3\n1,2\n1,2,3,4\n") }
        #expect(codes(error) == ["csv.header.duplicate", "csv.columns", "csv.columns"])
        #expect(error?.fieldErrors.map(\.field) == ["line 1", "line 3", "line 4"])
    }

    @Test func columnsAreMatchedByAnyAcceptedNameIgnoringCase() throws {
        let specs = [
            CSVColumn(key: "code", names: ["code", "编码"], required: true),
            CSVColumn(key: "name", names: ["name", "名称"], required: true),
            CSVColumn(key: "note", names: ["note", "备注"], required: false),
        ]
        let table = try parse("名称, CODE \n私搭乱建,E0101\n")
        let columns = try table.columns(specs)
        #expect(columns.value("code", in: table.rows[0]) == "E0101")
        #expect(columns.value("name", in: table.rows[0]) == "私搭乱建")
        #expect(columns.value("note", in: table.rows[0]) == nil)
    }

    @Test func missingAndUnknownColumnsAreNamed() throws {
        let specs = [
            CSVColumn(key: "code", names: ["code", "编码"], required: true),
            CSVColumn(key: "name", names: ["name", "名称"], required: true),
        ]
        let table = try parse("编码,颜色\nE01,红\n")
        let error = thrownError { () throws(GridError) in try table.columns(specs) }
        #expect(codes(error) == ["csv.column.unknown", "csv.column.missing"])
        #expect(error?.fieldErrors[0].field == "line 1, column 2")
        #expect(error?.fieldErrors[0].message.zh.contains("颜色") == true)
        #expect(error?.fieldErrors[1].message.en.contains("'name'") == true)
    }

    @Test func blankCellsReadAsAbsentAndValuesAreTrimmed() throws {
        let table = try parse("a,b\n  x  ,   \n")
        let columns = try table.columns([CSVColumn(key: "a", names: ["a"], required: true), CSVColumn(key: "b", names: ["b"], required: true)])
        #expect(columns.value("a", in: table.rows[0]) == "x")
        #expect(columns.value("b", in: table.rows[0]) == nil)
    }

    @Test func renderThenParseIsTheIdentity() throws {
        let rows = [["E0101", "私搭乱建", "a, b"], ["\"quoted\"", "two\nlines", " padded "], ["", "", "普通"]]
        for bom in [true, false] {
            let text = CSVTable.render(header: ["编码", "名称", "备注"], rows: rows, bom: bom)
            #expect(text.hasPrefix("\u{FEFF}") == bom)
            let table = try CSVTable.parse(Data(text.utf8))
            #expect(table.header == ["编码", "名称", "备注"])
            #expect(table.rows.map(\.fields) == rows)
        }
    }

    @Test func aRecordIsWrittenCellByCellFromItsBytes() throws {
        let line = CSVTable.line(
            ["110199001", "A12", "=SUM(A1)", " 前后有空格 ", "\u{3000}全角空格", "a\"b", "-", "@x, y", "=x ", "普通", ""], excelSafe: true, codeColumns: [0, 1])
        #expect(line == "\"=\"\"110199001\"\"\",A12,'=SUM(A1),\" 前后有空格 \",\"\u{3000}全角空格\",\"a\"\"b\",'-,\"'@x, y\",\"'=x \",普通,\r\n")
        #expect(CSVTable.line(["=1", "+2"]) == "=1,+2\r\n", "only an export a person opens is made safe")
        // Unicode spaces at either end survive a round trip (an unquoted cell is trimmed when read).
        let rows = [["\u{3000}甲\u{3000}", "\u{00A0}乙", "丙\u{2003}"]]
        let table = try CSVTable.parse(Data(CSVTable.render(header: ["a", "b", "c"], rows: rows).utf8))
        #expect(table.rows.map(\.fields) == rows)
    }

    @Test func randomTablesSurviveARoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab,\"\r\n 中文事项\t;")
        for _ in 0..<200 {
            let width = Int.random(in: 1...5, using: &generator)
            let header = (0..<width).map { "h\($0)" }
            let rows = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                (0..<width).map { _ in String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }) }
            }
            // A row of one empty field is a blank line, which CSV cannot tell from no row.
            let kept = rows.filter { !(width == 1 && $0[0].isEmpty) }
            let table = try CSVTable.parse(Data(CSVTable.render(header: header, rows: kept).utf8))
            #expect(table.rows.map(\.fields) == kept)
        }
    }
}
