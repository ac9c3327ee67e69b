import GridCore
import Testing

@Suite struct UnitCodeTests {
    @Test(arguments: ["110105", "310101", "999999"])
    func districtCodeOfSixDigitsIsAccepted(code: String) {
        #expect(UnitCode.problem(kind: .district, code: code, ancestorCode: nil) == nil)
    }

    @Test(arguments: ["11010", "1101050", "11010a", "", "０１０１０５", "１１０１０５", " 11010"])
    func districtCodeMustBeSixAsciiDigits(code: String) throws {
        let problem = try #require(UnitCode.problem(kind: .district, code: code, ancestorCode: nil))
        #expect(problem.en.contains("must be 6 digits"))
    }

    @Test func districtCodeCannotStartWithZero() throws {
        let problem = try #require(UnitCode.problem(kind: .district, code: "010105", ancestorCode: nil))
        #expect(problem.en.contains("cannot start with 0"))
        #expect(problem.zh.contains("不能以 0 开头"))
    }

    @Test(arguments: ["110105001", "110105050", "110105099"])
    func streetSegmentIsWithin001And099(code: String) {
        #expect(UnitCode.problem(kind: .street, code: code, ancestorCode: "110105") == nil)
    }

    @Test(arguments: ["110105000", "110105100", "110105399", "110105999"])
    func streetSegmentOutsideRangeIsRejected(code: String) throws {
        let problem = try #require(UnitCode.problem(kind: .street, code: code, ancestorCode: "110105"))
        #expect(problem.en.contains("within 001–099"))
    }

    @Test(arguments: ["110105100", "110105250", "110105399"])
    func townshipSegmentIsWithin100And399(code: String) {
        #expect(UnitCode.problem(kind: .township, code: code, ancestorCode: "110105") == nil)
    }

    @Test(arguments: ["110105001", "110105099", "110105400", "110105000"])
    func townshipSegmentOutsideRangeIsRejected(code: String) throws {
        let problem = try #require(UnitCode.problem(kind: .township, code: code, ancestorCode: "110105"))
        #expect(problem.en.contains("within 100–399"))
    }

    @Test func communityAndVillageSegmentsSplitAt200() {
        let street = "110105001"
        #expect(UnitCode.problem(kind: .community, code: street + "001", ancestorCode: street) == nil)
        #expect(UnitCode.problem(kind: .community, code: street + "199", ancestorCode: street) == nil)
        #expect(UnitCode.problem(kind: .community, code: street + "200", ancestorCode: street)?.en.contains("within 001–199") == true)
        #expect(UnitCode.problem(kind: .community, code: street + "000", ancestorCode: street) != nil)
        #expect(UnitCode.problem(kind: .village, code: street + "200", ancestorCode: street) == nil)
        #expect(UnitCode.problem(kind: .village, code: street + "399", ancestorCode: street) == nil)
        #expect(UnitCode.problem(kind: .village, code: street + "199", ancestorCode: street)?.en.contains("within 200–399") == true)
        #expect(UnitCode.problem(kind: .village, code: street + "400", ancestorCode: street) != nil)
    }

    @Test func gridSegmentIsWithin001And999() {
        let community = "110105001001"
        #expect(UnitCode.problem(kind: .grid, code: community + "001", ancestorCode: community) == nil)
        #expect(UnitCode.problem(kind: .grid, code: community + "999", ancestorCode: community) == nil)
        #expect(UnitCode.problem(kind: .grid, code: community + "000", ancestorCode: community)?.en.contains("within 001–999") == true)
    }

    @Test(arguments: [
        (OrgUnitKind.street, "11010500", "110105"),
        (.township, "1101051000", "110105"),
        (.community, "11010500100", "110105001"),
        (.village, "110105001200x", "110105001"),
        (.grid, "11010500100100", "110105001001"),
    ])
    func codeMustHaveTheKindsDigitCount(kind: OrgUnitKind, code: String, ancestor: String) throws {
        let problem = try #require(UnitCode.problem(kind: kind, code: code, ancestorCode: ancestor))
        let digits = [OrgUnitKind.street: 9, .township: 9, .community: 12, .village: 12, .grid: 15][kind]!
        #expect(problem.en.contains("must be \(digits) digits"))
    }

    @Test func codeMustExtendTheAncestorsCode() throws {
        let problem = try #require(UnitCode.problem(kind: .street, code: "110106001", ancestorCode: "110105"))
        #expect(problem.en.contains("must start with its parent's code '110105'"))
        #expect(UnitCode.problem(kind: .community, code: "110105002001", ancestorCode: "110105001") != nil)
        #expect(UnitCode.problem(kind: .grid, code: "110105001002001", ancestorCode: "110105001001") != nil)
    }

    @Test func ancestorOfTheWrongLengthIsRejectedEvenWhenItIsAPrefix() {
        // A street's ancestor must be a 6-digit district, not a 9-digit code that happens to prefix it.
        #expect(UnitCode.problem(kind: .street, code: "110105001", ancestorCode: "11010") != nil)
        // A community cannot hang straight off the district code.
        #expect(UnitCode.problem(kind: .community, code: "110105001001", ancestorCode: "110105") != nil)
    }

    @Test(arguments: [OrgUnitKind.street, .township, .community, .village, .grid])
    func nonDistrictNationalCodeNeedsAnAncestor(kind: OrgUnitKind) throws {
        let code = String(repeating: "1", count: [OrgUnitKind.street: 9, .township: 9, .community: 12, .village: 12, .grid: 15][kind]!)
        let problem = try #require(UnitCode.problem(kind: kind, code: code, ancestorCode: nil))
        #expect(problem.en.contains("has no coded ancestor"))
    }

    @Test(arguments: ["Z1", "east-zone_02", "A", String(repeating: "z", count: 32)])
    func zoneCodesAreFreeAndIgnoreTheAncestor(code: String) {
        #expect(UnitCode.problem(kind: .zone, code: code, ancestorCode: nil) == nil)
        #expect(UnitCode.problem(kind: .zone, code: code, ancestorCode: "110105001") == nil)
    }

    @Test(arguments: ["", String(repeating: "z", count: 33), "east zone", "片区1", "z.1", "z/1"])
    func zoneCodesMustBeShortAsciiWords(code: String) throws {
        let problem = try #require(UnitCode.problem(kind: .zone, code: code, ancestorCode: "110105001"))
        #expect(problem.en.contains("1–32 letters"))
    }

    @Test func onlyZonesAreOutsideTheNationalChain() {
        for kind in OrgUnitKind.allCases {
            #expect(UnitCode.isNational(kind) == (kind != .zone), "\(kind)")
        }
    }
}
