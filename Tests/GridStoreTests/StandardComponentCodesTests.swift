import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import PostgresNIO
import Testing

/// The bundled national list carries the standard minor codes of CJ/T 214 / GB/T 30428.2, and
/// migration 0022 (`standard_component_codes`) moves a district's items from the old numbering
/// without losing a case, a duty or a rule.
@Suite struct StandardComponentCodesTests {
    /// The component items of the standard, by major class, in minor-code order (01, 02, …).
    static let standard: [String: [String]] = [
        "C01": [
            "上水井盖", "污水井盖", "雨水井盖", "雨水箅子", "电力井盖", "路灯井盖", "通讯井盖", "电视井盖", "网络井盖", "热力井盖", "燃气井盖", "公安井盖",
            "消防设施", "无主井盖", "通讯交接箱", "电力设施", "立杆", "路灯", "地灯", "景观灯", "报刊亭", "电话亭", "邮筒", "信息亭", "自动售货机", "健身设施",
        ],
        "C02": ["停车场", "停车咪表", "公交站亭", "出租车站牌", "过街天桥", "地下通道", "高架立交桥", "跨河桥", "交通标志牌", "交通信号灯", "交通护栏", "存车支架", "路名牌"],
        "C03": ["公共厕所", "化粪池", "公厕指示牌", "垃圾间（楼）", "垃圾箱", "灯箱霓虹灯", "广告牌匾"],
        "C04": ["古树名木", "行道树", "护树设施", "花架花钵", "绿地", "雕塑", "街头坐椅", "绿地护栏", "绿地维护设施", "喷泉"],
        "C05": ["宣传栏", "人防工事"],
        "C06": ["重大危险源", "工地", "水域附属设施", "水域护栏"],
    ]

    static func expectedItems() -> [String: String] {
        var items = ["C0699": "其他设施"]
        for (major, names) in standard {
            for (i, name) in names.enumerated() { items[major + String(format: "%02d", i + 1)] = name }
        }
        return items
    }

