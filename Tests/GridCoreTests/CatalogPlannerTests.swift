import Foundation
import GridCore
import Testing

/// The problem list (问题清单) import: reading the JSON document, then planning it merged over the stored list.
@Suite struct CatalogPlannerTests {
    // MARK: fixtures

    static let normal = Grade(key: "normal", name: "一般", limit: TimeLimit(amount: 2, unit: .workDays))
    static let urgent = Grade(key: "urgent", name: "紧急", limit: TimeLimit(amount: 4, unit: .workHours))

    static func group(_ code: String, _ name: String, under parent: String? = nil, kind: CategoryKind = .event) -> CategoryEntry {
        CategoryEntry(code: code, parentCode: parent, name: name, kind: kind)
    }

    static func item(
        _ code: String, _ name: String, under parent: String?, kind: CategoryKind = .event, grades: [Grade] = [normal],
        lead: String? = "CGW", assisting: [String] = []
    ) -> CategoryEntry {
        CategoryEntry(
            code: code, parentCode: parent, name: name, kind: kind, grades: grades, leadDepartment: lead,
            assistingDepartments: assisting)
    }

    /// The stored list: 市容环境 → 环境卫生 → {暴露垃圾, 积存垃圾渣土}; 设施管理 → 井盖.
    static let existing: [CategoryEntry] = [
        group("SR", "市容环境"),
        group("SR01", "环境卫生", under: "SR"),
        CategoryEntry(
            code: "SR0101", parentCode: "SR01", name: "暴露垃圾", kind: .event, isPublic: true, filingStandard: "垃圾暴露在外",
            closingStandard: "清理干净", grades: [normal, urgent], leadDepartment: "CGW", assistingDepartments: ["ZJW"],
            defaultLevel: .community),
        item("SR0102", "积存垃圾渣土", under: "SR01"),
        group("SS", "设施管理", kind: .component),
        item("SS01", "井盖", under: "SS", kind: .component, grades: [urgent], lead: "SWJ"),
    ]

    /// 城管委, 住建委, 水务局, 交通委.
    static let departments: Set<String> = ["CGW", "ZJW", "SWJ", "JTW"]

    func plan(_ entries: [CategoryEntry], existing: [CategoryEntry] = existing) throws(GridError) -> CatalogPlanner.Plan {
        try CatalogPlanner.plan(entries, existing: existing, departmentCodes: Self.departments)
    }

    /// The field errors of a plan that must fail.
    func planErrors(
        _ entries: [CategoryEntry], existing: [CategoryEntry] = existing,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [FieldError] {
        let error = try #require(
            thrownError { () throws(GridError) in
                try CatalogPlanner.plan(entries, existing: existing, departmentCodes: Self.departments)
            }, "expected the plan to be rejected", sourceLocation: sourceLocation)
        #expect(error.code == .validationFailed, sourceLocation: sourceLocation)
        #expect(error.kind == .badRequest, sourceLocation: sourceLocation)
        return error.fieldErrors
    }

    /// The field errors of a document that must not be read.
    func readErrors(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [FieldError] {
        let document = try json(text)
        let error = try #require(
            thrownError { () throws(GridError) in try CatalogPlanner.read(document) },
            "expected the document to be rejected", sourceLocation: sourceLocation)
        #expect(error.code == .validationFailed, sourceLocation: sourceLocation)
        #expect(error.fieldErrors.count <= OrgPlanner.maxErrors, sourceLocation: sourceLocation)
        return error.fieldErrors
    }

    func places(_ errors: [FieldError]) -> [String] { errors.map { "\($0.field) \($0.code)" } }

    // MARK: reading

