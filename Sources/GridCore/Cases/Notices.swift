/// What people are told about a case (the `kind` of a notification).
public enum NoticeEvent: String, Sendable, CaseIterable, Codable {
    /// A stage's light turned yellow or red (`stageEvent(_:_:)` names them).
    case dispatchYellow, dispatchRed, signYellow, signRed, handleYellow, handleRed, verifyYellow, verifyRed, checkYellow, checkRed
    /// A supervision order (督办) was raised on the case, manually or by an overdue handling stage.
    case orderRaised
    /// An order lapsed unanswered: the red card, escalated to the next level up and the district.
    case orderRed
    /// The department answered an order.
    case orderReplied
    /// A request waits on the command centre: an extension or a suspension to approve, a returned
    /// case to dispatch again, a handled case to have checked.
    case waitingForCentre
    /// The case closed: the reporter is told.
    case caseClosed
    /// The shift leader reopened the case (重办): the department has it again.
    case caseReopened
    /// The case was merged into another: the reporter is told.
    case caseMerged
    /// The command centre should call a reporter back (回访).
    case reporterCallback
    /// A handover slip waits for the level it is addressed to (上报).
    case slipArrived
    /// The level above refused the slip: the case is the lower level's again, with a new deadline.
    case slipRefused
    /// The centre delegated the case down to a level (下派).
    case caseDelegated
    /// A brief the user subscribed to came out (月报、周报), not about one case.
    case briefPublished

    /// The event of a stage's light.
    public static func stageEvent(_ stage: Stage, _ light: TrafficLight) -> NoticeEvent? {
        switch (stage, light) {
        case (_, .green): nil
        case (.dispatch, .yellow): .dispatchYellow
        case (.dispatch, .red): .dispatchRed
        case (.sign, .yellow): .signYellow
        case (.sign, .red): .signRed
        case (.handle, .yellow): .handleYellow
        case (.handle, .red): .handleRed
        case (.verify, .yellow): .verifyYellow
        case (.verify, .red): .verifyRed
        case (.check, .yellow): .checkYellow
        case (.check, .red): .checkRed
        }
    }
}

/// Who, relative to a case, is told.
public enum NoticeAudience: Sendable, Hashable {
    /// The liaisons of the department that leads the case.
    case leadDepartment
    /// People holding one of the roles at a unit that contains the case's grid (the grid itself,
    /// its community, street or the district): the desks that can act on it.
    case covering(Set<Role>)
    /// People holding one of the roles at the case's street (or township) itself.
    case street(Set<Role>)
    /// People holding one of the roles at the district (the root) itself.
    case district(Set<Role>)
    /// The user who reported the case (when a user of the district did).
    case reporter
    /// The user who raised the supervision order the event is about.
    case raiser
    /// The people who act for the ladder unit the event names: its named members, and the level's
    /// roles (`LadderLevel.actingRoles`) bound at the unit (for a grid, also at its enclosing grids).
    case ladderUnit
    /// The users who subscribed to what the event is about (a brief: `BriefDeliveryStore.tell`).
    case subscribers
}

/// Who is told of what: one table, event × audience. Each person is told once per event, however
/// many of their bindings an audience matches (`NoticeStore.deliver`); nobody outside it is told.
public enum NoticeTable {
    static let centre: Set<Role> = [.dispatcher, .shiftLeader]

    public static func audiences(_ event: NoticeEvent) -> [NoticeAudience] {
        switch event {
        // Filing and dispatch wait on the command centre: the dispatchers, and the shift leader once it is late.
        case .dispatchYellow: [.covering([.dispatcher])]
        case .dispatchRed: [.covering(centre)]
        // Signing and handling wait on the lead department; late, the centres that dispatched it hear too.
        case .signYellow, .handleYellow: [.leadDepartment]
        case .signRed: [.leadDepartment, .covering([.dispatcher])]
        case .handleRed: [.leadDepartment, .covering(centre)]
        // Verification and checks wait on the grid workers; late, on the desks that ordered them.
        case .verifyYellow, .checkYellow: [.covering([.gridWorker])]
        case .verifyRed, .checkRed: [.covering([.gridWorker, .dispatcher])]
        // Supervision: the yellow card goes to the department and the centre; the red card up to the
        // street's and the district's leaders and shift leaders.
        case .orderRaised: [.leadDepartment, .covering(centre)]
        case .orderRed: [.leadDepartment, .street([.leader, .shiftLeader]), .district([.leader, .shiftLeader])]
        case .orderReplied: [.raiser, .covering([.shiftLeader])]
        case .waitingForCentre: [.covering(centre)]
        case .caseClosed, .caseMerged: [.reporter]
        case .caseReopened: [.leadDepartment]
        case .reporterCallback: [.district(centre)]
        case .slipArrived, .slipRefused, .caseDelegated: [.ladderUnit]
        case .briefPublished: [.subscribers]
        }
    }

    /// The roles an audience reaches (the liaison for the lead department; none for one person).
    public static func roles(_ audience: NoticeAudience) -> Set<Role> {
        switch audience {
        case .leadDepartment: [.departmentLiaison]
        case .covering(let roles), .street(let roles), .district(let roles): roles
        case .reporter, .raiser, .ladderUnit, .subscribers: []
        }
    }
}
