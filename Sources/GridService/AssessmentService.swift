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
        let asOf = min(asOf ?? to, now)
        if asOf < from {
            throw Errors.field("asOf", .periodReversed, zh: "asOf 不能早于统计区间的开始", en: "asOf cannot come before the period's start")
        }
        let shown = indicators.isEmpty ? Indicator.allCases.filter { $0.applies(to: grouping) } : indicators
        if let other = shown.first(where: { !$0.applies(to: grouping) }) {
            throw Errors.field(
                "indicator", .statsBadGroup, zh: "指标 \(other.rawValue)（\(other.label.zh)）不按 \(grouping.rawValue) 统计",
                en: "the indicator \(other.rawValue) (\(other.label.en)) is not counted by \(grouping.rawValue)")
        }
        return try await withTenant(for: caller, tenantId) { tx in
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            let calendar = try await Self.workCalendar(tx).calendar
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
            let found = try await IndicatorStore.tallies(tx, key: key, within: scope.path, from: from, to: to, asOf: asOf, idle: idle)
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
            return IndicatorFigures(
                grouping: grouping, scope: scope, from: from, to: to, asOf: asOf, indicators: shown,
                rows: subjects.map { ($0, tallies[$0.id] ?? IndicatorTally()) }, total: total)
        }
    }
}
