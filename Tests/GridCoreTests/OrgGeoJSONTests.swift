import Foundation
import GridCore
import Testing

@Suite struct OrgGeoJSONTests {
    static let polygon = #"{"type":"Polygon","coordinates":[[[116.3,39.9],[116.31,39.9],[116.31,39.91],[116.3,39.9]]]}"#

    /// A FeatureCollection of the given features (JSON text each).
    func collection(_ features: String...) throws -> JSONValue {
        try json(#"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#)
    }

    /// A Feature with the given properties (JSON object members) and geometry.
    func feature(_ properties: String, geometry: String = "null") -> String {
        #"{"type":"Feature","properties":{\#(properties)},"geometry":\#(geometry)}"#
    }

    func errors(
        _ value: JSONValue, gridLevels: [GridLevel] = GridLevel.defaults,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [FieldError] {
        let error = try #require(
            thrownError { () throws(GridError) in try OrgGeoJSON.drafts(from: value, gridLevels: gridLevels) },
            sourceLocation: sourceLocation)
        #expect(error.code == .validationFailed, sourceLocation: sourceLocation)
        #expect(error.kind == .badRequest, sourceLocation: sourceLocation)
        return error.fieldErrors
    }

    @Test func readsEveryFeatureAsADraft() throws {
        let drafts = try OrgGeoJSON.drafts(
            from: collection(
                feature(#""code":"110105001","name":"  朝外街道 ","kind":"street","parentCode":"110105""#),
                feature(#""code":"110105001001001","name":"网格一","kind":"grid","parentCode":"110105001001","gridLevel":1"#, geometry: Self.polygon)
            ), gridLevels: GridLevel.defaults)
        #expect(drafts.count == 2)
        #expect(
            drafts[0]
                == UnitDraft(
                    source: "features[0]", code: "110105001", name: "朝外街道", kind: .street,
                    gridLevel: nil, parentCode: "110105", area: nil))
        #expect(drafts[1].source == "features[1]")
        #expect(drafts[1].kind == .grid)
        #expect(drafts[1].gridLevel == 1)
        #expect(drafts[1].area?.polygons.first?.first?.count == 4)
    }

    @Test func rejectsAnythingButAFeatureCollection() throws {
        let errors = try errors(json(#"{"type":"Feature","features":[]}"#))
        #expect(errors.map(\.field) == ["type"])
        #expect(errors.first?.code == .geojsonNotFeatureCollection)
        #expect(errors.first?.message.en.contains(#"got type "Feature""#) == true)
        let missing = try self.errors(json("[]"))
        #expect(missing.first?.message.en.contains("got type missing") == true)
    }

    @Test func requiresAFeaturesArray() throws {
        for text in [#"{"type":"FeatureCollection"}"#, #"{"type":"FeatureCollection","features":{}}"#] {
            let errors = try errors(json(text))
            #expect(errors.map(\.field) == ["features"])
            #expect(errors.first?.code == .geojsonNoFeatures)
        }
    }

    @Test func emptyCollectionGivesNoDrafts() throws {
        #expect(try OrgGeoJSON.drafts(from: collection(), gridLevels: GridLevel.defaults).isEmpty)
    }

    @Test func featureWithoutPropertiesIsNamedByIndex() throws {
        let errors = try errors(
            collection(
                feature(#""code":"110105001","name":"a","kind":"street","parentCode":"110105""#),
                #"{"type":"Feature","geometry":null}"#,
                #"{"type":"Point","properties":{}}"#,
                "42"
            ))
        #expect(errors.map(\.field) == ["features[1]", "features[2]", "features[3]"])
        #expect(errors.allSatisfy { $0.code == .geojsonNotFeature })
    }

    @Test func everyMissingPropertyIsReported() throws {
        // parentCode may be missing: the unit hangs under the district.
        let errors = try errors(collection(feature("")))
        #expect(
            Set(errors.map(\.field)) == [
                "features[0].properties.code", "features[0].properties.name", "features[0].properties.kind",
            ])
        #expect(errors.count == 3)
        #expect(errors.allSatisfy { $0.code == .geojsonPropertyInvalid })
    }

    @Test func blankOrWrongTypedPropertiesCountAsMissing() throws {
        let errors = try errors(
            collection(
                feature(#""code":"   ","name":true,"kind":"street","parentCode":null"#),
                feature(#""code":-5,"name":"n","kind":"street","parentCode":1.5"#),
                feature(#""code":["1"],"name":"n","kind":{},"parentCode":"110105""#)
            ))
        // A null parentCode means the district; 1.5 is a number a spreadsheet made.
        #expect(
            errors.map(\.field) == [
                "features[0].properties.code", "features[0].properties.name",
                "features[1].properties.code", "features[1].properties.parentCode",
                "features[2].properties.code", "features[2].properties.kind",
            ])
        #expect(errors.first { $0.field == "features[1].properties.parentCode" }?.code == .geojsonCodeSpreadsheetNumber)
        let name = try #require(errors.first { $0.field == "features[0].properties.name" })
        #expect(name.message.en.contains("got true"))
    }

    @Test func unknownKindListsTheAllowedKindsAndTheTenantsGridLevels() throws {
        let errors = try errors(collection(feature(#""code":"1","name":"n","kind":"hamlet","parentCode":"2""#)))
        #expect(errors.map(\.field) == ["features[0].properties.kind"])
        #expect(errors.first?.code == .orgUnitUnknownKind)
        #expect(errors.first?.message.en.contains("unknown kind 'hamlet'") == true)
        #expect(
            errors.first?.message.en.hasSuffix(
                "allowed: district, street, township, zone, community, village, grid, basicGrid, unitGrid") == true)

        let custom = [GridLevel(key: "block", name: "街区"), GridLevel(key: "cell", name: "单元"), GridLevel(key: "micro", name: "微网格")]
        let customErrors = try self.errors(collection(feature(#""code":"1","name":"n","kind":"unitGrid","parentCode":"2""#)), gridLevels: custom)
        #expect(customErrors.first?.message.en.hasSuffix("grid, block, cell, micro") == true)
    }

    @Test func kindsAreCaseSensitive() throws {
        let errors = try errors(collection(feature(#""code":"1","name":"n","kind":"Street","parentCode":"2""#)))
        #expect(errors.first?.code == .orgUnitUnknownKind)
    }

    @Test(arguments: [("basicGrid", 1), ("unitGrid", 2), ("基础网格", 1), ("单元网格", 2)])
    func aGridLevelKeyOrNameAsKindMeansAGridOfThatLevel(kind: String, level: Int) throws {
        let drafts = try OrgGeoJSON.drafts(
            from: collection(
                feature(#""code":"110105001001001","name":"g","kind":"\#(kind)","parentCode":"110105001001""#, geometry: Self.polygon)
            ), gridLevels: GridLevel.defaults)
        #expect(drafts.first?.kind == .grid)
        #expect(drafts.first?.gridLevel == level)
    }

    @Test func tenantGridLevelKeysFollowTheTenantsOrder() throws {
        let levels = [GridLevel(key: "block", name: "街区"), GridLevel(key: "cell", name: "单元"), GridLevel(key: "micro", name: "微网格")]
        let drafts = try OrgGeoJSON.drafts(
            from: collection(
                feature(#""code":"1","name":"g","kind":"micro","parentCode":"2""#, geometry: Self.polygon),
                feature(#""code":"3","name":"g","kind":"单元","parentCode":"2""#, geometry: Self.polygon)
            ), gridLevels: levels)
        #expect(drafts.map(\.gridLevel) == [3, 2])
        #expect(drafts.allSatisfy { $0.kind == .grid })
    }

    @Test func plainGridKindLeavesTheLevelToThePlanner() throws {
        let drafts = try OrgGeoJSON.drafts(
            from: collection(
                feature(#""code":"1","name":"g","kind":"grid","parentCode":"2""#, geometry: Self.polygon)
            ), gridLevels: GridLevel.defaults)
        #expect(drafts.first?.gridLevel == nil)
    }

    @Test func numericCodesAreReadAsDigitStrings() throws {
        let drafts = try OrgGeoJSON.drafts(
            from: collection(
                feature(#""code":110105001001001,"name":"g","kind":"grid","parentCode":110105001001"#, geometry: Self.polygon),
                feature(#""code":110105001,"name":2024,"kind":"street","parentCode":110105.0"#)
            ), gridLevels: GridLevel.defaults)
        #expect(drafts.map(\.code) == ["110105001001001", "110105001"])
        #expect(drafts.map(\.parentCode) == ["110105001001", "110105"])
        #expect(drafts[1].name == "2024")
    }

    @Test func aHugeNumericCodeIsAValidationErrorNotACrash() async {
        // A whole number beyond Int64 once trapped when read as a code.
        await #expect(processExitsWith: .success) {
            let value = try! JSONDecoder().decode(
                JSONValue.self,
                from: Data(
                    #"""
                    {"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,
                     "properties":{"code":1e20,"name":"n","kind":"street","parentCode":"110105"}}]}
                    """#.utf8))
            _ = try? OrgGeoJSON.drafts(from: value, gridLevels: GridLevel.defaults)
        }
    }

    @Test func explicitGridLevelIsRead() throws {
        let drafts = try OrgGeoJSON.drafts(
            from: collection(
                feature(#""code":"1","name":"g","kind":"grid","parentCode":"2","gridLevel":2"#, geometry: Self.polygon),
                feature(#""code":"3","name":"g","kind":"grid","parentCode":"2","gridLevel":null"#, geometry: Self.polygon)
            ), gridLevels: GridLevel.defaults)
        #expect(drafts.map(\.gridLevel) == [2, nil])
    }

    @Test(arguments: ["0", "-1", "1.5", "10", #""2""#, "true"])
    func invalidGridLevelIsReported(value: String) throws {
        let errors = try errors(
            collection(
                feature(#""code":"1","name":"g","kind":"grid","parentCode":"2","gridLevel":\#(value)"#, geometry: Self.polygon)))
        #expect(errors.map(\.field) == ["features[0].properties.gridLevel"])
        #expect(errors.first?.code == .geojsonPropertyInvalid)
    }

    @Test func geometryErrorsAreNamedByFeature() throws {
        let errors = try errors(
            collection(
                feature(#""code":"1","name":"g","kind":"grid","parentCode":"2""#, geometry: Self.polygon),
                feature(#""code":"3","name":"g","kind":"grid","parentCode":"2""#, geometry: #"{"type":"Point","coordinates":[1,2]}"#)
            ))
        #expect(errors.map(\.field) == ["features[1].geometry"])
        #expect(errors.first?.code == .geojsonGeometryInvalid)
    }

    @Test func problemsFromAllFeaturesAreCollected() throws {
        let errors = try errors(
            collection(
                feature(#""name":"a","kind":"street","parentCode":"110105""#),
                feature(#""code":"110105002","name":"b","kind":"street","parentCode":"110105""#),
                feature(#""code":"110105003","name":"c","kind":"lane","parentCode":"110105""#, geometry: #"{"type":"Polygon","coordinates":[]}"#)
            ))
        #expect(errors.map(\.field) == ["features[0].properties.code", "features[2].properties.kind", "features[2].geometry"])
    }

    @Test func errorsAreCappedAtMaxErrors() throws {
        let bad = Array(repeating: feature(#""code":"1","name":"n","kind":"nope","parentCode":"2""#), count: OrgPlanner.maxErrors + 50)
        let value = try json(#"{"type":"FeatureCollection","features":[\#(bad.joined(separator: ","))]}"#)
        let errors = try errors(value)
        #expect(errors.count == OrgPlanner.maxErrors)
        #expect(errors.last?.field == "features[\(OrgPlanner.maxErrors - 1)].properties.kind")
    }

    // MARK: as districts' GIS exports have it

    @Test(arguments: [
        ("区", OrgUnitKind.district), ("街道", .street), ("乡镇", .township), ("镇", .township), ("片区", .zone), ("社区", .community),
        ("居委会", .community), ("村", .village), ("行政村", .village), ("网格", .grid), ("community", .community),
    ])
    func chineseKindsMapToTheKinds(name: String, kind: OrgUnitKind) throws {
        let drafts = try OrgGeoJSON.drafts(
            from: collection(feature(#""code":"1","name":"n","kind":"\#(name)","parentCode":"2""#, geometry: Self.polygon)), gridLevels: GridLevel.defaults)
        #expect(drafts.first?.kind == kind)
        #expect(kind.rawValue == OrgUnitKind(name: kind.rawValue)?.rawValue, "raw values stay English")
    }

    @Test func anUnknownKindListsTheChineseNamesInChinese() throws {
        let errors = try errors(collection(feature(#""code":"1","name":"n","kind":"小区","parentCode":"2""#)))
        #expect(errors.first?.message.zh.contains("街道, 乡镇") == true)
    }

    @Test func aNullEmptyOrMissingParentCodeMeansTheDistrict() throws {
        let drafts = try OrgGeoJSON.drafts(
            from: collection(
                feature(#""code":"110105001","name":"a","kind":"街道","parentCode":null"#),
                feature(#""code":"110105002","name":"b","kind":"街道""#),
                feature(#""code":"110105003","name":"c","kind":"街道","parentCode":"  ""#)
            ), gridLevels: GridLevel.defaults)
        #expect(drafts.map(\.parentCode) == [nil, nil, nil])
    }

    @Test(arguments: [
        (#""1.10102E+14""#, "1.10102E+14"), (#""110102000000.0""#, "110102000000.0"), (#""1.10102e14""#, "1.10102e14"),
        ("110102000000", "110102000000"), ("110102001000001", "110102001000001"), ("110102.5", "110102.5"),
    ])
    func aCodeASpreadsheetMadeANumberOfIsRefusedWithTheFix(code: String, shown: String) throws {
        let errors = try errors(collection(feature(#""code":\#(code),"name":"n","kind":"街道","parentCode":\#(code)"#)))
        #expect(errors.map(\.field) == ["features[0].properties.code", "features[0].properties.parentCode"])
        let error = try #require(errors.first)
        #expect(error.code == .geojsonCodeSpreadsheetNumber)
        #expect(error.message.en.contains("'\(shown)'"), "\(error.message.en)")
        #expect(error.message.en.contains("format the column as text"))
        #expect(error.message.zh.contains("将该列设为文本格式"))
    }

    @Test func wholeCodesGivenAsNumbersStillRead() throws {
        let drafts = try OrgGeoJSON.drafts(
            from: collection(feature(#""code":110102001,"name":"n","kind":"街道","parentCode":110102"#)), gridLevels: GridLevel.defaults)
        #expect(drafts.map(\.code) == ["110102001"])
        #expect(drafts.map(\.parentCode) == ["110102"])
    }
}
