import Foundation

/// Who a composite score ranks: streets (and townships), communities (and villages), departments
/// or grid workers.
public enum AssessmentSubject: String, Sendable, Codable, CaseIterable {
    case street, community, department, person

    public var grouping: IndicatorGrouping {
        switch self {
        case .street: .street
        case .community: .community
        case .department: .department
        case .person: .person
        }
    }

    public var label: Text {
        switch self {
        case .street: Text(zh: "街道", en: "streets")
        case .community: Text(zh: "社区", en: "communities")
        case .department: Text(zh: "部门", en: "departments")
        case .person: Text(zh: "网格员", en: "grid workers")
        }
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A district's composite score for one kind of subject, as one version: weights (whole points
/// summing to 100) on rates and scores, and deductions (points per counted case, up to a cap) on
/// counts such as open overdue cases. A version takes effect from the first day of a month and is
/// not changed once that day has come: a month is scored by the version in force on its first day.
public struct AssessmentScheme: Sendable, Equatable, Codable {
    public struct Weight: Sendable, Equatable, Codable {
        public var indicator: Indicator
        public var weight: Int

        public init(indicator: Indicator, weight: Int) {
            self.indicator = indicator
            self.weight = weight
        }
    }

    public struct Deduction: Sendable, Equatable, Codable {
        public var indicator: Indicator
        /// Points taken per case counted.
        public var points: Double
        /// At most this many points in all.
        public var max: Double

        public init(indicator: Indicator, points: Double, max: Double) {
            self.indicator = indicator
            self.points = points
            self.max = max
        }
    }

    public var weights: [Weight]
    public var deductions: [Deduction]

    public init(weights: [Weight], deductions: [Deduction] = []) {
        self.weights = weights
        self.deductions = deductions
    }

    /// What a district gets before it sets its own (the weights seen in CJ/T 292 implementations).
    public static func standard(_ subject: AssessmentSubject) -> AssessmentScheme {
        switch subject {
        case .department:
            AssessmentScheme(
                weights: [
                    .init(indicator: .closureRate, weight: 35), .init(indicator: .onTimeHandlingRate, weight: 35), .init(indicator: .reworkRate, weight: 30),
                ],
                deductions: [.init(indicator: .openOverdue, points: 1, max: 20)])
        case .street, .community:
            AssessmentScheme(
                weights: [
                    .init(indicator: .onTimeHandlingRate, weight: 30), .init(indicator: .closureRate, weight: 30),
                    .init(indicator: .frontLineShare, weight: 20), .init(indicator: .satisfactionRate, weight: 20),
                ],
                deductions: [.init(indicator: .openOverdue, points: 1, max: 20)])
        case .person:
            AssessmentScheme(weights: [.init(indicator: .discoveryAccuracy, weight: 100)])
        }
    }

    /// The checks a version must pass: known indicators that apply to the subject, rates and
    /// scores weighted with whole points from 1 summing to 100, each once; counts deducted with
    /// points and a cap from 0 to 100.
    public func validate(for subject: AssessmentSubject) throws {
        var errors: [FieldError] = []
        var seen: Set<Indicator> = []
        for (index, weight) in weights.enumerated() {
            let field = "weights[\(index)]"
            if !weight.indicator.applies(to: subject.grouping) {
                errors.append(
                    FieldError(
                        field, .statsBadGroup,
                        Text(
                            zh: "指标 \(weight.indicator.rawValue)（\(weight.indicator.label.zh)）不用于考核\(subject.label.zh)",
                            en: "the indicator \(weight.indicator.rawValue) (\(weight.indicator.label.en)) is not counted for \(subject.label.en)")))
            }
            if weight.indicator.unit == .count {
                errors.append(
                    FieldError(
                        field, .fieldNotAllowed,
                        Text(
                            zh: "\(weight.indicator.label.zh)是计数，请作为扣分项（deductions）", en: "\(weight.indicator.label.en) is a count: make it a deduction")))
            }
            if weight.weight < 1 || weight.weight > 100 {
                errors.append(
                    FieldError(field, .fieldOutOfRange, Text(zh: "权重应为 1–100 的整数，收到 \(weight.weight)", en: "a weight is 1–100, got \(weight.weight)")))
            }
            if !seen.insert(weight.indicator).inserted {
                errors.append(
                    FieldError(field, .fieldInvalid, Text(zh: "指标 \(weight.indicator.rawValue) 重复", en: "\(weight.indicator.rawValue) appears twice")))
            }
        }
        let sum = weights.reduce(0) { $0 + $1.weight }
        if sum != 100 {
            errors.append(
                FieldError("weights", .assessmentWeightsSum, Text(zh: "权重之和应为 100，现为 \(sum)", en: "the weights must sum to 100, they sum to \(sum)")))
        }
        for (index, deduction) in deductions.enumerated() {
            let field = "deductions[\(index)]"
            if deduction.indicator.unit != .count || !deduction.indicator.applies(to: subject.grouping) {
                errors.append(
                    FieldError(
                        field, .fieldNotAllowed,
                        Text(
                            zh: "扣分项应为适用于\(subject.label.zh)的计数指标（如 openOverdue），收到 \(deduction.indicator.rawValue)",
                            en: "a deduction is a count that applies to \(subject.label.en) (such as openOverdue), got \(deduction.indicator.rawValue)")))
            }
            if !(deduction.points > 0 && deduction.points <= 100) || !(deduction.max > 0 && deduction.max <= 100) {
                errors.append(
                    FieldError(
                        field, .fieldOutOfRange,
                        Text(zh: "每件扣分与上限应在 0–100 之间", en: "points per case and the cap are more than 0 and at most 100")))
            }
        }
        if !errors.isEmpty { throw GridError.invalid(errors) }
    }

    /// One subject's score out of 100: each weighted rate (1 − rate where lower is better, a mean
    /// score over the district's top score) times its weight, over the weights of the indicators
    /// that have a figure (one with nothing to rate leaves the others to carry the score), less the
    /// deductions. Nil when no weighted indicator has a figure: the subject is not ranked.
    public func score(_ tally: IndicatorTally, scoreMax: Int) -> ScoreCard? {
        var earned = 0.0, weighed = 0
        var parts: [ScoreCard.Part] = []
        for weight in weights {
            guard let value = tally.value(weight.indicator).value else {
                parts.append(.init(indicator: weight.indicator, weight: weight.weight, value: nil, points: nil))
                continue
            }
            let normalised =
                switch weight.indicator.unit {
                case .score: min(1, value / Double(max(scoreMax, 1)))
                default: weight.indicator.higherIsBetter ? value : 1 - value
                }
            earned += normalised * Double(weight.weight)
            weighed += weight.weight
            parts.append(.init(indicator: weight.indicator, weight: weight.weight, value: value, points: normalised * Double(weight.weight)))
        }
        guard weighed > 0 else { return nil }
        let deducted = deductions.map { deduction in
            (deduction.indicator, min(deduction.max, deduction.points * (tally.value(deduction.indicator).value ?? 0)))
        }
        let score = max(0, earned * 100 / Double(weighed) - deducted.reduce(0) { $0 + $1.1 })
        return ScoreCard(score: (score * 100).rounded() / 100, parts: parts, deductions: deducted.map { .init(indicator: $0.0, points: $0.1) })
    }
}

/// One stored version of a district's composite score for a subject.
public struct AssessmentSchemeVersion: Sendable, Equatable {
    public var subject: AssessmentSubject
    public var month: AssessmentMonth
    public var effectiveAt: Date
    public var version: Int
    public var scheme: AssessmentScheme
    public var note: String?
    public var createdLogin: String
    public var updatedAt: Date

    public init(
        subject: AssessmentSubject, month: AssessmentMonth, effectiveAt: Date, version: Int, scheme: AssessmentScheme, note: String?,
        createdLogin: String, updatedAt: Date
    ) {
        self.subject = subject
        self.month = month
        self.effectiveAt = effectiveAt
        self.version = version
        self.scheme = scheme
        self.note = note
        self.createdLogin = createdLogin
        self.updatedAt = updatedAt
    }
}

/// A subject's composite score and how it was made.
public struct ScoreCard: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var indicator: Indicator
        public var weight: Int
        public var value: Double?
        /// The points the indicator earned (nil: nothing to rate, its weight left out).
        public var points: Double?
    }

