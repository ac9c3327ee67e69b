import Foundation
import GridCore

/// The demo district's duty list and first published rule set: enough for explain, the CLI and the
/// apps to show every kind of decision (a rule, a duty row, the territorial street).
extension GridService {
    /// Duty rows (职责清单) of the demo district, over the national-standard problem list. The street
    /// office of the first street owns its own 市容环境 items; the district's departments the rest.
    static func demoDuties(division: String) -> [DutyEntry] {
        let street1 = division + "001"
        return [
            DutyEntry(categoryCode: "E01", areaCode: division, department: "CGW", note: "《城市市容和环境卫生管理条例》"),
            DutyEntry(categoryCode: "E01", areaCode: street1, department: "\(street1)-CGK", note: "街道城管科属地负责"),
            DutyEntry(categoryCode: "E02", areaCode: division, department: "CGW"),
            DutyEntry(categoryCode: "E03", areaCode: division, department: "ZJW", note: "《建设工程施工现场管理规定》"),
            DutyEntry(categoryCode: "E04", areaCode: division, department: "SWJ"),
            DutyEntry(categoryCode: "E0406", areaCode: division, department: "XFZD", note: "《消防法》"),
            DutyEntry(categoryCode: "E05", areaCode: division, department: "CGW"),
            DutyEntry(categoryCode: "E0505", areaCode: division, department: "GAFJ", note: "《道路交通安全法》"),
            DutyEntry(categoryCode: "C01", areaCode: division, department: "SWJ"),
            DutyEntry(categoryCode: "C0118", areaCode: division, department: "CGW"),
            DutyEntry(categoryCode: "C02", areaCode: division, department: "JTW"),
            DutyEntry(categoryCode: "C03", areaCode: division, department: "CGW"),
            DutyEntry(categoryCode: "C04", areaCode: division, department: "YLLHJ"),
            DutyEntry(categoryCode: "C05", areaCode: division, department: "ZJW"),
            DutyEntry(categoryCode: "C0602", areaCode: division, department: "ZJW"),
        ]
    }

    /// The demo rule set: ordered, first match wins; what no rule catches goes to the duty list.
    static let demoRules = #"""
        {"name": "演示区派遣规则", "description": "演示用：急难事项区级吹哨，社区微循环，属地兜底",
         "profiles": {
           "urgent": {"dispatch": {"amount": 10, "unit": "minutes"}, "sign": {"amount": 30, "unit": "minutes"},
                      "check": {"amount": 2, "unit": "workHours"}}
         },
         "rules": [
           {"id": "fire", "name": "火灾：消防支队处置，区级吹哨",
            "when": {"categories": ["E0406"]},
            "then": {"level": "district", "lead": "XFZD", "assisting": ["GAFJ"], "whistle": true, "priority": 9, "deadlineProfile": "urgent"}},
           {"id": "manhole-urgent", "name": "井盖缺失（紧急）：水务局区级处置",
            "when": {"categories": ["C0101", "C0102", "C0103"], "grades": ["urgent"]},
            "then": {"level": "district", "lead": "SWJ", "whistle": true, "priority": 8, "deadlineProfile": "urgent"}},
           {"id": "night-construction", "name": "夜间施工扰民（热线）：生态环境局",
            "when": {"categories": ["E0301"], "sources": ["hotline", "resident"],
                     "timeWindow": {"weekdays": [1, 2, 3, 4, 5, 6, 7], "from": "22:00", "to": "06:00"}},
            "then": {"level": "district", "lead": "STHJJ", "assisting": ["ZJW"], "priority": 5}},
           {"id": "garbage-community", "name": "暴露垃圾（一般）：社区微循环",
            "when": {"categories": ["E0102"], "grades": ["general"], "sources": ["gridWorker"]},
            "then": {"level": "community", "lead": "@territorial"}},
           {"id": "illegal-building", "name": "私搭乱建：街道属地牵头，住建委协办",
            "when": {"categories": ["E0101"]},
            "then": {"level": "street", "lead": "@territorial", "assisting": ["ZJW", "CGW"], "priority": 3}},
           {"id": "food-vendors", "name": "无照游商售卖食品：市场监管局协办",
            "when": {"categories": ["E0501"], "keywords": ["食品", "熟食", "水果"]},
            "then": {"level": "street", "lead": "@territorial", "assisting": ["SCJGJ"]}}
         ]}
        """#

    /// Loads the demo duty list and publishes the demo rules (as the operator).
    func seedDemoRouting(tenantId: Int64, division: String) async throws {
        _ = try await importDuties(.operator, tenantId: tenantId, entries: Self.demoDuties(division: division))
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(Self.demoRules.utf8))
        _ = try await saveDraft(.operator, tenantId: tenantId, document: document, note: "演示规则", ifVersion: nil)
        _ = try await publishDraft(.operator, tenantId: tenantId, ifVersion: nil)
    }
}
