import Crypto
import Foundation
import GridCore
import GridStore

/// Who a row of assessment figures is about: a unit, a department or a person.
public struct IndicatorSubject: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var name: String
    /// The unit's kind, `department` or `person`.
    public var kind: String
}

/// The assessment figures of a scope and period as of a time, one row per subject and the total.
public struct IndicatorFigures: Sendable {
    public var grouping: IndicatorGrouping
    public var scope: OrgUnitRecord
    public var from: Date
    public var to: Date
    public var asOf: Date
    public var indicators: [Indicator]
    public var rows: [(subject: IndicatorSubject, tally: IndicatorTally)]
    public var total: IndicatorTally
}

extension GridService {
    /// The indicators of [from, to) within `scopeCode` (default: the caller's scope for reading
    /// cases), grouped, as of `asOf` (default: the period's end, or now while it runs; never
    /// after now). `indicators` empty: every indicator that applies to the grouping.
    public func indicatorFigures(
        _ caller: Caller, tenantId: Int64, grouping: IndicatorGrouping, scopeCode: String?, from: Date, to: Date, asOf: Date?,
        indicators: [Indicator], now: Date = Date()
    ) async throws -> IndicatorFigures {
        try StatsPeriod.check(from: from, to: to)
        let asOf = try Self.asOf(asOf, from: from, to: to, now: now)
        let shown = indicators.isEmpty ? Indicator.allCases.filter { $0.applies(to: grouping) } : indicators
        if let other = shown.first(where: { !$0.applies(to: grouping) }) { throw Self.notCounted(other, by: grouping, field: "indicator") }
        return try await withReadTenant(for: caller, tenantId) { tx in
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            let calendar = try await Self.workCalendar(tx).calendar
            let (rows, total) = try await Self.tallies(
                tx, grouping: grouping, scope: scope, from: from, to: to, asOf: asOf, calendar: calendar, now: now)
            return IndicatorFigures(grouping: grouping, scope: scope, from: from, to: to, asOf: asOf, indicators: shown, rows: rows, total: total)
        }
    }

    /// The time figures of [from, to) are as of: `asked`, else the period's end; never after now,
    /// nor before the period's start (400 naming `asOf`).
    static func asOf(_ asked: Date?, from: Date, to: Date, now: Date) throws -> Date {
        let asOf = min(asked ?? to, now)
        if asOf < from {
            throw Errors.field("asOf", .periodReversed, zh: "asOf 不能早于统计区间的开始", en: "asOf cannot come before the period's start")
        }
        return asOf
    }

    /// The tallies of [from, to) within `scope` as of `asOf`, one per subject of the grouping (every
    /// unit of its kind in scope; the departments and people that have a figure), and the total.
    static func tallies(
        _ tx: Tx, grouping: IndicatorGrouping, scope: OrgUnitRecord, from: Date, to: Date, asOf: Date, calendar: WorkCalendar, now: Date
    ) async throws -> (rows: [(subject: IndicatorSubject, tally: IndicatorTally)], total: IndicatorTally) {
        let idle = calendar.idleSpans(from: from.addingTimeInterval(-40 * 86400), to: asOf.addingTimeInterval(40 * 86400))
        var subjects: [IndicatorSubject] = []
        let key: IndicatorStore.Key
        switch grouping {
        case .department: key = .department
        case .person: key = .person
        default:
            let units = try await LadderStore.groupUnits(tx, kinds: grouping.kinds, within: scope.path)
            subjects = units.map { IndicatorSubject(id: $0.unit.id, code: $0.unit.code, name: $0.unit.name, kind: grouping.rawValue) }
            key = .units(depths: Array(Set(units.map(\.depth))))
        }
        let found = try await settledTallies(tx, key: key, within: scope.path, from: from, to: to, asOf: asOf, idle: idle, now: now)
        var tallies: [Int64: IndicatorTally] = [:]
        var total = IndicatorTally()
        for row in found {
            total = total + row.tally
            for id in Set(row.ids) { tallies[id] = (tallies[id] ?? IndicatorTally()) + row.tally }
        }
        switch grouping {
        case .department:
            subjects = try await IndicatorStore.departments(tx, ids: Array(tallies.keys))
                .map { IndicatorSubject(id: $0.id, code: $0.code, name: $0.name, kind: "department") }
        case .person:
            subjects = try await IndicatorStore.people(tx, ids: Array(tallies.keys))
                .map { IndicatorSubject(id: $0.id, code: $0.login, name: $0.name, kind: "person") }
        default: break
        }
        return (subjects.map { ($0, tallies[$0.id] ?? IndicatorTally()) }, total)
    }

