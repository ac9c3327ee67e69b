import Foundation
import GridCore

/// The codes of a `DemoDistrict`'s unit grids by lattice position: the same arithmetic as
/// `DemoDistrict.featureCollection`, run backwards, so that a report can be placed in a known grid.
struct DistrictLattice {
    let district: DemoDistrict
    let unitX: Int, unitY: Int, basicX: Int, basicY: Int, communityX: Int, communityY: Int
    let streetColumns: Int, communityColumns: Int, basicColumns: Int

    init(_ district: DemoDistrict) {
        self.district = district
        let s = Self.layout(district.streets), c = Self.layout(district.communitiesPerStreet)
        let b = Self.layout(district.basicGridsPerCommunity), u = Self.layout(district.unitGridsPerBasicGrid)
        unitX = u.0
        unitY = u.1
        basicX = b.0 * unitX
        basicY = b.1 * unitY
        communityX = c.0 * basicX
        communityY = c.1 * basicY
        streetColumns = s.0
        communityColumns = c.0
        basicColumns = b.0
    }

    /// Factor pair (columns, rows) closest to a square, as `DemoDistrict.layout`.
    static func layout(_ n: Int) -> (Int, Int) {
        var best = 1, d = 1
        while d * d <= n {
            if n % d == 0 { best = d }
            d += 1
        }
        return (n / best, best)
    }

    static func code3(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)" }

    func streetCode(_ st: Int) -> String { district.divisionCode + Self.code3(st + 1) }
    func communityCode(_ st: Int, _ co: Int) -> String { streetCode(st) + Self.code3(co + 1) }

    var streetCodes: [String] { (0..<district.streets).map(streetCode) }
    var communityCodes: [String] {
        (0..<district.streets).flatMap { st in (0..<district.communitiesPerStreet).map { communityCode(st, $0) } }
    }

    /// District, street, community, basic grid and unit grid codes of the unit cell (column i, row j).
    func chain(_ i: Int, _ j: Int) -> [String] {
        let st = i / communityX + (j / communityY) * streetColumns
        let ci = i % communityX, cj = j % communityY
        let co = ci / basicX + (cj / basicY) * communityColumns
        let bi = ci % basicX, bj = cj % basicY
        let ba = bi / unitX + (bj / unitY) * basicColumns
        let un = bi % unitX + (bj % unitY) * unitX
        let basicSequence = ba * (1 + district.unitGridsPerBasicGrid) + 1
        let community = communityCode(st, co)
        return [district.divisionCode, streetCode(st), community, community + Self.code3(basicSequence), community + Self.code3(basicSequence + 1 + un)]
    }
}

/// A problem-list item as the generator made it.
struct BenchItem {
    var code: String
    /// Category codes from the root down to the item.
    var chain: [String]
    var grades: [String]
    var lead: String?
    var assisting: [String]
    var level: LadderLevel?
}

/// A report to route: an item, a place (a unit cell of the lattice), a time, a source and words.
struct BenchReport {
    var item: Int
    /// Nil: the request names no grade and the item's first grade applies.
    var grade: String?
    var source: CaseSource
    var column: Int
    var row: Int
    var at: Date
    var description: String
}

/// The routing benchmark's district data, generated deterministically from a seed: about 600 items under
/// 12 classes, district departments and street offices, a duty list, 300 rules mixing every condition kind,
/// and reports (random items at random grids and times).
struct RoutingWorkload {
    /// The demo district's departments (GridService.demoDepartments).
    static let departments: [(code: String, name: String)] = [
        ("CGW", "区城市管理委员会"), ("GAFJ", "公安分局"), ("SCJGJ", "区市场监督管理局"), ("WJW", "区卫生健康委员会"),
        ("ZJW", "区住房和城乡建设委员会"), ("STHJJ", "区生态环境局"), ("XFZD", "区消防救援支队"), ("JTW", "区交通委员会"),
        ("SWJ", "区水务局"), ("YLLHJ", "区园林绿化局"),
    ]
    static let departmentCodes = departments.map(\.code)
    static let classNames = [
        "市容环境", "宣传广告", "施工管理", "突发事件", "街面秩序", "其他事件",
        "公用设施", "道路交通", "市容环卫", "园林绿化", "房屋土地", "扩展部件",
    ]
    /// Words that rules look for; descriptions are made of these and of `fillerWords`.
    static let keywordWords = [
        "食品", "熟食", "水果", "噪音", "油烟", "井盖", "积水", "明火", "冒烟", "漏水",
        "占道", "广告", "渣土", "夜间", "倒伏", "路灯", "电线", "污水", "异味", "老人",
    ]
    static let fillerWords = [
        "小区门口", "路口", "人行道上", "公园旁", "学校附近", "地铁站出口", "菜市场", "楼下", "桥下", "停车场",
        "有人反映", "现场发现", "居民投诉", "较严重", "持续多日", "影响通行", "已拍照", "请尽快处理",
    ]
    /// The first day of four working weeks without public holidays or make-up days (2026-03-02, a Monday,
    /// 00:00 Beijing time): the default calendar and `WorkCalendar.standard` agree on it.
    static let firstDay = Date(timeIntervalSince1970: 1_772_380_800)

