import Foundation
import GridCore
import GridService
import GridStore
import GridTestSupport
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

/// Patrols (巡查打卡) through the REST API on the demo district, and the two rates that stand on
/// them: 发现覆盖率 and 案件发现及时率, counted by hand. The demo district has two streets of two
/// communities, each community one basic grid holding two unit grids: 8 finest grids, 4 a street.
/// The grid worker works in the first basic grid: its two unit grids, G1 (cell 0, 0) and G2 (cell 1, 0).
extension CaseHTTPTests {
    @Test func gridWorkersCheckInOnPatrolAndTheirCoverageAndOnTimeDiscoveryAreCountedByHand() async throws {
        try await withDesk { desk, db in
            func checkIn(_ login: String, lat: Double, lng: Double, key: String? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [:]
                if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
                return try await desk.api.send(
                    .post, "/v1/patrols/checkins", token: desk.token(login), json: jsonString(["lat": lat, "lng": lng]), headers: headers)
            }
            func checkIn(_ login: String, _ point: Coordinate, key: String? = nil) async throws -> TestResponse {
                try await checkIn(login, lat: point.lat, lng: point.lng, key: key)
            }
            let g1 = Self.district.cellCentre(0, 0)!, g2 = Self.district.cellCentre(1, 0)!
            let otherStreet = Self.district.cellCentre(7, 0)!
            // Today in the district (Asia/Shanghai), and a time before anything was checked in.
            var shanghai = Calendar(identifier: .gregorian)
            shanghai.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let dayStart = shanghai.startOfDay(for: Date())
            let formatter = ISO8601DateFormatter()
            let from = formatter.string(from: dayStart), to = formatter.string(from: dayStart.addingTimeInterval(86400))
            // The grid worker has held their grids since yesterday (the demo made them one a moment ago).
            try await db.owner.query(
                """
                UPDATE role_binding_events SET at = \(dayStart.addingTimeInterval(-86400))
                WHERE action = 'grant' AND user_id = (SELECT id FROM users WHERE login = 'gridworker')
                """, logger: db.logger)
            try await Task.sleep(for: .milliseconds(1100))
            let before = formatter.string(from: Date().addingTimeInterval(-0.05))
            try await Task.sleep(for: .milliseconds(1100))

            // The first check-in in G1, sent again after a network drop: the same check-in.
            let first = try await checkIn("gridworker", g1, key: "patrol-1")
            #expect(first.status == .created, "\(first.text)")
            let firstJSON = try first.json()
            #expect(firstJSON["firstToday"] as? Bool == true && firstJSON["login"] as? String == "gridworker", "\(firstJSON)")
            let g1Code = try #require((firstJSON["grid"] as? [String: Any])?["code"] as? String)
            #expect(g1Code.hasPrefix("110199001001") && firstJSON["day"] as? String == Patrols.day(Date(), timeZone: shanghai.timeZone))
            let resent = try await checkIn("gridworker", g1, key: "patrol-1")
            let resentId = int64(try resent.json()["id"])
            #expect(resent.status == .ok && resentId == int64(firstJSON["id"]), "\(resent.text)")
            let reused = try await checkIn("gridworker", g2, key: "patrol-1")
            #expect(reused.status == .unprocessableContent && reused.problemCode == "idempotency.keyReused", "\(reused.text)")
            let again = try await checkIn("gridworker", g1)
            let againFirst = try again.json()["firstToday"] as? Bool
            #expect(again.status == .created && againFirst == false, "\(again.text)")

            // Bad check-ins: outside the district, outside the worker's grids, not a grid worker, no such latitude.
            let outside = try await checkIn("gridworker", Coordinate(lng: 100.0, lat: 30.0)!)
            #expect(outside.status == .unprocessableContent && outside.problemCode == "patrol.pointOutside", "\(outside.text)")
            #expect(outside.text.contains("30.0"), "the problem names the point: \(outside.text)")
            let notTheirs = try await checkIn("gridworker", otherStreet)
            #expect(notTheirs.status == .forbidden && notTheirs.problemCode == "patrol.notAllowed", "\(notTheirs.text)")
            let dispatcher = try await checkIn("dispatcher", g1)
            #expect(dispatcher.status == .forbidden && dispatcher.problemCode == "patrol.notAllowed", "\(dispatcher.text)")
            let badLatitude = try await checkIn("gridworker", lat: 91, lng: g1.lng)
            #expect(badLatitude.status == .badRequest && badLatitude.fieldErrorCodes == ["geo.badCoordinate"], "\(badLatitude.text)")

            // A: reported in G1 right after the round (on time). B: in G2 before any round there (not).
            func reported(_ description: String, at point: Coordinate) async throws -> Int64 {
                let created = try await desk.report("gridworker", Self.intake(description, point: point))
                #expect(created.status == .created, "\(created.text)")
                return try #require(int64((try created.json()["case"] as? [String: Any])?["id"]))
            }
            let a = try await reported("A 井盖缺失", at: g1)
            let b = try await reported("B 井盖缺失", at: g2)
            // A round in G2, its check-in moved ten minutes back; with a limit of 5 minutes C is late,
            // with 120 D is on time, and C keeps the judgement of its own time.
            let inG2 = try await checkIn("gridworker", g2)
            #expect(inG2.status == .created, "\(inG2.text)")
            let g2Id = try #require(int64((try inG2.json()["grid"] as? [String: Any])?["id"]))
            try await db.owner.query("UPDATE patrol_checkins SET at = at - interval '10 minutes' WHERE grid_id = \(g2Id)", logger: db.logger)
            try await db.owner.query(
                "UPDATE patrol_days SET first_at = first_at - interval '10 minutes', last_at = last_at - interval '10 minutes' WHERE grid_id = \(g2Id)",
                logger: db.logger)
            try await db.owner.query("UPDATE patrol_grid_days SET first_at = first_at - interval '10 minutes' WHERE grid_id = \(g2Id)", logger: db.logger)
            _ = try await db.service.setPatrolSettings(code: "DEMO", discoveryLimitMinutes: 5)
            let c = try await reported("C 井盖缺失", at: g2)
            _ = try await db.service.setPatrolSettings(code: "DEMO", discoveryLimitMinutes: 120)
            let d = try await reported("D 井盖缺失", at: g2)
            await #expect(throws: GridError.self, "a limit under 5 minutes") { try await db.service.setPatrolSettings(code: "DEMO", discoveryLimitMinutes: 3) }

            // Each report records the round that passed in its first event.
            for (id, onRound) in [(a, true), (b, false), (c, false), (d, true)] {
                var recorded: String?
                for try await text in try await db.owner.query(
                    "SELECT payload->>'foundOnRound' FROM case_events WHERE case_id = \(id) AND seq = 1", logger: db.logger
                ).decode(String?.self) { recorded = text }
                #expect(recorded == String(onRound), "case \(id)")
            }

            func figures(_ query: String) async throws -> [String: Any] {
                let response = try await desk.api.get(
                    "/v1/stats/indicators?from=\(from)&to=\(to)&indicators=onTimeDiscoveryRate,patrolCoverage&\(query)", token: desk.token("leader"))
                #expect(response.status == .ok, "\(query): \(response.text)")
                return try response.json()
            }
            func counts(_ json: [String: Any], _ code: String?) -> [String: [Double]] {
                guard let code else { return Self.counts(json["total"] as? [String: Any]) }
                return Self.counts((json["rows"] as? [[String: Any]])?.first { ($0["subject"] as? [String: Any])?["code"] as? String == code })
            }
            // Today: each of the 8 finest grids due once; G1 and G2 covered. Four reports, A and D on time.
            let streets = try await figures("by=street")
            #expect(counts(streets, "110199001") == ["onTimeDiscoveryRate": [2, 4], "patrolCoverage": [2, 4]], "\(streets)")
            #expect(counts(streets, "110199002") == ["onTimeDiscoveryRate": [0, 0], "patrolCoverage": [0, 4]], "\(streets)")
            #expect(counts(streets, nil) == ["onTimeDiscoveryRate": [2, 4], "patrolCoverage": [2, 8]], "\(streets)")
            let grids = try await figures("by=grid")
            #expect(counts(grids, g1Code)["patrolCoverage"] == [1, 1] && counts(grids, g1Code)["onTimeDiscoveryRate"] == [1, 1], "\(grids)")
            #expect(counts(grids, "110199001001001")["patrolCoverage"] == [2, 2], "the basic grid holds G1 and G2: \(grids)")
            #expect(counts(grids, "110199001002002")["patrolCoverage"] == [0, 1], "\(grids)")
            // By person: the grid worker's two grids, both covered by them.
            let people = try await figures("by=person")
            #expect(counts(people, "gridworker") == ["onTimeDiscoveryRate": [2, 4], "patrolCoverage": [2, 2]], "\(people)")
            // As of before the first check-in: today already due, nothing reported; of the rounds only
            // G2's, its check-in moved back ten minutes, had been made.
            let earlier = try await figures("by=street&asOf=\(before)")
            #expect(counts(earlier, "110199001") == ["onTimeDiscoveryRate": [0, 0], "patrolCoverage": [1, 4]], "\(earlier)")
            let byDepartment = try await desk.api.get(
                "/v1/stats/indicators?from=\(from)&to=\(to)&by=department&indicators=patrolCoverage", token: desk.token("leader"))
            #expect(byDepartment.fieldErrorCodes == ["stats.badGroup"], "\(byDepartment.text)")

            // The cases behind the discovery figure; coverage is counted from check-ins and has no list.
            let workerValues =
                (people["rows"] as? [[String: Any]])?.first { ($0["subject"] as? [String: Any])?["code"] as? String == "gridworker" }?[
                    "values"] as? [[String: Any]] ?? []
            func listed(_ link: Any?) async throws -> [Int64] {
                let path = try #require(link as? String)
                let page = try await desk.api.get(path, token: desk.token("leader"))
                #expect(page.status == .ok, "\(path): \(page.text)")
                return (try page.json()["items"] as? [[String: Any]] ?? []).compactMap { int64($0["id"]) }
            }
            let discovery = workerValues.first { $0["indicator"] as? String == "onTimeDiscoveryRate" }
            #expect(try await listed(discovery?["cases"]) == [d, c, b, a])
            #expect(try await listed(discovery?["numeratorCases"]) == [d, a])
            #expect(workerValues.first { $0["indicator"] as? String == "patrolCoverage" }?["cases"] == nil)

            // The supervisors' list: newest first, by person; an unknown login is a 404.
            let list = try await desk.api.get("/v1/patrols/checkins?from=\(from)&to=\(to)&login=gridworker", token: desk.token("leader"))
            #expect(list.status == .ok, "\(list.text)")
            let items = try list.json()["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["firstToday"] as? Bool } == [true, false, true], "\(items)")
            let inG2Id = int64(try inG2.json()["id"])
            #expect(items.map { int64($0["id"]) }.first == inG2Id)
            let nobody = try await desk.api.get("/v1/patrols/checkins?from=\(from)&to=\(to)&login=nobody", token: desk.token("leader"))
            #expect(nobody.status == .notFound && nobody.problemCode == "user.notFound", "\(nobody.text)")

            // The grid-days kept are those the check-ins alone give.
            var differences = -1
            for try await n in try await db.owner.query(
                """
                SELECT count(*)::int FROM (
                    (SELECT tenant_id, day, grid_id, user_id, min(at), max(at), count(*)::int FROM patrol_checkins GROUP BY 1, 2, 3, 4
                     EXCEPT SELECT tenant_id, day, grid_id, user_id, first_at, last_at, checkins FROM patrol_days)
                    UNION ALL
                    (SELECT tenant_id, day, grid_id, user_id, first_at, last_at, checkins FROM patrol_days
                     EXCEPT SELECT tenant_id, day, grid_id, user_id, min(at), max(at), count(*)::int FROM patrol_checkins GROUP BY 1, 2, 3, 4)
                ) x
                """, logger: db.logger
            ).decode(Int.self) { differences = n }
            #expect(differences == 0)
        }
    }
}

extension CaseHTTPTests {
    /// The months' counts of grid-days (what a period's whole months read) equal the grid-days they
    /// count, and both equal the reference count of the check-ins: 300 check-ins spread over the
    /// two months before this one and a few today, by two grid workers, a few of them (a scope
    /// changed since, say) in a grid outside the worker's own, some sent with times out of order.
    @Test func patrolMonthCountsEqualTheGridDaysTheyCountAndTheCheckInsThemselves() async throws {
        try await withDesk { desk, db in
            _ = try await db.makeUser(tenantId: desk.tenantId, login: "gridworker.2", role: .gridWorker, scope: "110199001002")
            let zone = TimeZone(identifier: "Asia/Shanghai")!
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let now = Date()
            let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
            let from = calendar.date(byAdding: .month, value: -2, to: thisMonth)!
            // The finest grids (id, path, code) and the two workers (id, their grid worker scope's path).
            var grids: [(id: Int64, path: ScopePath, code: String)] = []
            for try await (id, path, code) in try await db.owner.query(
                """
                SELECT g.id, g.path, g.code FROM org_units g WHERE g.tenant_id = \(desk.tenantId) AND g.kind = 'grid'
                  AND NOT EXISTS (SELECT 1 FROM org_units x WHERE x.parent_id = g.id AND x.kind = 'grid') ORDER BY g.code
                """, logger: db.logger
            ).decode((Int64, String, String).self) { grids.append((id, ScopePath(path)!, code)) }
            #expect(grids.count == 8)
            var workers: [(id: Int64, scope: ScopePath)] = []
            for (login, scope) in [("gridworker", "110199001001001"), ("gridworker.2", "110199001002")] {
                for try await (id, path) in try await db.owner.query(
                    "SELECT u.id, s.path FROM users u, org_units s WHERE u.login = \(login) AND s.code = \(scope)", logger: db.logger
                ).decode((Int64, String).self) { workers.append((id, ScopePath(path)!)) }
            }
            #expect(workers.count == 2)
            // Their terms (the grants' and revokes' times set back by hand): the first worker held
            // their basic grid since before the period; the second held that same basic grid from
            // the period's start to 09:00 ten days in, and their community from twenty days in.
            let basic = workers[0].scope
            let day = { (n: Int) in calendar.date(byAdding: .day, value: n, to: from)! }
            _ = try await db.service.grant(
                .operator, tenantId: desk.tenantId, login: "gridworker.2", role: .gridWorker, scopeCode: "110199001001001", departmentCode: nil)
            _ = try await db.service.revoke(.operator, tenantId: desk.tenantId, login: "gridworker.2", role: .gridWorker, scopeCode: "110199001001001")
            func setTerm(_ worker: Int64, _ scope: ScopePath, _ action: String, _ at: Date) async throws {
                try await db.owner.query(
                    """
                    UPDATE role_binding_events e SET at = \(at) FROM org_units s
                    WHERE e.user_id = \(worker) AND e.action = \(action) AND s.id = e.scope_org_unit_id AND s.path = \(scope.raw)
                    """, logger: db.logger)
            }
            try await setTerm(workers[0].id, basic, "grant", day(-1))
            try await setTerm(workers[1].id, basic, "grant", day(0))
            try await setTerm(workers[1].id, basic, "revoke", day(10).addingTimeInterval(9 * 3600))
            try await setTerm(workers[1].id, workers[1].scope, "grant", day(20))
            let terms: [Int64: [(scope: ScopePath, held: DateInterval)]] = [
                workers[0].id: [(basic, DateInterval(start: day(-1), end: .distantFuture))],
                workers[1].id: [
                    (basic, DateInterval(start: day(0), end: day(10).addingTimeInterval(9 * 3600))),
                    (workers[1].scope, DateInterval(start: day(20), end: .distantFuture)),
                ],
            ]
            var random = SplitMix64(seed: 2026)
            func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
            let span = Int(thisMonth.timeIntervalSince(from) / 86400)
            var visits: [Patrols.Visit] = []
            var times: [Date] = (0..<300).map { _ in from.addingTimeInterval(Double(pick(span)) * 86400 + Double(7 * 3600 + pick(12 * 3600))) }
            times += [now.addingTimeInterval(-120), now.addingTimeInterval(-60)]
            try await db.db.withTenant(desk.tenantId) { tx in
                for at in times {
                    // A worker checks in within their grids of the time; one in ten, and those
                    // between the second's terms, elsewhere (as the service would refuse).
                    let worker = workers[pick(2)]
                    let own = grids.filter { grid in terms[worker.id]!.contains { $0.scope.covers(grid.path) && $0.held.contains(at) } }
                    let grid = pick(10) == 0 || own.isEmpty ? grids[pick(grids.count)] : own[pick(own.count)]
                    let point = Self.district.cellCentre(0, 0)!
                    let id = try await PatrolStore.checkIn(
                        tx, userId: worker.id, gridId: grid.id, gridPath: grid.path, timeZone: zone.identifier, point: point, key: nil, at: at)
                    #expect(id != nil)
                    let day = Patrols.day(at, timeZone: zone)
                    if let index = visits.firstIndex(where: { $0.gridId == grid.id && $0.userId == worker.id && $0.day == day }) {
                        visits[index].firstAt = min(visits[index].firstAt, at)
                    } else {
                        visits.append(Patrols.Visit(gridId: grid.id, userId: worker.id, day: day, firstAt: at))
                    }
                }
            }

            // Each projection is what the check-ins alone give.
            for (projection, rebuilt) in [
                (
                    "SELECT day, grid_id, user_id, first_at, last_at, checkins FROM patrol_days",
                    "SELECT day, grid_id, user_id, min(at), max(at), count(*)::int FROM patrol_checkins GROUP BY 1, 2, 3"
                ),
                (
                    "SELECT day, grid_id, first_at FROM patrol_grid_days",
                    "SELECT day, grid_id, min(at) FROM patrol_checkins GROUP BY 1, 2"
                ),
                (
                    "SELECT month, grid_id, user_id, days FROM patrol_person_months",
                    "SELECT date_trunc('month', day::timestamp)::date, grid_id, user_id, count(DISTINCT day)::int FROM patrol_checkins GROUP BY 1, 2, 3"
                ),
                (
                    "SELECT month, grid_id, days FROM patrol_grid_months",
                    "SELECT date_trunc('month', day::timestamp)::date, grid_id, count(DISTINCT day)::int FROM patrol_checkins GROUP BY 1, 2"
                ),
            ] {
                var differences = -1
                for try await n in try await db.owner.query(
                    PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM ((\(projection) EXCEPT \(rebuilt)) UNION ALL (\(rebuilt) EXCEPT \(projection))) x"),
                    logger: db.logger
                ).decode(Int.self) { differences = n }
                #expect(differences == 0, "\(projection)")
            }

            // The figures of the two months and of the period to now: by the months' counts and by
            // the days alone, and the reference's.
            let root = try #require(ScopePath("\(grids[0].path.ids[0])."))
            func personFigures(to: Date) async throws -> [[Int64]: IndicatorTally] {
                let days = Patrols.dueDays(from: from, to: to, asOf: now, timeZone: zone)
                return try await db.db.withTenant(desk.tenantId) { tx in
                    let rows = try await IndicatorStore.tallies(
                        tx, key: .person, within: root, from: from, to: to, asOf: now, idle: [], days: days,
                        split: Patrols.split(days, asOf: now, timeZone: zone))
                    return Dictionary(rows.map { ($0.ids, $0.tally) }, uniquingKeysWith: +)
                }
            }
            let pastMonths = try await personFigures(to: thisMonth)
            // And from the 4th of the first month: by its count less its first three days (on which
            // there were rounds to take off).
            #expect(visits.contains { $0.day < Patrols.day(day(3), timeZone: zone) })
            for (start, to) in [(from, thisMonth), (from, now), (day(3), thisMonth)] {
                let days = Patrols.dueDays(from: start, to: to, asOf: now, timeZone: zone)
                let today = Patrols.day(now, timeZone: zone), first = Patrols.day(thisMonth, timeZone: zone)
                let split = Patrols.split(days, asOf: now, timeZone: zone)
                #expect(split.months.count == 2, "the whole months are read by their counts: \(split)")
                #expect(split.less == (start == from ? [] : (0..<3).map { Patrols.day(day($0), timeZone: zone) }), "\(split)")
                #expect(to == now ? split.days.first == first && split.days.last == today : split.days.isEmpty, "\(split.days)")
                for key in [IndicatorStore.Key.units(depths: [2, 5]), .person] {
                    func tallies(_ split: Patrols.Split) async throws -> [[Int64]: IndicatorTally] {
                        try await db.db.withTenant(desk.tenantId) { tx in
                            let rows = try await IndicatorStore.tallies(
                                tx, key: key, within: root, from: start, to: to, asOf: now, idle: [], days: days, split: split)
                            var summed: [[Int64]: IndicatorTally] = [:]
                            for row in rows { summed[row.ids] = (summed[row.ids] ?? IndicatorTally()) + row.tally }
                            return summed
                        }
                    }
                    let byMonths = try await tallies(split), byDays = try await tallies(Patrols.Split(days: days.map(\.day)))
                    #expect(byMonths.mapValues(\.gridDaysCovered) == byDays.mapValues(\.gridDaysCovered), "\(key) from \(start) to \(to)")
                    #expect(byMonths.mapValues(\.gridDaysDue) == byDays.mapValues(\.gridDaysDue), "\(key) from \(start) to \(to)")
                    let total = byMonths.values.reduce(IndicatorTally(), +)
                    let coverage = grids.map { Patrols.Grid(id: $0.id) }
                    switch key {
                    case .units:
                        let reference = Patrols.tally(coverage: coverage, visits: visits, from: start, to: to, asOf: now, timeZone: zone)
                        #expect(total.gridDaysCovered == reference.gridDaysCovered && total.gridDaysDue == reference.gridDaysDue, "\(total) \(reference)")
                    default:
                        for worker in workers {
                            let own = grids.compactMap { grid in
                                let held = terms[worker.id]!.filter { $0.scope.covers(grid.path) }.map(\.held)
                                return held.isEmpty ? nil : Patrols.Grid(id: grid.id, held: held)
                            }
                            let reference = Patrols.tally(
                                coverage: own, visits: visits, person: worker.id, from: start, to: to, asOf: now, timeZone: zone)
                            let counted = byMonths[[worker.id]] ?? IndicatorTally()
                            #expect(counted.gridDaysCovered == reference.gridDaysCovered && counted.gridDaysDue == reference.gridDaysDue)
                            #expect(reference.gridDaysCovered > 0)
                        }
                    }
                }
            }
            // The second worker moves to the other street's first community: the two months as of
            // the time asked keep the figures they gave.
            _ = try await db.service.revoke(.operator, tenantId: desk.tenantId, login: "gridworker.2", role: .gridWorker, scopeCode: "110199001002")
            _ = try await db.service.grant(
                .operator, tenantId: desk.tenantId, login: "gridworker.2", role: .gridWorker, scopeCode: "110199002001", departmentCode: nil)
            #expect(try await personFigures(to: thisMonth) == pastMonths)
            #expect(pastMonths[[workers[1].id]]?.gridDaysDue ?? 0 > 0)
        }
    }
}