    /// The 400 for an indicator asked by a grouping it is not counted by (a rate of departments by
    /// person, checks by department), naming the field that asked.
    static func notCounted(_ indicator: Indicator, by grouping: IndicatorGrouping, field: String) -> any Error {
        Errors.field(
            field, .statsBadGroup, zh: "指标 \(indicator.rawValue)（\(indicator.label.zh)）不按 \(grouping.rawValue) 统计",
            en: "the indicator \(indicator.rawValue) (\(indicator.label.en)) is not counted by \(grouping.rawValue)")
    }

    /// How long after a time figures as of it are settled: every transaction that wrote history
    /// before it has long committed, so the answer never changes and is kept once computed.
    static let settledAfter: TimeInterval = 300

    /// The counts of a question, from `assessment_tallies` when it is settled and was asked before
    /// (else computed, and kept when settled). `recompute` computes it whatever was kept: the
    /// tests compare the two.
    static func settledTallies(
        _ tx: Tx, key: IndicatorStore.Key, within scope: ScopePath, from: Date, to: Date, asOf: Date, idle: [DateInterval], now: Date,
        recompute: Bool = false
    ) async throws -> [IndicatorStore.Row] {
        // The days a patrol round was due, in the district's time zone.
        let zoneName = try await TenantStore.find(tx, id: tx.tenant)?.timeZone ?? "Asia/Shanghai"
        let zone = TimeZone(identifier: zoneName) ?? TimeZone(secondsFromGMT: 8 * 3600)!
        let days = Patrols.dueDays(from: from, to: to, asOf: asOf, timeZone: zone)
        let split = recompute ? Patrols.Split(days: days.map(\.day)) : Patrols.split(days, asOf: asOf, timeZone: zone)
        guard asOf <= now.addingTimeInterval(-settledAfter) else {
            return try await IndicatorStore.tallies(tx, key: key, within: scope, from: from, to: to, asOf: asOf, idle: idle, days: days, split: split)
        }
        let keyText: String =
            switch key {
            case .units(let depths): "units:" + depths.sorted().map(String.init).joined(separator: ",")
            case .department: "department"
            case .person: "person"
            }
        let stamp = try await IndicatorStore.orgStamp(tx)
        // `tallies/4`: the counters since the patrols (0037), by person on the terms held (0038); a changed counter is a new question.
        let question = [
            "tallies/4", zoneName, keyText, scope.raw, CaseEventPayload.microseconds(from), CaseEventPayload.microseconds(to),
            CaseEventPayload.microseconds(asOf), stamp.map(CaseEventPayload.microseconds) ?? "-",
            idle.map { CaseEventPayload.microseconds($0.start) + "/" + CaseEventPayload.microseconds($0.end) }.joined(separator: ","),
        ].joined(separator: "|")
        let digest = Array(SHA256.hash(data: Data(question.utf8)))
        if !recompute, let kept = try await IndicatorStore.settled(tx, question: digest) { return kept }
        let rows = try await IndicatorStore.tallies(tx, key: key, within: scope, from: from, to: to, asOf: asOf, idle: idle, days: days, split: split)
        // A standby answers but keeps nothing (it is read-only): the primary keeps what it computes.
        if try await !IndicatorStore.inRecovery(tx) { try await IndicatorStore.settle(tx, question: digest, rows: rows) }
        return rows
    }
}

/// A subject's version of the composite score: a stored one, or the standard one (version 0)
/// while the district has set none.
public struct SchemeInForce: Sendable, Equatable {
    public var subject: AssessmentSubject
    public var version: Int
    /// Nil for the standard version.
    public var month: AssessmentMonth?
    public var scheme: AssessmentScheme
    public var note: String?

    init(_ stored: AssessmentSchemeVersion?, subject: AssessmentSubject) {
        self.subject = subject
        version = stored?.version ?? 0
        month = stored?.month
        scheme = stored?.scheme ?? .standard(subject)
        note = stored?.note ?? (stored == nil ? "默认方案（CJ/T 292 常见权重）" : nil)
    }
}