    let lattice: DistrictLattice
    let catalog: [CategoryEntry]
    let items: [BenchItem]
    let streetOffices: [(code: String, name: String, street: String)]
    let duties: [DutyEntry]
    let ruleSet: RuleSet

    var district: DemoDistrict { lattice.district }

    init(district: DemoDistrict, items itemCount: Int = 600, rules ruleCount: Int = 300, seed: UInt64 = 2026) {
        lattice = DistrictLattice(district)
        var rng = SplitMix64(seed: seed)
        let departments = Self.departmentCodes

        // Problem list: roots XE (events) and XC (components), 6 classes each, 6–10 sub-classes per class.
        var catalog: [CategoryEntry] = [
            CategoryEntry(code: "XE", name: "基准事件", kind: .event), CategoryEntry(code: "XC", name: "基准部件", kind: .component),
        ]
        var subclasses: [(code: String, chain: [String], kind: CategoryKind, name: String)] = []
        var classes: [String] = []
        for k in 0..<12 {
            let root = k < 6 ? "XE" : "XC", kind: CategoryKind = k < 6 ? .event : .component
            let code = root + DistrictLattice.code3(k % 6 + 1).dropFirst()
            classes.append(code)
            catalog.append(CategoryEntry(code: code, parentCode: root, name: Self.classNames[k], kind: kind))
            for s in 0..<Int.random(in: 6...10, using: &rng) {
                let sub = code + DistrictLattice.code3(s + 1).dropFirst(), name = "\(Self.classNames[k])第\(s + 1)小类"
                catalog.append(CategoryEntry(code: sub, parentCode: code, name: name, kind: kind))
                subclasses.append((sub, [root, code, sub], kind, name))
            }
        }
        // Items per sub-class: random 3–9, then nudged until the list holds exactly `itemCount`.
        var counts = subclasses.map { _ in Int.random(in: 3...9, using: &rng) }
        while counts.reduce(0, +) != itemCount {
            let s = Int.random(in: 0..<counts.count, using: &rng), total = counts.reduce(0, +)
            if total < itemCount, counts[s] < 99 { counts[s] += 1 } else if total > itemCount, counts[s] > 1 { counts[s] -= 1 }
        }
        var items: [BenchItem] = []
        for (s, sub) in subclasses.enumerated() {
            for n in 0..<counts[s] {
                let code = sub.code + DistrictLattice.code3(n + 1).dropFirst()
                let grades: [Grade]
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<5: grades = [Grade(key: "general", name: "一般", limit: TimeLimit(amount: Int.random(in: 2...16, using: &rng), unit: .workHours))]
                case 5..<8:
                    grades = [
                        Grade(key: "general", name: "一般", limit: TimeLimit(amount: Int.random(in: 1...5, using: &rng), unit: .workDays)),
                        Grade(key: "urgent", name: "紧急", limit: TimeLimit(amount: [30, 60, 120, 240].randomElement(using: &rng)!, unit: .minutes)),
                    ]
                default:
                    grades = [
                        Grade(key: "minor", name: "轻微", limit: TimeLimit(amount: 5, unit: .workDays)),
                        Grade(key: "general", name: "一般", limit: TimeLimit(amount: 2, unit: .workDays)),
                        Grade(key: "serious", name: "严重", limit: TimeLimit(amount: 4, unit: .workHours)),
                    ]
                }
                let lead = Int.random(in: 0..<10, using: &rng) < 7 ? departments.randomElement(using: &rng) : nil
                let assisting = Array(Set((0..<Int.random(in: 0...2, using: &rng)).map { _ in departments.randomElement(using: &rng)! }))
                    .filter { $0 != lead }.sorted()
                let level: LadderLevel? = Int.random(in: 0..<10, using: &rng) == 0 ? nil : LadderLevel.allCases.randomElement(using: &rng)
                catalog.append(
                    CategoryEntry(
                        code: code, parentCode: sub.code, name: "\(sub.name)事项\(n + 1)", kind: sub.kind, isPublic: Bool.random(using: &rng),
                        filingStandard: "\(sub.name)事项\(n + 1)的立案标准", closingStandard: "\(sub.name)事项\(n + 1)的结案标准", grades: grades,
                        leadDepartment: lead, assistingDepartments: assisting, defaultLevel: level))
                items.append(BenchItem(code: code, chain: sub.chain + [code], grades: grades.map(\.key), lead: lead, assisting: assisting, level: level))
            }
        }
        self.catalog = catalog
        self.items = items

