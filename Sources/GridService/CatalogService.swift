import Foundation
import GridCore
import GridStore

/// What an import of the problem list did.
public struct CatalogImportSummary: Sendable, Equatable {
    public var inserted: Int
    public var updated: Int
    public var unchanged: Int
}

extension Caller {
    var userId: Int64? { principal?.userId }
}

extension GridService {
    /// The profile every new district starts from.
    public static let standardProfile = "national-standard"

    // MARK: problem list

    /// The whole problem list, parents before children.
    public func catalog(_ caller: Caller, tenantId: Int64) async throws -> [CategoryRecord] {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorizeSomewhere(.catalogRead)
            return try await CatalogStore.all(tx)
        }
    }

    public func category(_ caller: Caller, tenantId: Int64, code: String) async throws -> CategoryRecord {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorizeSomewhere(.catalogRead)
            guard let found = try await CatalogStore.find(tx, code: code) else { throw Errors.categoryNotFound(code) }
            return found
        }
    }

    /// Children of a node (the top classes when `parentCode` is nil), a page at a time.
    public func categories(_ caller: Caller, tenantId: Int64, parentCode: String?, page: PageRequest) async throws -> Page<CategoryRecord> {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorizeSomewhere(.catalogRead)
            var parentId: Int64?
            if let parentCode {
                guard let parent = try await CatalogStore.find(tx, code: parentCode) else { throw Errors.categoryNotFound(parentCode) }
                parentId = parent.id
            }
            let rows = try await CatalogStore.children(tx, of: parentId, after: page.after, limit: page.limit + 1)
            return Page(fetched: rows, limit: page.limit) { $0.entry.code }
        }
    }

    /// Merges `document` into the district's problem list (by code), all or nothing, auditing every change.
    public func importCatalog(
        _ caller: Caller, tenantId: Int64, document: CatalogDocument,
        source: @escaping @Sendable (Int) -> String = { "categories[\($0)]" }
    ) async throws -> CatalogImportSummary {
        try await withActiveTenant(tenantId) { tx, _ in
            let root = try await Self.rootPath(tx)
            try caller.authorize(.catalogWrite, at: root)
            try await CatalogStore.lock(tx)
            return try await Self.mergeCatalog(tx, document.categories, caller: caller, source: source)
        }
    }

    /// Loads a national profile (`national-standard`) into the district's list.
    public func loadStandardCatalog(_ caller: Caller, tenantId: Int64, profile: String = GridService.standardProfile) async throws -> CatalogImportSummary {
        try await withActiveTenant(tenantId) { tx, _ in
            let root = try await Self.rootPath(tx)
            try caller.authorize(.catalogWrite, at: root)
            try await CatalogStore.lock(tx)
            return try await Self.loadProfile(tx, profile, caller: caller)
        }
    }

    static func loadProfile(_ tx: Tx, _ profile: String, caller: Caller) async throws -> CatalogImportSummary {
        guard let text = try await CatalogStore.profile(tx, name: profile) else {
            let known = try await CatalogStore.profileNames(tx).joined(separator: ", ")
            throw GridError(
                .catalogProfileNotFound, Text(zh: "标准清单“\(profile)”不存在（可选：\(known)）", en: "profile '\(profile)' does not exist (known: \(known))")
            )
        }
        let document = try CatalogPlanner.read(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))
        return try await mergeCatalog(tx, document.categories, caller: caller, source: { "\(profile).categories[\($0)]" }, fromProfile: true)
    }

    static func mergeCatalog(
        _ tx: Tx, _ entries: [CategoryEntry], caller: Caller, source: (Int) -> String, fromProfile: Bool = false
    ) async throws -> CatalogImportSummary {
        let existing = try await CatalogStore.all(tx).map(\.entry)
        let departments = Set(try await DepartmentStore.codes(tx))
        let plan = try CatalogPlanner.plan(entries, existing: existing, departmentCodes: departments, source: source, fromProfile: fromProfile)
        try await CatalogStore.upsert(tx, plan.upserts)
        let before = Dictionary(existing.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let changes = try plan.upserts.map { entry in
            (
                action: before[entry.code] == nil ? "create" : "update", key: entry.code, before: try before[entry.code].map(Self.json),
                after: Optional(try Self.json(entry))
            )
        }
        try await AuditStore.recordMany(tx, actor: caller.actorName, userId: caller.userId, entity: "category", changes: changes)
        return CatalogImportSummary(inserted: plan.inserted, updated: plan.updated, unchanged: plan.unchanged)
    }

    /// Compact JSON text of an encodable value, for the audit log.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    // MARK: duty list

    /// The duty list, or one department's part of it ("what we own").
    public func duties(_ caller: Caller, tenantId: Int64, department: String? = nil) async throws -> [DutyEntry] {
        try await withTenant(for: caller, tenantId) { tx in
            try caller.authorizeSomewhere(.catalogRead)
            if let department, try await DepartmentStore.find(tx, code: department) == nil { throw Errors.departmentNotFound(department) }
            return try await DutyStore.all(tx, department: department)
        }
    }

    /// Replaces the duty list, all or nothing; every row's codes are checked first.
    public func importDuties(
        _ caller: Caller, tenantId: Int64, entries: [DutyEntry],
        source: @escaping @Sendable (Int) -> String = { "duties[\($0)]" }
    ) async throws -> Int {
        try await withActiveTenant(tenantId) { tx, _ in
            let root = try await Self.rootPath(tx)
            try caller.authorize(.catalogWrite, at: root)
            try await CatalogStore.lock(tx)
            let categories = Set(try await CatalogStore.all(tx).map(\.entry.code))
            let departments = Set(try await DepartmentStore.codes(tx))
            let units = Set(try await OrgUnitStore.existingCodes(tx, Array(Set(entries.map(\.areaCode)))))
            var errors: [FieldError] = []
            var seen: [String: Int] = [:]
            for (i, entry) in entries.enumerated() {
                let at = source(i)
                if !categories.contains(entry.categoryCode) {
                    errors.append(
                        FieldError(
                            "\(at).categoryCode", .categoryUnknown,
                            Text(zh: "问题类别“\(entry.categoryCode)”不存在", en: "category '\(entry.categoryCode)' does not exist")))
                }
                if !units.contains(entry.areaCode) {
                    errors.append(
                        FieldError(
                            "\(at).areaCode", .orgUnitUnknown, Text(zh: "区域“\(entry.areaCode)”不存在", en: "org unit '\(entry.areaCode)' does not exist")))
                }
                if !departments.contains(entry.department) {
                    errors.append(
                        FieldError(
                            "\(at).department", .departmentUnknown,
                            Text(zh: "部门“\(entry.department)”不存在", en: "department '\(entry.department)' does not exist")))
                }
                if let earlier = seen["\(entry.categoryCode)|\(entry.areaCode)"] {
                    errors.append(
                        FieldError(
                            at, .dutyDuplicate,
                            Text(
                                zh: "“\(entry.categoryCode)”在“\(entry.areaCode)”的责任已在 \(source(earlier)) 定义",
                                en: "'\(entry.categoryCode)' in '\(entry.areaCode)' is already assigned at \(source(earlier))")))
                } else {
                    seen["\(entry.categoryCode)|\(entry.areaCode)"] = i
                }
                if errors.count >= OrgPlanner.maxErrors { break }
            }
            if !errors.isEmpty { throw GridError.invalid(errors) }
            let before = try await DutyStore.all(tx)
            let written = try await DutyStore.replace(tx, with: entries)
            try await AuditStore.record(
                tx, actor: caller.actorName, userId: caller.userId, action: "replace", entity: "dutyList", key: "all",
                before: try Self.json(before), after: try Self.json(entries))
            return written
        }
    }
}
