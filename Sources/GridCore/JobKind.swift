/// The kinds of work the job table holds; each has its handler in the worker (an exhaustive switch).
public enum JobKind: String, Sendable, CaseIterable {
    /// The handling stage's lights (the case's own light times).
    case caseYellow, caseRed
    case webhook
    /// Another stage's lights (payload: the clock).
    case stageYellow, stageRed
    /// A supervision order's deadline (payload: the order): unanswered, it turns red.
    case orderLapse
    /// A level's local limit on the ladder passed (the case's `levelDue`): not handled nor handed
    /// up, the case goes up by itself.
    case ladderLimit
    /// A summoned department's report-in limit on a whistle passed (payload: the whistle and the
    /// department): not checked in nor released, it turns red.
    case whistleLimit
    /// A brief's period ended (payload: the cadence and the period): publish it to its subscribers
    /// and webhooks, and schedule the next.
    case briefDue

    /// The lanes the workers claim from: escalations never wait on deliveries, and a whistle's
    /// report-in limit (told within seconds) never waits behind a burst of deadline lights.
    public static let escalations: [JobKind] = [.caseYellow, .caseRed, .stageYellow, .stageRed, .orderLapse, .ladderLimit]
    public static let reportIns: [JobKind] = [.whistleLimit]
    public static let deliveries: [JobKind] = [.webhook]
    /// Briefs take seconds of figures: a lane of their own, so that no deadline waits on them.
    public static let briefs: [JobKind] = [.briefDue]
}
