import Foundation
import GridCore
import GridStore
import Synchronization

/// A district's work calendar as routing and deadlines use it.
public struct DistrictCalendar: Sendable {
    public var document: CalendarDocument
    public var calendar: WorkCalendar
    /// Nil while the district runs on the default (standard hours and the national holidays).
    public var version: Int64?
}

/// Parsed calendars, a district's by its version and the default by year: routing needs one for
/// every report, and parsing a document each time cost more than reading it.
final class CalendarCache: Sendable {
    private let districts = Mutex<[Int64: DistrictCalendar]>([:])
    private let defaults = Mutex<[Int: DistrictCalendar]>([:])

    func calendar(_ tx: Tx) async throws -> DistrictCalendar {
        try await calendar(tx, version: try await CalendarStore.version(tx))
    }

    /// The calendar when the stored document's `version` (nil: none stored) was read already.
    func calendar(_ tx: Tx, version: Int64?) async throws -> DistrictCalendar {
        if let hit = cached(tenantId: tx.tenant, version: version) { return hit }
        let fresh = try await GridService.workCalendar(tx)
        guard version != nil else {
            if fresh.version == nil { defaults.withLock { $0[GridService.currentYear()] = fresh } }
            return fresh
        }
        if fresh.version != nil { districts.withLock { $0[tx.tenant] = fresh } }
        return fresh
    }

    /// The parsed calendar of a district whose stored document has `version`, nil when it is not cached.
    func cached(tenantId: Int64, version: Int64?) -> DistrictCalendar? {
        guard let version else { return defaults.withLock { $0[GridService.currentYear()] } }
        return districts.withLock { $0[tenantId] }.flatMap { $0.version == version ? $0 : nil }
    }
}

extension GridService {
    static func currentYear() -> Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

    /// The stored calendar, or the default: Monday–Friday 08:30–12:00 and 13:30–17:30 with the
    /// national holidays and make-up days of the reference table.
    static func workCalendar(_ tx: Tx) async throws -> DistrictCalendar {
        if let stored = try await CalendarStore.find(tx) {
            let document = try JSONDecoder().decode(CalendarDocument.self, from: Data(stored.document.utf8))
            return DistrictCalendar(document: document, calendar: try document.calendar(), version: stored.version)
        }
        var document = CalendarDocument(WorkCalendar.standard)
        let year = currentYear()
        document.days = try await CalendarStore.nationalDays(tx, years: (year - 1)...(year + 1))
            .map { CalendarDocument.Day(date: $0.day, type: $0.kind, name: $0.name) }
        return DistrictCalendar(document: document, calendar: try document.calendar(), version: nil)
    }

    public func calendar(_ caller: Caller, tenantId: Int64) async throws -> DistrictCalendar {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorizeSomewhere(.catalogRead)
            return try await Self.workCalendar(tx)
        }
    }

    /// What is missing from the national reference table for this year and the next: with no
    /// holiday data for a year, a district on the national calendar counts its holidays as work
    /// days (`/readyz` says so, still ready).
    public func nationalCalendarWarnings(now: Date = Date()) async throws -> [Text] {
        let year = WorkCalendar.standard.localDate(now).year
        let known = try await CalendarStore.nationalYears(db, years: year...(year + 1))
        return (year...(year + 1)).filter { !known.contains($0) }.map { year in
            Text(
                zh: "全国节假日参考表没有 \(year) 年的安排：按全国日历计时的区将把该年节假日算作工作日；国务院公布后请补入参考表，或由各区导入本区日历（gridgov calendar load）",
                en:
                    "the national holiday table has no arrangement for \(year): districts on the national calendar count its holidays as work days; add it once the State Council publishes it, or load a district's own days (gridgov calendar load)"
            )
        }
    }

    /// The same for a district's own calendar (`gridgov calendar show`).
    public func calendarWarnings(_ caller: Caller, tenantId: Int64, now: Date = Date()) async throws -> [Text] {
        let district = try await calendar(caller, tenantId: tenantId)
        let year = district.calendar.localDate(now).year, coverage = HolidayCoverage(district.document)
        return (year...(year + 1)).filter { !coverage.years.contains($0) }.map { year in
            Text(
                zh: "本区工作日历没有 \(year) 年的节假日数据：该年的节假日将按工作日计算时限，请导入（gridgov calendar national --year \(year) 或 gridgov calendar load）",
                en:
                    "the district's calendar has no holiday data for \(year): its holidays count as work days in deadlines; load them (gridgov calendar national --year \(year), or gridgov calendar load)"
            )
        }
    }

    /// Replaces the calendar after validating all of it (a date twice, a make-up day on a day
    /// already worked, overlapping hours … are each named).
    public func setCalendar(_ caller: Caller, tenantId: Int64, document: CalendarDocument, ifVersion: Int64?) async throws -> DistrictCalendar {
        _ = try document.calendar()
        return try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.catalogWrite, at: try await Self.rootPath(tx))
            return try await Self.saveCalendar(tx, document, caller: caller, ifVersion: ifVersion)
        }
    }

    /// Puts the national holidays and make-up days of `year` (reference data) into the calendar,
    /// replacing whatever days of that year it had.
    public func loadNationalHolidays(_ caller: Caller, tenantId: Int64, year: Int) async throws -> DistrictCalendar {
        guard (1949...2199).contains(year) else {
            throw Errors.field("year", .fieldOutOfRange, zh: "年份应在 1949–2199 之间，实际为 \(year)", en: "year must be within 1949–2199, got \(year)")
        }
        return try await withActiveTenant(tenantId) { tx, _ in
            try caller.authorize(.catalogWrite, at: try await Self.rootPath(tx))
            let national = try await CalendarStore.nationalDays(tx, years: year...year)
            guard !national.isEmpty else {
                throw GridError(
                    .calendarNationalUnknownYear,
                    Text(zh: "没有 \(year) 年的全国节假日安排", en: "the national holiday arrangement of \(year) is not known"))
            }
            let current = try await Self.workCalendar(tx)
            var document = current.document
            document.days =
                (document.days ?? []).filter { !$0.date.hasPrefix("\(year)-") }
                + national.map { CalendarDocument.Day(date: $0.day, type: $0.kind, name: $0.name) }
            document.days?.sort { $0.date < $1.date }
            _ = try document.calendar()
            return try await Self.saveCalendar(tx, document, caller: caller, ifVersion: current.version)
        }
    }

    static func saveCalendar(_ tx: Tx, _ document: CalendarDocument, caller: Caller, ifVersion: Int64?) async throws -> DistrictCalendar {
        let before = try await CalendarStore.find(tx)
        // The built-in calendar a district starts with is version 0.
        if before == nil, let ifVersion, ifVersion != 0 { throw Errors.versionMismatch("工作日历 / work calendar") }
        let text = try json(document)
        guard try await CalendarStore.save(tx, document: text, expectedVersion: before == nil ? nil : ifVersion) else {
            throw Errors.versionMismatch("工作日历 / work calendar")
        }
        try await AuditStore.record(
            tx, actor: caller.actorName, userId: caller.userId, action: before == nil ? "create" : "update",
            entity: "calendar", key: "calendar", before: before?.document, after: text)
        return try await workCalendar(tx)
    }

    /// The audit log of list, calendar and rule changes, newest first.
    public func audit(_ caller: Caller, tenantId: Int64, entity: String?, page: PageRequest) async throws -> Page<AuditEntry> {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorize(.catalogWrite, at: try await Self.rootPath(tx))
            let before = page.after.flatMap(Int64.init)
            let rows = try await AuditStore.list(tx, entity: entity, before: before, limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { String($0.id) }
        }
    }
}
