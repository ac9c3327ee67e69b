import AsyncAlgorithms
import Foundation
import GridCore
import GridStore
import Logging

/// A spreadsheet of a district's cases, written as the database reads them: however many cases a
/// period holds, the server keeps one chunk of the file at a time. A producer reads the rows in
/// one transaction (on the standby when there is one) and hands 64 KiB chunks over a channel that
/// waits for the response to take each; the response ending early (the client gone) cancels it.
public struct CaseExportStream: AsyncSequence, Sendable {
    public typealias Element = ArraySlice<UInt8>
    let produce: @Sendable (AsyncThrowingChannel<ArraySlice<UInt8>, any Error>) async -> Void

    public func makeAsyncIterator() -> Iterator {
        let channel = AsyncThrowingChannel<ArraySlice<UInt8>, any Error>()
        let produce = produce
        return Iterator(inner: channel.makeAsyncIterator(), producer: Task { await produce(channel) })
    }

    public final class Iterator: AsyncIteratorProtocol {
        var inner: AsyncThrowingChannel<ArraySlice<UInt8>, any Error>.AsyncIterator
        let producer: Task<Void, Never>

        init(inner: AsyncThrowingChannel<ArraySlice<UInt8>, any Error>.AsyncIterator, producer: Task<Void, Never>) {
            self.inner = inner
            self.producer = producer
        }

        deinit { producer.cancel() }

        public func next() async throws -> ArraySlice<UInt8>? {
            let producer = producer
            return try await withTaskCancellationHandler {
                try await inner.next()
            } onCancel: {
                producer.cancel()
            }
        }
    }
}

extension GridService {
    /// Bytes handed to the response at a time.
    static let exportChunk = 64 * 1024
    /// How long one export may read (two years of a large district's cases, to a slow client).
    static let exportLimit: Duration = .seconds(600)

    /// The cases reported in [from, to) within `scopeCode` (default: the scope the caller reads) as
    /// CSV with a BOM, Chinese headers, codes as text and no formula injection. The scope and the
    /// period are checked before the first byte (a 4xx, not a broken file).
    public func exportCases(_ caller: Caller, tenantId: Int64, scopeCode: String?, from: Date, to: Date) async throws -> CaseExportStream {
        try StatsPeriod.check(from: from, to: to)
        let (scope, timeZone) = try await withReadTenant(for: caller, tenantId) { tx in
            let scope = try await Self.statsScope(tx, caller, code: scopeCode)
            guard let district = try await TenantStore.find(tx, id: tenantId) else { throw Errors.tenantNotFound("\(tenantId)") }
            return (scope.path, district.timeZone)
        }
        return CaseExportStream { channel in
            do {
                // A standby lost mid-file must not restart it on the primary: the client has part of it.
                var sent = false
                try await self.withReadTenant(for: caller, tenantId, limit: Self.exportLimit) { tx in
                    if sent { throw GridError(.dbUnavailable, Text(zh: "导出中断，请重新导出", en: "the export was interrupted; export again")) }
                    var chunk = Array("\u{FEFF}".utf8) + Array(CSVTable.line(CaseExportStore.header).utf8)
                    chunk.reserveCapacity(Self.exportChunk + 4096)
                    try await CaseExportStore.rows(tx, within: scope, from: from, to: to, timeZone: timeZone) { row in
                        row.appendCSV(to: &chunk)
                        if chunk.count >= Self.exportChunk {
                            sent = true
                            await channel.send(chunk[...])
                            try Task.checkCancellation()
                            chunk.removeAll(keepingCapacity: true)
                        }
                    }
                    if !chunk.isEmpty { await channel.send(chunk[...]) }
                }
                channel.finish()
            } catch {
                logger.error("case export ended early", metadata: ["tenant": "\(tenantId)", "error": "\(error)"])
                channel.fail(error)
            }
        }
    }
}
