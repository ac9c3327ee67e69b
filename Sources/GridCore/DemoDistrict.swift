import Foundation

/// Generates a believable district below a root: streets, communities, basic grids and unit grids
/// whose polygons tile the area without gaps or overlaps (a jittered lattice, so that no two
/// grids are plain rectangles), with national codes and Chinese names. Deterministic per seed.
public struct DemoDistrict: Sendable {
    public var divisionCode: String
    public var streets: Int
    public var communitiesPerStreet: Int
    public var basicGridsPerCommunity: Int
    public var unitGridsPerBasicGrid: Int
    /// South-west corner of the district, WGS84.
    public var origin: (lng: Double, lat: Double)
    /// Size of one unit grid in degrees (about 170 m × 167 m near Beijing).
    public var cell: (lng: Double, lat: Double) = (0.002, 0.0015)
    public var seed: UInt64 = 20_261_122

    public init(
        divisionCode: String, streets: Int, communitiesPerStreet: Int, basicGridsPerCommunity: Int, unitGridsPerBasicGrid: Int,
        origin: (lng: Double, lat: Double) = (116.20, 39.90)
    ) {
        self.divisionCode = divisionCode
        self.streets = streets
        self.communitiesPerStreet = communitiesPerStreet
        self.basicGridsPerCommunity = basicGridsPerCommunity
        self.unitGridsPerBasicGrid = unitGridsPerBasicGrid
        self.origin = origin
    }

    public var unitGridCount: Int { streets * communitiesPerStreet * basicGridsPerCommunity * unitGridsPerBasicGrid }

    /// What cannot be generated within the national code ranges.
    public var problem: String? {
        if streets < 1 || streets > 99 { return "streets must be 1–99 (street segment 001–099)" }
        if communitiesPerStreet < 1 || communitiesPerStreet > 199 { return "communities per street must be 1–199 (segment 001–199)" }
        if basicGridsPerCommunity < 1 || unitGridsPerBasicGrid < 1 { return "grid counts must be at least 1" }
        if basicGridsPerCommunity * (1 + unitGridsPerBasicGrid) > 999 { return "a community can hold at most 999 grids (segment 001–999)" }
        return nil
    }

    public static let streetNames = [
        "学院路", "中关村", "海淀", "万寿路", "羊坊店", "甘家口", "八里庄", "紫竹院", "北下关", "北太平庄",
        "花园路", "青龙桥", "清华园", "燕园", "香山", "清河", "西三旗", "马连洼", "田村路", "上地",
        "万柳", "东升", "曙光", "永定路", "四季青", "西北旺", "苏家坨", "温泉", "海淀镇", "上庄",
    ]
    static let communityNames = [
        "南", "北", "东", "西", "中", "新", "前", "后", "里", "园", "苑", "桥", "塔", "湖", "林", "河",
        "坊", "庄", "院", "馨", "和", "安", "康", "乐", "春", "秋", "景", "嘉", "华", "丰",
    ]

    /// Factor pair (columns, rows) closest to a square.
    static func layout(_ n: Int) -> (Int, Int) {
        var best = 1
        var d = 1
        while d * d <= n {
            if n % d == 0 { best = d }
            d += 1
        }
        return (n / best, best)
    }

