import Foundation

/// A nearby open case of the same category.
public struct NearbyCase: Sendable, Equatable {
    public var id: Int64
    public var number: String
    public var state: CaseState
    public var meters: Double
    public var reportedAt: Date
    /// Where it lies and the departments it is with (lead and tasks): who may read it.
    public var gridPath: ScopePath
    public var departments: [Int64]

    public init(
        id: Int64, number: String, state: CaseState, meters: Double, reportedAt: Date, gridPath: ScopePath, departments: [Int64]
    ) {
        self.id = id
        self.number = number
        self.state = state
        self.meters = meters
        self.reportedAt = reportedAt
        self.gridPath = gridPath
        self.departments = departments
    }
}
