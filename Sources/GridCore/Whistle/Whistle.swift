import Foundation

/// Where a whistle (街乡吹哨) stands, in Chaoyang's seven steps: the source formed (哨源形成), the
/// street's analysis (街乡分析研判), the whistle blown (街乡吹哨), the district platform's acceptance
/// (区级平台受理: joint review, 立项, dispatch) or its refusal, the departments reporting in on site
/// (部门报到) and handling it together, the street's evaluation (评价监督) and the result fed back
/// (结果反馈); a whistle the street withdraws before the platform accepts it ends there.
public enum WhistleState: String, Sendable, Codable, CaseIterable {
    case formed, analysed, whistled, accepted, declined, onSite, closed, evaluated, fedBack, withdrawn

    public var label: Text {
        switch self {
        case .formed: Text(zh: "哨源形成", en: "source formed")
        case .analysed: Text(zh: "已分析研判", en: "analysed")
        case .whistled: Text(zh: "已吹哨", en: "whistled")
        case .accepted: Text(zh: "平台已受理", en: "accepted by the platform")
        case .declined: Text(zh: "平台不予受理", en: "declined by the platform")
        case .onSite: Text(zh: "部门已报到", en: "departments on site")
        case .closed: Text(zh: "已办结", en: "closed")
        case .evaluated: Text(zh: "已评价", en: "evaluated")
        case .fedBack: Text(zh: "已反馈", en: "result fed back")
        case .withdrawn: Text(zh: "已撤回", en: "withdrawn")
        }
    }

    /// Departments summoned are expected on site (or are there): the report-in clock runs and
    /// nobody checks out unless released (事不绝、人不撤).
    public var summons: Bool { self == .accepted || self == .onSite }
}

/// Who acts on a whistle: the street (or township) that blows it, the district's platform (its
/// command centre) that accepts it, a summoned department, the system.
public enum WhistleParty: String, Sendable, Codable, CaseIterable {
    case street, platform, department, system
}

/// What can be done to a whistle.
public enum WhistleAction: String, Sendable, Codable, CaseIterable {
    case analyse, blow, accept, decline, reportIn, close, evaluate, feedBack, withdraw

    public var label: Text {
        switch self {
        case .analyse: Text(zh: "分析研判", en: "analyse")
        case .blow: Text(zh: "吹哨", en: "blow the whistle")
        case .accept: Text(zh: "受理（联审、立项、派发）", en: "accept (review, register, dispatch)")
        case .decline: Text(zh: "不予受理", en: "decline")
        case .reportIn: Text(zh: "报到", en: "report in")
        case .close: Text(zh: "办结", en: "close")
        case .evaluate: Text(zh: "评价", en: "evaluate")
        case .feedBack: Text(zh: "结果反馈", en: "feed the result back")
        case .withdraw: Text(zh: "撤回", en: "withdraw")
        }
    }
}

/// One row of the whistle's table.
public struct WhistleTransition: Sendable, Equatable {
    public var from: WhistleState
    public var action: WhistleAction
    public var to: WhistleState
    public var party: WhistleParty
    /// A reason is required (a refusal, a withdrawal).
    public var needsReason: Bool
}

/// The whistle's steps as one table: state × action → next state and the party that may take it.
public enum WhistleFlow {
    public static let table: [WhistleTransition] = {
        var rows: [WhistleTransition] = []
        func add(_ from: [WhistleState], _ action: WhistleAction, _ to: WhistleState, _ party: WhistleParty, reason: Bool = false) {
            for state in from { rows.append(WhistleTransition(from: state, action: action, to: to, party: party, needsReason: reason)) }
        }
        add([.formed], .analyse, .analysed, .street)
        add([.analysed], .blow, .whistled, .street)
        add([.whistled], .accept, .accepted, .platform)
        add([.whistled], .decline, .declined, .platform, reason: true)
        // The first department on site moves the whistle on; the others report in beside it.
        add([.accepted, .onSite], .reportIn, .onSite, .department)
        add([.onSite], .close, .closed, .street)
        add([.closed], .evaluate, .evaluated, .street)
        add([.evaluated], .feedBack, .fedBack, .street)
        add([.formed, .analysed, .whistled], .withdraw, .withdrawn, .street, reason: true)
        return rows
    }()

