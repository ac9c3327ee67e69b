import GridCore
import Testing

@Suite struct OrgPlannerTests {
    // The tree already stored: 110105 district → street 110105001 → (zone Z1 → community 110105001002)
    // and community 110105001001 → grid L1 110105001001001 → grid L2 (existing, code taken as stored).
    static let district = TreeNode(id: 1, code: "110105", kind: .district, gridLevel: nil, path: .root(1), parentId: nil)
    static let street = TreeNode(id: 2, code: "110105001", kind: .street, gridLevel: nil, path: ScopePath("1.2.")!, parentId: 1)
    static let zone = TreeNode(id: 3, code: "Z1", kind: .zone, gridLevel: nil, path: ScopePath("1.2.3.")!, parentId: 2)
    static let community = TreeNode(id: 4, code: "110105001001", kind: .community, gridLevel: nil, path: ScopePath("1.2.4.")!, parentId: 2)
    static let grid1 = TreeNode(id: 5, code: "110105001001001", kind: .grid, gridLevel: 1, path: ScopePath("1.2.4.5.")!, parentId: 4)
    static let grid2 = TreeNode(id: 6, code: "110105001001002", kind: .grid, gridLevel: 2, path: ScopePath("1.2.4.5.6.")!, parentId: 5)
    static let zoneCommunity = TreeNode(id: 7, code: "110105001002", kind: .community, gridLevel: nil, path: ScopePath("1.2.3.7.")!, parentId: 3)
    static let existing = [district, street, zone, community, grid1, grid2, zoneCommunity]

    func draft(
        _ index: Int, _ code: String, _ kind: OrgUnitKind, under parent: String, level: Int? = nil,
        name: String = "单元", area: Area? = nil
    ) -> UnitDraft {
        UnitDraft(
            source: "features[\(index)]", code: code, name: name, kind: kind, gridLevel: level, parentCode: parent,
            area: area ?? (kind == .grid ? square() : nil))
    }

    func plan(_ drafts: [UnitDraft], existing: [TreeNode] = existing, maxGridLevels: Int = 2) throws(GridError) -> [PlannedUnit] {
        try OrgPlanner.plan(drafts, existing: existing, maxGridLevels: maxGridLevels)
    }

    /// The field errors of a plan that must fail.
    func errors(
        _ drafts: [UnitDraft], existing: [TreeNode] = existing, maxGridLevels: Int = 2,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [FieldError] {
        let error = try #require(
            thrownError { () throws(GridError) in
                try OrgPlanner.plan(drafts, existing: existing, maxGridLevels: maxGridLevels)
            }, "expected the plan to be rejected", sourceLocation: sourceLocation)
        #expect(error.code == .validationFailed, sourceLocation: sourceLocation)
        #expect(error.kind == .badRequest, sourceLocation: sourceLocation)
        #expect(!error.fieldErrors.isEmpty, sourceLocation: sourceLocation)
        return error.fieldErrors
    }

