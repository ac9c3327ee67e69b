import Foundation
import GridCore
import GridHTTP
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Locating points, scopes, tenant isolation and writes on the org tree, over HTTP.
@Suite struct OrgHTTPTests {
    // MARK: locate

    @Test func locateFindsTheUnitGridAndItsChain() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                let response = try await api.get(locateURI(d.pointInStreet1), token: token)
                #expect(response.status == .ok, "\(response.text)")
                let body = try response.json()
                let grid = try #require(body["grid"] as? [String: Any])
                #expect(grid["code"] as? String == d.unitGrid1)
                #expect(grid["kind"] as? String == "grid")
                #expect(int64(grid["gridLevel"]) == 2)
                let chain = try #require(body["chain"] as? [[String: Any]])
                #expect(chain.map { $0["kind"] as? String } == ["district", "street", "community", "grid", "grid"])
                #expect(chain.map { $0["code"] as? String } == [d.division, d.street1, d.community1, d.basicGrid1, d.unitGrid1])
                #expect(chain.first?["kind"] as? String == "district")
                #expect(chain.last?["code"] as? String == d.unitGrid1)
                // Each link is the parent of the next.
                for (parent, child) in zip(chain, chain.dropFirst()) {
                    #expect(int64(child["parentId"]) == int64(parent["id"]))
                }
            }
        }
    }

    @Test func aRetiredGridStaysReadableButLeavesLocateAndLists() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            // The district's next export no longer has the first unit grid.
            let collection = d.district.featureCollection()
            let kept = (collection["features"]?.array ?? []).filter { $0["properties"]?["code"]?.string != d.unitGrid1 }
            let data = try JSONEncoder().encode(JSONValue.object(["type": .string("FeatureCollection"), "features": .array(kept)]))
            let summary = try await db.service.importOrg(tenantId: d.tenantId, geoJSON: data)
            #expect(summary.diff.retired.map(\.unit.code) == [d.unitGrid1])
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                let retired = try await api.get("/v1/org-units/by-code/\(d.unitGrid1)", token: token)
                #expect(retired.status == .ok, "\(retired.text)")
                #expect(try retired.json()["retiredAt"] as? String != nil)
                let live = try await api.get("/v1/org-units/by-code/\(d.basicGrid1)", token: token)
                #expect(try live.json()["retiredAt"] == nil)
                let located = try await api.get(locateURI(d.pointInStreet1), token: token)
                #expect((try located.json()["grid"] as? [String: Any])?["code"] as? String == d.basicGrid1, "the point falls to the grid above")
                let basicId = try #require(int64(try live.json()["id"]))
                let children = try await api.get("/v1/org-units/\(basicId)/children", token: token)
                let codes = (try children.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                #expect(!codes.contains(d.unitGrid1) && !codes.isEmpty, "\(codes)")
                let retiredId = try #require(int64(try retired.json()["id"]))
                let create = try await api.send(
                    .post, "/v1/org-units", token: token,
                    json: jsonString(["parentId": retiredId, "kind": "grid", "code": d.unitGrid1 + "1", "name": "微网格"]))
                expectProblem(create, .conflict, "org.unit.retired")
            }
        }
    }

    @Test func locateRefusesPointsOutsideAndBadCoordinates() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let token = try await api.adminToken(d)
                expectProblem(try await api.get("/v1/locate?lat=10&lng=10", token: token), .notFound, "locate.outsideDistrict")

                let outOfRange = try await api.get("/v1/locate?lat=100&lng=116.3", token: token)
                expectProblem(outOfRange, .badRequest, "validation.failed")
                #expect(!outOfRange.fieldErrors.isEmpty)
                expectProblem(try await api.get("/v1/locate?lat=39.95&lng=200", token: token), .badRequest, "validation.failed")

                let missing = try await api.get("/v1/locate?lng=116.3", token: token)
                expectProblem(missing, .badRequest, "validation.failed")
                #expect(missing.fieldErrorFields == ["lat"], "\(missing.text)")
                #expect(missing.fieldErrorCodes == ["field.required"])

                let neither = try await api.get("/v1/locate", token: token)
                expectProblem(neither, .badRequest, "validation.failed")
                #expect(Set(neither.fieldErrorFields) == ["lat", "lng"], "\(neither.text)")

                let notANumber = try await api.get("/v1/locate?lat=abc&lng=116.3", token: token)
                #expect(notANumber.status == .badRequest, "\(notANumber.text)")
                #expect(notANumber.isProblemJSON)
                #expect(notANumber.problemCode == "validation.failed" || notANumber.problemCode == "request.malformed", "\(notANumber.text)")
            }
        }
    }

    // MARK: scope

    @Test func aStreetDispatcherSeesItsStreetOnly() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            #expect(d.district.latticeSize.columns == 4 && d.district.latticeSize.rows == 1)
            let password = try await db.makeUser(tenantId: d.tenantId, login: "street.dispatcher", role: .dispatcher, scope: d.street1)
            let street2 = try await db.unit(d, code: d.street2)
            let root = try await db.unit(d, code: d.division)
            try await withAPI(db) { api in
                let token = try await api.login(tenant: d.code, login: "street.dispatcher", password: password)

                let own = try await api.get("/v1/org-units/by-code/\(d.street1)", token: token)
                #expect(own.status == .ok, "\(own.text)")
                #expect(own.headers[.eTag] != nil)
                let street1 = try own.json()
                let street1Id = try #require(int64(street1["id"]))
                #expect(street1["kind"] as? String == "street")

                let subtree = try await api.get("/v1/org-units/\(street1Id)/subtree", token: token)
                #expect(subtree.status == .ok, "\(subtree.text)")
                let items = try #require(try subtree.json()["items"] as? [[String: Any]])
                #expect(items.count == 5)  // street, community, basic grid, two unit grids
                #expect(items.allSatisfy { ($0["code"] as? String)?.hasPrefix(d.street1) == true })

                let children = try await api.get("/v1/org-units/\(street1Id)/children", token: token)
                #expect(children.status == .ok, "\(children.text)")
                #expect((try children.json()["items"] as? [[String: Any]])?.map { $0["code"] as? String } == [d.community1])

                #expect(try await api.get(locateURI(d.pointInStreet1), token: token).status == .ok)

                // Beside its scope, and above it.
                expectProblem(try await api.get("/v1/org-units/by-code/\(d.street2)", token: token), .forbidden, "auth.outOfScope")
                expectProblem(try await api.get("/v1/org-units/by-code/\(d.community2)", token: token), .forbidden, "auth.outOfScope")
                expectProblem(try await api.get("/v1/org-units/\(street2.id)", token: token), .forbidden, "auth.outOfScope")
                expectProblem(try await api.get("/v1/org-units/\(street2.id)/subtree", token: token), .forbidden, "auth.outOfScope")
                expectProblem(try await api.get("/v1/org-units/\(root.id)/children", token: token), .forbidden, "auth.outOfScope")
                for column in [2, 3] {
                    let point = try #require(d.district.cellCentre(column, 0))
                    expectProblem(try await api.get(locateURI(point), token: token), .forbidden, "auth.outOfScope")
                }
            }
        }
    }

    // MARK: tenant isolation

    @Test func oneDistrictCannotReachAnother() async throws {
        try await TestDatabase.with { db in
            let hd = try await db.seedSmallDistrict(code: "HD", division: "110108")
            let cy = try await db.seedSmallDistrict(code: "CY", division: "110105")
            let cyRoot = try await db.unit(cy, code: cy.division)
            let cyStreet = try await db.unit(cy, code: cy.street1)
            let hdStreet = try await db.unit(hd, code: hd.street1)
            try await withAPI(db) { api in
                let hdToken = try await api.adminToken(hd)
                let cyToken = try await api.adminToken(cy)
                // Sanity: each sees its own.
                #expect(try await api.get("/v1/org-units/\(hdStreet.id)", token: hdToken).status == .ok)
                #expect(try await api.get("/v1/org-units/\(cyStreet.id)", token: cyToken).status == .ok)

                for id in [cyRoot.id, cyStreet.id] {
                    expectProblem(try await api.get("/v1/org-units/\(id)", token: hdToken), .notFound, "org.unit.notFound")
                    expectProblem(try await api.get("/v1/org-units/\(id)/subtree", token: hdToken), .notFound, "org.unit.notFound")
                    expectProblem(try await api.get("/v1/org-units/\(id)/ancestors", token: hdToken), .notFound, "org.unit.notFound")
                }
                expectProblem(try await api.get("/v1/org-units/by-code/\(cy.street1)", token: hdToken), .notFound, "org.unit.notFound")
                expectProblem(try await api.get("/v1/org-units/\(hdStreet.id)", token: cyToken), .notFound, "org.unit.notFound")
                // Both districts were generated at the same origin: the same point locates to each one's own grid.
                let cyLocated = try await api.get(locateURI(hd.pointInStreet1), token: cyToken)
                #expect(cyLocated.status == .ok, "\(cyLocated.text)")
                let cyChain = try #require(try cyLocated.json()["chain"] as? [[String: Any]])
                #expect(cyChain.map { $0["code"] as? String } == [cy.division, cy.street1, cy.community1, cy.basicGrid1, cy.unitGrid1])
                let hdLocated = try await api.get(locateURI(hd.pointInStreet1), token: hdToken)
                #expect((try hdLocated.json()["grid"] as? [String: Any])?["code"] as? String == hd.unitGrid1)
                // Writes cannot aim across either.
                let rename = try await api.send(.patch, "/v1/org-units/\(cyStreet.id)", token: hdToken, json: #"{"name":"越界"}"#)
                expectProblem(rename, .notFound, "org.unit.notFound")
                #expect(try await db.unit(cy, code: cy.street1).name == cyStreet.name)
            }
        }
    }

    // MARK: writes

    static let smallSquare: [(Double, Double)] = [(116.3005, 39.9503), (116.3015, 39.9503), (116.3015, 39.9512), (116.3005, 39.9512)]
    static let bowTie: [(Double, Double)] = [(116.3005, 39.9503), (116.3015, 39.9512), (116.3015, 39.9503), (116.3005, 39.9512)]

    func gridBody(parentId: Int64, code: String, polygon: [(Double, Double)]) -> String {
        jsonString(["parentId": parentId, "kind": "grid", "gridLevel": 2, "code": code, "name": "新建单元网格", "geometry": polygonJSON(polygon)])
    }

    @Test func aTenantAdminCreatesAGrid() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let basicGrid = try await db.unit(d, code: d.basicGrid1)
            let password = try await db.makeUser(tenantId: d.tenantId, login: "dispatcher", role: .dispatcher, scope: d.division)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let code = d.community1 + "010"
                let created = try await api.send(
                    .post, "/v1/org-units", token: admin, json: gridBody(parentId: basicGrid.id, code: code, polygon: Self.smallSquare))
                #expect(created.status == .created, "\(created.text)")
                let body = try created.json()
                #expect(body["code"] as? String == code)
                #expect(body["kind"] as? String == "grid")
                #expect(int64(body["gridLevel"]) == 2)
                #expect(int64(body["parentId"]) == basicGrid.id)
                #expect((body["path"] as? String)?.hasPrefix(basicGrid.path.raw) == true)
                let version = try #require(int64(body["version"]))
                #expect(eTagVersion(created) == version)
                #expect((body["geometry"] as? [String: Any])?["type"] as? String != nil)
                // It can be read back, and found by code.
                let id = try #require(int64(body["id"]))
                let read = try await api.get("/v1/org-units/\(id)?geometry=true", token: admin)
                #expect(read.status == .ok, "\(read.text)")
                #expect((try read.json()["geometry"] as? [String: Any]) != nil)
                #expect(try await api.get("/v1/org-units/by-code/\(code)", token: admin).status == .ok)
                // The same code again is refused.
                let again = try await api.send(
                    .post, "/v1/org-units", token: admin, json: gridBody(parentId: basicGrid.id, code: code, polygon: Self.smallSquare))
                expectProblem(again, .badRequest, "validation.failed")
                #expect(again.fieldErrorCodes.contains("org.unit.duplicateCode"), "\(again.text)")

                // A dispatcher may read but not write.
                let dispatcher = try await api.login(tenant: d.code, login: "dispatcher", password: password)
                let refused = try await api.send(
                    .post, "/v1/org-units", token: dispatcher,
                    json: gridBody(parentId: basicGrid.id, code: d.community1 + "011", polygon: Self.smallSquare))
                #expect(refused.status == .forbidden, "\(refused.text)")
                #expect(refused.problemCode == "auth.actionNotAllowed")
                expectProblem(try await api.get("/v1/org-units/by-code/\(d.community1)011", token: admin), .notFound, "org.unit.notFound")
            }
        }
    }

    @Test func createRefusesABowTieAndACodeOutsideTheParent() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let basicGrid = try await db.unit(d, code: d.basicGrid1)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let bowTie = try await api.send(
                    .post, "/v1/org-units", token: admin,
                    json: gridBody(parentId: basicGrid.id, code: d.community1 + "010", polygon: Self.bowTie))
                expectProblem(bowTie, .badRequest, "validation.failed")
                #expect(bowTie.fieldErrorCodes == ["geojson.geometry.invalid"], "\(bowTie.text)")
                #expect(bowTie.fieldErrorFields.allSatisfy { $0.hasSuffix("geometry") }, "\(bowTie.text)")

                let badCode = try await api.send(
                    .post, "/v1/org-units", token: admin,
                    json: gridBody(parentId: basicGrid.id, code: d.community2 + "010", polygon: Self.smallSquare))
                expectProblem(badCode, .badRequest, "validation.failed")
                #expect(badCode.fieldErrorCodes.contains("org.unit.badCode"), "\(badCode.text)")

                let unknownParent = try await api.send(
                    .post, "/v1/org-units", token: admin,
                    json: gridBody(parentId: 987_654_321, code: d.community1 + "010", polygon: Self.smallSquare))
                expectProblem(unknownParent, .notFound, "org.unit.notFound")

                let noGeometry = try await api.send(
                    .post, "/v1/org-units", token: admin,
                    json: jsonString([
                        "parentId": basicGrid.id, "kind": "grid", "code": d.community1 + "010", "name": "无边界",
                    ]))
                expectProblem(noGeometry, .badRequest, "validation.failed")
                #expect(noGeometry.fieldErrorCodes.contains("org.unit.gridNeedsGeometry"), "\(noGeometry.text)")

                let badKind = try await api.send(
                    .post, "/v1/org-units", token: admin,
                    json: jsonString([
                        "parentId": basicGrid.id, "kind": "planet", "code": d.community1 + "010", "name": "x",
                    ]))
                #expect(badKind.status == .badRequest, "\(badKind.text)")

                // Nothing was written.
                let subtree = try await api.get("/v1/org-units/\(basicGrid.id)/subtree", token: admin)
                #expect((try subtree.json()["items"] as? [Any])?.count == 3)
            }
        }
    }

    @Test func patchHonoursIfMatch() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let before = try await api.get("/v1/org-units/by-code/\(d.street1)", token: admin)
                let oldTag = try #require(before.headers[.eTag])
                let id = try #require(int64(try before.json()["id"]))

                let oldVersion = try #require(eTagVersion(before))
                #expect(oldVersion == int64(try before.json()["version"]))

                // The ETag as received goes back in If-Match.
                let renamed = try await api.send(
                    .patch, "/v1/org-units/\(id)", token: admin, json: #"{"name":"新名字"}"#,
                    headers: [.ifMatch: oldTag])
                #expect(renamed.status == .ok, "\(renamed.text)")
                #expect(try renamed.json()["name"] as? String == "新名字")
                let newTag = try #require(renamed.headers[.eTag])
                #expect(newTag != oldTag)
                let newVersion = try #require(eTagVersion(renamed))
                #expect(newVersion == int64(try renamed.json()["version"]))
                #expect(newVersion > oldVersion)

                let stale = try await api.send(
                    .patch, "/v1/org-units/\(id)", token: admin, json: #"{"name":"新名字"}"#,
                    headers: [.ifMatch: oldTag])
                expectProblem(stale, .preconditionFailed, "version.mismatch")
                // Also when the client writes the entity-tag the RFC 9110 way.
                let staleQuoted = try await api.send(
                    .patch, "/v1/org-units/\(id)", token: admin, json: #"{"name":"新名字"}"#,
                    headers: [.ifMatch: "\"\(oldVersion)\""])
                expectProblem(staleQuoted, .preconditionFailed, "version.mismatch")

                // The current version, as a weak RFC 9110 tag, works again.
                let again = try await api.send(
                    .patch, "/v1/org-units/\(id)", token: admin, json: #"{"name":"再改"}"#,
                    headers: [.ifMatch: "W/\"\(newVersion)\""])
                #expect(again.status == .ok, "\(again.text)")
                // And without If-Match the write is unconditional.
                let unconditional = try await api.send(.patch, "/v1/org-units/\(id)", token: admin, json: #"{"name":"再改"}"#)
                #expect(unconditional.status == .ok, "\(unconditional.text)")

                let garbage = try await api.send(
                    .patch, "/v1/org-units/\(id)", token: admin, json: #"{"name":"x"}"#,
                    headers: [.ifMatch: "\"abc\""])
                expectProblem(garbage, .badRequest, "validation.failed")
                #expect(garbage.fieldErrorFields == ["If-Match"])

                let empty = try await api.send(.patch, "/v1/org-units/\(id)", token: admin, json: "{}")
                expectProblem(empty, .badRequest, "validation.failed")

                let read = try await api.get("/v1/org-units/\(id)", token: admin)
                #expect(try read.json()["name"] as? String == "再改")
            }
        }
    }

    @Test func moveRefusesCyclesAndOutsiders() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let street1 = try await db.unit(d, code: d.street1)
            let community1 = try await db.unit(d, code: d.community1)
            let street2 = try await db.unit(d, code: d.street2)
            let password = try await db.makeUser(tenantId: d.tenantId, login: "dispatcher", role: .dispatcher, scope: d.division)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let cycle = try await api.send(.patch, "/v1/org-units/\(street1.id)", token: admin, json: jsonString(["parentId": community1.id]))
                expectProblem(cycle, .badRequest, "validation.failed")
                #expect(cycle.fieldErrorCodes == ["org.unit.moveCycle"], "\(cycle.text)")
                #expect(cycle.fieldErrorFields == ["parentId"])

                let underItself = try await api.send(.patch, "/v1/org-units/\(street1.id)", token: admin, json: jsonString(["parentId": street1.id]))
                #expect(underItself.fieldErrorCodes == ["org.unit.moveCycle"], "\(underItself.text)")

                // A community under another street would contradict its code.
                let badCode = try await api.send(.patch, "/v1/org-units/\(community1.id)", token: admin, json: jsonString(["parentId": street2.id]))
                expectProblem(badCode, .badRequest, "validation.failed")
                #expect(badCode.fieldErrorCodes == ["org.unit.badCode"], "\(badCode.text)")

                let dispatcher = try await api.login(tenant: d.code, login: "dispatcher", password: password)
                let refused = try await api.send(.patch, "/v1/org-units/\(street1.id)", token: dispatcher, json: #"{"name":"派遣员改名"}"#)
                expectProblem(refused, .forbidden, "auth.actionNotAllowed")

                // Nothing moved.
                let after = try await db.unit(d, code: d.street1)
                #expect(after.version == street1.version && after.path == street1.path && after.name == street1.name)
            }
        }
    }

    /// RFC 9110 §8.8.3: an ETag is a quoted entity-tag (`"3"`), which clients send back verbatim in If-Match.
    @Test func eTagsAreRFC9110EntityTags() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let basicGrid = try await db.unit(d, code: d.basicGrid1)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let read = try await api.get("/v1/org-units/by-code/\(d.street1)", token: admin)
                let version = try #require(int64(try read.json()["version"]))
                #expect(read.headers[.eTag] == "\"\(version)\"", "GET by code")
                let id = try #require(int64(try read.json()["id"]))
                #expect(try await api.get("/v1/org-units/\(id)", token: admin).headers[.eTag] == "\"\(version)\"", "GET by id")

                let renamed = try await api.send(.patch, "/v1/org-units/\(id)", token: admin, json: #"{"name":"新名字"}"#)
                #expect(renamed.headers[.eTag] == "\"\(version + 1)\"", "PATCH")

                let created = try await api.send(
                    .post, "/v1/org-units", token: admin,
                    json: gridBody(parentId: basicGrid.id, code: d.community1 + "010", polygon: Self.smallSquare))
                #expect(created.status == .created)
                #expect(created.headers[.eTag] == "\"1\"", "POST")
            }
        }
    }

    /// A PATCH that renames and moves is one change: when the move is refused, the name stays too.
    @Test func aRefusedPatchChangesNothing() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let street1 = try await db.unit(d, code: d.street1)
            let community1 = try await db.unit(d, code: d.community1)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                let refused = try await api.send(
                    .patch, "/v1/org-units/\(street1.id)", token: admin,
                    json: jsonString(["name": "半途改名", "parentId": community1.id]))
                expectProblem(refused, .badRequest, "validation.failed")
                #expect(refused.fieldErrorCodes == ["org.unit.moveCycle"], "\(refused.text)")
                let after = try await db.unit(d, code: d.street1)
                #expect(after.name == street1.name, "the refused PATCH still renamed the unit")
                #expect(after.version == street1.version, "the refused PATCH still bumped the version")

                // With a stale If-Match neither happens either.
                let stale = try await api.send(
                    .patch, "/v1/org-units/\(street1.id)", token: admin,
                    json: jsonString(["name": "过期", "parentId": community1.id]),
                    headers: [.ifMatch: "\"\(street1.version + 5)\""])
                expectProblem(stale, .preconditionFailed, "version.mismatch")
                #expect(try await db.unit(d, code: d.street1).name == street1.name)
            }
        }
    }

    @Test func pagesAndTheirLimits() async throws {
        try await TestDatabase.with { db in
            let d = try await db.seedSmallDistrict()
            let root = try await db.unit(d, code: d.division)
            try await withAPI(db) { api in
                let admin = try await api.adminToken(d)
                var seen: [String] = []
                var uri = "/v1/org-units/\(root.id)/subtree?limit=3"
                var pages = 0
                while true {
                    let page = try await api.get(uri, token: admin)
                    #expect(page.status == .ok, "\(page.text)")
                    let body = try page.json()
                    let items = try #require(body["items"] as? [[String: Any]])
                    #expect(items.count <= 3)
                    seen += items.compactMap { $0["code"] as? String }
                    pages += 1
                    guard let next = body["nextCursor"] as? String, pages < 10 else { break }
                    uri = "/v1/org-units/\(root.id)/subtree?limit=3&cursor=\(next)"
                }
                #expect(seen.count == 11 && Set(seen).count == 11, "\(seen)")
                #expect(seen.first == d.division)

                let grids = try await api.get("/v1/org-units/\(root.id)/subtree?kind=grid&limit=200", token: admin)
                #expect((try grids.json()["items"] as? [[String: Any]])?.allSatisfy { $0["kind"] as? String == "grid" } == true)
                #expect((try grids.json()["items"] as? [Any])?.count == 6)

                for limit in ["0", "201", "-1"] {
                    let response = try await api.get("/v1/org-units/\(root.id)/children?limit=\(limit)", token: admin)
                    expectProblem(response, .badRequest, "validation.failed")
                    #expect(response.fieldErrorFields == ["limit"], "limit=\(limit): \(response.text)")
                }
                let badCursor = try await api.get("/v1/org-units/\(root.id)/children?cursor=not-a-cursor", token: admin)
                expectProblem(badCursor, .badRequest, "validation.failed")
                #expect(badCursor.fieldErrorCodes == ["pagination.badCursor"], "\(badCursor.text)")

                // An id no unit can have names no endpoint: 404, as any unknown path.
                expectProblem(try await api.get("/v1/org-units/99999999999999999999999", token: admin), .notFound, "route.notFound")
                expectProblem(try await api.get("/v1/org-units/987654321", token: admin), .notFound, "org.unit.notFound")
            }
        }
    }
}
