import GridCore
import Testing

/// A re-import matched to the tree by code: what is added, changed, moved, retired and restored,
/// and what it refuses.
@Suite struct OrgReconcileTests {
    // 110105 district → street 110105001 (zone Z1) → community 110105001001 → grid 110105001001001;
    // community 110105001002 → grid 110105001002001 (retired); street 110105002.
    static let district = TreeNode(id: 1, code: "110105", kind: .district, gridLevel: nil, path: .root(1), parentId: nil, name: "朝阳区")
    static let street = TreeNode(id: 2, code: "110105001", kind: .street, gridLevel: nil, path: ScopePath("1.2.")!, parentId: 1, name: "甲街道")
    static let zone = TreeNode(id: 3, code: "Z1", kind: .zone, gridLevel: nil, path: ScopePath("1.2.3.")!, parentId: 2, name: "北片")
    static let community = TreeNode(
        id: 4, code: "110105001001", kind: .community, gridLevel: nil, path: ScopePath("1.2.4.")!, parentId: 2, name: "一社区")
    static let grid = TreeNode(id: 5, code: "110105001001001", kind: .grid, gridLevel: 1, path: ScopePath("1.2.4.5.")!, parentId: 4, name: "一网格")
    static let community2 = TreeNode(
        id: 6, code: "110105001002", kind: .community, gridLevel: nil, path: ScopePath("1.2.6.")!, parentId: 2, name: "二社区")
    static let retiredGrid = TreeNode(
        id: 7, code: "110105001002001", kind: .grid, gridLevel: 1, path: ScopePath("1.2.6.7.")!, parentId: 6, name: "旧网格", retired: true)
    static let street2 = TreeNode(id: 8, code: "110105002", kind: .street, gridLevel: nil, path: ScopePath("1.8.")!, parentId: 1, name: "乙街道")
    static let existing = [district, street, zone, community, grid, community2, retiredGrid, street2]

    /// The file for street 1 as the tree has it (without the retired grid).
    static func sameStreet() -> [UnitDraft] {
        [
            draft(0, "110105001", "甲街道", .street, nil), draft(1, "Z1", "北片", .zone, "110105001"),
            draft(2, "110105001001", "一社区", .community, "110105001"), draft(3, "110105001001001", "一网格", .grid, "110105001001"),
            draft(4, "110105001002", "二社区", .community, "110105001"),
        ]
    }

    static func draft(_ i: Int, _ code: String, _ name: String, _ kind: OrgUnitKind, _ parent: String?) -> UnitDraft {
        UnitDraft(source: "features[\(i)]", code: code, name: name, kind: kind, gridLevel: nil, parentCode: parent, area: kind == .grid ? square() : nil)
    }

    func reconcile(_ drafts: [UnitDraft], geometryChanged: Set<String> = []) throws(GridError) -> OrgImportPlan {
        try OrgPlanner.reconcile(drafts, existing: Self.existing, maxGridLevels: 2, geometryChanged: geometryChanged)
    }

    func errors(_ drafts: [UnitDraft], sourceLocation: SourceLocation = #_sourceLocation) throws -> [FieldError] {
        let error = try #require(thrownError { () throws(GridError) in try reconcile(drafts) }, sourceLocation: sourceLocation)
        return error.fieldErrors
    }

    @Test func theSameTreeAgainChangesNothing() throws {
        let plan = try reconcile(Self.sameStreet())
        #expect(plan.added.isEmpty && plan.updated.isEmpty && plan.retired.isEmpty)
        #expect(plan.unchanged == 5)
    }

    @Test func aTopUnitWithoutParentCodeHangsUnderTheDistrict() throws {
        let plan = try reconcile([Self.draft(0, "110105003", "丙街道", .street, nil)])
        #expect(plan.added.map(\.parent) == [.existing(Self.district)])
        #expect(plan.retired.isEmpty, "a new top unit covers no part of the tree")
    }

    @Test func renamesRedrawsAndMovesAreNamedField() throws {
        var drafts = Self.sameStreet()
        drafts[0].name = "甲街道（新）"
        drafts[4].parentCode = "Z1"
        let plan = try reconcile(drafts, geometryChanged: ["110105001001001"])
        #expect(plan.updated.map(\.node.code) == ["110105001", "110105001001001", "110105001002"])
        #expect(plan.updated.map(\.fields) == [[.name], [.geometry], [.parent]])
        #expect(plan.updated[2].parent == .existing(Self.zone))
        #expect(plan.unchanged == 2)
        let diff = OrgImportDiff(plan)
        #expect(diff.changed.map(\.unit.code) == ["110105001", "110105001001001"])
        #expect(diff.moved.map { "\($0.unit.code) \($0.unit.name) \($0.from ?? "-")→\($0.to ?? "-")" } == ["110105001002 二社区 110105001→Z1"])
        #expect(diff.lines(chinese: true).contains("> 移动 110105001002 二社区：110105001 → Z1"))
    }