/// A ranking of one period: the version that scored it, and each subject's card, rank and change
/// from the previous period (scored by the version in force then).
public struct AssessmentRanking: Sendable {
    public var subject: AssessmentSubject
    public var scope: OrgUnitRecord
    public var from: Date
    public var to: Date
    public var asOf: Date
    public var previousFrom: Date
    public var previousTo: Date
    public var scheme: SchemeInForce
    public var scoreMax: Int
    public var entries: [Ranking.Entry<IndicatorSubject>]
    public var tallies: [Int64: IndicatorTally]
}

extension GridService {
    /// Every version of the district's composite scores, and the one in force now per subject.
    public func assessmentSchemes(_ caller: Caller, tenantId: Int64, now: Date = Date()) async throws -> (
        versions: [AssessmentSchemeVersion], inForce: [SchemeInForce]
    ) {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorizeSomewhere(.catalogRead)
            let versions = try await AssessmentStore.all(tx)
            let current = AssessmentSubject.allCases.map { subject in
                SchemeInForce(versions.filter { $0.subject == subject && $0.effectiveAt <= now }.last, subject: subject)
            }
            return (versions, current)
        }
    }

    /// Sets the version of `subject` from `month`. A version takes effect on the month's first day
    /// and is history from then: once any version exists, a month already begun cannot be given
    /// another (409 `assessment.versionInForce`); the first version may start in the past, scoring
    /// the months since. Tenant admins at the root, like the lists and rules.
    public func setAssessmentScheme(
        _ caller: Caller, tenantId: Int64, subject: AssessmentSubject, month: AssessmentMonth, scheme: AssessmentScheme, note: String?,
        now: Date = Date()
    ) async throws -> AssessmentSchemeVersion {
        try scheme.validate(for: subject)
        if let note, note.count > 500 { throw Errors.field("note", .fieldTooLong, zh: "note 最多 500 字", en: "note has at most 500 characters") }
        return try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.catalogWrite, at: try await Self.rootPath(tx))
            let offset = try await Self.workCalendar(tx).calendar.utcOffsetSeconds
            let effectiveAt = month.start(utcOffsetSeconds: offset)
            let existing = try await AssessmentStore.all(tx).filter { $0.subject == subject }
            if effectiveAt <= now && !existing.isEmpty {
                let current = AssessmentMonth(containing: now, utcOffsetSeconds: offset)
                throw GridError(
                    .assessmentVersionInForce,
                    Text(
                        zh: "\(month) 已开始考核，其方案不能再改；新的权重请从 \(current.next) 起生效",
                        en: "\(month) has begun and is scored by the version in force: let new weights take effect from \(current.next)"))
            }
            let document = String(decoding: try JSONEncoder().encode(scheme), as: UTF8.self)
            let before = existing.first { $0.month == month }
            let written = try await AssessmentStore.put(
                tx, subject: subject, month: month, effectiveAt: effectiveAt, document: document, note: note, userId: caller.userId,
                login: caller.actorName)
            try await Self.audit(
                tx, caller, before == nil ? "create" : "update", .assessmentScheme, key: "\(subject.rawValue)/\(month)",
                before: before.map { ["version": $0.version, "scheme": Self.jsonObject($0.scheme)] },
                after: ["version": written.version, "scheme": Self.jsonObject(scheme), "note": note as Any])
            return written
        }
    }

    static func jsonObject(_ scheme: AssessmentScheme) -> Any {
        (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(scheme))) ?? [:]
    }

    /// The ranking of `subject` over [from, to) within `scopeCode` as of `asOf` (default: the
    /// period's end, or now), scored by the version in force on the period's first day, with the
    /// change from the previous period of the same length (the previous month for a month), as of
    /// its end.
    public func assessmentRanking(
        _ caller: Caller, tenantId: Int64, subject: AssessmentSubject, scopeCode: String?, from: Date, to: Date, previousFrom: Date,
        asOf: Date?, now: Date = Date()
    ) async throws -> AssessmentRanking {
        try StatsPeriod.check(from: from, to: to)
        let asOf = try Self.asOf(asOf, from: from, to: to, now: now)
        // The previous period in a transaction of its own, beside this one's: a period not yet
        // settled costs a district's scan, and the two share the database's cores.
        async let previousTallies = withReadTenant(for: caller, tenantId) { tx in
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            let calendar = try await Self.workCalendar(tx).calendar
            return try await Self.tallies(
                tx, grouping: subject.grouping, scope: scope, from: previousFrom, to: from, asOf: min(from, now), calendar: calendar, now: now)
        }
        let (scoreMax, scope, scheme, previousScheme, current) = try await withReadTenant(for: caller, tenantId) { tx in
            guard let tenant = try await TenantStore.find(tx, id: tenantId) else { throw Errors.tenantNotFound("\(tenantId)") }
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            let calendar = try await Self.workCalendar(tx).calendar
            let scheme = SchemeInForce(try await AssessmentStore.inForce(tx, subject: subject, at: from), subject: subject)
            let previousScheme = SchemeInForce(try await AssessmentStore.inForce(tx, subject: subject, at: previousFrom), subject: subject)
            let current = try await Self.tallies(
                tx, grouping: subject.grouping, scope: scope, from: from, to: to, asOf: asOf, calendar: calendar, now: now)
            return (tenant.settings.whistle.scoreMax, scope, scheme, previousScheme, current)
        }
        let previous = try await previousTallies
        let before = Dictionary(
            previous.rows.map { ($0.subject.code, previousScheme.scheme.score($0.tally, scoreMax: scoreMax)) }, uniquingKeysWith: { a, _ in a })
        let entries = Ranking.rank(current.rows.map { ($0.subject, scheme.scheme.score($0.tally, scoreMax: scoreMax)) }, key: \.code, previous: before)
        return AssessmentRanking(
            subject: subject, scope: scope, from: from, to: to, asOf: asOf, previousFrom: previousFrom, previousTo: from, scheme: scheme,
            scoreMax: scoreMax, entries: entries, tallies: Dictionary(current.rows.map { ($0.subject.id, $0.tally) }, uniquingKeysWith: { a, _ in a }))
    }
}

