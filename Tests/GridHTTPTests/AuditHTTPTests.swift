import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

extension CaseHTTPTests {
    func audit(_ desk: Desk, _ entity: String) async throws -> [[String: Any]] {
        let answer = try await desk.api.get("/v1/audit?entity=\(entity)&limit=50", token: desk.token("admin"))
        #expect(answer.status == .ok, "\(answer.text)")
        return try answer.json()["items"] as? [[String: Any]] ?? []
    }

    /// Users, grants, departments, webhooks, the allow-list and org units changed through the API
    /// appear in the audit log with who, before and after; the CLI's changes name the operator.
    @Test func everyAdministrativeChangeIsAudited() async throws {
        try await withDesk { desk, db in
            let admin = desk.token("admin")
            let created = try await desk.api.send(.post, "/v1/users", token: admin, json: #"{"login": "zhang.san", "displayName": "张三"}"#)
            #expect(created.status == .created, "\(created.text)")
            let granted = try await desk.api.send(
                .post, "/v1/users/zhang.san/bindings", token: admin, json: #"{"role": "gridWorker", "scopeCode": "110199001001001"}"#)
            #expect(granted.status == .ok || granted.status == .created, "\(granted.text)")
            #expect(try await desk.api.send(.post, "/v1/users/zhang.san/password-reset", token: admin).status == .ok)
            let office = try await desk.api.send(
                .post, "/v1/departments", token: admin, json: #"{"code": "110199001-WGB", "name": "网格办", "streetCode": "110199001"}"#)
            let officeId = try #require(int64(try office.json()["id"]))
            #expect(try await desk.api.send(.put, "/v1/departments/\(officeId)/receiving", token: admin).status == .ok)
            #expect(try await desk.api.send(.put, "/v1/webhooks/allowed-targets", token: admin, json: #"{"entries": ["10.0.0.0/8"]}"#).status == .ok)

            let users = try await audit(desk, "user").filter { $0["entityKey"] as? String == "zhang.san" }
            #expect(users.map { $0["action"] as? String } == ["resetPassword", "create"], "\(users)")
            #expect(users.allSatisfy { $0["actor"] as? String == "admin" })
            #expect(
                try await audit(desk, "user").contains { $0["entityKey"] as? String == "dispatcher" && $0["actor"] as? String == "cli" },
                "the demo's users, created by the operator, are in the log too")
            #expect(!(String(data: try JSONSerialization.data(withJSONObject: users), encoding: .utf8) ?? "").contains("password\":\""), "no secret is logged")
            let grants = try await audit(desk, "roleBinding")
            #expect((grants.first?["after"] as? [String: Any])?["role"] as? String == "gridWorker", "\(grants)")
            let departments = try await audit(desk, "department").filter { $0["entityKey"] as? String == "110199001-WGB" }
            #expect(departments.map { $0["action"] as? String } == ["designateReceiving", "create"])
            #expect((departments.last?["after"] as? [String: Any])?["name"] as? String == "网格办")
            let allowList = try await audit(desk, "webhookAllowList")
            #expect((allowList.first?["after"] as? [String: Any])?["entries"] as? [String] == ["10.0.0.0/8"])

            // The operator at the CLI is named (--as, else the OS user), not "cli".
            _ = try await Caller.$operatorName.withValue("王工") {
                try await db.service.createDepartment(.operator, tenantId: desk.tenantId, code: "SWGL", name: "区市政管理处", kind: .district, unitCode: nil)
            }
            let byOperator = try await audit(desk, "department")
            #expect(byOperator.first?["actor"] as? String == "王工" && byOperator.first?["entityKey"] as? String == "SWGL", "\(byOperator)")
            _ = try await db.service.setTenantStatus(code: "DEMO", active: true)
            #expect(try await audit(desk, "tenant").first?["action"] as? String == "setStatus")
            expectProblem(try await desk.api.get("/v1/audit?entity=nonsense", token: admin), .badRequest, "validation.failed")
        }
    }
}
