import Foundation

/// The 红黄绿灯 status of a case against its time limit, which supervisors (督办) watch to chase cases before they
/// become overdue.
public enum TrafficLight: String, Sendable, Codable, CaseIterable, Comparable {
    case green, yellow, red

    /// Green < yellow < red: the more severe is the greater.
    public static func < (lhs: TrafficLight, rhs: TrafficLight) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Where the lights change, as fractions of the time limit used (see `WorkCalendar.fractionUsed`). A district sets
/// them in its calendar document; red above 1 tolerates some lateness before a case shows red.
public struct TrafficLightThresholds: Sendable, Equatable, Codable {
    /// Yellow once the fraction used is above this.
    public var yellow: Double
    /// Red once the fraction used is above this.
    public var red: Double

    public init(yellow: Double = 0.8, red: Double = 1.0) {
        self.yellow = yellow
        self.red = red
    }

    /// A missing threshold takes its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self), defaults = TrafficLightThresholds()
        yellow = try container.decodeIfPresent(Double.self, forKey: .yellow) ?? defaults.yellow
        red = try container.decodeIfPresent(Double.self, forKey: .red) ?? defaults.red
    }

    /// Green up to and including `yellow`, yellow up to and including `red`, red above (and for NaN).
    public func light(forFractionUsed fraction: Double) -> TrafficLight {
        if fraction <= yellow { return .green }
        return fraction <= red ? .yellow : .red
    }

    /// What breaks 0 < yellow < red ≤ 10, each problem under `path` (e.g. `trafficLight`) with the offending value.
    public func problems(at path: String) -> [FieldError] {
        var problems: [FieldError] = []
        if !(yellow > 0) {
            problems.append(
                FieldError(
                    "\(path).yellow", .trafficLightInvalid,
                    Text(zh: "黄灯阈值应大于 0，实际为 \(yellow)", en: "the yellow threshold must be above 0, got \(yellow)")))
        }
        if !(red <= 10) {
            problems.append(
                FieldError(
                    "\(path).red", .trafficLightInvalid,
                    Text(zh: "红灯阈值不能超过 10，实际为 \(red)", en: "the red threshold must be at most 10, got \(red)")))
        }
        if !(yellow < red) {
            problems.append(
                FieldError(
                    "\(path).red", .trafficLightInvalid,
                    Text(zh: "红灯阈值 \(red) 应大于黄灯阈值 \(yellow)", en: "the red threshold \(red) must be above the yellow threshold \(yellow)")))
        }
        return problems
    }
}

extension WorkCalendar {
    /// When a stage started at `start` and due at `due` turns yellow and red: the instants at which
    /// the fraction of its work time used first exceeds each threshold. A threshold of the whole
    /// limit (1) is the deadline itself; one above it counts the excess work time from the deadline.
    ///
    /// A span that holds no work time at all (a limit in natural minutes counted at night, as a
    /// missing manhole cover's) turns its lights in elapsed time instead: in work time both would
    /// fall at the next work period's start, yellow after the deadline. Yellow never comes after red.
    public func lightTimes(start: Date, due: Date, thresholds: TrafficLightThresholds) -> (yellow: Date, red: Date) {
        let total = Double(workSeconds(from: start, to: due))
        if total == 0 {
            let span = max(0, due.timeIntervalSince(start))
            func elapsed(_ fraction: Double) -> Date {
                fraction >= 1 ? due.addingTimeInterval(span * (fraction - 1)) : start.addingTimeInterval(span * fraction)
            }
            return (elapsed(thresholds.yellow), elapsed(thresholds.red))
        }
        func moment(_ fraction: Double) -> Date {
            if fraction >= 1 { return addingWorkSeconds(Int64(((fraction - 1) * total).rounded()), to: due) }
            // One work second past the threshold, less that second: a threshold reached as a period ends turns at the next period's start.
            return addingWorkSeconds(Int64((fraction * total).rounded()) + 1, to: start).addingTimeInterval(-1)
        }
        let red = moment(thresholds.red)
        return (min(moment(thresholds.yellow), red), red)
    }
}
