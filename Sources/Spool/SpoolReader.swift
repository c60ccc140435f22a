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
    /// The persisted cursor, shared with the spool (which moves it for a lagging `drop_oldest` sink).
    private let cursor: SinkCursor

    private struct ReadPosition {
        var offset: UInt64
        /// The segment file kept open between reads (the reader usually reads one segment for a while).
        var fd: Int32 = -1
        var fdBase: UInt64 = 0
        /// The scanner's chunk, kept between reads with its contents (see `SegmentChunk`).
        var chunk = SegmentChunk()
        var fileBytesRead: UInt64 = 0
    }

    /// Reads are done in chunks of at most this many bytes: one pread serves many records.
    private static let maxChunkBytes = 4 << 20
    private static let minChunkBytes = 64 << 10
    /// A chunk buffer larger than this (grown for one huge record) is not kept.
    private static let keptChunkBytes = 8 << 20

    init(sink: String, core: SpoolCore, cursor: SinkCursor) {
        self.sink = sink
        self.core = core
        self.cursor = cursor
        self.position = Mutex(ReadPosition(offset: cursor.persisted.withLock { $0 }))
    }

    deinit {
        position.withLock { p in
            if p.fd >= 0 { SystemIO.closeFile(p.fd) }
        }
    }

    /// The persisted cursor: every record before it has been delivered by this sink (or, for a
    /// `drop_oldest` sink, skipped).
    public var committedOffset: UInt64 { cursor.persisted.withLock { $0 } }

    /// Where the next `read` starts.
    public var readOffset: UInt64 { position.withLock { $0.offset } }

    /// Bytes this reader has read from segment files: about the bytes of the records it read, since a
    /// chunk read once serves the reads that follow.
    public var fileBytesRead: UInt64 { position.withLock { $0.fileBytesRead } }

    /// Committed bytes past the read position: how far behind the spool's end this reader is.
    public var unreadBytes: UInt64 {
        let end = core.state.withLock { $0.committedEnd }
        let offset = readOffset
        return end > offset ? end - offset : 0
    }

    /// What this reader skipped since the spool was opened (running totals).
    public var skips: SpoolReaderSkips { core.state.withLock { $0.skips[sink] ?? SpoolReaderSkips() } }

    /// Returns the records after the read position, oldest first: at most `maxRecords`, and no more
    /// payload bytes than `maxBytes` (but always at least one record, however large, if any is
    /// there). With none there yet, suspends up to `wait` and wakes as soon as an append commits.
    /// Returns an empty array after the wait, or if the task is cancelled.
    ///
    /// A sealed segment whose committed data fails its checksum is moved to `quarantine/` (logged at
    /// error, counted in `skips`) and reading goes on with the next segment. Throws `.closed` once the
    /// spool is closed, and `.corruptSegment` only for corruption in the active segment.
    /// The file work runs on the spool's own threads, never on the caller's.
    public func read(maxRecords: Int, maxBytes: Int, wait: Duration) async throws(SpoolError) -> [SpoolRecord] {
        guard maxRecords > 0 else { return [] }
        return try await readWaiting(wait) { () throws(SpoolError) in
            var records = RecordList()
            let offset = try self.readCommitted(maxRecords: maxRecords, maxBytes: max(1, maxBytes), into: &records)
            return (records.records, records.records.count, offset)
        }
    }

    /// ``read(maxRecords:maxBytes:wait:)`` into `batch`, its payloads back to back in one buffer
    /// (see ``SpoolBatch``): the same records, limits and waiting, without an array per record.
    /// `batch` is emptied first; after the wait it may stay empty.
    public func read(into batch: inout SpoolBatch, maxRecords: Int, maxBytes: Int, wait: Duration) async throws(SpoolError) {
        // In a box, so the spool's thread fills the batch's own buffer (a captured copy would share
        // it and be copied on the first write). One task at a time holds the box.
        let box = BatchBox(Self.take(&batch))
        defer { batch = Self.take(&box.batch) }
        guard maxRecords > 0 else { return box.batch.reset(expectedBytes: 0) }
        _ = try await readWaiting(wait) { () throws(SpoolError) in
            let offset = try self.readCommitted(maxRecords: maxRecords, maxBytes: max(1, maxBytes), into: &box.batch)
            return ((), box.batch.count, offset)
        }
    }

    private final class BatchBox: @unchecked Sendable {
        var batch: SpoolBatch
        init(_ batch: SpoolBatch) { self.batch = batch }
    }

    private static func take(_ batch: inout SpoolBatch) -> SpoolBatch {
        var taken = SpoolBatch(reusingBuffer: false)
        swap(&taken, &batch)
        return taken
    }

    /// Runs `readOnce` on the spool's threads until it finds records, the spool closes, `wait`
    /// passes or the task is cancelled (woken as soon as an append commits).
    private func readWaiting<T: Sendable>(
        _ wait: Duration, _ readOnce: @escaping @Sendable () throws(SpoolError) -> (T, Int, UInt64)
    ) async throws(SpoolError) -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while true {
            let (result, count, offset) = try await core.io.run(readOnce)
            core.noteRead(sink: sink, through: offset)
            if count > 0 { return result }
            let now = clock.now
            if now >= deadline || Task.isCancelled { return result }
            await core.waitForRecords(after: offset, timeout: deadline - now)
        }
    }

    /// Moves the read position to the end of what is committed without reading it, for a
    /// best-effort consumer that has no use for the records right now (the live tail while nobody
    /// watches). Returns the new position, which `commit(through:)` takes like any read position.
    @discardableResult
    public func skipToCommittedEnd() -> UInt64 {
        let offset = position.withLock { p in
            p.offset = max(p.offset, core.state.withLock { $0.committedEnd })
            return p.offset
        }
        core.noteRead(sink: sink, through: offset)
        return offset
    }

    /// Says that this reader follows the spool's end without reading (`skipToCommittedEnd` from
    /// time to time), or no longer does: while it follows, a `drop_oldest` bound moving its cursor
    /// counts nothing as skipped and logs nothing.
    public func follow(_ following: Bool) {
        core.state.withLock { s in
            if following { s.following.insert(sink) } else { s.following.remove(sink) }
        }
    }

    /// Durably moves the cursor to `offset` (a record's `nextOffset`): records before it count as
    /// delivered and will not be read again after a restart. Segments every sink has passed are
    /// deleted. `offset` must not lie past the read position; an offset the cursor has already
    /// passed (the spool moved a lagging `drop_oldest` sink ahead) changes nothing.
    ///
    /// One 21-byte overwrite and an fsync (write-and-rename the first time), on the spool's own threads; commit once per delivered batch.
    public func commit(through offset: UInt64) async throws(SpoolError) {
        try await core.io.run { () throws(SpoolError) in try self.commitNow(through: offset) }
    }

    private func commitNow(through offset: UInt64) throws(SpoolError) {
        let advanced = try cursor.persisted.withLock { current throws(SpoolError) -> Bool in
            let readTo = position.withLock { $0.offset }
            guard offset <= readTo else {
                throw .cursorOutOfRange(sink: sink, offset: offset, validRange: min(current, readTo)...readTo)
            }
            guard offset > current else { return false }
            try core.cursorStore.save(sink: sink, offset: offset)
            current = offset
            return true
        }
        if advanced { core.cursorAdvanced(sink: sink, to: offset) }
    }

    /// Moves the chunk out, leaving its array uniquely referenced (pread into a shared one would copy it).
    private static func take(_ chunk: inout SegmentChunk) -> SegmentChunk {
        var taken = SegmentChunk()
        swap(&taken, &chunk)
        return taken
    }

    /// Reads what is committed after the read position into `records` without waiting; returns the
    /// position after them.
    private func readCommitted<Records: ReadRecords>(
        maxRecords: Int, maxBytes: Int, into records: inout Records
    ) throws(SpoolError) -> UInt64 {
        try position.withLock { p throws(SpoolError) -> UInt64 in
            let current = p.offset
            let (closed, jumpedTo, found) = core.state.withLock { s -> (Bool, UInt64, SegmentEntry?) in
                // The spool moved this sink's cursor past the read position (drop_oldest).
                let from = max(current, s.cursors[sink] ?? 0)
                let readable = s.readable(from: from)
                return (s.closed, readable.offset, readable.segment)
            }
            if closed { throw .closed }
            p.offset = jumpedTo
            guard let segment = found else {
                records.prepare(bytes: 0, records: 0)
                return p.offset
            }
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
                chunkBytes: chunk, chunk: Self.take(&p.chunk))
            defer {
                p.fileBytesRead += UInt64(scanner.bytesRead)
                let kept = scanner.takeChunk()
                if kept.bytes.count <= Self.keptChunkBytes { p.chunk = kept }
            }
            records.prepare(bytes: min(available, maxBytes), records: min(maxRecords, 4096))
            var count = 0
            var bytes = 0
            var next: UInt64?
            scan: while count < maxRecords {
                let offset = scanner.globalOffset
                let step: SegmentScanner.Step
                do throws(SpoolError) {
                    step = try scanner.next()
                } catch {
                    guard case let .corruptSegment(_, _, reason) = error else { throw error }
                    step = .torn(reason: reason)
                }
                switch step {
                case let .record(payloadOffset, payloadLength):
                    if count > 0, bytes + payloadLength > maxBytes { break scan }
                    let nextOffset = scanner.globalOffset
                    scanner.withPayload(offset: payloadOffset, length: payloadLength) { payload in
                        records.add(offset: offset, nextOffset: nextOffset, payload: payload)
                    }
                    next = nextOffset
                    count += 1
                    bytes += payloadLength
                    if bytes >= maxBytes { break scan }
                case .end:
                    break scan
                case let .torn(reason):
                    // The records before it are good: hand them out; the rest of the segment is skipped.
                    do throws(SpoolError) {
                        try core.quarantine(segment, offset: offset, reason: reason, foundBy: sink)
                    } catch {
                        // The active segment cannot be moved yet: deliver the good records now, and
                        // report the damage on the next read.
                        if case .corruptSegment = error, count > 0 { break scan }
                        throw error
                    }
                    SystemIO.closeFile(p.fd)
                    p.fd = -1
                    p.offset = next ?? segment.end
                    return p.offset
                }
            }
            if let next { p.offset = next }
            return p.offset
        }
    }
}

/// Where `readCommitted` puts what it reads: a record list or a ``SpoolBatch``.
protocol ReadRecords {
    /// Called once per read, before any `add`, with upper bounds of what may come.
    mutating func prepare(bytes: Int, records: Int)
    mutating func add(offset: UInt64, nextOffset: UInt64, payload: UnsafeBufferPointer<UInt8>)
}

/// Records each with its own payload array, for `read(maxRecords:maxBytes:wait:)`.
private struct RecordList: ReadRecords {
    var records: [SpoolRecord] = []

    mutating func prepare(bytes: Int, records count: Int) { records.reserveCapacity(count) }

    mutating func add(offset: UInt64, nextOffset: UInt64, payload: UnsafeBufferPointer<UInt8>) {
        records.append(SpoolRecord(offset: offset, nextOffset: nextOffset, payload: Array(payload)))
    }
}

extension SpoolBatch: ReadRecords {
    mutating func prepare(bytes: Int, records: Int) { reset(expectedBytes: bytes) }
}
