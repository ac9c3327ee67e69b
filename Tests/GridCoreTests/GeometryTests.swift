import GridCore
import Testing

@Suite struct GeometryTests {
    let square = "[[116.3,39.9],[116.31,39.9],[116.31,39.91],[116.3,39.91],[116.3,39.9]]"
    let hole = "[[116.302,39.902],[116.304,39.902],[116.304,39.904],[116.302,39.902]]"

    /// The single field error of a failed parse, checked to be a validation error at `location`.
    func parseError(
        _ text: String, at location: String = "features[3].geometry",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> FieldError {
        let value = try json(text)
        let error = try #require(
            thrownError { () throws(GridError) in try Area.parse(geoJSON: value, at: location) },
            "expected \(text) to be rejected", sourceLocation: sourceLocation)
        #expect(error.code == .validationFailed, sourceLocation: sourceLocation)
        #expect(error.kind == .badRequest, sourceLocation: sourceLocation)
        #expect(error.fieldErrors.count == 1, sourceLocation: sourceLocation)
        let field = try #require(error.fieldErrors.first, sourceLocation: sourceLocation)
        #expect(field.field == location, sourceLocation: sourceLocation)
        #expect(field.code == .geojsonGeometryInvalid, sourceLocation: sourceLocation)
        return field
    }

