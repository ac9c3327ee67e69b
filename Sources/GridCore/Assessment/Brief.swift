import Foundation

/// What a brief (月报 or 周报) of a district or a street says: the period's figures against the
/// period before, the ranking of the units below, the weekly trend, the departments' on-time
/// handling, a map of the rate by grid and the period's notable cases.
public struct BriefModel: Sendable {
    public struct Figure: Sendable {
        public var indicator: Indicator
        public var value: IndicatorValue
        public var previous: IndicatorValue

        public init(indicator: Indicator, value: IndicatorValue, previous: IndicatorValue) {
            self.indicator = indicator
            self.value = value
            self.previous = previous
        }
    }

    public struct RankedUnit: Sendable {
        public var rank: Int?
        public var code: String
        public var name: String
        public var score: Double?
        public var grade: String?
        public var rankChange: Int?

        public init(rank: Int?, code: String, name: String, score: Double?, grade: String?, rankChange: Int?) {
            self.rank = rank
            self.code = code
            self.name = name
            self.score = score
            self.grade = grade
            self.rankChange = rankChange
        }
    }

    public struct Point: Sendable {
        public var label: String
        public var filed: Double
        public var onTime: Double?

        public init(label: String, filed: Double, onTime: Double?) {
            self.label = label
            self.filed = filed
            self.onTime = onTime
        }
    }

    public struct Bar: Sendable {
        public var label: String
        public var value: Double?
        public var detail: String

        public init(label: String, value: Double?, detail: String) {
            self.label = label
            self.value = value
            self.detail = detail
        }
    }

    public struct GridShape: Sendable {
        public var code: String
        public var name: String
        /// SVG path data in degrees (x east, y south: PostGIS's ST_AsSVG).
        public var path: String
        public var rate: Double?

        public init(code: String, name: String, path: String, rate: Double?) {
            self.code = code
            self.name = name
            self.path = path
            self.rate = rate
        }
    }

    public struct NotableCase: Sendable {
        public var number: String
        public var what: String
        public var place: String
        public var department: String
        public var due: String
        public var note: String

        public init(number: String, what: String, place: String, department: String, due: String, note: String) {
            self.number = number
            self.what = what
            self.place = place
            self.department = department
            self.due = due
            self.note = note
        }
    }

    public var districtName: String
    public var scopeName: String
    public var title: String
    public var period: String
    /// The period and the one before as the tables name them: 本月 and 上月, or 本周 and 上周.
    public var thisPeriod: String
    public var previousPeriod: String
    public var asOf: String
    public var figures: [Figure]
    public var rankingTitle: String
    public var ranking: [RankedUnit]
    public var weeks: [Point]
    public var departments: [Bar]
    /// minX, minY, width, height of the map in the paths' units.
    public var mapBox: (Double, Double, Double, Double)?
    public var grids: [GridShape]
    public var notable: [NotableCase]

    public init(
        districtName: String, scopeName: String, title: String, period: String, thisPeriod: String = "本月", previousPeriod: String = "上月",
        asOf: String, figures: [Figure], rankingTitle: String,
        ranking: [RankedUnit], weeks: [Point], departments: [Bar], mapBox: (Double, Double, Double, Double)?, grids: [GridShape],
        notable: [NotableCase]
    ) {
        self.districtName = districtName
        self.scopeName = scopeName
        self.title = title
        self.period = period
        self.thisPeriod = thisPeriod
        self.previousPeriod = previousPeriod
        self.asOf = asOf
        self.figures = figures
        self.rankingTitle = rankingTitle
        self.ranking = ranking
        self.weeks = weeks
        self.departments = departments
        self.mapBox = mapBox
        self.grids = grids
        self.notable = notable
    }
}