        // Street offices (街道城管科), one per street, and the duty list: most classes have a district department,
        // some sub-classes another, some items and sub-classes a street office in its street or a department in a
        // community. Three classes have no rows at all: their items fall to the item's lead or the street.
        let streets = lattice.streetCodes, communities = lattice.communityCodes
        streetOffices = streets.enumerated().map { n, street in ("\(street)-CGK", "第\(n + 1)街道城管科", street) }
        var duties: [DutyEntry] = [], seen = Set<String>()
        func duty(_ category: String, _ area: String, _ department: String, _ note: String? = nil) {
            guard seen.insert("\(category)|\(area)").inserted else { return }
            duties.append(DutyEntry(categoryCode: category, areaCode: area, department: department, note: note))
        }
        for (k, code) in classes.enumerated() where ![3, 5, 11].contains(k) {
            duty(code, district.divisionCode, departments[k % departments.count], "《\(Self.classNames[k])管理规定》")
        }
        for sub in subclasses.shuffled(using: &rng).prefix(30) { duty(sub.code, district.divisionCode, departments.randomElement(using: &rng)!) }
        for _ in 0..<60 {
            let street = Int.random(in: 0..<streets.count, using: &rng)
            let category = Bool.random(using: &rng) ? subclasses.randomElement(using: &rng)!.code : items.randomElement(using: &rng)!.code
            duty(category, streets[street], streetOffices[street].code, "街道属地负责")
        }
        for _ in 0..<40 { duty(items.randomElement(using: &rng)!.code, communities.randomElement(using: &rng)!, departments.randomElement(using: &rng)!) }
        self.duties = duties

