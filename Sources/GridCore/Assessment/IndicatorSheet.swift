import Foundation

/// The assessment figures as a table a person opens in Excel or WPS (CSV or XLSX): the subject's
/// code and name, then per indicator its value and, for a rate or a score, the numerator and
/// denominator behind it. Chinese headers; the total row last.
public enum IndicatorSheet {
    public static func header(_ grouping: IndicatorGrouping, _ indicators: [Indicator]) -> [String] {
        let subject: [String] =
            switch grouping {
            case .department: ["部门编码", "部门"]
            case .person: ["登录名", "姓名"]
            default: ["编码", "名称"]
            }
        return subject
            + indicators.flatMap { indicator in
                indicator.unit == .count ? [indicator.label.zh] : [indicator.label.zh, indicator.label.zh + "分子", indicator.label.zh + "分母"]
            }
    }

    /// One row; `code` and `name` nil for the total (合计).
    public static func row(code: String?, name: String?, _ tally: IndicatorTally, _ indicators: [Indicator]) -> [SheetCell] {
        [.text(code ?? ""), .text(name ?? "合计")]
            + indicators.flatMap { indicator -> [SheetCell] in
                let value = tally.value(indicator)
                guard let denominator = value.denominator else { return [.number(value.numerator, digits: 0)] }
                let digits = indicator.unit == .rate ? 4 : 2
                return [
                    value.value.map { .number($0, digits: digits) } ?? .empty,
                    .number(value.numerator, digits: indicator == .satisfactionRate ? 1 : 0), .number(Double(denominator), digits: 0),
                ]
            }
    }

    /// The whole table, the total last.
    public static func table(
        _ grouping: IndicatorGrouping, _ indicators: [Indicator], rows: [(code: String, name: String, tally: IndicatorTally)], total: IndicatorTally
    ) -> SheetTable {
        SheetTable(
            header: header(grouping, indicators),
            rows: rows.map { row(code: $0.code, name: $0.name, $0.tally, indicators) } + [row(code: nil, name: nil, total, indicators)],
            codeColumns: [0])
    }

    /// The CSV: BOM, Chinese headers, codes as text, no formula injection.
    public static func csv(
        _ grouping: IndicatorGrouping, _ indicators: [Indicator], rows: [(code: String, name: String, tally: IndicatorTally)], total: IndicatorTally
    ) -> String {
        table(grouping, indicators, rows: rows, total: total).csv()
    }
}
