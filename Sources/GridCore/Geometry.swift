import Foundation

/// A WGS84 polygonal area read from GeoJSON: a list of polygons, each a list of closed rings of
/// (longitude, latitude). Checked here for shape and range; PostGIS checks validity
/// (self-intersection) when it is stored.
public struct Area: Sendable, Equatable {
    public var polygons: [[[Coordinate]]]

    public init(polygons: [[[Coordinate]]]) { self.polygons = polygons }

    /// Extended WKT with SRID, the text form PostGIS reads in COPY and in bound parameters.
    public var ewkt: String {
        var out = "SRID=4326;MULTIPOLYGON("
        for (p, polygon) in polygons.enumerated() {
            if p > 0 { out += "," }
            out += "("
            for (r, ring) in polygon.enumerated() {
                if r > 0 { out += "," }
                out += "("
                for (i, c) in ring.enumerated() {
                    if i > 0 { out += "," }
                    out += "\(c.lng) \(c.lat)"
                }
                out += ")"
            }
            out += ")"
        }
        return out + ")"
    }

    /// Parses a GeoJSON geometry object (Polygon or MultiPolygon). `at` names where it came from in
    /// the error messages.
    public static func parse(geoJSON value: JSONValue, at location: String) throws(GridError) -> Area {
        func fail(_ zh: String, _ en: String) -> GridError {
            GridError.invalid([FieldError(location, .geojsonGeometryInvalid, Text(zh: zh, en: en))])
        }
        guard let object = value.object else { throw fail("几何应为对象", "geometry must be an object") }
        guard let type = object["type"]?.string else { throw fail("几何缺少 type", "geometry has no type") }
        guard let coordinates = object["coordinates"]?.array else { throw fail("几何缺少 coordinates 数组", "geometry has no coordinates array") }
        let polygonsRaw: [JSONValue]
        switch type {
        case "Polygon": polygonsRaw = [.array(coordinates)]
        case "MultiPolygon": polygonsRaw = coordinates
        default: throw fail("几何类型“\(type)”不受支持，应为 Polygon 或 MultiPolygon", "geometry type '\(type)' is not supported: use Polygon or MultiPolygon")
        }
        guard !polygonsRaw.isEmpty else { throw fail("多边形为空", "the geometry has no polygon") }
        var polygons: [[[Coordinate]]] = []
        polygons.reserveCapacity(polygonsRaw.count)
        for (p, polygonRaw) in polygonsRaw.enumerated() {
            guard let ringsRaw = polygonRaw.array, !ringsRaw.isEmpty else { throw fail("第 \(p + 1) 个多边形没有环", "polygon \(p + 1) has no ring") }
            var rings: [[Coordinate]] = []
            for (r, ringRaw) in ringsRaw.enumerated() {
                guard let positions = ringRaw.array else {
                    throw fail("第 \(p + 1) 个多边形的第 \(r + 1) 个环不是数组", "ring \(r + 1) of polygon \(p + 1) is not an array")
                }
                var ring: [Coordinate] = []
                ring.reserveCapacity(positions.count)
                for (i, positionRaw) in positions.enumerated() {
                    guard let position = positionRaw.array, position.count >= 2,
                        let lng = position[0].number, let lat = position[1].number
                    else { throw fail("第 \(r + 1) 个环的第 \(i + 1) 个点不是 [经度, 纬度]", "point \(i + 1) of ring \(r + 1) is not [longitude, latitude]") }
                    guard let c = Coordinate(lng: lng, lat: lat) else {
                        throw fail("坐标 [\(lng), \(lat)] 超出 WGS84 范围", "coordinate [\(lng), \(lat)] is outside WGS84 bounds")
                    }
                    ring.append(c)
                }
                guard ring.count >= 4 else {
                    throw fail("第 \(r + 1) 个环只有 \(ring.count) 个点，至少需要 4 个", "ring \(r + 1) has \(ring.count) points; a closed ring needs at least 4")
                }
                guard ring.first == ring.last else { throw fail("第 \(r + 1) 个环未闭合（首尾点不同）", "ring \(r + 1) is not closed: its first and last points differ") }
                rings.append(ring)
            }
            polygons.append(rings)
        }
        return Area(polygons: polygons)
    }
}

/// A WGS84 point, range-checked on construction.
public struct Coordinate: Sendable, Equatable, Hashable {
    public var lng: Double
    public var lat: Double

    public init?(lng: Double, lat: Double) {
        guard lng.isFinite, lat.isFinite, (-180...180).contains(lng), (-90...90).contains(lat) else { return nil }
        self.lng = lng
        self.lat = lat
    }
}
