import Foundation

/// A problem-list node as stored: its entry (departments by code) plus id, path and version.
public struct CategoryRecord: Sendable, Equatable {
    public var id: Int64
    public var path: ScopePath
    public var entry: CategoryEntry
    public var version: Int64
    public var updatedAt: Date

    public init(
        id: Int64, path: ScopePath, entry: CategoryEntry, version: Int64, updatedAt: Date
    ) {
        self.id = id
        self.path = path
        self.entry = entry
        self.version = version
        self.updatedAt = updatedAt
    }
}
