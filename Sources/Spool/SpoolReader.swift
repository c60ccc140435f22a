#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Logging

/// One sink's view of the spool: a read position that `read` advances and a persisted cursor that
/// `commit(through:)` advances once records are delivered.
///
/// Guarantees: `read` returns only fsynced records, in append order, each once per pass; after a
/// restart reading resumes at the committed cursor, so records read but not committed are read
/// again (at-least-once). Meant to be driven by one task at a time (one sink worker).
public final class SpoolReader: Sendable {
    /// The sink this reader belongs to.
    public let sink: String
    private let core: SpoolCore
    private let position: Mutex<ReadPosition>
    /// The persisted cursor; its lock also serialises cursor file writes so an older value never lands last.
    private let committed: Mutex<UInt64>

    private struct ReadPosition {
        var offset: UInt64
        /// The segment file kept open between reads (the reader usually reads one segment for a while).
        var fd: Int32 = -1
        var fdBase: UInt64 = 0
    }

    /// Reads are done in chunks of at most this many bytes: one pread serves many records.
    private static let maxChunkBytes = 4 << 20
    private static let minChunkBytes = 64 << 10

    init(sink: String, core: SpoolCore, cursor: UInt64) {
        self.sink = sink
        self.core = core
        self.position = Mutex(ReadPosition(offset: cursor))
        self.committed = Mutex(cursor)
    }

    deinit {
        position.withLock { p in
            if p.fd >= 0 { SystemIO.closeFile(p.fd) }
        }
    }

    /// The persisted cursor: every record before it has been delivered by this sink.
    public var committedOffset: UInt64 { committed.withLock { $0 } }

    /// Where the next `read` starts.
    public var readOffset: UInt64 { position.withLock { $0.offset } }

    /// Returns the records after the read position, oldest first: at most `maxRecords`, and no more
    /// payload bytes than `maxBytes` (but always at least one record, however large, if any is
    /// there). With none there yet, suspends up to `wait` and wakes as soon as an append commits.
    /// Returns an empty array after the wait, or if the task is cancelled.
    ///
    /// Throws `.closed` once the spool is closed, and `.corruptSegment` if committed data fails its
    /// checksum (the disk changed acknowledged bytes: an operator must look).
    public func read(maxRecords: Int, maxBytes: Int, wait: Duration) async throws(SpoolError) -> [SpoolRecord] {
        guard maxRecords > 0 else { return [] }
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while true {
            let (records, offset) = try readCommitted(maxRecords: maxRecords, maxBytes: max(1, maxBytes))
            if !records.isEmpty { return records }
            let now = clock.now
            if now >= deadline || Task.isCancelled { return [] }
            await core.waitForRecords(after: offset, timeout: deadline - now)
        }
    }

    /// Durably moves the cursor to `offset` (a record's `nextOffset`): records before it count as
    /// delivered and will not be read again after a restart. Segments every sink has passed are
    /// deleted. `offset` must lie between the committed cursor and the read position.
    ///
    /// Blocks for one small file write and two fsyncs; commit once per delivered batch.
    public func commit(through offset: UInt64) throws(SpoolError) {
        let advanced = try committed.withLock { current throws(SpoolError) -> Bool in
            let readTo = position.withLock { $0.offset }
            guard offset >= current, offset <= readTo else {
                throw .cursorOutOfRange(sink: sink, offset: offset, validRange: current...readTo)
            }
            guard offset > current else { return false }
            try core.cursorStore.save(sink: sink, offset: offset)
            current = offset
            return true
        }
        if advanced { core.cursorAdvanced(sink: sink, to: offset) }
    }

    /// Moves the read position back to the committed cursor, so that everything not yet committed
    /// is read again (for a sink that gave up on a batch it had read).
    public func rewind() {
        let cursor = committedOffset
        position.withLock { $0.offset = cursor }
    }

    /// Reads what is committed after the read position without waiting; returns the records and the
    /// position after them.
    private func readCommitted(maxRecords: Int, maxBytes: Int) throws(SpoolError) -> ([SpoolRecord], UInt64) {
        try position.withLock { p throws(SpoolError) -> ([SpoolRecord], UInt64) in
            let (closed, segment) = core.state.withLock { s in (s.closed, s.segment(containing: p.offset)) }
            if closed { throw .closed }
            guard let segment else { return ([], p.offset) }
            if p.fd < 0 || p.fdBase != segment.base {
                if p.fd >= 0 { SystemIO.closeFile(p.fd) }
                p.fd = -1
                p.fd = try SystemIO.openFile(segment.path, O_RDONLY)
                p.fdBase = segment.base
            }
            let available = Int(segment.end - p.offset)
            let wanted = min(maxBytes, Self.maxChunkBytes) + min(maxRecords, 1 << 16) * RecordFormat.headerSize
            let chunk = min(available, max(Self.minChunkBytes, min(wanted, Self.maxChunkBytes)))
            var scanner = SegmentScanner(
                fd: p.fd, path: segment.path, base: segment.base, fileEnd: segment.fileBytes, startOffset: p.offset,
                chunkBytes: chunk)
            var records = [SpoolRecord]()
            records.reserveCapacity(min(maxRecords, 4096))
            var bytes = 0
            scan: while records.count < maxRecords {
                let offset = scanner.globalOffset
                switch try scanner.next() {
                case let .record(payloadOffset, payloadLength):
                    if !records.isEmpty, bytes + payloadLength > maxBytes { break scan }
                    records.append(SpoolRecord(
                        offset: offset, nextOffset: scanner.globalOffset,
                        payload: scanner.payload(offset: payloadOffset, length: payloadLength)))
                    bytes += payloadLength
                    if bytes >= maxBytes { break scan }
                case .end:
                    break scan
                case let .torn(reason):
                    core.logger.error(
                        "spool: committed record failed verification; this sink cannot read past it",
                        metadata: ["sink.name": "\(sink)", "spool.segment": "\(segment.path)", "spool.offset": "\(offset)",
                                   "spool.reason": "\(reason)"])
                    throw .corruptSegment(path: segment.path, offset: offset, reason: reason)
                }
            }
            if let last = records.last { p.offset = last.nextOffset }
            return (records, p.offset)
        }
    }
}
