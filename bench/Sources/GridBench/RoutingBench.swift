import Foundation
import GridCore
import GridService
import GridStore
import Logging
import PostgresNIO

/// The routing benchmark (issue 3): with about 600 items, 300 rules and the 30,000-grid district, routing decisions
/// per second of the pure matcher on one core (aim ≥ 100,000/s) and the latency of explain through HTTP
/// (aim p99 ≤ 10 ms). Run by scripts/bench-routing.sh, or by scripts/bench.sh with the default `--suite all`.
struct RoutingBench {
    let workload: RoutingWorkload
    let service: GridService
    let tenantId: Int64
    let rootUnitId: Int64

    /// The tables explain reads, whose planner statistics the bulk loads make stale.
    static let routingTables = ["org_units", "categories", "category_assists", "departments", "duties", "rule_sets"]
    static let matcherAim = 100_000.0
    static let explainAimP99 = 10.0

    // MARK: pure matcher

    func matcher(requests: Int, rounds: Int) {
        print("routing workload: \(workload.catalog.count) categories (\(workload.items.count) items), \(workload.duties.count) duty rows, \(workload.ruleMix)")
        let r = MatcherBenchmark.run(workload, requests: requests, rounds: rounds, seed: 7)
        print(
            "routing matcher: \(Int(r.best)) decisions/s (aim ≥ \(Int(Self.matcherAim)): ratio \(String(format: "%.2f", r.best / Self.matcherAim)))  "
                + "[best of \(rounds) rounds × \(requests) requests on one thread; median \(Int(r.median))/s, ratio \(String(format: "%.2f", r.median / Self.matcherAim))]"
        )
        let total = Double(r.shares.values.reduce(0, +))
        let shares = ["rule", "duty", "item", "territorial"].map { "\($0) \(String(format: "%.1f", Double(r.shares[$0] ?? 0) * 100 / total)) %" }
        print("routing decisions: \(shares.joined(separator: ", ")) (checksum \(r.checksum))")
        print(
            "routing explain, pure (Router.explain, as the service runs it): \(Int(r.explainPerSecond)) explanations/s, "
                + "\(String(format: "%.1f", r.meanTried)) of \(workload.ruleSet.rules.count) rules tried on average")
    }

    // MARK: the district's lists and rules through the service

    /// Departments, the problem list, the duty list and the rules, as the operator; the rules are published.
    func load() async throws {
        let t0 = ContinuousClock.now
        for (code, name) in RoutingWorkload.departments {
            _ = try await service.createDepartment(.operator, tenantId: tenantId, code: code, name: name, kind: .district, unitCode: nil)
        }
        for office in workload.streetOffices {
            _ = try await service.createDepartment(
                .operator, tenantId: tenantId, code: office.code, name: office.name, kind: .streetOffice, unitCode: office.street)
        }
        let catalog = try await service.importCatalog(
            .operator, tenantId: tenantId,
            document: CatalogDocument(name: "基准问题清单", categories: workload.catalog))
        let duties = try await service.importDuties(.operator, tenantId: tenantId, entries: workload.duties)
        let draft = try await service.saveDraft(
            .operator, tenantId: tenantId, document: RuleSetCodec.write(workload.ruleSet),
            note: "routing benchmark", ifVersion: nil)
        if let report = draft.report, !report.errors.isEmpty {
            for error in report.errors.prefix(10) { print("  rule error: \(error.field) \(error.code): \(error.message.en)") }
            throw BenchError("the generated rule set has \(report.errors.count) validation error(s)")
        }
        let published = try await service.publishDraft(.operator, tenantId: tenantId, ifVersion: nil)
        let seconds = (ContinuousClock.now - t0).seconds
        print(
            "routing setup: \(RoutingWorkload.departments.count + workload.streetOffices.count) departments, \(catalog.inserted) categories inserted "
                + "(\(catalog.updated) updated), \(duties) duty rows, rule set \(published.record.number) published with \(published.ruleSet.rules.count) rules "
                + "(\(draft.report?.warnings.count ?? 0) validation warnings) in \(format(seconds)) s")
        if published.ruleSet != workload.ruleSet {
            print("WARNING: the published rule set differs from the generated one: the pure matcher and the server route different rules")
        }
    }

    /// Waits (at most `limit` seconds) until autovacuum has analysed what the bulk loads wrote: until then the
    /// planner works from empty statistics and may pick plans that no settled district would get (a duty lookup of
    /// 57 ms instead of 0.5 ms was seen), which is not what the aim is about. Prints how long it took.
    func settleStatistics(_ client: PostgresClient, logger: Logger, limit: Int = 180) async throws {
        let t0 = ContinuousClock.now
        var stale = -1
        for _ in 0..<limit {
            stale = 0
            let rows = try await client.query(
                """
                SELECT count(*)::int4 FROM pg_stat_user_tables
                WHERE relname = ANY(\(Self.routingTables)::text[]) AND n_mod_since_analyze > 50 + 0.1 * n_live_tup
                """, logger: logger)
            for try await count in rows.decode(Int32.self) { stale = Int(count) }
            if stale == 0 { break }
            try await Task.sleep(for: .seconds(1))
        }
        let waited = (ContinuousClock.now - t0).seconds
        if stale == 0 {
            print("routing: planner statistics settled after \(format(waited)) s (autovacuum analysed the loaded rows)")
        } else {
            print("WARNING: \(stale) routing table(s) still not analysed after \(format(waited)) s: explain figures may show plans made without statistics")
        }
    }

    // MARK: explain

