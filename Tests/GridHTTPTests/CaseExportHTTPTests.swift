import Foundation
import GridCore
import GridService
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
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
            #expect(table.rows.allSatisfy { $0.fields[1] == "已上报" && $0.fields[2] == "网格员上报" }, "the state and source in Chinese: \(first[1]), \(first[2])")
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

    /// A reader that takes the first chunk and goes away (a browser closed mid-download) ends the
    /// export: its transaction, open while the reader holds the file, is gone within moments, and
    /// the district's next export reads on.
    @Test func anExportItsReaderLeavesEndsItsTransaction() async throws {
        try await withDesk { desk, db in
            let from = Date().addingTimeInterval(-60)
            let created = try await desk.report("gridworker", Self.intake(String(repeating: "人行道井盖破损，影响行人通行。", count: 20)))
            let id = try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            // 3,000 copies of it (some 1.5 MB of CSV, two dozen chunks), written as the table's owner.
            try await db.owner.query(
                """
                INSERT INTO cases
                SELECT (jsonb_populate_record(c, jsonb_build_object('id', c.id + 100000 + n, 'number', c.number || '-' || n))).*
                FROM cases c, generate_series(1, 3000) n WHERE c.id = \(id)
                """, logger: db.logger)
            let leader = Caller.user(try await db.service.authenticate(token: desk.token("leader")))
            let to = Date().addingTimeInterval(60)
            /// The sessions in a transaction reading the export's statement (seen by the service's own
            /// role, which sees its sessions' statements).
            func exporting() async throws -> Int {
                for try await n in try await db.app.query(
                    """
                    SELECT count(*)::int FROM pg_stat_activity
                    WHERE datname = current_database() AND state <> 'idle' AND query LIKE 'SELECT c.number, c.state, c.source,%' AND pid <> pg_backend_pid()
                    """, logger: db.logger
                ).decode(Int.self) { return n }
                return -1
            }
            /// What every other session of the database does (for a failure's message).
            func sessions() async throws -> [String] {
                var found: [String] = []
                for try await (state, query) in try await db.app.query(
                    "SELECT coalesce(state, ''), left(coalesce(query, ''), 60) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                    logger: db.logger
                ).decode((String, String).self) { found.append("\(state): \(query)") }
                return found
            }
            var reader: CaseExportStream.Iterator? = try await db.service.exportCases(
                leader, tenantId: desk.tenantId, scopeCode: nil, from: from, to: to
            ).makeAsyncIterator()
            let first = try await reader?.next()
            #expect(first?.count ?? 0 >= 64 * 1024, "\(first?.count ?? 0) bytes")
            let reading = try await exporting(), seen = try await sessions()
            #expect(reading == 1, "the export reads on while its reader holds the file: \(seen)")
            reader = nil
            var open = 1
            for _ in 0..<100 where open != 0 {
                try await Task.sleep(for: .milliseconds(50))
                open = try await exporting()
            }
            #expect(open == 0, "the export's transaction ended with its reader")

            // The next export reads every case to the end.
            var bytes = 0
            for try await chunk in try await db.service.exportCases(leader, tenantId: desk.tenantId, scopeCode: nil, from: from, to: to) {
                bytes += chunk.count
            }
            #expect(bytes > 3000 * 400, "\(bytes) bytes")
        }
    }

    private func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