extension GridService {
    /// The cases behind one figure of `/v1/stats/indicators` (the drill-down): those its
    /// denominator counts, or with `numerator` those its numerator counts (a count's own cases),
    /// by the same conditions, period and time, within `scopeCode` (the caller's scope for reading
    /// cases), optionally led by the department `departmentCode` or reported by `reporterLogin`;
    /// newest first, a page at a time.
    public func indicatorCases(
        _ caller: Caller, tenantId: Int64, indicator: Indicator, numerator: Bool, scopeCode: String?, departmentCode: String?,
        reporterLogin: String?, from: Date, to: Date, asOf: Date?, page: PageRequest, now: Date = Date()
    ) async throws -> Page<CaseRecord> {
        try StatsPeriod.check(from: from, to: to)
        guard indicator.countsCases else {
            throw Errors.field(
                "indicator", .assessmentIndicatorUnknown, zh: "\(indicator.label.zh)按回访、吹哨或巡查打卡统计，没有案件清单",
                en: "\(indicator.label.en) is counted from call-backs, whistles or patrol check-ins: it has no list of cases")
        }
        // A list by department or by person only for a figure counted so.
        if departmentCode != nil, !indicator.applies(to: .department) { throw Self.notCounted(indicator, by: .department, field: "department") }
        if reporterLogin != nil, !indicator.applies(to: .person) { throw Self.notCounted(indicator, by: .person, field: "reporter") }
        let asOf = try Self.asOf(asOf, from: from, to: to, now: now)
        return try await withReadTenant(for: caller, tenantId) { tx in
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            var department: Int64?
            if let departmentCode {
                guard let found = try await DepartmentStore.find(tx, code: departmentCode) else {
                    throw Errors.field(
                        "department", .departmentUnknown, zh: "部门“\(departmentCode)”不存在", en: "department '\(departmentCode)' does not exist")
                }
                department = found.id
            }
            var reporter: Int64?
            if let reporterLogin {
                guard let found = try await UserStore.find(tx, login: reporterLogin) else {
                    throw Errors.field("reporter", .userNotFound, zh: "用户“\(reporterLogin)”不存在", en: "user '\(reporterLogin)' does not exist")
                }
                reporter = found.id
            }
            let calendar = try await Self.workCalendar(tx).calendar
            let idle = calendar.idleSpans(from: from.addingTimeInterval(-40 * 86400), to: asOf.addingTimeInterval(40 * 86400))
            let ids = try await IndicatorStore.caseIds(
                tx, indicator, numerator: numerator, within: scope.path, department: department, reporter: reporter, from: from, to: to, asOf: asOf,
                idle: idle, beforeId: try page.afterNumber(), limit: page.limit + 1)
            let records = try await CaseStore.records(tx, ids: ids)
            return Page(fetched: records, limit: page.limit) { String($0.id) }
        }
    }
}

/// A series of the indicators over consecutive periods of a scope (this week against the last
/// ones, month on month), with the same period a year before the last (year on year).
public struct IndicatorSeries: Sendable {
    public struct Point: Sendable {
        public var from: Date
        public var to: Date
        public var asOf: Date
        public var tally: IndicatorTally
    }