    @Test func polygonParsesToOnePolygonWithItsRings() throws {
        let area = try Area.parse(geoJSON: json(#"{"type":"Polygon","coordinates":[\#(square),\#(hole)]}"#), at: "geometry")
        #expect(area.polygons.count == 1)
        #expect(area.polygons[0].count == 2)
        #expect(area.polygons[0][0].count == 5)
        #expect(area.polygons[0][0][1] == point(116.31, 39.9), "GeoJSON order is [longitude, latitude]")
        #expect(area.polygons[0][1].count == 4)
    }

    @Test func multiPolygonParsesEveryPolygon() throws {
        let other = "[[0,0],[1,0],[1,1],[0,0]]"
        let area = try Area.parse(geoJSON: json(#"{"type":"MultiPolygon","coordinates":[[\#(square)],[\#(other)]]}"#), at: "geometry")
        #expect(area.polygons.count == 2)
        #expect(area.polygons[1] == [[point(0, 0), point(1, 0), point(1, 1), point(0, 0)]])
    }

    @Test func extraMembersAndAltitudesAreIgnored() throws {
        let area = try Area.parse(
            geoJSON: json(
                #"""
                {"type":"Polygon","bbox":[0,0,1,1],"coordinates":[[[0,0,12.5],[1,0,3],[1,1,0],[0,0,12.5]]]}
                """#), at: "geometry")
        #expect(area.polygons == [[[point(0, 0), point(1, 0), point(1, 1), point(0, 0)]]])
    }

    @Test func boundaryCoordinatesAreAccepted() throws {
        let area = try Area.parse(geoJSON: json(#"{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,-90]]]}"#), at: "g")
        #expect(area.polygons[0][0][2] == point(180, 90))
    }

    @Test func ewktIsAnSRID4326MultiPolygon() throws {
        let area = try Area.parse(geoJSON: json(#"{"type":"Polygon","coordinates":[[[116.3,39.9],[116.31,39.9],[116.31,39.91],[116.3,39.9]]]}"#), at: "g")
        #expect(area.ewkt == "SRID=4326;MULTIPOLYGON(((116.3 39.9,116.31 39.9,116.31 39.91,116.3 39.9)))")
    }

    @Test func ewktSeparatesPolygonsAndRings() {
        let ring1 = [point(0, 0), point(2, 0), point(2, 2), point(0, 0)]
        let ring2 = [point(0.5, 0.5), point(1, 0.5), point(1, 1), point(0.5, 0.5)]
        let ring3 = [point(-1.25, -1), point(-1, -1), point(-1, -0.75), point(-1.25, -1)]
        let area = Area(polygons: [[ring1, ring2], [ring3]])
        #expect(
            area.ewkt
                == "SRID=4326;MULTIPOLYGON(((0.0 0.0,2.0 0.0,2.0 2.0,0.0 0.0),(0.5 0.5,1.0 0.5,1.0 1.0,0.5 0.5)),((-1.25 -1.0,-1.0 -1.0,-1.0 -0.75,-1.25 -1.0)))"
        )
    }

    @Test(arguments: ["Point", "LineString", "MultiLineString", "GeometryCollection", "polygon"])
    func otherGeometryTypesAreRejected(type: String) throws {
        let field = try parseError(#"{"type":"\#(type)","coordinates":[[\#(square)]]}"#)
        #expect(field.message.en.contains("'\(type)' is not supported"))
        #expect(field.message.en.contains("Polygon or MultiPolygon"))
    }

    @Test func nonObjectsAndMissingMembersAreRejected() throws {
        #expect(try parseError("[1,2]").message.en == "geometry must be an object")
        #expect(try parseError(#"{"coordinates":[\#(square)]}"#).message.en == "geometry has no type")
        #expect(try parseError(#"{"type":"Polygon"}"#).message.en == "geometry has no coordinates array")
        #expect(try parseError(#"{"type":"Polygon","coordinates":"x"}"#).message.en == "geometry has no coordinates array")
    }

    @Test func emptyGeometriesAreRejected() throws {
        #expect(try parseError(#"{"type":"MultiPolygon","coordinates":[]}"#).message.en.contains("no polygon"))
        #expect(try parseError(#"{"type":"Polygon","coordinates":[]}"#).message.en.contains("polygon 1 has no ring"))
        #expect(try parseError(#"{"type":"MultiPolygon","coordinates":[[\#(square)],[]]}"#).message.en.contains("polygon 2 has no ring"))
    }

    @Test func ringThatIsNotClosedIsRejected() throws {
        let field = try parseError(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#)
        #expect(field.message.en.contains("ring 1 is not closed"))
    }

    @Test func anInnerRingThatIsNotClosedIsNamed() throws {
        let field = try parseError(#"{"type":"Polygon","coordinates":[\#(square),[[116.302,39.902],[116.304,39.902],[116.304,39.904],[116.302,39.903]]]}"#)
        #expect(field.message.en.contains("ring 2 is not closed"))
    }

    @Test func ringWithFewerThanFourPointsIsRejected() throws {
        let closedTriangle = try parseError(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#)
        #expect(closedTriangle.message.en.contains("ring 1 has 3 points"))
        let empty = try parseError(#"{"type":"Polygon","coordinates":[[]]}"#)
        #expect(empty.message.en.contains("has 0 points"))
    }

    @Test(arguments: [
        "[[181,0],[1,0],[1,1],[181,0]]", "[[0,0],[-180.5,0],[1,1],[0,0]]", "[[0,0],[1,90.01],[1,1],[0,0]]", "[[0,-91],[1,0],[1,1],[0,-91]]",
    ])
    func coordinatesOutsideWGS84AreRejected(ring: String) throws {
        let field = try parseError(#"{"type":"Polygon","coordinates":[\#(ring)]}"#)
        #expect(field.message.en.contains("outside WGS84 bounds"))
    }

    @Test(arguments: ["[[0,0],[1],[1,1],[0,0]]", #"[[0,0],["1",0],[1,1],[0,0]]"#, "[[0,0],1,[1,1],[0,0]]", "[[0,0],[1,null],[1,1],[0,0]]"])
    func pointsMustBeLongitudeLatitudePairs(ring: String) throws {
        let field = try parseError(#"{"type":"Polygon","coordinates":[\#(ring)]}"#)
        #expect(field.message.en.contains("point 2 of ring 1 is not [longitude, latitude]"))
    }

    @Test func ringThatIsNotAnArrayIsRejected() throws {
        let field = try parseError(#"{"type":"MultiPolygon","coordinates":[[\#(square)],[\#(square),7]]}"#)
        #expect(field.message.en.contains("ring 2 of polygon 2 is not an array"))
    }

    @Test func coordinateRangeIsCheckedOnConstruction() {
        #expect(Coordinate(lng: 180, lat: -90) != nil)
        #expect(Coordinate(lng: -180.000001, lat: 0) == nil)
        #expect(Coordinate(lng: 0, lat: 90.000001) == nil)
        #expect(Coordinate(lng: .nan, lat: 0) == nil)
        #expect(Coordinate(lng: 0, lat: .infinity) == nil)
    }
}