    public struct Taken: Sendable, Equatable {
        public var indicator: Indicator
        public var points: Double
    }

    /// Out of 100, to two decimals.
    public var score: Double
    public var parts: [Part]
    public var deductions: [Taken]

    /// A ≥ 90, B 75–90, C 60–75, D 40–60, E below 40.
    public var grade: String {
        switch score {
        case 90...: "A"
        case 75..<90: "B"
        case 60..<75: "C"
        case 40..<60: "D"
        default: "E"
        }
    }
}

/// A ranking: subjects by score, highest first; equal scores share a rank and the next rank
/// skips (1, 2, 2, 4); the change against the previous period's rank and score.
public enum Ranking {
    public struct Entry<Subject: Sendable>: Sendable {
        public var subject: Subject
        public var card: ScoreCard?
        /// Nil for a subject with nothing to score.
        public var rank: Int?
        public var previousRank: Int?
        public var previousScore: Double?

        /// Places moved up (positive) or down since the previous period.
        public var rankChange: Int? { rank.flatMap { now in previousRank.map { $0 - now } } }
        public var scoreChange: Double? { card.flatMap { now in previousScore.map { ((now.score - $0) * 100).rounded() / 100 } } }
    }

    /// `cards` in the order given (ties keep it), ranked; `previous` by the same key.
    public static func rank<Subject: Sendable, Key: Hashable>(
        _ cards: [(subject: Subject, card: ScoreCard?)], key: (Subject) -> Key, previous: [Key: ScoreCard?] = [:]
    ) -> [Entry<Subject>] {
        let ranked = ranks(cards.map { $0.card?.score })
        let previousRanks: [Key: Int] = {
            let keys = Array(previous.keys)
            let positions = ranks(keys.map { previous[$0]??.score })
            return Dictionary(uniqueKeysWithValues: zip(keys, positions).compactMap { key, rank in rank.map { (key, $0) } })
        }()
        let entries = zip(cards, ranked).map { pair, rank in
            Entry(
                subject: pair.subject, card: pair.card, rank: rank, previousRank: previousRanks[key(pair.subject)],
                previousScore: previous[key(pair.subject)]??.score)
        }
        return entries.enumerated().sorted { a, b in
            switch (a.element.rank, b.element.rank) {
            case (let x?, let y?): x != y ? x < y : a.offset < b.offset
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.offset < b.offset
            }
        }.map(\.element)
    }

    /// Competition ranks of scores (nil: unranked): 1 + how many scored strictly higher.
    static func ranks(_ scores: [Double?]) -> [Int?] {
        let present = scores.compactMap { $0 }
        return scores.map { score in score.map { s in 1 + present.filter { $0 > s }.count } }
    }
}
