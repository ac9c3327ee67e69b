import Foundation
import GridCore
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// The cases as a streamed CSV (issue 18): every case of the period and scope, in the order
/// reported, over several chunks, Excel-safe; the scope and the period checked before the first byte.
extension CaseHTTPTests {
    @Test func theCasesExportAsOneStreamedExcelSafeCSVWithinTheCallersScope() async throws {
        try await withDesk { desk, _ in
            let from = Date().addingTimeInterval(-60)
            // 160 reports of some 300 characters each: more than one 64 KiB chunk of CSV.
            let long = String(repeating: "人行道井盖破损，影响行人通行，请尽快处理。", count: 15)
            var numbers: [String] = []
            for k in 0..<160 {
                let description = k == 0 ? "=HYPERLINK(\"http://example.org\",\"点此\")" : "\(long)（\(k)）"
                let created = try await desk.report("gridworker", Self.intake(description))
                #expect(created.status == .created, "\(created.text)")
                numbers.append(try #require((try created.json()["case"] as? [String: Any])?["number"] as? String))
            }
            let to = Date().addingTimeInterval(60)
            let period = "from=\(iso(from))&to=\(iso(to))"

            let export = try await desk.api.get("/v1/cases/export?\(period)", token: desk.token("leader"))
            #expect(export.status == .ok, "\(export.text.prefix(300))")
            #expect(export.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(export.text.utf8.count > 64 * 1024, "more than one chunk: \(export.text.utf8.count) bytes")
            #expect(export.text.hasPrefix("\u{FEFF}案件编号,状态,来源,问题类别编码,问题类别,等级,网格编码,网格,主办部门,上报时间,"))
            let table = try CSVTable.parse(Data(export.text.utf8))
            #expect(table.header.count == 18 && table.rows.allSatisfy { $0.fields.count == 18 })
            #expect(table.rows.map { $0.fields[0] } == numbers, "every case once, in the order reported")
            let first = try #require(table.rows.first?.fields)
            #expect(first[17].hasPrefix("'=HYPERLINK"), "no formula runs: \(first[17])")
            #expect(first[6].hasPrefix("=\"") && first[6].hasSuffix("\""), "the grid's code is text: \(first[6])")
            #expect(first[1] == CaseState.reported.label.zh || !first[1].isEmpty, "the state in Chinese: \(first[1])")
            #expect(table.rows.last?.fields[17] == "\(long)（159）")
            #expect(table.rows.allSatisfy { $0.fields[9].count == 19 }, "local times, to the second")

            // Another street's dispatcher reads none of them; the period and the scope are checked first.
            let otherStreet = try await desk.api.get("/v1/cases/export?\(period)&scope=110199002", token: desk.token("street.dispatcher"))
            expectProblem(otherStreet, .forbidden, "auth.outOfScope")
            let reversed = try await desk.api.get("/v1/cases/export?from=\(iso(to))&to=\(iso(from))", token: desk.token("leader"))
            #expect(reversed.fieldErrorCodes == ["period.reversed"], "\(reversed.text)")
            let street = try await desk.api.get("/v1/cases/export?\(period)", token: desk.token("street.dispatcher"))
            #expect(try CSVTable.parse(Data(street.text.utf8)).rows.count == 160, "the grid worker's grid is in 学院路街道")
        }
    }

    private func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