        ruleSet = Self.rules(
            count: ruleCount, classes: classes, subclasses: subclasses.map(\.code), items: items, streets: streets,
            communities: communities, offices: streetOffices.map(\.code), rng: &rng)
    }

    /// How many rules name each kind of condition, for the report.
    var ruleMix: String {
        let rules = ruleSet.rules
        func count(_ test: (RuleCondition) -> Bool) -> Int { rules.filter { test($0.when) }.count }
        let depth: (String) -> Int = { $0.count == 2 ? 0 : ($0.count - 2) / 2 }
        let byDepth = (0...3).map { d in count { $0.categories.map { $0.contains { depth($0) == d } } ?? false } }
        return "\(rules.count) rules: categories none \(count { $0.categories == nil }), root \(byDepth[0]), class \(byDepth[1]), "
            + "sub-class \(byDepth[2]), item \(byDepth[3]); areas \(count { $0.areas != nil }), grades \(count { $0.grades != nil }), "
            + "sources \(count { $0.sources != nil }), timeWindow \(count { $0.timeWindow != nil }), workingTime \(count { $0.workingTime != nil }), "
            + "keywords \(count { $0.keywords != nil })"
    }

    /// `count` rules: item, sub-class, class, root, multi-category and category-free rules, each with further
    /// conditions drawn so that a report passes most of the rules it is tried against.
    static func rules(
        count: Int, classes: [String], subclasses: [String], items: [BenchItem], streets: [String], communities: [String],
        offices: [String], rng: inout SplitMix64
    ) -> RuleSet {
        let departments = departmentCodes
        var gradesUnder: [String: Set<String>] = [:]
        for item in items { for code in item.chain { gradesUnder[code, default: []].formUnion(item.grades) } }
        let allGrades = gradesUnder.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        let windows: [TimeWindow] = [
            TimeWindow(from: 22 * 60, to: 6 * 60), TimeWindow(weekdays: [6, 7]), TimeWindow(from: 12 * 60, to: 13 * 60 + 30),
            TimeWindow(weekdays: [1, 2, 3, 4, 5], from: 6 * 60, to: 8 * 60 + 30), TimeWindow(weekdays: [5, 6, 7], from: 18 * 60, to: 23 * 60),
        ]
        var rules: [Rule] = []
        // Further conditions: 0 areas, 1 grades, 2 sources, 3 time window, 4 working time, 5 keywords. Rules that apply
        // to many items get more selective conditions: the rules that name no category (or a whole root) are tried on
        // every report, and together they should catch only a small share.
        enum Kind { case item, subclass, klass, several, root, none }
        for n in 0..<count {
            var c = RuleCondition()
            let kind: Kind
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<35: kind = .item
            case 35..<60: kind = .subclass
            case 60..<75: kind = .klass
            case 75..<80: kind = .several
            case 80..<85: kind = .root
            default: kind = .none
            }
            switch kind {
            case .item:  // one item, or two of the same sub-class
                let item = items.randomElement(using: &rng)!
                var codes = [item.code]
                if Int.random(in: 0..<4, using: &rng) == 0,
                    let other = items.filter({ $0.chain[2] == item.chain[2] && $0.code != item.code }).randomElement(using: &rng)
                {
                    codes.append(other.code)
                }
                c.categories = codes
            case .subclass: c.categories = [subclasses.randomElement(using: &rng)!]
            case .klass: c.categories = [classes.randomElement(using: &rng)!]
            case .several: c.categories = Array(Set((0..<Int.random(in: 2...4, using: &rng)).map { _ in subclasses.randomElement(using: &rng)! })).sorted()
            case .root: c.categories = [Bool.random(using: &rng) ? "XE" : "XC"]
            case .none: break
            }
            let offered = c.categories.map { $0.reduce(into: Set<String>()) { $0.formUnion(gradesUnder[$1] ?? []) } } ?? allGrades
            var kinds = Set<Int>()
            switch kind {
            case .item, .several:
                kinds.insert(offered.count > 1 && Bool.random(using: &rng) ? 1 : [0, 2, 3, 4, 5].randomElement(using: &rng)!)
                if Int.random(in: 0..<4, using: &rng) == 0 { kinds.insert([0, 2, 3, 5].randomElement(using: &rng)!) }
            case .subclass:
                kinds.insert([0, 1, 2, 3, 4, 5].randomElement(using: &rng)!)
                if Int.random(in: 0..<3, using: &rng) == 0 { kinds.insert([0, 1, 2, 3, 4, 5].randomElement(using: &rng)!) }
            case .klass:
                kinds.insert([0, 2, 3, 5].randomElement(using: &rng)!)
                if Bool.random(using: &rng) { kinds.insert([1, 2, 3, 4].randomElement(using: &rng)!) }
            case .root, .none:
                kinds.insert(0)
                kinds.insert([2, 3, 5].randomElement(using: &rng)!)
                if Bool.random(using: &rng) { kinds.insert([1, 4, 5].randomElement(using: &rng)!) }
            }
            if kinds.contains(1), offered.count < 2 {
                kinds.remove(1)
                kinds.insert(2)
            }
            if kinds.contains(3) && kinds.contains(4) { kinds.remove(4) }
            let broad = kind == .root || kind == .none
            for k in kinds.sorted() {
                switch k {
                case 0:
                    c.areas =
                        !broad && Bool.random(using: &rng)
                        ? Array(Set((0..<Int.random(in: 1...3, using: &rng)).map { _ in streets.randomElement(using: &rng)! })).sorted()
                        : Array(Set((0..<Int.random(in: 1...4, using: &rng)).map { _ in communities.randomElement(using: &rng)! })).sorted()
                case 1: c.grades = [offered.sorted().randomElement(using: &rng)!]
                case 2:
                    // Grid workers report most cases: a rule for them is the exception.
                    let picks: [CaseSource] =
                        broad
                        ? [.hotline, .resident, .camera, .department, .leader]
                        : [.hotline, .resident, .camera, .department, .leader, .gridWorker]
                    c.sources = Set((0..<Int.random(in: 1...2, using: &rng)).map { _ in picks.randomElement(using: &rng)! })
                case 3: c.timeWindow = windows.randomElement(using: &rng)!
                case 4: c.workingTime = Int.random(in: 0..<3, using: &rng) == 0
                default: c.keywords = Array(Set((0..<Int.random(in: 1...3, using: &rng)).map { _ in keywordWords.randomElement(using: &rng)! })).sorted()
                }
            }
            let level = LadderLevel.allCases.randomElement(using: &rng)!
            let lead: LeadTarget?
            switch Int.random(in: 0..<20, using: &rng) {
            case 0..<12: lead = .department(departments.randomElement(using: &rng)!)
            case 12..<16: lead = .territorialStreet
            case 16..<17: lead = .department(offices.randomElement(using: &rng)!)
            default: lead = nil
            }
            var assisting = Array(Set((0..<Int.random(in: 0...2, using: &rng)).map { _ in departments.randomElement(using: &rng)! })).sorted()
            if case .department(let code)? = lead { assisting.removeAll { $0 == code } }
            let profile: String? = Int.random(in: 0..<5, using: &rng) == 0 ? ["urgent", "relaxed", "night"].randomElement(using: &rng)! : nil
            let whistle = level == .district && Bool.random(using: &rng)
            let what = c.categories?.joined(separator: "、") ?? "不限类别"
            rules.append(
                Rule(
                    id: "r\(DistrictLattice.code3(n + 1))", name: "基准规则\(n + 1)：\(what)", when: c,
                    then: RuleAction(
                        level: level, lead: lead, assisting: assisting, deadlineProfile: profile, whistle: whistle,
                        priority: Int.random(in: 0...9, using: &rng))))
        }
        let profiles: [String: DeadlineProfile] = [
            "urgent": DeadlineProfile(limits: [
                .dispatch: TimeLimit(amount: 10, unit: .minutes), .sign: TimeLimit(amount: 30, unit: .minutes),
                .check: TimeLimit(amount: 2, unit: .workHours),
            ]),
            "relaxed": DeadlineProfile(limits: [
                .dispatch: TimeLimit(amount: 4, unit: .workHours), .sign: TimeLimit(amount: 4, unit: .workHours),
                .check: TimeLimit(amount: 2, unit: .workDays),
            ]),
            "night": DeadlineProfile(limits: [.dispatch: TimeLimit(amount: 30, unit: .minutes), .sign: TimeLimit(amount: 60, unit: .minutes)]),
        ]
        return RuleSet(rules: rules, profiles: profiles)
    }

    /// `count` reports from `seed`: a random item, grid, source (mostly grid workers), grade (sometimes none),
    /// time within the four weeks from `firstDay` (mostly daytime) and a description of two to five words.
    func reports(count: Int, seed: UInt64) -> [BenchReport] {
        var rng = SplitMix64(seed: seed)
        let (columns, rows) = district.latticeSize
        let sources: [(CaseSource, Int)] = [(.gridWorker, 55), (.hotline, 20), (.resident, 10), (.camera, 8), (.department, 5), (.leader, 2)]
        return (0..<count).map { _ in
            let item = Int.random(in: 0..<items.count, using: &rng)
            let grade = Int.random(in: 0..<100, using: &rng) < 15 ? nil : items[item].grades.randomElement(using: &rng)
            var pick = Int.random(in: 0..<100, using: &rng), source = CaseSource.gridWorker
            for (s, weight) in sources {
                if pick < weight {
                    source = s
                    break
                }
                pick -= weight
            }
            let day = Int.random(in: 0..<28, using: &rng)
            let minute = Int.random(in: 0..<10, using: &rng) < 7 ? Int.random(in: 480..<1200, using: &rng) : Int.random(in: 0..<1440, using: &rng)
            var words: [String] = []
            for _ in 0..<Int.random(in: 2...5, using: &rng) {
                words.append(
                    Int.random(in: 0..<3, using: &rng) == 0 ? Self.keywordWords.randomElement(using: &rng)! : Self.fillerWords.randomElement(using: &rng)!)
            }
            return BenchReport(
                item: item, grade: grade, source: source, column: Int.random(in: 0..<columns, using: &rng),
                row: Int.random(in: 0..<rows, using: &rng), at: Self.firstDay.addingTimeInterval(Double(day * 86_400 + minute * 60)),
                description: words.joined(separator: "，"))
        }
    }

    /// The pure matcher's request for `report`, as GridService.explain builds it (a missing grade is the item's first).
    func request(_ report: BenchReport, calendar: WorkCalendar = .standard) -> RoutingRequest {
        let item = items[report.item], areas = lattice.chain(report.column, report.row)
        let local = calendar.localTime(report.at)
        return RoutingRequest(
            categoryChain: item.chain, grade: report.grade ?? item.grades.first, source: report.source, areaChain: areas, streetCode: areas[1],
            weekday: local.weekday, minuteOfDay: local.minuteOfDay,
            isWorkingTime: calendar.workSeconds(from: report.at, to: report.at.addingTimeInterval(60)) > 0,
            description: report.description, itemLead: item.lead, itemAssisting: item.assisting, itemLevel: item.level)
    }

    /// A point in the middle 40 % of the report's unit cell: surely inside its jittered polygon.
    func point(_ report: BenchReport, rng: inout SplitMix64) -> Coordinate {
        let c = district.cellCentre(report.column, report.row)!
        return Coordinate(
            lng: c.lng + Double.random(in: -0.2...0.2, using: &rng) * district.cell.lng,
            lat: c.lat + Double.random(in: -0.2...0.2, using: &rng) * district.cell.lat)!
    }
}

