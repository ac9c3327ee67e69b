import Foundation

/// How the whistle figures are grouped: by the summoned department (report-in and scores for the
/// assessment), by the street that whistled, or by the kind of whistle.
public enum WhistleGrouping: String, Sendable, CaseIterable {
    case department, street, kind

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// One group's sums as the database returns them (the total row has no key): whistles accepted in
/// the period, and of their summonses the expected ones (not released before checking in), those in
/// on time, late and never in, the minutes to arrive, and the street's scores.
public struct WhistleFact: Sendable, Equatable {
    public var code: String?
    public var name: String?
    public var whistles: Int
    public var summoned: Int
    public var expected: Int
    public var checkedIn: Int
    public var onTime: Int
    public var late: Int
    public var absent: Int
    public var far: Int
    public var arrivalMinutes: Double
    public var scored: Int
    public var onTimeScore: Int
    public var attitudeScore: Int
    public var resultScore: Int

    public init(
        code: String?, name: String?, whistles: Int, summoned: Int, expected: Int, checkedIn: Int, onTime: Int, late: Int, absent: Int, far: Int,
        arrivalMinutes: Double, scored: Int, onTimeScore: Int, attitudeScore: Int, resultScore: Int
    ) {
        self.code = code
        self.name = name
        self.whistles = whistles
        self.summoned = summoned
        self.expected = expected
        self.checkedIn = checkedIn
        self.onTime = onTime
        self.late = late
        self.absent = absent
        self.far = far
        self.arrivalMinutes = arrivalMinutes
        self.scored = scored
        self.onTimeScore = onTimeScore
        self.attitudeScore = attitudeScore
        self.resultScore = resultScore
    }

    /// The share of expected report-ins that were on time (nil with none expected).
    public var onTimeRate: Double? { expected == 0 ? nil : Double(onTime) / Double(expected) }
    /// Mean minutes from the summons to the check-in, over those who checked in.
    public var meanArrivalMinutes: Double? { checkedIn == 0 ? nil : arrivalMinutes / Double(checkedIn) }
    public var meanOnTimeScore: Double? { mean(onTimeScore) }
    public var meanAttitudeScore: Double? { mean(attitudeScore) }
    public var meanResultScore: Double? { mean(resultScore) }
    public var meanTotalScore: Double? { mean(onTimeScore + attitudeScore + resultScore) }

    func mean(_ sum: Int) -> Double? { scored == 0 ? nil : Double(sum) / Double(scored) }
}

/// The whistle figures' wording and CSV.
public enum WhistleFigures {
    /// Beijing's rule, as the figures state it.
    public static func rule(limitMinutes: Int = ReportIn.defaultLimitMinutes) -> Text {
        Text(
            zh: "街乡吹哨、部门报到：相关部门必须在\(limitMinutes)分钟内到点执法，事不绝、人不撤",
            en: "The street whistles, the departments report in: they must be on site within \(limitMinutes) minutes and stay until it is done")
    }

    public static func csvHeader(_ grouping: WhistleGrouping) -> [String] {
        let key: [String] =
            switch grouping {
            case .department: ["部门编码", "部门"]
            case .street: ["街道编码", "街道"]
            case .kind: ["哨种代码", "哨种"]
            }
        return key + [
            "吹哨数", "召集部门次数", "应报到", "已报到", "按时报到", "迟到", "未到", "超出报到半径", "按时报到率", "平均到场分钟", "已评分", "按时得分均值", "态度得分均值",
            "效果得分均值", "总分均值",
        ]
    }

    public static func csvRow(_ fact: WhistleFact) -> [String] {
        func number(_ value: Double?, _ digits: Int = 2) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "" }
        return [fact.code ?? "", fact.name ?? "合计"]
            + [fact.whistles, fact.summoned, fact.expected, fact.checkedIn, fact.onTime, fact.late, fact.absent, fact.far].map(String.init)
            + [
                number(fact.onTimeRate, 4), number(fact.meanArrivalMinutes, 1), String(fact.scored), number(fact.meanOnTimeScore),
                number(fact.meanAttitudeScore), number(fact.meanResultScore), number(fact.meanTotalScore),
            ]
    }
}