/// The brief as one self-contained page: HTML (well-formed XHTML, so any XML parser reads it) with
/// inline CSS that prints to A4 and inline SVG charts, Chinese throughout.
public enum BriefPage {
    public static func html(_ brief: BriefModel) -> String {
        var page = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">
            <head>
            <meta charset="utf-8" />
            <title>\(escape(brief.title))</title>
            <style>
            @page { size: A4; margin: 16mm 14mm; }
            body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", sans-serif; font-size: 10.5pt; color: #222; margin: 0; }
            h1 { font-size: 18pt; margin: 0 0 2mm 0; }
            h2 { font-size: 12.5pt; margin: 6mm 0 2mm 0; border-bottom: 1px solid #888; }
            p.meta { color: #555; margin: 0 0 4mm 0; }
            table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
            tr { page-break-inside: avoid; }
            th, td { border: 1px solid #bbb; padding: 1.2mm 2mm; text-align: left; }
            th { background: #eee; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            .up { color: #1a7f37; } .down { color: #c62828; }
            section { page-break-inside: avoid; }
            svg { display: block; margin: 2mm 0; }
            </style>
            </head>
            <body>
            <h1>\(escape(brief.title))</h1>
            <p class="meta">\(escape(brief.districtName)) · \(escape(brief.scopeName)) · 统计期间 \(escape(brief.period)) · 数据截至 \(escape(brief.asOf))</p>

            """
        page += section("一、\(brief.thisPeriod)主要指标", figures(brief.figures, brief))
        page += section("二、\(brief.rankingTitle)", ranking(brief.ranking))
        page += section("三、近八周趋势（立案数、按期处置率）", trend(brief.weeks))
        page += section("四、各部门按期处置率", bars(brief.departments))
        page += section("五、网格按期处置率分布", map(brief.mapBox, brief.grids, brief))
        page += section("六、\(brief.thisPeriod)值得关注的案件", notable(brief.notable, brief))
        page += "<p class=\"meta\">本简报由 gridgov 按本区考核指标定义自动生成，指标定义见系统“考核指标”。</p>\n</body>\n</html>\n"
        return page
    }

    static func section(_ title: String, _ body: String) -> String {
        "<section>\n<h2>\(escape(title))</h2>\n\(body)</section>\n"
    }

    static func format(_ value: IndicatorValue) -> String {
        guard let number = value.value else { return "—" }
        switch value.indicator.unit {
        case .count: return String(format: "%.0f", number)
        case .rate: return String(format: "%.1f%%", number * 100)
        case .score: return String(format: "%.2f", number)
        }
    }

    static func figures(_ figures: [BriefModel.Figure], _ brief: BriefModel) -> String {
        var rows = "<table>\n<tr><th>指标</th><th>\(brief.thisPeriod)</th><th>分子 / 分母</th><th>\(brief.previousPeriod)</th><th>变化</th></tr>\n"
        for figure in figures {
            let now = figure.value, before = figure.previous
            let counts = now.denominator.map { String(format: "%.0f / %d", now.numerator, $0) } ?? String(format: "%.0f", now.numerator)
            var change = "—", style = ""
            if let a = now.value, let b = before.value {
                let delta = a - b
                change = figure.indicator.unit == .rate ? String(format: "%+.1f 个百分点", delta * 100) : String(format: "%+.0f", delta)
                let better = figure.indicator.higherIsBetter ? delta > 0 : delta < 0
                // More or fewer cases filed is neither better nor worse.
                style = delta == 0 || figure.indicator == .filed ? "" : better ? " class=\"n up\"" : " class=\"n down\""
            }
            rows +=
                "<tr><td>\(escape(figure.indicator.label.zh))</td><td class=\"n\">\(format(now))</td><td class=\"n\">\(counts)</td>"
                + "<td class=\"n\">\(format(before))</td><td\(style.isEmpty ? " class=\"n\"" : style)>\(escape(change))</td></tr>\n"
        }
        return rows + "</table>\n"
    }

    static func ranking(_ units: [BriefModel.RankedUnit]) -> String {
        guard !units.isEmpty else { return "<p>无</p>\n" }
        var rows = "<table>\n<tr><th>名次</th><th>单位</th><th>综合得分</th><th>等级</th><th>名次变化</th></tr>\n"
        for unit in units {
            let change = unit.rankChange.map { $0 > 0 ? "↑\($0)" : $0 < 0 ? "↓\(-$0)" : "—" } ?? ""
            rows +=
                "<tr><td class=\"n\">\(unit.rank.map(String.init) ?? "—")</td><td>\(escape(unit.name))</td>"
                + "<td class=\"n\">\(unit.score.map { String(format: "%.2f", $0) } ?? "—")</td><td>\(escape(unit.grade ?? "—"))</td>"
                + "<td class=\"n\">\(change)</td></tr>\n"
        }
        return rows + "</table>\n"
    }

    /// Bars of the weekly filings and a line of the on-time rate (right axis, 0–100 %).
    static func trend(_ points: [BriefModel.Point]) -> String {
        guard !points.isEmpty else { return "<p>无</p>\n" }
        let width = 640.0, height = 200.0, left = 40.0, right = 40.0, top = 10.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        let top1 = max(points.map(\.filed).max() ?? 1, 1)
        let step = plotW / Double(points.count)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#888\" />\n"
        var line: [String] = []
        for (index, point) in points.enumerated() {
            let x = left + step * Double(index), barH = plotH * point.filed / top1
            svg +=
                "<rect x=\(quote(x + step * 0.2)) y=\(quote(top + plotH - barH)) width=\(quote(step * 0.6)) height=\(quote(barH)) fill=\"#90caf9\" />\n"
            svg +=
                "<text x=\(quote(x + step / 2)) y=\(quote(top + plotH - barH - 2)) font-size=\"9\" text-anchor=\"middle\">\(Int(point.filed))</text>\n"
            svg += "<text x=\(quote(x + step / 2)) y=\(quote(height - 12)) font-size=\"9\" text-anchor=\"middle\">\(escape(point.label))</text>\n"
            if let rate = point.onTime { line.append("\(fmt(x + step / 2)),\(fmt(top + plotH * (1 - rate)))") }
        }
        if !line.isEmpty {
            svg += "<polyline points=\"\(line.joined(separator: " "))\" fill=\"none\" stroke=\"#c62828\" stroke-width=\"2\" />\n"
        }
        svg += "<text x=\"4\" y=\"\(Int(top + 8))\" font-size=\"9\">立案数</text>\n"
        svg += "<text x=\"\(Int(width - 4))\" y=\"\(Int(top + 8))\" font-size=\"9\" text-anchor=\"end\" fill=\"#c62828\">按期处置率</text>\n"
        return svg + "</svg>\n"
    }

    /// Horizontal bars, 0–100 %.
    static func bars(_ items: [BriefModel.Bar]) -> String {
        guard !items.isEmpty else { return "<p>无</p>\n" }
        let rowH = 18.0, label = 150.0, width = 640.0, barW = width - label - 120
        let height = rowH * Double(items.count) + 6
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        for (index, item) in items.enumerated() {
            let y = rowH * Double(index) + 3
            svg += "<text x=\(quote(label - 4)) y=\(quote(y + 12)) font-size=\"10\" text-anchor=\"end\">\(escape(item.label))</text>\n"
            if let value = item.value {
                svg += "<rect x=\(quote(label)) y=\(quote(y + 2)) width=\(quote(barW * value)) height=\"12\" fill=\(quote(color(value))) />\n"
            }
            let text = item.value.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
            svg += "<text x=\(quote(label + barW + 6)) y=\(quote(y + 12)) font-size=\"10\">\(escape(text + " " + item.detail))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// The grids, each filled by its rate (grey: nothing due), north up.
    static func map(_ box: (Double, Double, Double, Double)?, _ grids: [BriefModel.GridShape], _ brief: BriefModel) -> String {
        guard let box, !grids.isEmpty, box.2 > 0, box.3 > 0 else { return "<p>无网格边界数据</p>\n" }
        let width = 640.0, height = min(520.0, width * box.3 / box.2)
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"\(fmt(box.0)) \(fmt(box.1)) \(fmt(box.2)) \(fmt(box.3))\" preserveAspectRatio=\"xMidYMid meet\">\n"
        let stroke = fmt(box.2 / 1500)
        for grid in grids {
            svg +=
                "<path d=\(quote(grid.path)) fill=\(quote(grid.rate.map(color) ?? "#e0e0e0")) stroke=\"#fff\" stroke-width=\(quote(stroke))>"
                + "<title>\(escape(grid.name + " " + (grid.rate.map { String(format: "%.1f%%", $0 * 100) } ?? "无到期案件")))</title></path>\n"
        }
        svg += "</svg>\n"
        return svg + "<p class=\"meta\">颜色：绿色为按期处置率高，红色为低，灰色为\(brief.thisPeriod)无到期案件。</p>\n"
    }

    static func notable(_ cases: [BriefModel.NotableCase], _ brief: BriefModel) -> String {
        guard !cases.isEmpty else { return "<p>\(brief.thisPeriod)没有超期未结或返工的案件。</p>\n" }
        var rows = "<table>\n<tr><th>案件编号</th><th>问题</th><th>位置</th><th>主办部门</th><th>处置期限</th><th>情况</th></tr>\n"
        for item in cases {
            rows +=
                "<tr><td>\(escape(item.number))</td><td>\(escape(item.what))</td><td>\(escape(item.place))</td>"
                + "<td>\(escape(item.department))</td><td>\(escape(item.due))</td><td>\(escape(item.note))</td></tr>\n"
        }
        return rows + "</table>\n"
    }

    /// Red (0) to amber to green (1).
    static func color(_ rate: Double) -> String {
        let r = max(0, min(1, rate))
        let red = r < 0.5 ? 220 : Int(220 - (r - 0.5) * 2 * 180), green = r < 0.5 ? Int(60 + r * 2 * 140) : 200
        return String(format: "#%02x%02x%02x", red, green, 60)
    }

    static func fmt(_ value: Double) -> String { String(format: "%.5g", value) }
    static func quote(_ value: Double) -> String { "\"\(fmt(value))\"" }
    static func quote(_ value: String) -> String { "\"\(escape(value))\"" }

    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
