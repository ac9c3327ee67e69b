import Foundation
import GridCore
import Testing

/// Decodes JSON text the way the services do (JSONDecoder into JSONValue).
func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

/// The GridError thrown by `body`, or nil when it returned normally.
func thrownError<T>(_ body: () throws(GridError) -> T) -> GridError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// A checked coordinate for fixtures.
func point(_ lng: Double, _ lat: Double) -> Coordinate { Coordinate(lng: lng, lat: lat)! }

/// A closed unit square at (lng, lat), as an Area.
func square(_ lng: Double = 116.3, _ lat: Double = 39.9) -> Area {
    Area(polygons: [[[point(lng, lat), point(lng + 0.01, lat), point(lng + 0.01, lat + 0.01), point(lng, lat + 0.01), point(lng, lat)]]])
}