    /// The profile document as migration 0003 bundled it, before the codes were standard.
    static func oldProfile() throws -> CatalogDocument {
        let file = TestDatabase.repositoryRoot.appendingPathComponent("sql/migrations/0003_standard_catalog.sql")
        let text = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "$profile$")[1]
        return try CatalogPlanner.read(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))
    }

    static func profileText(_ db: TestDatabase) async throws -> String? {
        for try await text in try await db.owner.query(
            "SELECT document::text FROM ref_catalog_profiles WHERE name = \(GridService.standardProfile)", logger: db.logger
        ).decode(String.self) { return text }
        return nil
    }

    @Test func theProfileCarriesTheStandardMinorCodes() async throws {
        try await TestDatabase.with { db in
            let text = try #require(try await Self.profileText(db))
            let entries = try CatalogPlanner.read(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))).categories
            #expect(Set(entries.map(\.code)).count == entries.count, "no two items share a code")
            let items = entries.filter { $0.kind == .component && $0.code.count == 5 }
            #expect(Dictionary(uniqueKeysWithValues: items.map { ($0.code, $0.name) }) == Self.expectedItems())
            #expect(items.allSatisfy { $0.parentCode == String($0.code.prefix(3)) })
            #expect(items.first { $0.code == "C0108" }?.name == "电视井盖")
            #expect(items.first { $0.code == "C0110" }?.name == "热力井盖")
            #expect(items.first { $0.code == "C0602" }?.name == "工地")

            let old = try Self.oldProfile().categories
            #expect(
                entries.filter { $0.kind == .event } == old.filter { $0.kind == .event }, "events keep their codes, standards and limits")
            let oldByName = Dictionary(uniqueKeysWithValues: old.filter { $0.code.count == 5 && $0.kind == .component }.map { ($0.name, $0) })
            for item in items {
                if let before = oldByName[item.name] {
                    #expect(item.grades == before.grades && item.defaultLevel == before.defaultLevel && item.isPublic == before.isPublic, "\(item.code)")
                }
            }
            let manholeGrades = try #require(oldByName["上水井盖"]).grades
            for code in ["C0108", "C0109", "C0112", "C0114"] {
                #expect(items.first { $0.code == code }?.grades == manholeGrades, "\(code) has the manhole-cover grades")
            }

            // Template standards are marked; written ones are not; 99 is a local extension.
            let marked = Set(items.filter(\.placeholderStandards).map(\.code))
            #expect(marked.contains("C0118") && marked.contains("C0602") && marked.contains("C0699"))
            #expect(!marked.contains("C0101") && !marked.contains("C0110"))
            #expect(items.filter { $0.filingStandard?.hasPrefix("公共区域的") == true }.map(\.code).sorted() == marked.sorted())
            #expect(!entries.contains { $0.kind == .event && $0.placeholderStandards })
            let raw = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            let local = raw["categories"]?.array?.filter { $0["localExtension"] == .bool(true) }.compactMap { $0["code"]?.string }
            #expect(local == ["C0699"])
        }
    }

    /// Gives a new district the component items of the old bundled list in place of the standard ones.
    func seedOldCatalog(_ db: TestDatabase, _ d: SmallDistrict) async throws {
        try await db.owner.query(
            "DELETE FROM categories WHERE tenant_id = \(d.tenantId) AND kind = 'component' AND parent_id IS NOT NULL", logger: db.logger)
        let old = try Self.oldProfile().categories.filter { $0.kind == .component && $0.code != "C" }
        _ = try await db.service.importCatalog(.operator, tenantId: d.tenantId, document: CatalogDocument(categories: old))
    }

    func snapshot(_ db: TestDatabase, _ d: SmallDistrict) async throws -> [String] {
        var rows: [String] = []
        let query: PostgresQuery = """
            SELECT id || ' ' || code || ' ' || name || ' ' || path || ' ' || version FROM categories WHERE tenant_id = \(d.tenantId)
            UNION ALL SELECT 'rules ' || number || ' ' || version || ' ' || document::text FROM rule_sets WHERE tenant_id = \(d.tenantId)
            UNION ALL SELECT 'audit ' || count(*) FROM audit_log WHERE tenant_id = \(d.tenantId)
            ORDER BY 1
            """
        for try await row in try await db.owner.query(query, logger: db.logger).decode(String.self) { rows.append(row) }
        return rows
    }

    func recode(_ db: TestDatabase, _ d: SmallDistrict) async throws -> Int {
        for try await moved in try await db.owner.query("SELECT standard_component_codes(\(d.tenantId))", logger: db.logger).decode(Int32.self) {
            return Int(moved)
        }
        return -1
    }

    func rules(_ json: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) }

    func json(_ text: String?) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data((text ?? "null").utf8)) }

    @Test func aDistrictOnTheOldCodesMovesWithItsCasesDutiesAndRules() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let tenant = d.tenantId
            _ = try await db.service.createDepartment(.operator, tenantId: tenant, code: "SWJ", name: "区水务局", kind: .district, unitCode: nil)
            try await seedOldCatalog(db, d)
            let heat = try #require(try await db.db.withTenant(tenant) { try await CatalogStore.find($0, code: "C0108") })
            #expect(heat.entry.name == "热力井盖")
            // The district's own: a renamed bundled item, and an item on a code the standard gives 报刊亭.
            try await db.owner.query("UPDATE categories SET name = '本区燃气阀井' WHERE tenant_id = \(tenant) AND code = 'C0109'", logger: db.logger)
            let own = CategoryEntry(
                code: "C0121", parentCode: "C01", name: "本区信息栏", kind: .component,
                grades: [Grade(key: "general", name: "一般", limit: TimeLimit(amount: 3, unit: .workDays))])
            _ = try await db.service.importCatalog(.operator, tenantId: tenant, document: CatalogDocument(categories: [own]))

            let point = d.pointInStreet1
            let filed = try await db.service.takeIn(
                .operator, tenantId: tenant, CaseIntake(category: "C0108", description: "热力井盖破损", lat: point.lat, lng: point.lng, source: .hotline),
                idempotencyKey: nil
            ).view.record
            for action in [CaseAction.requestVerify, .confirm, .file] {
                _ = try await db.service.act(.operator, tenantId: tenant, caseId: filed.id, action, CaseActionInput(), ifVersion: nil)
            }
            _ = try await db.service.importDuties(
                .operator, tenantId: tenant, entries: [DutyEntry(categoryCode: "C0108", areaCode: d.division, department: "SWJ")])
            _ = try await db.service.saveDraft(
                .operator, tenantId: tenant,
                document: try rules(
                    #"{"rules": [{"id": "heat", "name": "热力与消防", "when": {"categories": ["C0108", "C0110", "E0101"]}, "then": {"level": "district", "lead": "SWJ"}}]}"#
                ), note: nil, ifVersion: nil)
            _ = try await db.service.publishDraft(.operator, tenantId: tenant, ifVersion: nil)
            _ = try await db.service.saveDraft(
                .operator, tenantId: tenant,
                document: try rules(#"{"rules": [{"id": "site", "name": "工地", "when": {"categories": ["C0503"]}, "then": {"level": "street"}}]}"#),
                note: nil, ifVersion: nil)

            #expect(try await recode(db, d) == 18, "20 bundled moves less the renamed C0109 and 报刊亭, whose code is the district's own")

            try await db.db.withTenant(tenant) { (tx: Tx) async throws in
                let moved = try #require(try await CatalogStore.find(tx, code: "C0110"))
                #expect(moved.id == heat.id && moved.entry.name == "热力井盖", "the item keeps its id; the code moves with it")
                let record = try #require(try await CaseStore.find(tx, id: filed.id))
                #expect(record.categoryId == heat.id && record.categoryCode == "C0110" && record.categoryName == "热力井盖")
                #expect(record.state == .filed)
                #expect(try await CatalogStore.find(tx, code: "C0113")?.entry.name == "消防设施")
                #expect(try await CatalogStore.find(tx, code: "C0108") == nil)

                let site = try #require(try await CatalogStore.find(tx, code: "C0602"))
                let other = try #require(try await CatalogStore.find(tx, code: "C06"))
                #expect(site.entry.name == "工地" && site.entry.parentCode == "C06")
                #expect(site.path.raw == other.path.raw + "\(site.id).")
                #expect(site.entry.placeholderStandards, "template standards are marked in a migrated district too")
                #expect(try await CatalogStore.find(tx, code: "C0699")?.entry.name == "其他设施")

                #expect(try await CatalogStore.find(tx, code: "C0109")?.entry.name == "本区燃气阀井", "a renamed item is the district's own")
                #expect(try await CatalogStore.find(tx, code: "C0112")?.entry.name == "报刊亭", "its standard code is taken: it stays")
                #expect(try await CatalogStore.find(tx, code: "C0121")?.entry.name == "本区信息栏")
                #expect(try await CatalogStore.find(tx, code: "C0118")?.entry.name == "路灯")
            }
            #expect(try await db.service.duties(.operator, tenantId: tenant).map(\.categoryCode) == ["C0110"])

            let published = try await db.service.ruleSet(.operator, tenantId: tenant, .published)
            #expect(published.ruleSet.rules.first?.when.categories == ["C0110", "C0113", "E0101"])
            let draft = try await db.service.ruleSet(.operator, tenantId: tenant, .draft)
            #expect(draft.ruleSet.rules.first?.when.categories == ["C0602"])

            let recoded = try await db.db.withTenant(tenant) { try await AuditStore.list($0, entity: nil, before: nil, limit: 500) }
                .filter { $0.action == "recode" }
            #expect(recoded.filter { $0.entity == "category" }.count == 18)
            #expect(recoded.filter { $0.entity == "ruleSet" }.count == 2)
            #expect(recoded.allSatisfy { $0.actor == "migration 0022" })
            let heatRow = try #require(recoded.first { $0.entity == "category" && $0.entityKey == "C0110" })
            #expect(try json(heatRow.before)["code"] == .string("C0108") && json(heatRow.after)["code"] == .string("C0110"))
            #expect(try json(heatRow.after)["name"] == .string("热力井盖"))
            let siteRow = try #require(recoded.first { $0.entityKey == "C0602" })
            #expect(try json(siteRow.before)["parentCode"] == .string("C05") && json(siteRow.after)["parentCode"] == .string("C06"))

            let before = try await snapshot(db, d)
            #expect(try await recode(db, d) == 0)
            #expect(try await snapshot(db, d) == before, "a second run changes nothing")
        }
    }

    @Test func templateStandardsStayMarkedUntilTheDistrictWritesItsOwn() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let find: @Sendable (String) async throws -> CategoryEntry? = { code in
                try await db.db.withTenant(d.tenantId) { try await CatalogStore.find($0, code: code)?.entry }
            }
            var lamp = try #require(try await find("C0118"))
            #expect(lamp.placeholderStandards)
            #expect(try await find("C0101")?.placeholderStandards == false, "manhole covers have written standards")
            #expect(try await find("E0101")?.placeholderStandards == false)

            // The same entry again, also without the mark (a CSV of the district's own): nothing changes.
            var unmarked = lamp
            unmarked.placeholderStandards = false
            let same = try await db.service.importCatalog(.operator, tenantId: d.tenantId, document: CatalogDocument(categories: [unmarked]))
            #expect(same.unchanged == 1)
            #expect(try await find("C0118")?.placeholderStandards == true)

            lamp.filingStandard = "路灯不亮、灯杆倾斜或灯具缺失"
            let edited = try await db.service.importCatalog(.operator, tenantId: d.tenantId, document: CatalogDocument(categories: [lamp]))
            #expect(edited.updated == 1)
            #expect(try await find("C0118")?.placeholderStandards == false, "writing the standards clears the mark")

            var own = CategoryEntry(
                code: "C0180", parentCode: "C01", name: "充电桩", kind: .component, filingStandard: "充电桩损坏",
                grades: [Grade(key: "general", name: "一般", limit: TimeLimit(amount: 3, unit: .workDays))])
            own.placeholderStandards = true
            _ = try await db.service.importCatalog(.operator, tenantId: d.tenantId, document: CatalogDocument(categories: [own]))
            #expect(try await find("C0180")?.placeholderStandards == false, "a district's own item never carries the mark")
        }
    }
}
