import Foundation

/// Where a summoned department stands on a whistle: proposed (before the platform accepts),
/// summoned (expected on site), dropped by the platform at acceptance.
public enum SummonsStatus: String, Sendable, Codable, CaseIterable {
    case proposed, summoned, dropped
}

/// The street's score of a department on one whistle (on time, attitude, result: 1…the district's
/// top score), with a comment.
public struct WhistleScore: Sendable, Equatable, Codable {
    public var onTime: Int
    public var attitude: Int
    public var result: Int
    public var comment: String?

    public init(onTime: Int, attitude: Int, result: Int, comment: String? = nil) {
        self.onTime = onTime
        self.attitude = attitude
        self.result = result
        self.comment = comment
    }

    public var total: Int { onTime + attitude + result }
}

/// A department's check-in on site: who, when, where, how far from the whistle's place, with
/// which photo, and how many minutes after the limit (0 on time).
public struct CheckIn: Sendable, Equatable {
    public var at: Date
    public var byLogin: String
    public var point: Coordinate
    public var distanceMeters: Double?
    /// Farther from the whistle's place than the district's radius.
    public var far: Bool
    public var photoId: Int64
    public var minutesLate: Int

    public init(at: Date, byLogin: String, point: Coordinate, distanceMeters: Double?, far: Bool, photoId: Int64, minutesLate: Int) {
        self.at = at
        self.byLogin = byLogin
        self.point = point
        self.distanceMeters = distanceMeters
        self.far = far
        self.photoId = photoId
        self.minutesLate = minutesLate
    }
}

/// One department on a whistle: its status, task, the report-in clock and check-in, whether it
/// turned red, its release and check-out, its report and the street's score.
public struct Summons: Sendable, Equatable {
    public var departmentId: Int64
    public var departmentCode: String
    public var departmentName: String
    public var status: SummonsStatus
    public var task: String?
    public var summonedAt: Date?
    public var due: Date?
    public var checkIn: CheckIn?
    /// When the limit passed without a check-in (red).
    public var redAt: Date?
    public var releasedAt: Date?
    public var releaseReason: String?
    public var checkedOutAt: Date?
    public var report: String?
    public var reportPhotos: [Int64]
    public var reportedAt: Date?
    public var score: WhistleScore?

    public init(
        departmentId: Int64, departmentCode: String, departmentName: String, status: SummonsStatus, task: String? = nil, summonedAt: Date? = nil,
        due: Date? = nil, checkIn: CheckIn? = nil, redAt: Date? = nil, releasedAt: Date? = nil, releaseReason: String? = nil, checkedOutAt: Date? = nil,
        report: String? = nil, reportPhotos: [Int64] = [], reportedAt: Date? = nil, score: WhistleScore? = nil
    ) {
        self.departmentId = departmentId
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.status = status
        self.task = task
        self.summonedAt = summonedAt
        self.due = due
        self.checkIn = checkIn
        self.redAt = redAt
        self.releasedAt = releasedAt
        self.releaseReason = releaseReason
        self.checkedOutAt = checkedOutAt
        self.report = report
        self.reportPhotos = reportPhotos
        self.reportedAt = reportedAt
        self.score = score
    }

    /// The traffic light of its report-in: green while waiting within the limit or once in on
    /// time, red once the limit passed without it (and when it came late).
    public var light: TrafficLight {
        if redAt != nil { return .red }
        if let checkIn, checkIn.minutesLate > 0 { return .red }
        return .green
    }
}

/// A whistle (哨) as stored: the unit that blew it (a street or township; a community or village to
/// its street's offices), its case or the planned joint action's object and time, its kind and
/// limit, its place, the steps taken and the departments summoned.
public struct WhistleRecord: Sendable, Equatable {
    public var id: Int64
    public var version: Int64
    public var state: WhistleState
    public var caseId: Int64?
    public var caseNumber: String?
    public var unitId: Int64
    public var unitCode: String
    public var unitName: String
    public var unitPath: ScopePath
    /// The level of the whistling unit: street (summoning district departments) or community
    /// (summoning its street's offices).
    public var level: LadderLevel
    public var kind: String
    public var kindName: String
    public var reason: String
    public var object: String?
    public var address: String?
    public var place: Coordinate?
    public var scheduledAt: Date?
    public var limitMinutes: Int
    public var radiusMeters: Double
    /// Proposed by a routing rule when its case was filed, not by a person.
    public var proposed: Bool
    public var createdBy: String
    public var createdAt: Date
    public var whistledAt: Date?
    public var acceptedAt: Date?
    public var declineReason: String?
    public var withdrawReason: String?
    public var closedAt: Date?
    public var result: String?
    public var evaluatedAt: Date?
    public var feedback: String?
    public var fedBackAt: Date?
    public var summons: [Summons]