    public var interval: SeriesInterval
    public var scope: OrgUnitRecord
    public var indicators: [Indicator]
    /// Oldest first; the last holds the series' end.
    public var points: [Point]
    public var yearBefore: Point
}

extension GridService {
    /// The series of `count` periods of `interval` ending with the one that holds `end` (default
    /// now), each as of its end (the running one as of now), within `scopeCode`; and the last
    /// period's year-before.
    public func indicatorSeries(
        _ caller: Caller, tenantId: Int64, interval: SeriesInterval, count: Int, scopeCode: String?, indicators: [Indicator], end: Date?,
        now: Date = Date()
    ) async throws -> IndicatorSeries {
        guard (1...interval.maxCount).contains(count) else {
            throw Errors.field(
                "count", .fieldOutOfRange, zh: "期数应为 1–\(interval.maxCount)，收到 \(count)", en: "count is 1–\(interval.maxCount), got \(count)")
        }
        let end = min(end ?? now, now)
        let shown = indicators.isEmpty ? Indicator.allCases.filter { $0.applies(to: .street) } : indicators
        return try await withReadTenant(for: caller, tenantId) { tx in
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            let calendar = try await Self.workCalendar(tx).calendar
            let offset = calendar.utcOffsetSeconds
            let periods = interval.periods(ending: end, count: count, utcOffsetSeconds: offset)
            let points = try await Self.seriesPoints(
                tx, scope: scope, periods: periods + [interval.yearBefore(periods[periods.count - 1], utcOffsetSeconds: offset)], calendar: calendar,
                now: now)
            return IndicatorSeries(interval: interval, scope: scope, indicators: shown, points: Array(points.dropLast()), yearBefore: points[points.count - 1])
        }
    }

    /// The district's (or a scope's) totals of `periods`, each as of its end (or now), kept once settled.
    static func seriesPoints(
        _ tx: Tx, scope: OrgUnitRecord, periods: [(from: Date, to: Date)], calendar: WorkCalendar, now: Date
    ) async throws -> [IndicatorSeries.Point] {
        var points: [IndicatorSeries.Point] = []
        for period in periods {
            let asOf = min(period.to, now)
            let idle = calendar.idleSpans(from: period.from.addingTimeInterval(-40 * 86400), to: asOf.addingTimeInterval(40 * 86400))
            let rows = try await settledTallies(
                tx, key: .units(depths: []), within: scope.path, from: period.from, to: period.to, asOf: asOf, idle: idle, now: now)
            points.append(.init(from: period.from, to: period.to, asOf: asOf, tally: rows.reduce(IndicatorTally()) { $0 + $1.tally }))
        }
        return points
    }
}

