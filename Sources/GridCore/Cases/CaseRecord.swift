import Foundation

/// A case as stored, with the codes and names of what it points at.
public struct CaseRecord: Sendable, Equatable {
    public var id: Int64
    public var number: String
    public var state: CaseState
    public var version: Int64
    public var source: CaseSource
    public var categoryId: Int64?
    public var categoryCode: String?
    public var categoryName: String?
    public var grade: String?
    public var description: String
    public var address: String?
    /// Where it was reported; nil for a report by address only.
    public var lat: Double?
    public var lng: Double?
    public var gridId: Int64
    public var gridCode: String
    public var gridName: String
    public var gridPath: ScopePath
    public var reporterName: String?
    public var reporterPhone: String?
    public var reportedBy: String?
    /// The ladder level holding the case (routing's level at filing, then where hand-ups, refusals
    /// and delegations moved it), the unit of that level on the grid's path that holds it, since
    /// when, and until when its turn lasts (the local limit, below the street).
    public var level: LadderLevel?
    public var levelUnitId: Int64?
    public var levelUnitCode: String?
    public var levelUnitName: String?
    public var levelSince: Date?
    public var levelDue: Date?
    /// The level and unit a waiting handover slip is addressed to.
    public var pendingLevel: LadderLevel?
    public var pendingUnitId: Int64?
    public var leadDepartmentId: Int64?
    public var leadDepartmentCode: String?
    public var leadDepartmentName: String?
    public var ruleSetNumber: Int?
    public var ruleKey: String?
    public var routingBasis: String?
    public var routeOverridden: Bool
    /// Routing's proposal at filing beside the lead: the assisting departments and the whistle flag.
    public var assisting: [String]
    public var whistle: Bool
    /// The deadline profile of the rule that routed the case (its stage limits apply at dispatch).
    public var deadlineProfile: String?
    public var dispatchDue: Date?
    public var signDue: Date?
    public var handleDue: Date?
    public var checkDue: Date?
    /// When handling turns yellow and red on the district's thresholds, and the light shown now.
    public var warnAt: Date?
    public var redAt: Date?
    public var light: TrafficLight
    /// The departments with a live task on the case (lead and assisting).
    public var taskDepartments: [Int64]
    public var suspendedAt: Date?
    public var mergedInto: Int64?
    public var rating: CaseRating?
    public var returnCount: Int
    public var reworkCount: Int
    public var extensionCount: Int
    public var reportedAt: Date
    public var filedAt: Date?
    public var dispatchedAt: Date?
    public var handledAt: Date?
    public var closedAt: Date?
    public var updatedAt: Date

    public init(
        id: Int64, number: String, state: CaseState, version: Int64, source: CaseSource, categoryId: Int64? = nil, categoryCode: String? = nil,
        categoryName: String? = nil, grade: String? = nil, description: String, address: String? = nil, lat: Double? = nil, lng: Double? = nil, gridId: Int64,
        gridCode: String, gridName: String, gridPath: ScopePath, reporterName: String? = nil, reporterPhone: String? = nil, reportedBy: String? = nil,
        level: LadderLevel? = nil, leadDepartmentId: Int64? = nil, leadDepartmentCode: String? = nil, leadDepartmentName: String? = nil,
        ruleSetNumber: Int? = nil, ruleKey: String? = nil, routingBasis: String? = nil, routeOverridden: Bool, assisting: [String], whistle: Bool,
        deadlineProfile: String? = nil, dispatchDue: Date? = nil, signDue: Date? = nil, handleDue: Date? = nil, checkDue: Date? = nil, warnAt: Date? = nil,
        redAt: Date? = nil, light: TrafficLight, taskDepartments: [Int64], suspendedAt: Date? = nil, mergedInto: Int64? = nil, rating: CaseRating? = nil,
        returnCount: Int, reworkCount: Int, extensionCount: Int, reportedAt: Date, filedAt: Date? = nil, dispatchedAt: Date? = nil, handledAt: Date? = nil,
        closedAt: Date? = nil, updatedAt: Date, levelUnitId: Int64? = nil, levelUnitCode: String? = nil, levelUnitName: String? = nil,
        levelSince: Date? = nil, levelDue: Date? = nil, pendingLevel: LadderLevel? = nil, pendingUnitId: Int64? = nil
    ) {
        self.levelUnitId = levelUnitId
        self.levelUnitCode = levelUnitCode
        self.levelUnitName = levelUnitName
        self.levelSince = levelSince
        self.levelDue = levelDue
        self.pendingLevel = pendingLevel
        self.pendingUnitId = pendingUnitId
        self.id = id
        self.number = number
        self.state = state
        self.version = version
        self.source = source
        self.categoryId = categoryId
        self.categoryCode = categoryCode
        self.categoryName = categoryName
        self.grade = grade
        self.description = description
        self.address = address
        self.lat = lat
        self.lng = lng
        self.gridId = gridId
        self.gridCode = gridCode
        self.gridName = gridName
        self.gridPath = gridPath
        self.reporterName = reporterName
        self.reporterPhone = reporterPhone
        self.reportedBy = reportedBy
        self.level = level
        self.leadDepartmentId = leadDepartmentId
        self.leadDepartmentCode = leadDepartmentCode
        self.leadDepartmentName = leadDepartmentName
        self.ruleSetNumber = ruleSetNumber
        self.ruleKey = ruleKey
        self.routingBasis = routingBasis
        self.routeOverridden = routeOverridden
        self.assisting = assisting
        self.whistle = whistle
        self.deadlineProfile = deadlineProfile
        self.dispatchDue = dispatchDue
        self.signDue = signDue
        self.handleDue = handleDue
        self.checkDue = checkDue
        self.warnAt = warnAt
        self.redAt = redAt
        self.light = light
        self.taskDepartments = taskDepartments
        self.suspendedAt = suspendedAt
        self.mergedInto = mergedInto
        self.rating = rating
        self.returnCount = returnCount
        self.reworkCount = reworkCount
        self.extensionCount = extensionCount
        self.reportedAt = reportedAt
        self.filedAt = filedAt
        self.dispatchedAt = dispatchedAt
        self.handledAt = handledAt
        self.closedAt = closedAt
        self.updatedAt = updatedAt
    }
}