    @Test func readsEveryFieldOfAnItemAndAClass() throws {
        let document = try json(
            """
            {"profile": "beijing-2026", "name": "朝阳区问题清单",
             "categories": [
               {"code": "SR", "name": "市容环境", "kind": "event"},
               {"code": " SR0101 ", "parentCode": "SR", "name": "暴露垃圾", "kind": "event", "public": true,
                "filingStandard": "垃圾暴露在外", "closingStandard": "清理干净",
                "grades": [{"key": "normal", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}},
                           {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}],
                "leadDepartment": "CGW", "assistingDepartments": ["ZJW", "JTW"], "defaultLevel": "community"}
             ]}
            """)
        let read = try CatalogPlanner.read(document)
        #expect(read.profile == "beijing-2026")
        #expect(read.name == "朝阳区问题清单")
        #expect(
            read.categories == [
                CategoryEntry(code: "SR", name: "市容环境", kind: .event),
                CategoryEntry(
                    code: "SR0101", parentCode: "SR", name: "暴露垃圾", kind: .event, isPublic: true, filingStandard: "垃圾暴露在外",
                    closingStandard: "清理干净", grades: [Self.normal, Self.urgent], leadDepartment: "CGW",
                    assistingDepartments: ["ZJW", "JTW"], defaultLevel: .community),
            ])
    }

    @Test func defaultsAndNumericCodes() throws {
        let read = try CatalogPlanner.read(
            try json(
                """
                {"categories": [{"code": 1201, "parentCode": null, "name": "井盖", "kind": "component", "public": null, "grades": null}]}
                """))
        let entry = try #require(read.categories.first)
        #expect(entry.code == "1201")
        #expect(entry.parentCode == nil)
        #expect(entry.isPublic == false)
        #expect(entry.grades.isEmpty)
        #expect(entry.assistingDepartments.isEmpty)
        #expect(entry.defaultLevel == nil)
        #expect(read.profile == nil && read.name == nil)
    }

    @Test func theEncodedFormReadsBackUnchanged() throws {
        let document = CatalogDocument(profile: "p", name: "清单", categories: Self.existing)
        let text = String(decoding: try JSONEncoder().encode(document), as: UTF8.self)
        #expect(try CatalogPlanner.read(try json(text)) == document)
    }

    @Test func unknownKeysAreNamedAtEveryLevel() throws {
        let errors = try readErrors(
            """
            {"categories": [{"code": "SR0101", "name": "暴露垃圾", "kind": "event", "colour": "red",
                             "grades": [{"key": "normal", "name": "一般", "time": 1, "limit": {"amount": 2, "unit": "workDays", "hours": 3}}]}],
             "version": 2}
            """)
        #expect(
            places(errors) == [
                "$.version field.unknown",
                "categories[0].colour field.unknown",
                "categories[0].grades[0].time field.unknown",
                "categories[0].grades[0].limit.hours field.unknown",
            ])
        let entryError = try #require(errors.first { $0.field == "categories[0].colour" })
        #expect(entryError.message.en.contains("leadDepartment"), "the message lists the known fields")
    }

    @Test func aLimitWithoutAUnitIsNamed() throws {
        let errors = try readErrors(
            """
            {"categories": [
              {"code": "A", "name": "暴露垃圾", "kind": "event", "grades": [{"key": "normal", "name": "一般", "limit": {"amount": 2}}]},
              {"code": "B", "name": "积存垃圾", "kind": "event", "grades": [{"key": "normal", "name": "一般", "limit": {"amount": 2, "unit": null}}]},
              {"code": "C", "name": "井盖", "kind": "component", "grades": [{"key": "normal", "name": "一般", "limit": {"amount": 2, "unit": " "}}]},
              {"code": "D", "name": "占道经营", "kind": "event", "grades": [{"key": "normal", "name": "一般", "limit": {"amount": 2, "unit": "hours"}}]}
            ]}
            """)
        try #require(
            places(errors) == [
                "categories[0].grades[0].limit.unit limit.unitMissing",
                "categories[1].grades[0].limit.unit limit.unitMissing",
                "categories[2].grades[0].limit.unit field.required",
                "categories[3].grades[0].limit.unit field.unknownValue",
            ])
        #expect(errors[3].message.en.contains("workHours"), "the allowed units are listed")
    }

    @Test func limitAmountsAndShapesAreChecked() throws {
        let errors = try readErrors(
            """
            {"categories": [
              {"code": "A", "name": "暴露垃圾", "kind": "event", "grades": [{"key": "normal", "name": "一般", "limit": {"amount": -1, "unit": "workDays"}}]},
              {"code": "B", "name": "积存垃圾", "kind": "event", "grades": [{"key": "normal", "name": "一般", "limit": {"amount": 1.5, "unit": "workDays"}}]},
              {"code": "C", "name": "井盖", "kind": "component", "grades": [{"key": "normal", "name": "一般", "limit": {"unit": "workDays"}}]},
              {"code": "D", "name": "占道经营", "kind": "event", "grades": [{"key": "normal", "name": "一般", "limit": "2 days"}]},
              {"code": "E", "name": "乱贴广告", "kind": "event", "grades": [{"key": "normal", "name": "一般"}]}
            ]}
            """)
        #expect(
            places(errors) == [
                "categories[0].grades[0].limit.amount field.range",
                "categories[1].grades[0].limit.amount field.range",
                "categories[2].grades[0].limit.amount field.required",
                "categories[3].grades[0].limit field.notObject",
                "categories[4].grades[0].limit field.required",
            ])
    }

    @Test func requiredFieldsTypesAndValuesAreNamed() throws {
        let errors = try readErrors(
            """
            {"categories": [
              {"name": "暴露垃圾", "kind": "incident"},
              {"code": "SR", "name": "  ", "kind": "event", "public": "yes", "grades": {"key": "normal"}},
              {"code": "SR01", "name": "环境卫生", "assistingDepartments": ["ZJW", 3, ""], "defaultLevel": "city"},
              "井盖",
              {"code": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "name": "过长编码", "kind": "event", "grades": ["normal"]}
            ]}
            """)
        #expect(
            places(errors) == [
                "categories[0].code field.required",
                "categories[0].kind field.unknownValue",
                "categories[1].name field.required",
                "categories[1].public field.type",
                "categories[1].grades field.type",
                "categories[2].kind field.required",
                "categories[2].assistingDepartments[1] field.type",
                "categories[2].assistingDepartments[2] field.type",
                "categories[2].defaultLevel field.unknownValue",
                "categories[3] field.notObject",
                "categories[4].code field.tooLong",
                "categories[4].grades[0] field.notObject",
            ])
    }

    @Test func gradeFieldsAreRequired() throws {
        let errors = try readErrors(
            """
            {"categories": [{"code": "A", "name": "暴露垃圾", "kind": "event",
                             "grades": [{"name": "一般", "limit": {"amount": 2, "unit": "workDays"}}, {"key": "urgent", "limit": {"amount": 4, "unit": "workHours"}}]}]}
            """)
        #expect(places(errors) == ["categories[0].grades[0].key field.required", "categories[0].grades[1].name field.required"])
    }

    @Test func documentShapeErrors() throws {
        #expect(places(try readErrors("[]")) == ["$ field.notObject"])
        #expect(places(try readErrors(#"{"name": "清单"}"#)) == ["categories catalog.noCategories"])
        #expect(places(try readErrors(#"{"categories": {"code": "SR"}}"#)) == ["categories catalog.noCategories"])
        // Top-level problems are reported together with the missing list.
        #expect(
            places(try readErrors(#"{"name": 3.5, "extra": 1}"#)) == [
                "$.extra field.unknown", "$.name field.type", "categories catalog.noCategories",
            ])
    }

    @Test func errorsAreCappedAtTheMaximum() throws {
        let bad = Array(repeating: #"{"name": "暴露垃圾", "kind": "event"}"#, count: 150).joined(separator: ",")
        let errors = try readErrors("{\"categories\": [\(bad)]}")
        #expect(errors.count == OrgPlanner.maxErrors)
        #expect(errors.allSatisfy { $0.code == .fieldRequired && $0.field.hasSuffix(".code") })
    }

    // MARK: planning: changes

    @Test func insertsUpdatesAndLeavesUnchangedEntriesOut() throws {
        var renamed = Self.existing[3]
        renamed.name = "积存垃圾渣土（含建筑垃圾）"
        let entries = [
            Self.existing[2],  // unchanged
            renamed,  // updated
            Self.item("SR0103", "道路不洁", under: "SR01", assisting: ["JTW"]),  // inserted
            Self.existing[0],  // unchanged
        ]
        let plan = try plan(entries)
        try #require(plan.upserts.map(\.code) == ["SR0102", "SR0103"])
        #expect(plan.inserted == 1)
        #expect(plan.updated == 1)
        #expect(plan.unchanged == 2)
        #expect(plan.upserts[0] == renamed)
    }

    @Test func reimportingTheStoredListChangesNothing() throws {
        let plan = try plan(Self.existing)
        #expect(plan.upserts.isEmpty)
        #expect(plan.inserted == 0 && plan.updated == 0)
        #expect(plan.unchanged == Self.existing.count)
    }

    @Test func anyFieldChangeIsAnUpdate() throws {
        var changes: [CategoryEntry] = []
        var e = Self.existing[2]
        e.isPublic = false
        changes.append(e)
        e = Self.existing[2]
        e.grades = [Self.urgent, Self.normal]
        changes.append(e)
        e = Self.existing[2]
        e.assistingDepartments = []
        changes.append(e)
        e = Self.existing[2]
        e.defaultLevel = .street
        changes.append(e)
        e = Self.existing[2]
        e.closingStandard = nil
        changes.append(e)
        e = Self.existing[2]
        e.parentCode = "SR"
        changes.append(e)
        for change in changes {
            let plan = try plan([change])
            #expect(plan.upserts == [change])
            #expect(plan.updated == 1 && plan.inserted == 0 && plan.unchanged == 0)
        }
    }

    @Test func plansParentsBeforeChildrenWhateverTheInputOrder() throws {
        // A new three-level branch given leaves first, plus an item under a stored class.
        let entries = [
            Self.item("YL010101", "绿地脏乱", under: "YL0101"),
            Self.item("SR0104", "乱堆物料", under: "SR01"),
            Self.group("YL0101", "绿地管理", under: "YL01"),
            Self.item("YL010102", "树木倒伏", under: "YL0101", grades: [Self.urgent]),
            Self.group("YL01", "园林绿化", under: "YL"),
            Self.group("YL", "园林"),
        ]
        let plan = try plan(entries)
        #expect(plan.inserted == 6 && plan.updated == 0 && plan.unchanged == 0)
        #expect(Set(plan.upserts.map(\.code)) == Set(entries.map(\.code)))
        let stored = Set(Self.existing.map(\.code))
        for (position, entry) in plan.upserts.enumerated() {
            guard let parent = entry.parentCode else { continue }
            let parentPosition = plan.upserts.firstIndex { $0.code == parent }
            if let parentPosition {
                #expect(parentPosition < position, "\(entry.code) is planned before its parent \(parent)")
            } else {
                #expect(stored.contains(parent), "\(entry.code)'s parent \(parent) is neither planned nor stored")
            }
        }
        #expect(plan.upserts.first?.code == "YL")
    }

    @Test func aMovedBranchIsOrderedByItsNewDepth() throws {
        // 环境卫生 moves under a new class 城市管理 that comes after it in the document.
        var moved = Self.existing[1]
        moved.parentCode = "CS"
        let plan = try plan([moved, Self.group("CS", "城市管理")])
        #expect(plan.upserts.map(\.code) == ["CS", "SR01"])
        #expect(plan.inserted == 1 && plan.updated == 1)
    }

    // MARK: planning: errors

    @Test func duplicateCodesNameBothPlaces() throws {
        let errors = try planErrors([
            Self.item("SR0103", "道路不洁", under: "SR01"),
            Self.item("SR0104", "乱堆物料", under: "SR01"),
            Self.item("SR0103", "道路不洁（重复）", under: "SR01"),
        ])
        try #require(places(errors) == ["categories[2].code catalog.duplicateCode"])
        #expect(errors[0].message.en.contains("categories[0]"))
    }

    @Test func anUnknownParentIsAnError() throws {
        let errors = try planErrors([Self.item("YL0101", "绿地脏乱", under: "YL01")])
        try #require(places(errors) == ["categories[0].parentCode catalog.unknownParent"])
        #expect(errors[0].message.zh.contains("YL01"))
    }

    @Test func aParentGivenLaterInTheDocumentIsKnown() throws {
        let plan = try plan([Self.item("YL0101", "绿地脏乱", under: "YL"), Self.group("YL", "园林绿化")])
        #expect(plan.upserts.map(\.code) == ["YL", "YL0101"])
    }

    @Test func aSelfParentIsReportedOnceAsSuch() throws {
        let errors = try planErrors([Self.item("SR0103", "道路不洁", under: "SR0103")])
        #expect(places(errors) == ["categories[0].parentCode catalog.selfParent"])
    }

    @Test func aCycleThroughStoredEntriesIsFound() throws {
        // 市容环境 placed under its own stored sub-class 环境卫生.
        let errors = try planErrors([Self.group("SR", "市容环境", under: "SR01")])
        #expect(places(errors) == ["categories[0].parentCode catalog.cycle"])
    }

    @Test func aCycleWithinTheDocumentNamesEveryEntryOnIt() throws {
        let errors = try planErrors([
            Self.group("A", "甲类", under: "B"),
            Self.group("B", "乙类", under: "C"),
            Self.group("C", "丙类", under: "A"),
            Self.item("A01", "甲项", under: "A"),
        ])
        #expect(
            places(errors) == [
                "categories[0].parentCode catalog.cycle",
                "categories[1].parentCode catalog.cycle",
                "categories[2].parentCode catalog.cycle",
            ])
    }

    @Test func gradesBelongOnItemsNotClasses() throws {
        let errors = try planErrors([
            Self.item("YL", "园林绿化", under: nil),  // has a child below: a class with grades
            Self.item("YL01", "绿地脏乱", under: "YL"),
        ])
        #expect(places(errors) == ["categories[0].grades catalog.gradesOnClass"])
    }

    @Test func aStoredClassCannotBeGivenGrades() throws {
        var graded = Self.existing[1]  // 环境卫生 has stored children
        graded.grades = [Self.normal]
        #expect(places(try planErrors([graded])) == ["categories[0].grades catalog.gradesOnClass"])
    }

    @Test func aChildUnderAStoredItemIsAnError() throws {
        // 暴露垃圾 is a stored item with grades; a sub-item below it would leave grades on a class.
        let errors = try planErrors([Self.item("SR010101", "小区暴露垃圾", under: "SR0101")])
        #expect(places(errors) == ["categories[0].parentCode catalog.gradesOnClass"])
        // Clearing the item's grades in the same document makes it a class: accepted.
        var cleared = Self.existing[2]
        cleared.grades = []
        let plan = try plan([Self.item("SR010101", "小区暴露垃圾", under: "SR0101"), cleared])
        #expect(plan.upserts.map(\.code) == ["SR0101", "SR010101"])
    }

    @Test func itemsNeedGrades() throws {
        let errors = try planErrors([
            Self.item("SR0103", "道路不洁", under: "SR01", grades: []),
            Self.group("YL", "园林绿化"),  // a new class without items is a leaf without grades
        ])
        #expect(places(errors) == ["categories[0].grades catalog.itemWithoutGrades", "categories[1].grades catalog.itemWithoutGrades"])
    }

    @Test func duplicateGradeKeysAreNamed() throws {
        let again = Grade(key: "normal", name: "一般（重复）", limit: TimeLimit(amount: 1, unit: .workDays))
        let errors = try planErrors([Self.item("SR0103", "道路不洁", under: "SR01", grades: [Self.normal, Self.urgent, again])])
        #expect(places(errors) == ["categories[0].grades[2].key catalog.duplicateGrade"])
    }

    @Test func unknownDepartmentsAreNamedWithTheirPlace() throws {
        let errors = try planErrors([
            Self.item("SR0103", "道路不洁", under: "SR01", lead: "XXX"),
            Self.item("SR0104", "乱堆物料", under: "SR01", lead: "CGW", assisting: ["ZJW", "YYY", "JTW", "ZZZ"]),
        ])
        try #require(
            places(errors) == [
                "categories[0].leadDepartment department.unknown",
                "categories[1].assistingDepartments[1] department.unknown",
                "categories[1].assistingDepartments[3] department.unknown",
            ])
        #expect(errors[0].message.zh.contains("XXX"))
        #expect(errors[2].message.en.contains("ZZZ"))
    }

    @Test func theLeadCannotAlsoAssist() throws {
        let errors = try planErrors([Self.item("SR0103", "道路不洁", under: "SR01", lead: "CGW", assisting: ["ZJW", "CGW"])])
        #expect(places(errors) == ["categories[0].assistingDepartments catalog.leadAssists"])
    }

    @Test func badCodesAreRejected() throws {
        let errors = try planErrors([
            Self.item("暴露垃圾", "暴露垃圾", under: "SR01"),
            Self.item("-SR", "横线开头", under: "SR01"),
            Self.item("SR 01", "含空格", under: "SR01"),
        ])
        #expect(
            places(errors) == [
                "categories[0].code catalog.badCode", "categories[1].code catalog.badCode", "categories[2].code catalog.badCode",
            ])
        // Letters, digits, _ and -, up to 32 characters, are fine.
        _ = try plan([Self.item("SR_01-" + String(repeating: "9", count: 26), "长编码", under: "SR01")])
    }

    @Test func everyProblemOfEveryEntryIsReportedInOnePass() throws {
        let errors = try planErrors([
            Self.item("SR0103", "道路不洁", under: "NOPE", lead: "XXX"),
            Self.item("SR0104", "乱堆物料", under: "SR01", grades: []),
            Self.item("SR0103", "重复", under: "SR01"),
        ])
        #expect(
            Set(places(errors)) == [
                "categories[0].leadDepartment department.unknown",
                "categories[0].parentCode catalog.unknownParent",
                "categories[1].grades catalog.itemWithoutGrades",
                "categories[2].code catalog.duplicateCode",
            ])
        #expect(errors.count == 4)
    }

    @Test func errorPlacesFollowTheCallersSource() throws {
        let error = try #require(
            thrownError { () throws(GridError) in
                try CatalogPlanner.plan(
                    [Self.item("SR0103", "道路不洁", under: "NOPE")], existing: Self.existing,
                    departmentCodes: Self.departments, source: { "第\($0 + 2)行" })
            })
        #expect(places(error.fieldErrors) == ["第2行.parentCode catalog.unknownParent"])
    }

    @Test func readThenPlanEndToEnd() throws {
        let document = try CatalogPlanner.read(
            try json(
                """
                {"categories": [
                  {"code": "SR0103", "parentCode": "SR01", "name": "道路不洁", "kind": "event", "leadDepartment": "CGW",
                   "grades": [{"key": "normal", "name": "一般", "limit": {"amount": 1, "unit": "workDays"}}]},
                  {"code": "SR0101", "parentCode": "SR01", "name": "暴露垃圾", "kind": "event", "public": true,
                   "filingStandard": "垃圾暴露在外", "closingStandard": "清理干净", "leadDepartment": "CGW", "assistingDepartments": ["ZJW"],
                   "defaultLevel": "community",
                   "grades": [{"key": "normal", "name": "一般", "limit": {"amount": 2, "unit": "workDays"}},
                              {"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}}]}
                ]}
                """))
        let plan = try plan(document.categories)
        #expect(plan.upserts.map(\.code) == ["SR0103"])
        #expect(plan.inserted == 1 && plan.updated == 0 && plan.unchanged == 1)
    }

    // MARK: placeholder standards

    @Test func onlyAProfileMarksStandardsAsPlaceholders() throws {
        var marked = Self.existing[2]
        marked.placeholderStandards = true
        let stored = Self.existing.filter { $0.code != marked.code } + [marked]

        var unmarked = marked
        unmarked.placeholderStandards = false
        let same = try CatalogPlanner.plan([unmarked], existing: stored, departmentCodes: Self.departments)
        #expect(same.upserts.isEmpty && same.unchanged == 1, "the same standards keep the stored mark")

        var edited = unmarked
        edited.closingStandard = "垃圾清运完毕，地面无残留"
        let written = try CatalogPlanner.plan([edited], existing: stored, departmentCodes: Self.departments)
        #expect(written.upserts.map(\.placeholderStandards) == [false], "new standards clear the mark")

        var own = Self.item("SR0199", "自定事项", under: "SR01")
        own.placeholderStandards = true
        let imported = try CatalogPlanner.plan([own], existing: Self.existing, departmentCodes: Self.departments)
        #expect(imported.upserts.map(\.placeholderStandards) == [false], "a district's own document cannot set it")
        let profile = try CatalogPlanner.plan([own], existing: Self.existing, departmentCodes: Self.departments, fromProfile: true)
        #expect(profile.upserts.map(\.placeholderStandards) == [true])
    }
}