extension GridService {
    /// The brief (月报 or 周报) of the district or of one street (`scopeCode`) for a month or a week,
    /// as of its end (or now while it runs): the period's figures against the period before, the
    /// ranking of the units below (streets, or a street's communities), eight weeks' trend, the
    /// departments' on-time handling, the grids' map and the notable cases. Read on the standby
    /// when there is one.
    public func brief(_ caller: Caller, tenantId: Int64, scopeCode: String?, period: BriefPeriod, now: Date = Date()) async throws -> BriefModel {
        let offset = WorkCalendar.standard.utcOffsetSeconds
        let (from, to) = period.period(utcOffsetSeconds: offset)
        guard from < now else {
            throw Errors.field("period", .fieldFuture, zh: "\(period) 尚未开始", en: "\(period) has not begun")
        }
        let asOf = min(to, now)
        let shown: [Indicator] = [
            .filed, .closureRate, .onTimeHandlingRate, .handlingRate, .reworkRate, .openOverdue, .frontLineShare, .satisfactionRate,
            .reportInOnTimeRate, .onTimeDiscoveryRate, .discoveryAccuracy, .patrolCoverage, .onTimeCheckRate,
        ]
        let byDepartment = try await indicatorFigures(
            caller, tenantId: tenantId, grouping: .department, scopeCode: scopeCode, from: from, to: to, asOf: nil, indicators: [], now: now)
        let scope = byDepartment.scope
        let previousPeriod = period.previous.period(utcOffsetSeconds: offset)
        let below: AssessmentSubject? =
            switch scope.kind {
            case .district: .street
            case .street, .township: .community
            default: nil
            }
        // The brief's parts are independent reads: asked together, they share the database's cores.
        async let previousFigures = indicatorFigures(
            caller, tenantId: tenantId, grouping: .department, scopeCode: scope.code, from: previousPeriod.from, to: previousPeriod.to, asOf: nil,
            indicators: [], now: now)
        async let rankingResult: AssessmentRanking? = {
            guard let below else { return nil }
            return try await self.assessmentRanking(
                caller, tenantId: tenantId, subject: below, scopeCode: scope.code, from: from, to: to, previousFrom: previousPeriod.from, asOf: nil,
                now: now)
        }()
        // Eight weeks' totals (no year-before: the trend does not show it).
        async let weeks = withReadTenant(for: caller, tenantId) { tx in
            let calendar = try await Self.workCalendar(tx).calendar
            let periods = SeriesInterval.week.periods(ending: asOf.addingTimeInterval(-1), count: 8, utcOffsetSeconds: calendar.utcOffsetSeconds)
            return try await Self.seriesPoints(tx, scope: scope, periods: periods, calendar: calendar, now: now)
        }
        // The map's grids (the finest level an A4 page shows) and their rates, counted at that level only.
        async let map = withReadTenant(for: caller, tenantId) { tx in
            let shapes = try await BriefStore.gridShapes(tx, within: scope.path)
            guard !shapes.depths.isEmpty else { return (shapes, [Int64: Double?]()) }
            let calendar = try await Self.workCalendar(tx).calendar
            let idle = calendar.idleSpans(from: from.addingTimeInterval(-40 * 86400), to: asOf.addingTimeInterval(40 * 86400))
            let rows = try await Self.settledTallies(
                tx, key: .units(depths: shapes.depths), within: scope.path, from: from, to: to, asOf: asOf, idle: idle, now: now)
            var tallies: [Int64: IndicatorTally] = [:]
            for row in rows { for id in row.ids { tallies[id] = (tallies[id] ?? IndicatorTally()) + row.tally } }
            return (shapes, tallies.mapValues { $0.value(.onTimeHandlingRate).value })
        }
        async let extras = withReadTenant(for: caller, tenantId) { tx in
            guard let district = try await TenantStore.find(tx, id: tenantId) else { throw Errors.tenantNotFound("\(tenantId)") }
            let notable = try await BriefStore.notableCases(tx, within: scope.path, from: from, to: to, asOf: asOf)
            return (district, notable)
        }
        let previous = try await previousFigures
        let ranked: [BriefModel.RankedUnit] =
            try await rankingResult?.entries.map {
                .init(
                    rank: $0.rank, code: $0.subject.code, name: $0.subject.name, score: $0.card?.score, grade: $0.card?.grade,
                    rankChange: $0.rankChange)
            } ?? []
        let trend = try await weeks
        let (shapes, rates) = try await map
        let (district, notable) = try await extras
        func local(_ date: Date) -> String { Self.localTime(date, timeZone: district.timeZone) }
        let day = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: offset)!).year().month().day()
        return BriefModel(
            districtName: district.name, scopeName: scope.name, title: "\(scope.name) \(period.label)网格化管理工作简报", period: period.label,
            thisPeriod: period.thisLabel, previousPeriod: period.previousLabel, asOf: local(asOf),
            figures: shown.map { .init(indicator: $0, value: byDepartment.total.value($0), previous: previous.total.value($0)) },
            rankingTitle: below.map { "各\($0.label.zh)综合考核排名" } ?? "下级单位综合考核排名", ranking: ranked,
            weeks: trend.map {
                .init(
                    label: $0.from.formatted(day).suffix(5).replacingOccurrences(of: "-", with: "/"), filed: Double($0.tally.filed),
                    onTime: $0.tally.value(.onTimeHandlingRate).value)
            },
            departments: byDepartment.rows.map { row in
                let value = row.tally.value(.onTimeHandlingRate)
                return .init(
                    label: row.subject.name, value: value.value, detail: value.denominator.map { String(format: "(%.0f/%d)", value.numerator, $0) } ?? "")
            },
            mapBox: shapes.box, grids: shapes.shapes.map { .init(code: $0.code, name: $0.name, path: $0.path, rate: rates[$0.id] ?? nil) },
            notable: notable.map {
                .init(
                    number: $0.number, what: $0.what, place: $0.place, department: $0.department, due: $0.due.map(local) ?? "",
                    note: $0.overdue ? "超期未结" : "返工 \($0.reworks) 次")
            })
    }
}