    /// The FeatureCollection, parents before children.
    public func featureCollection() -> JSONValue {
        let s = Self.layout(streets), c = Self.layout(communitiesPerStreet)
        let b = Self.layout(basicGridsPerCommunity), u = Self.layout(unitGridsPerBasicGrid)
        let unitX = u.0, unitY = u.1
        let basicX = b.0 * unitX, basicY = b.1 * unitY
        let communityX = c.0 * basicX, communityY = c.1 * basicY
        let columns = s.0 * communityX, rows = s.1 * communityY

        func point(_ i: Int, _ j: Int) -> JSONValue {
            // Inner lattice points move by up to 30 % of a cell; the district's outline stays straight.
            var jx = 0.0, jy = 0.0
            if i > 0 && i < columns && j > 0 && j < rows {
                var h = seed ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(j) &* 0xC2B2_AE3D_27D4_EB4F)
                h ^= h >> 33
                h = h &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 33
                jx = (Double(h & 0xFFFF) / 65535.0 - 0.5) * 0.6
                jy = (Double((h >> 16) & 0xFFFF) / 65535.0 - 0.5) * 0.6
            }
            let lng = origin.lng + (Double(i) + jx) * cell.lng, lat = origin.lat + (Double(j) + jy) * cell.lat
            return .array([.number((lng * 1e7).rounded() / 1e7), .number((lat * 1e7).rounded() / 1e7)])
        }
        // The outline of the lattice rectangle [x0, x1] × [y0, y1], counter-clockwise, through every lattice point on it.
        func polygon(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> JSONValue {
            var ring: [JSONValue] = []
            for i in x0..<x1 { ring.append(point(i, y0)) }
            for j in y0..<y1 { ring.append(point(x1, j)) }
            for i in stride(from: x1, to: x0, by: -1) { ring.append(point(i, y1)) }
            for j in stride(from: y1, to: y0, by: -1) { ring.append(point(x0, j)) }
            ring.append(ring[0])
            return .object(["type": .string("Polygon"), "coordinates": .array([.array(ring)])])
        }
        func feature(_ code: String, _ name: String, _ kind: String, _ parent: String, _ geometry: JSONValue) -> JSONValue {
            .object([
                "type": .string("Feature"), "geometry": geometry,
                "properties": .object(["code": .string(code), "name": .string(name), "kind": .string(kind), "parentCode": .string(parent)]),
            ])
        }

        var features: [JSONValue] = []
        features.reserveCapacity(streets * (1 + communitiesPerStreet * (1 + basicGridsPerCommunity * (1 + unitGridsPerBasicGrid))))
        for st in 0..<streets {
            let sx = (st % s.0) * communityX, sy = (st / s.0) * communityY
            let streetCode = divisionCode + String(format: "%03d", st + 1)
            let streetName = st < Self.streetNames.count ? Self.streetNames[st] + "街道" : "第\(st + 1)街道"
            features.append(feature(streetCode, streetName, "street", divisionCode, polygon(sx, sy, sx + communityX, sy + communityY)))
            for co in 0..<communitiesPerStreet {
                let cx = sx + (co % c.0) * basicX, cy = sy + (co / c.0) * basicY
                let communityCode = streetCode + String(format: "%03d", co + 1)
                let short = streetName.replacingOccurrences(of: "街道", with: "")
                let communityName =
                    short + Self.communityNames[co % Self.communityNames.count]
                    + (co >= Self.communityNames.count ? "\(co / Self.communityNames.count + 1)" : "") + "社区"
                features.append(feature(communityCode, communityName, "community", streetCode, polygon(cx, cy, cx + basicX, cy + basicY)))
                var sequence = 0
                for ba in 0..<basicGridsPerCommunity {
                    let bx = cx + (ba % b.0) * unitX, by = cy + (ba / b.0) * unitY
                    sequence += 1
                    let basicCode = communityCode + String(format: "%03d", sequence)
                    features.append(feature(basicCode, "\(communityName)第\(ba + 1)基础网格", "grid", communityCode, polygon(bx, by, bx + unitX, by + unitY)))
                    for un in 0..<unitGridsPerBasicGrid {
                        let ux = bx + un % unitX, uy = by + un / unitX
                        sequence += 1
                        features.append(
                            feature(
                                communityCode + String(format: "%03d", sequence), "\(communityName)\(ba + 1)-\(un + 1)单元网格",
                                "grid", basicCode, polygon(ux, uy, ux + 1, uy + 1)))
                    }
                }
            }
        }
        return .object(["type": .string("FeatureCollection"), "features": .array(features)])
    }

    /// The centre of a unit grid cell (column i, row j), for picking points that are surely inside.
    public func cellCentre(_ i: Int, _ j: Int) -> Coordinate? {
        Coordinate(lng: origin.lng + (Double(i) + 0.5) * cell.lng, lat: origin.lat + (Double(j) + 0.5) * cell.lat)
    }

    /// The lattice size in unit cells (columns, rows).
    public var latticeSize: (columns: Int, rows: Int) {
        let s = Self.layout(streets), c = Self.layout(communitiesPerStreet)
        let b = Self.layout(basicGridsPerCommunity), u = Self.layout(unitGridsPerBasicGrid)
        return (s.0 * c.0 * b.0 * u.0, s.1 * c.1 * b.1 * u.1)
    }
}