    public static func transition(from state: WhistleState, _ action: WhistleAction) -> WhistleTransition? {
        table.first { $0.from == state && $0.action == action }
    }

    /// The actions `party` may take in `state`, in declaration order.
    public static func actions(from state: WhistleState, by party: WhistleParty) -> [WhistleAction] {
        WhistleAction.allCases.filter { transition(from: state, $0)?.party == party }
    }

    /// The transition, or why not: 409 with what the state allows, 403 naming the party it needs,
    /// 400 without a reason it needs.
    public static func check(_ action: WhistleAction, in state: WhistleState, by party: WhistleParty, reason: String?) throws -> WhistleTransition {
        guard let transition = transition(from: state, action) else {
            let allowed = WhistleAction.allCases.filter { self.transition(from: state, $0) != nil }.map(\.rawValue).joined(separator: ", ")
            throw GridError(
                .whistleTransitionNotAllowed,
                Text(
                    zh: "哨处于“\(state.label.zh)”，不能“\(action.label.zh)”（可执行：\(allowed.isEmpty ? "无" : allowed)）",
                    en: "a whistle that is \(state.label.en) cannot '\(action.rawValue)' (allowed: \(allowed.isEmpty ? "none" : allowed))"))
        }
        guard transition.party == party else {
            throw GridError(
                .whistlePartyNotAllowed,
                Text(zh: "“\(action.label.zh)”应由\(Self.partyLabel(transition.party).zh)执行", en: "'\(action.rawValue)' is the \(transition.party.rawValue)'s"))
        }
        if transition.needsReason, reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty != false {
            throw GridError.invalid([FieldError("reason", .fieldRequired, Text(zh: "请写明原因", en: "give the reason"))])
        }
        return transition
    }

    static func partyLabel(_ party: WhistleParty) -> Text {
        switch party {
        case .street: Text(zh: "吹哨的街道（乡镇）", en: "whistling street")
        case .platform: Text(zh: "区级平台", en: "district platform")
        case .department: Text(zh: "被召集的部门", en: "summoned department")
        case .system: Text(zh: "系统", en: "system")
        }
    }
}

/// A department's report-in (报到) against the whistle's limit and place.
public enum ReportIn {
    /// Beijing's rule: enforcement departments on site within 30 minutes (“30分钟内到点执法”).
    public static let defaultLimitMinutes = 30
    /// A check-in farther than this from the whistle's place is flagged.
    public static let defaultRadiusMeters = 500.0

    /// Minutes late at `checkIn` for a summons at `summonedAt` with `limitMinutes` (0 on time).
    public static func minutesLate(summonedAt: Date, checkIn: Date, limitMinutes: Int) -> Int {
        let late = checkIn.timeIntervalSince(summonedAt) - Double(limitMinutes * 60)
        return late <= 0 ? 0 : Int((late / 60).rounded(.up))
    }

    /// Whether a department may check out: once the whistle closed, or the street released it
    /// (事不绝、人不撤).
    public static func mayCheckOut(_ state: WhistleState, released: Bool) -> Bool {
        released || state == .closed || state == .evaluated || state == .fedBack
    }

    /// Metres between two WGS84 points (haversine, mean earth radius).
    public static func meters(_ a: Coordinate, _ b: Coordinate) -> Double {
        let r = 6_371_008.8, rad = Double.pi / 180
        let dLat = (b.lat - a.lat) * rad, dLng = (b.lng - a.lng) * rad
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.lat * rad) * cos(b.lat * rad) * sin(dLng / 2) * sin(dLng / 2)
        return 2 * r * asin(min(1, sqrt(h)))
    }
}