    public init(
        id: Int64, version: Int64, state: WhistleState, caseId: Int64? = nil, caseNumber: String? = nil, unitId: Int64, unitCode: String,
        unitName: String, unitPath: ScopePath, level: LadderLevel, kind: String, kindName: String, reason: String, object: String? = nil,
        address: String? = nil,
        place: Coordinate? = nil, scheduledAt: Date? = nil, limitMinutes: Int, radiusMeters: Double, proposed: Bool = false, createdBy: String,
        createdAt: Date, whistledAt: Date? = nil, acceptedAt: Date? = nil, declineReason: String? = nil, withdrawReason: String? = nil,
        closedAt: Date? = nil, result: String? = nil, evaluatedAt: Date? = nil, feedback: String? = nil, fedBackAt: Date? = nil,
        summons: [Summons] = []
    ) {
        self.id = id
        self.version = version
        self.state = state
        self.caseId = caseId
        self.caseNumber = caseNumber
        self.unitId = unitId
        self.unitCode = unitCode
        self.unitName = unitName
        self.unitPath = unitPath
        self.level = level
        self.kind = kind
        self.kindName = kindName
        self.reason = reason
        self.object = object
        self.address = address
        self.place = place
        self.scheduledAt = scheduledAt
        self.limitMinutes = limitMinutes
        self.radiusMeters = radiusMeters
        self.proposed = proposed
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.whistledAt = whistledAt
        self.acceptedAt = acceptedAt
        self.declineReason = declineReason
        self.withdrawReason = withdrawReason
        self.closedAt = closedAt
        self.result = result
        self.evaluatedAt = evaluatedAt
        self.feedback = feedback
        self.fedBackAt = fedBackAt
        self.summons = summons
    }

    /// The departments summoned (after acceptance) or proposed (before it); dropped ones are not.
    public var active: [Summons] { summons.filter { $0.status != .dropped } }

    public func summons(for departmentId: Int64) -> Summons? { summons.first { $0.departmentId == departmentId } }
}

/// A step of the whistle's history: the whistle's version after it, the action, who took it, the
/// state it led to, when, and what it carried (JSON).
public struct WhistleEventRecord: Sendable, Equatable {
    public var version: Int64
    public var action: String
    public var actor: String
    public var state: WhistleState
    public var at: Date
    public var payload: String

    public init(version: Int64, action: String, actor: String, state: WhistleState, at: Date, payload: String) {
        self.version = version
        self.action = action
        self.actor = actor
        self.state = state
        self.at = at
        self.payload = payload
    }
}

/// A district's side of a cross-district joint whistle (跨区联合哨): the host's invitation out, or a
/// guest's invitation in (its own whistle once it accepts), the partner district and the
/// invitation's shared content.
public struct WhistleLink: Sendable, Equatable {
    public enum Role: String, Sendable, Codable { case host, guest }
    public enum Status: String, Sendable, Codable { case invited, accepted, declined }

    public var id: Int64
    public var whistleId: Int64?
    public var role: Role
    public var status: Status
    public var partnerCode: String
    public var partnerName: String
    public var hostName: String
    public var hostUnitName: String
    public var kindName: String
    public var object: String?
    public var reason: String
    public var address: String?
    public var place: Coordinate
    public var scheduledAt: Date?
    public var invitedAt: Date
    public var answeredAt: Date?
    public var answerReason: String?

    public init(
        id: Int64, whistleId: Int64?, role: Role, status: Status, partnerCode: String, partnerName: String, hostName: String, hostUnitName: String,
        kindName: String, object: String?, reason: String, address: String?, place: Coordinate, scheduledAt: Date?, invitedAt: Date,
        answeredAt: Date?, answerReason: String?
    ) {
        self.id = id
        self.whistleId = whistleId
        self.role = role
        self.status = status
        self.partnerCode = partnerCode
        self.partnerName = partnerName
        self.hostName = hostName
        self.hostUnitName = hostUnitName
        self.kindName = kindName
        self.object = object
        self.reason = reason
        self.address = address
        self.place = place
        self.scheduledAt = scheduledAt
        self.invitedAt = invitedAt
        self.answeredAt = answeredAt
        self.answerReason = answerReason
    }
}

/// The partner's side of an accepted joint whistle as the shared record shows it: its district,
/// its whistle's state, unit, schedule, close and result, and who of which department checked in
/// when. Nothing else of the partner district is read.
public struct JointPartnerSide: Sendable, Equatable, Decodable {
    public struct District: Sendable, Equatable, Decodable {
        public var code: String
        public var name: String
    }

    public struct PartnerCheckIn: Sendable, Equatable, Decodable {
        public var department: String
        public var by: String?
        public var at: Date
        public var minutesLate: Int?
        public var far: Bool?
    }

    public var district: District
    public var state: WhistleState
    public var unit: String
    public var scheduledAt: Date?
    public var acceptedAt: Date?
    public var closedAt: Date?
    public var result: String?
    public var checkIns: [PartnerCheckIn]
}