    @Test func unitsOfTheFilesSubtreeItNoLongerListsAreRetiredOnlyThere() throws {
        // Community 2 is gone from street 1's file; street 2 is not in the file and stays.
        let plan = try reconcile(Array(Self.sameStreet().prefix(4)))
        #expect(plan.retired.map(\.code) == ["110105001002"], "the already retired grid is not retired again")
        let diff = OrgImportDiff(plan, openCases: [3])
        #expect(diff.openCasesInRetired == 3)
        #expect(diff.lines(chinese: false).contains("- retire 110105001002 二社区 (3 open cases)"))
        #expect(diff.lines(chinese: true).first == "新增 0，修改 0，移动 0，撤销 1，不变 4")
    }

    @Test func aFileWithTheDistrictCoversTheWholeTree() throws {
        let plan = try reconcile([Self.draft(0, "110105", "朝阳区", .district, nil)] + Self.sameStreet())
        #expect(plan.retired.map(\.code) == ["110105002"])
        #expect(plan.unchanged == 6)
    }

    @Test func aRetiredUnitInTheFileComesBack() throws {
        let plan = try reconcile(Self.sameStreet() + [Self.draft(5, "110105001002001", "旧网格", .grid, "110105001002")])
        #expect(plan.updated.map(\.node.code) == ["110105001002001"])
        #expect(plan.updated.first?.fields == [.restored])
        #expect(OrgImportDiff(plan).lines(chinese: false).contains("~ change 110105001002001 旧网格: restored"))
    }

    @Test func aMoveUnderANewUnitPointsAtItsPlannedPosition() throws {
        var drafts = Self.sameStreet()
        drafts[4].parentCode = "Z2"
        drafts.append(Self.draft(5, "Z2", "南片", .zone, "110105001"))
        let plan = try reconcile(drafts)
        #expect(plan.added.map(\.draft.code) == ["Z2"])
        #expect(plan.updated.first { $0.node.code == "110105001002" }?.parent == .planned(0))
        #expect(OrgImportDiff(plan).moved.first?.to == "Z2")
    }

    @Test func aKnownCodeKeepsItsKind() throws {
        var drafts = Self.sameStreet()
        drafts[1] = Self.draft(1, "Z1", "北片", .community, "110105001")
        let errors = try errors(drafts)
        #expect(errors.contains { $0.field == "features[1].kind" && $0.code == .orgUnitKindChanged })
    }

    @Test func aParentTheFileDropsOrThatIsRetiredIsRefused() throws {
        // The grid names community 2, which is under the file's street and not in the file.
        let dropped = try errors([Self.draft(0, "110105001", "甲街道", .street, nil), Self.draft(1, "110105001002009", "新网格", .grid, "110105001002")])
        #expect(dropped.map(\.code.rawValue) == ["org.unit.parentRetired"])
        #expect(dropped.first?.message.en.contains("would be retired") == true)
        let retired = try errors([Self.draft(0, "110105001002001001", "微网格", .grid, "110105001002001")])
        #expect(retired.contains { $0.code == .orgUnitParentRetired && $0.message.en.contains("is retired") })
    }

    @Test func aMoveUnderItsOwnDescendantIsRefused() throws {
        // Only the community is in the file; it names the grid below it, which the file drops, as its parent.
        let errors = try errors([Self.draft(0, "110105001001", "一社区", .community, "110105001001001")])
        #expect(errors.map(\.code.rawValue) == ["org.unit.parentRetired"])
        let zoneUnderCommunity = try self.errors([
            Self.draft(0, "110105001001", "一社区", .community, "Z1"), Self.draft(1, "Z1", "北片", .zone, "110105001001"),
        ])
        #expect(zoneUnderCommunity.contains { $0.code == .orgUnitCycle })
    }

    @Test func anotherDistrictsCodeIsRefused() throws {
        let errors = try errors([Self.draft(0, "110106", "海淀区", .district, nil)])
        #expect(errors.map(\.code.rawValue) == ["org.unit.notThisDistrict"])
        #expect(errors.first?.message.en.contains("'110106' is not this district's '110105'") == true)
    }

    @Test func creatingStillRefusesAKnownCode() throws {
        let error = try #require(
            thrownError { () throws(GridError) in
                try OrgPlanner.plan([Self.draft(0, "110105001", "甲", .street, nil)], existing: Self.existing, maxGridLevels: 2)
            })
        #expect(error.fieldErrors.map(\.code.rawValue) == ["org.unit.duplicateCode"])
    }
}

@Suite struct SpreadsheetTextTests {
    @Test(arguments: ["1.10102E+14", "1.10102e+14", "1E+14", "110102000000.0", "13800138000.0", "1.38001E+10", "-1.5E3"])
    func numbersASpreadsheetWroteAreCaught(text: String) {
        #expect(SpreadsheetText.isMangledNumber(text))
    }

    @Test(arguments: ["110102001", "E0101", "13800138000", "010-62345678", "Z1", "110102-CGK", ""])
    func digitStringsAndOtherCodesPass(text: String) {
        #expect(!SpreadsheetText.isMangledNumber(text))
    }

    @Test func roundedCodesHaveAZeroSegment() {
        #expect(SpreadsheetText.looksRounded("110102000"))
        #expect(SpreadsheetText.looksRounded("110102001000001"))
        #expect(SpreadsheetText.looksRounded("1101020010010011"))
        #expect(!SpreadsheetText.looksRounded("110102"))
        #expect(!SpreadsheetText.looksRounded("110102001001001"))
    }
}