/// Times the pure matcher: `Router.route` over pre-built requests on the calling thread.
struct MatcherBenchmark {
    struct Result {
        var best: Double
        var median: Double
        var checksum: Int
        var shares: [String: Int]
        var explainPerSecond: Double
        var meanTried: Double
    }

    static func run(_ workload: RoutingWorkload, requests count: Int, rounds: Int, seed: UInt64) -> Result {
        let router = Router(ruleSet: workload.ruleSet, duties: DutyIndex(workload.duties))
        let requests = workload.reports(count: count, seed: seed).map { workload.request($0) }
        var shares: [String: Int] = [:]
        for request in requests { shares[router.route(request).basis.kind, default: 0] += 1 }
        var rates: [Double] = [], checksum = 0
        for _ in 0..<rounds {
            var sum = 0
            let t0 = ContinuousClock.now
            for request in requests { sum &+= Self.fold(router.route(request)) }
            let seconds = (ContinuousClock.now - t0).seconds
            rates.append(Double(requests.count) / seconds)
            checksum = sum
        }
        rates.sort()
        // What GridService.explain runs per request: the rules as written, with every miss in words.
        let sample = requests.prefix(min(requests.count, 10_000))
        var tried = 0
        let t0 = ContinuousClock.now
        for request in sample { tried += router.explain(request).tried.count }
        let explainSeconds = (ContinuousClock.now - t0).seconds
        return Result(
            best: rates.last ?? 0, median: rates[rates.count / 2], checksum: checksum, shares: shares,
            explainPerSecond: Double(sample.count) / explainSeconds, meanTried: Double(tried) / Double(sample.count))
    }

    /// Something of every decision, so that the optimiser must make them all.
    @inline(never)
    static func fold(_ d: RoutingDecision) -> Int {
        var x = d.priority &+ d.assisting.count &+ (d.whistle ? 7 : 0)
        switch d.basis {
        case .rule(let index, _): x &+= index &* 31
        case .duty(let entry): x &+= entry.department.utf8.count
        case .item: x &+= 3
        case .territorial: x &+= 5
        }
        return x
    }
}
