import Foundation

public struct CallbackRecord: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var byUser: Int64?
    public var callback: CaseCallback

    public init(
        id: Int64, at: Date, byUser: Int64? = nil, callback: CaseCallback
    ) {
        self.id = id
        self.at = at
        self.byUser = byUser
        self.callback = callback
    }
}