    /// Checks that every unit comes after its parent and is linked to the right one.
    func expectParentFirst(_ planned: [PlannedUnit], existing: [TreeNode] = existing, sourceLocation: SourceLocation = #_sourceLocation) {
        for (position, unit) in planned.enumerated() {
            switch unit.parent {
            case .existing(let node):
                #expect(node.code == unit.draft.parentCode, sourceLocation: sourceLocation)
                #expect(existing.contains(node), sourceLocation: sourceLocation)
            case .planned(let p):
                #expect(p < position, "\(unit.draft.source) placed before its parent", sourceLocation: sourceLocation)
                #expect(planned[p].draft.code == unit.draft.parentCode, sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: ordering

    @Test func plansAWholeBranchParentFirstWhateverTheInputOrder() throws {
        let drafts = [
            draft(0, "110105100200001", .grid, under: "110105100200"),
            draft(1, "110105100200", .village, under: "Z9"),
            draft(2, "110105002001005", .grid, under: "110105002001"),
            draft(3, "Z9", .zone, under: "110105100"),
            draft(4, "110105002001", .community, under: "110105002"),
            draft(5, "110105100", .township, under: "110105"),
            draft(6, "110105002", .street, under: "110105"),
        ]
        for order in [drafts, drafts.reversed(), [drafts[3], drafts[0], drafts[6], drafts[1], drafts[5], drafts[2], drafts[4]]] {
            let planned = try plan(order)
            #expect(planned.count == drafts.count)
            #expect(Set(planned.map(\.draft.source)) == Set(drafts.map(\.source)))
            expectParentFirst(planned)
            let grids = planned.filter { $0.draft.kind == .grid }
            #expect(grids.map(\.gridLevel) == [1, 1], "grids under a village or community are level 1")
            #expect(planned.filter { $0.draft.kind != .grid }.allSatisfy { $0.gridLevel == nil })
        }
    }

    @Test func attachesToExistingUnits() throws {
        let planned = try plan([
            draft(0, "110105001003", .community, under: "110105001"),
            draft(1, "110105001001007", .grid, under: "110105001001"),
            draft(2, "110105001150", .community, under: "Z1"),
        ])
        #expect(planned.count == 3)
        for unit in planned {
            guard case .existing(let node) = unit.parent else {
                Issue.record("\(unit.draft.source) should hang under an existing unit")
                continue
            }
            #expect(node.code == unit.draft.parentCode)
        }
        #expect(planned.first { $0.draft.kind == .grid }?.gridLevel == 1)
    }

    @Test func aLongChainGivenChildFirstIsReversed() throws {
        // district → township → zone → village → grid, each draft naming the next one given as its parent.
        let planned = try plan([
            draft(0, "110105300201001", .grid, under: "110105300201"),
            draft(1, "110105300201", .village, under: "east"),
            draft(2, "east", .zone, under: "110105300"),
            draft(3, "110105300", .township, under: "110105"),
        ])
        #expect(planned.map(\.draft.source) == ["features[3]", "features[2]", "features[1]", "features[0]"])
        #expect(planned.map(\.parent) == [.existing(Self.district), .planned(0), .planned(1), .planned(2)])
    }

    @Test func anEmptyPlanIsFine() throws {
        #expect(try plan([]).isEmpty)
    }

    // MARK: parents

    @Test func unknownParentIsReportedOnTheParentCode() throws {
        let errors = try errors([
            draft(0, "110105001004", .community, under: "110105001"),
            draft(1, "110105009", .street, under: "110109"),
        ])
        #expect(errors.map(\.field) == ["features[1].parentCode"])
        #expect(errors.first?.code == .orgUnitUnknownParent)
        #expect(errors.first?.message.en.contains("'110109' does not exist") == true)
    }

    @Test func childrenOfAnUnknownParentAreNotPlanned() throws {
        let errors = try errors([
            draft(0, "110105009001", .community, under: "110105009"),
            draft(1, "110105009", .street, under: "999999"),
        ])
        #expect(errors.map(\.code.rawValue) == ["org.unit.unknownParent"])
        #expect(errors.map(\.field) == ["features[1].parentCode"])
    }

    // MARK: duplicates

    @Test func duplicateCodeWithinTheFileNamesTheFirstOccurrence() throws {
        let errors = try errors([
            draft(0, "110105005", .street, under: "110105"),
            draft(1, "110105006", .street, under: "110105"),
            draft(2, "110105005", .street, under: "110105", name: "again"),
        ])
        #expect(errors.map(\.field) == ["features[2].code"])
        #expect(errors.first?.code == .orgUnitDuplicateCode)
        #expect(errors.first?.message.en.contains("repeats features[0]") == true)
    }

    @Test func duplicateOfAnExistingCodeIsReported() throws {
        let errors = try errors([
            draft(0, "110105005", .street, under: "110105"),
            draft(1, "110105001", .street, under: "110105"),
            draft(2, "Z1", .zone, under: "110105001"),
        ])
        #expect(errors.map(\.field) == ["features[1].code", "features[2].code"])
        #expect(errors.allSatisfy { $0.code == .orgUnitDuplicateCode })
        #expect(errors.first?.message.en.contains("already exists") == true)
    }

    // MARK: cycles

    @Test func twoUnitsNamingEachOtherAsParentFormACycle() throws {
        let errors = try errors([
            draft(0, "ZA", .zone, under: "ZB"),
            draft(1, "ZB", .zone, under: "ZA"),
        ])
        #expect(errors.count == 1)
        #expect(errors.first?.code == .orgUnitCycle)
        #expect(["features[0].parentCode", "features[1].parentCode"].contains(errors.first?.field ?? ""))
    }

    @Test func aCycleWithATailIsReportedOnceAndNothingIsPlanned() throws {
        let errors = try errors([
            draft(0, "110105001009", .community, under: "ZA"),
            draft(1, "ZA", .zone, under: "ZC"),
            draft(2, "ZB", .zone, under: "ZA"),
            draft(3, "ZC", .zone, under: "ZB"),
            draft(4, "110105007", .street, under: "110105"),
        ])
        #expect(errors.map(\.code.rawValue) == ["org.unit.cycle"])
        #expect(["features[1].parentCode", "features[2].parentCode", "features[3].parentCode"].contains(errors.first?.field ?? ""))
    }

    @Test func aUnitThatIsItsOwnParentIsACycle() throws {
        // A self-parent is a cycle of one, not an unknown parent: Z5 exists, it is the unit itself.
        let errors = try errors([draft(0, "Z5", .zone, under: "Z5")])
        #expect(errors.map(\.field) == ["features[0].parentCode"])
        #expect(errors.map(\.code.rawValue) == ["org.unit.cycle"])
    }

    // MARK: kinds

    @Test(arguments: [
        (OrgUnitKind.community, "110105001", "110105"),  // community directly under the district
        (.street, "110105001005", "110105001"),  // street under a street
        (.zone, "Z2", "Z1"),  // zone under a zone
        (.village, "110105001001200", "110105001001"),  // village under a community
        (.grid, "110105001001", "110105001"),  // grid under a street
        (.district, "110106", "110105"),  // a second district
        (.street, "110105001001050", "110105001001001"),  // street under a grid
    ])
    func kindThatCannotHangThereIsReportedOnKind(kind: OrgUnitKind, code: String, parent: String) throws {
        let errors = try errors([draft(0, code, kind, under: parent)])
        let kindError = try #require(errors.first { $0.field == "features[0].kind" })
        #expect(kindError.code == .orgUnitKindNotAllowed)
        #expect(kindError.message.en.contains("a \(kind.rawValue)"))
        #expect(kindError.message.en.contains("'\(parent)'"))
    }

    @Test func everyProblemOfOneDraftIsReported() throws {
        // A community under the district: wrong place and a code that does not fit either.
        let errors = try errors([draft(0, "12345", .community, under: "110105", name: "")])
        #expect(Set(errors.map(\.field)) == ["features[0].kind", "features[0].code", "features[0].name"])
    }

    // MARK: grid levels

    @Test func gridLevelIsInferredFromAGridParent() throws {
        // Under the existing level-2 grid the inferred level is 3: out of range for a 2-level tenant.
        let errors = try errors([draft(0, "110105001001003", .grid, under: "110105001001002")])
        let levelError = try #require(errors.first { $0.field == "features[0].gridLevel" })
        #expect(levelError.code == .orgUnitGridLevelOutOfRange)
        #expect(levelError.message.en.contains("grid level 3 is outside this district's levels 1–2"))
    }

    @Test func inferredLevelTwoIsOutOfRangeForASingleLevelTenant() throws {
        let errors = try errors([draft(0, "110105001001003", .grid, under: "110105001001001")], maxGridLevels: 1)
        let levelError = try #require(errors.first { $0.field == "features[0].gridLevel" })
        #expect(levelError.message.en.contains("grid level 2 is outside this district's levels 1–1"))
    }

    @Test func explicitGridLevelBeyondTheTenantsLevelsIsRejected() throws {
        let errors = try errors([draft(0, "110105001001003", .grid, under: "110105001001", level: 3)])
        #expect(errors.map(\.field) == ["features[0].gridLevel"])
        #expect(errors.first?.code == .orgUnitGridLevelOutOfRange)
    }

    @Test func explicitGridLevelMustFollowTheParent() throws {
        // A level-2 grid straight under a community, and a level-1 grid under a level-1 grid.
        let underCommunity = try errors([draft(0, "110105001001003", .grid, under: "110105001001", level: 2)])
        #expect(
            underCommunity.first { $0.field == "features[0].kind" }?.message.en
                .contains("a grid (level 2) cannot be placed under the community") == true)
        let underGrid = try errors([draft(0, "110105001001003", .grid, under: "110105001001001", level: 1)])
        #expect(
            underGrid.first { $0.field == "features[0].kind" }?.message.en
                .contains("a grid (level 1) cannot be placed under the grid (level 1)") == true)
    }

    @Test func explicitLevelOneUnderACommunityIsKept() throws {
        let planned = try plan([draft(0, "110105001001003", .grid, under: "110105001001", level: 1)])
        #expect(planned.map(\.gridLevel) == [1])
    }

    @Test func onlyGridsHaveAGridLevel() throws {
        let errors = try errors([draft(0, "110105001005", .community, under: "110105001", level: 1)])
        #expect(errors.map(\.field) == ["features[0].gridLevel"])
        #expect(errors.first?.code == .orgUnitGridLevelNotGrid)
    }

    @Test func aNestedGridIsCodedFromItsCommunity() throws {
        // A level-2 grid under a level-1 grid extends the community's 12-digit code, like every grid.
        let planned = try plan([draft(0, "110105001001101", .grid, under: "110105001001001")])
        #expect(planned.first?.gridLevel == 2)
        let errors = try errors([draft(0, "110105001001001001", .grid, under: "110105001001001")])
        #expect(errors.map(\.code.rawValue) == ["org.unit.badCode"])
    }

    // MARK: codes

    @Test func codeMustExtendTheParentsCode() throws {
        let errors = try errors([draft(0, "110106009", .street, under: "110105")])
        #expect(errors.map(\.field) == ["features[0].code"])
        #expect(errors.first?.code == .orgUnitBadCode)
        #expect(errors.first?.message.en.contains("must start with its parent's code '110105'") == true)
    }

    @Test func codeSegmentMustFitTheKind() throws {
        let errors = try errors([
            draft(0, "110105050", .township, under: "110105"),
            draft(1, "110105001250", .community, under: "110105001"),
            draft(2, "110105001001000", .grid, under: "110105001001"),
        ])
        #expect(errors.map(\.field) == ["features[0].code", "features[1].code", "features[2].code"])
        #expect(errors.allSatisfy { $0.code == .orgUnitBadCode })
        #expect(errors[0].message.en.contains("within 100–399"))
        #expect(errors[1].message.en.contains("within 001–199"))
    }

    @Test func zonesAreSkippedWhenFindingTheCodedAncestor() throws {
        // Under the existing zone Z1 (in street 110105001) a community extends the street's code…
        #expect(try plan([draft(0, "110105001120", .community, under: "Z1")]).count == 1)
        let wrong = try errors([draft(0, "110105120", .community, under: "Z1")])
        #expect(wrong.first?.message.en.contains("must be 12 digits") == true)
        let otherStreet = try errors([draft(0, "110105002120", .community, under: "Z1")])
        #expect(otherStreet.first?.message.en.contains("'110105001'") == true)
        // …and so it does under a zone created in the same plan.
        let planned = try plan([
            draft(0, "110105200250", .village, under: "Z7"),
            draft(1, "Z7", .zone, under: "110105200"),
            draft(2, "110105200", .township, under: "110105"),
        ])
        #expect(planned.count == 3)
        let bad = try errors([
            draft(0, "110105201250", .village, under: "Z7"),
            draft(1, "Z7", .zone, under: "110105200"),
            draft(2, "110105200", .township, under: "110105"),
        ])
        #expect(bad.map(\.field) == ["features[0].code"])
        #expect(bad.first?.message.en.contains("'110105200'") == true)
    }

    @Test func codesUnderAPlannedParentExtendThatParent() throws {
        let errors = try errors([
            draft(0, "110105003001", .community, under: "110105004"),
            draft(1, "110105004", .street, under: "110105"),
        ])
        #expect(errors.map(\.field) == ["features[0].code"])
        #expect(errors.first?.message.en.contains("'110105004'") == true)
    }

    // MARK: geometry and name

    @Test func aGridNeedsAGeometry() throws {
        let noArea = UnitDraft(
            source: "features[3]", code: "110105001001009", name: "g", kind: .grid, gridLevel: nil,
            parentCode: "110105001001", area: nil)
        let errors = try errors([
            draft(0, "110105001006", .community, under: "110105001"), draft(1, "110105001007", .community, under: "110105001"),
            draft(2, "110105001008", .community, under: "110105001"), noArea,
        ])
        #expect(errors.map(\.field) == ["features[3].geometry"])
        #expect(errors.first?.code == .orgUnitGridNeedsGeometry)
    }

    @Test func otherKindsMayHaveAGeometry() throws {
        let planned = try plan([draft(0, "110105001006", .community, under: "110105001", area: square())])
        #expect(planned.first?.draft.area == square())
    }

    @Test func nameMustBeOneToAHundredCharacters() throws {
        #expect(try plan([draft(0, "110105001006", .community, under: "110105001", name: String(repeating: "名", count: 100))]).count == 1)
        let errors = try errors([
            draft(0, "110105001006", .community, under: "110105001", name: ""),
            draft(1, "110105001007", .community, under: "110105001", name: String(repeating: "名", count: 101)),
        ])
        #expect(errors.map(\.field) == ["features[0].name", "features[1].name"])
        #expect(errors.allSatisfy { $0.code == .orgUnitBadName })
    }

    // MARK: error collection

    @Test func errorsOfDifferentDraftsAreAllReportedByField() throws {
        let errors = try errors([
            draft(0, "110105008", .street, under: "110105"),
            draft(1, "110105009", .street, under: "110199"),
            draft(2, "110105008", .street, under: "110105"),
            draft(3, "110105008001", .community, under: "110105008", name: ""),
        ])
        #expect(Set(errors.map(\.field)) == ["features[1].parentCode", "features[2].code", "features[3].name"])
    }

    @Test func errorsAreCappedAtMaxErrors() throws {
        let drafts = (0..<(OrgPlanner.maxErrors + 30)).map { draft($0, "loose-\($0)", .zone, under: "nowhere") }
        let errors = try errors(drafts)
        #expect(errors.count == OrgPlanner.maxErrors)
        #expect(errors.allSatisfy { $0.code == .orgUnitUnknownParent })
    }

    @Test func apiBodySourceNamesBodyFields() throws {
        let body = UnitDraft(source: "body", code: "110105001", name: "x", kind: .street, gridLevel: nil, parentCode: "110105", area: nil)
        let errors = try errors([body])
        #expect(errors.map(\.field) == ["body.code"])
    }

    // MARK: end to end

    @Test func aGeoJSONImportInAnyOrderPlansCleanly() throws {
        let polygon = #"{"type":"Polygon","coordinates":[[[116.3,39.9],[116.31,39.9],[116.31,39.91],[116.3,39.9]]]}"#
        let value = try json(
            #"""
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":"110105300250001","name":"一网格","kind":"basicGrid","parentCode":"110105300250"},"geometry":\#(polygon)},
              {"type":"Feature","properties":{"code":"110105300250","name":"某村","kind":"village","parentCode":"north"},"geometry":null},
              {"type":"Feature","properties":{"code":"north","name":"北片","kind":"zone","parentCode":110105300},"geometry":null},
              {"type":"Feature","properties":{"code":110105300,"name":"某镇","kind":"township","parentCode":"110105"},"geometry":null}
            ]}
            """#)
        let drafts = try OrgGeoJSON.drafts(from: value, gridLevels: GridLevel.defaults)
        let planned = try OrgPlanner.plan(drafts, existing: [Self.district], maxGridLevels: GridLevel.defaults.count)
        #expect(planned.map(\.draft.code) == ["110105300", "north", "110105300250", "110105300250001"])
        #expect(planned.map(\.gridLevel) == [nil, nil, nil, 1])
        expectParentFirst(planned, existing: [Self.district])
    }
}

@Suite struct OrgPlannerSettingsTests {
    @Test func aDistrictWithoutGridLevelsRefusesGridsInsteadOfTrapping() throws {
        let root = TreeNode(id: 1, code: "110105", kind: .district, gridLevel: nil, path: .root(1), parentId: nil)
        let community = TreeNode(id: 2, code: "110105001001", kind: .community, gridLevel: nil, path: ScopePath("1.3.2.")!, parentId: 3)
        let street = TreeNode(id: 3, code: "110105001", kind: .street, gridLevel: nil, path: ScopePath("1.3.")!, parentId: 1)
        let ring = [(116.3, 39.9), (116.31, 39.9), (116.31, 39.91), (116.3, 39.9)].map { Coordinate(lng: $0.0, lat: $0.1)! }
        let draft = UnitDraft(
            source: "body", code: "110105001001001", name: "网格", kind: .grid, gridLevel: nil, parentCode: "110105001001",
            area: Area(polygons: [[ring]]))
        do {
            _ = try OrgPlanner.plan([draft], existing: [root, street, community], maxGridLevels: 0)
            Issue.record("a grid was planned in a district without grid levels")
        } catch {
            #expect(error.fieldErrors.map(\.code.rawValue) == ["org.unit.gridLevelOutOfRange"])
        }
    }
}