    /// The question, its JSON body and what the pure matcher decides for it.
    struct Probe {
        var question: RoutingQuestion
        var body: Data
        var gridCode: String
        var basis: String
        var lead: String?
        var level: LadderLevel
    }

    func probes(count: Int, seed: UInt64) throws -> [Probe] {
        let router = Router(ruleSet: workload.ruleSet, duties: DutyIndex(workload.duties))
        let stamp = ISO8601DateFormatter()
        stamp.formatOptions = [.withInternetDateTime]
        stamp.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        return try workload.reports(count: count, seed: seed).map { report in
            let item = workload.items[report.item], point = workload.point(report, rng: &rng)
            let question = RoutingQuestion(
                categoryCode: item.code, grade: report.grade, source: report.source, lat: point.lat, lng: point.lng,
                description: report.description, at: report.at)
            var json: [String: Any] = [
                "category": item.code, "source": report.source.rawValue, "lat": point.lat, "lng": point.lng,
                "description": report.description, "at": stamp.string(from: report.at),
            ]
            if let grade = report.grade { json["grade"] = grade }
            let request = workload.request(report)
            let decision = router.route(request)
            let basis: String
            if case .rule(_, let id) = decision.basis { basis = id } else { basis = decision.basis.kind }
            let lead: String? =
                switch decision.lead {
                case .department(let code)?: code
                case .territorialStreet?: request.streetCode
                case nil: nil
                }
            return Probe(
                question: question, body: try JSONSerialization.data(withJSONObject: json), gridCode: request.areaChain.last!,
                basis: basis, lead: lead, level: decision.level)
        }
    }

    /// Explain through GridService in this process: what HTTP adds is the difference to the HTTP figure.
    func explainInProcess(_ probes: [Probe], bench: GridBench) async throws {
        let principal = Principal(
            tenantId: tenantId, userId: 0, login: "bench",
            bindings: [RoleBinding(id: 0, role: .dispatcher, scopeUnitId: rootUnitId, scope: .root(rootUnitId))])
        for probe in probes.prefix(100) { _ = try await service.explain(.user(principal), tenantId: tenantId, probe.question) }
        var latencies: [Double] = [], agree = 0
        latencies.reserveCapacity(probes.count)
        for probe in probes {
            let t0 = ContinuousClock.now
            let answer = try await service.explain(.user(principal), tenantId: tenantId, probe.question)
            latencies.append((ContinuousClock.now - t0).milliseconds)
            let decision = answer.explanation.decision
            var basis = decision.basis.kind
            if case .rule(_, let id) = decision.basis { basis = id }
            if basis == probe.basis && answer.grid.code == probe.gridCode { agree += 1 }
        }
        bench.report("routing explain via GridService (in process)", latencies, aimP99: Self.explainAimP99)
        print("routing explain via GridService: the decision basis agrees with the pure matcher for \(agree) of \(probes.count)")
    }

    /// Explain through HTTP with one keep-alive client; every answer must be 200 and is compared with the pure matcher.
    func explainHTTP(_ probes: [Probe], warmUp: [Probe], http: MiniHTTPClient, headers: [String: String], bench: GridBench) throws {
        for probe in warmUp { _ = try http.request("POST", "/v1/routing/explain", headers: headers, body: probe.body) }
        var latencies: [Double] = [], failures = 0, firstFailure: (Int, String)?
        var bytes = 0, tried = 0, agree = 0, disagreements: [String] = []
        latencies.reserveCapacity(probes.count)
        for probe in probes {
            let t0 = ContinuousClock.now
            let (status, body) = try http.request("POST", "/v1/routing/explain", headers: headers, body: probe.body)
            latencies.append((ContinuousClock.now - t0).milliseconds)
            guard status == 200 else {
                failures += 1
                if firstFailure == nil { firstFailure = (status, String(decoding: body, as: UTF8.self)) }
                continue
            }
            bytes += body.count
            guard let answer = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                failures += 1
                if firstFailure == nil { firstFailure = (status, "unreadable JSON: " + String(decoding: body.prefix(2000), as: UTF8.self)) }
                continue
            }
            tried += (answer["tried"] as? [Any])?.count ?? 0
            let kind = answer["basis"] as? String ?? "?"
            let basis = kind == "rule" ? ((answer["matched"] as? [String: Any])?["id"] as? String ?? "?") : kind
            let lead = (answer["lead"] as? [String: Any])?["code"] as? String
            let grid = (answer["grid"] as? [String: Any])?["code"] as? String
            let level = answer["level"] as? String
            if basis == probe.basis && lead == probe.lead && grid == probe.gridCode && level == probe.level.rawValue {
                agree += 1
            } else if disagreements.count < 5 {
                disagreements.append(
                    "\(probe.question.categoryCode) at \(probe.gridCode): server \(basis)/\(lead ?? "-")/\(level ?? "-") in \(grid ?? "-"), "
                        + "matcher \(probe.basis)/\(probe.lead ?? "-")/\(probe.level.rawValue)")
            }
        }
        bench.report("routing explain via HTTP (1 client)", latencies, aimP99: Self.explainAimP99)
        let ok = probes.count - failures
        print(
            "routing explain via HTTP: \(ok) × 200, \(failures) failed; mean response \(format(Double(bytes) / Double(max(ok, 1)) / 1024)) KiB, "
                + "\(format(Double(tried) / Double(max(ok, 1)))) rules tried on average; decision agrees with the pure matcher for \(agree) of \(ok)")
        for line in disagreements { print("  disagreement: \(line)") }
        if let (status, body) = firstFailure {
            print("first failed explain answered \(status): \(body.prefix(2000))")
            throw BenchError("\(failures) of \(probes.count) explain requests failed")
        }
    }
}
