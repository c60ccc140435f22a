// Design note: the spool
// ======================
// The durable buffer between intake and sinks ("accepted means durable": an event is answered 202
// only after `append` returns). Constraints, in the spirit of Vector's disk buffer:
//
// * Append-only, segmented files. `<directory>/segments/<base>.seg`, where <base> is the 20-digit
//   zero-padded global offset of the segment's first record. A global offset counts record bytes
//   only (segment headers excluded), so segment N ends exactly where segment N+1 begins and a
//   position in the spool, and so a sink's cursor, is one UInt64.
// * Segment layout: a 16-byte header `"DMSP" | u32 version=1 | u64 base offset`, then records.
//   Record layout: `u32 payload length | u32 CRC-32C(length bytes ‖ payload) | payload`, all
//   little-endian, no padding. The checksum covers the length so zeros left by a crash never parse
//   as a record. A segment rolls over before an append would take it past `segmentBytes`; one
//   append call never spans two segments.
// * One writer. `append` frames and checksums its records into one buffer on the caller's task,
//   takes its offsets and queues it (or refuses it, whole, with `.full` when retained plus queued
//   bytes would pass `maxBytes`). A dedicated thread takes everything queued and writes it with
//   one pwritev (the appends' own buffers, no copy), calls fdatasync once (once per segment if the
//   group rolls over), then resumes every caller of the group: group commit. While it syncs, new
//   appends gather for the next group. A failed write or sync is cut back off the file and fails
//   that group and everything queued behind it; if even that fails, the spool refuses all appends.
// * Readers, one per sink, read records below the committed end (the end of the last fsynced
//   group) with pread. Each sink's cursor is persisted in `<directory>/cursors/<sink>.cursor` by
//   write-temp, fsync, rename, fsync-directory; after a restart reading resumes there, so delivery
//   is at-least-once. A segment is deleted once every registered sink's cursor is past its end;
//   the active segment never is. A `block` sink (the stores) never loses a record: the spool waits
//   for it up to `maxBytes`. A `drop_oldest` sink (best-effort consumers) that lags more than its
//   bound has its cursor moved forward by whole segments, counted and logged, so it never holds
//   back intake. The cursor file of a sink no longer configured is left alone and holds nothing back.
// * Blocking file work of readers (pread, cursor fsyncs, deletion) runs on the spool's own threads.
// * A sealed segment whose acknowledged data fails its checksum is moved to `<directory>/quarantine/`
//   (logged at error with path and offset) and readers go on with the next one; recovery accepts
//   the gap only where the quarantined file accounts for it.
// * Recovery. Segments are fsynced whole before the next is created, so only the last one can have
//   a torn tail: it is verified record by record and cut at the first record whose length or
//   checksum is wrong (those bytes were never acknowledged). Earlier segments get a header and
//   size check (a bad header: quarantined, see below), and must be contiguous. Cursors past the
//   end are clamped to it.
// * A `lock` file (flock) keeps a second process off the same directory.
//
// Invariants: every byte below the committed end is fsynced and verified on read; offsets handed
// out by `append` are contiguous and in the order the calls were queued; the on-disk bytes never exceed `maxBytes`.

import Logging
import Synchronization

/// The durable local buffer between intake and sinks: an append-only, segmented, checksummed log
/// with group commit and one persisted cursor per sink.
public final class Spool: Sendable {
    private let core: SpoolCore
    private let readers: [String: SpoolReader]

    /// Opens (creating if needed) the spool in `configuration.directory`, recovering from a crash:
    /// a torn tail of the last segment is cut off and logged. `sinks` are the sinks whose cursors
    /// hold segments back from deletion; each gets one reader.
    public init(configuration: SpoolConfiguration, sinks: [String], logger: Logger) throws(SpoolError) {
        let core = try SpoolCore(configuration: configuration, sinks: sinks, logger: logger)
        var readers = [String: SpoolReader]()
        for (sink, cursor) in core.sinkCursors {
            readers[sink] = SpoolReader(sink: sink, core: core, cursor: cursor)
        }
        self.core = core
        self.readers = readers
    }

    deinit {
        core.close()
    }

    /// The largest payload `append` takes.
    public var maxRecordBytes: Int { core.configuration.maxRecordBytes }

    /// Appends `payloads` as consecutive records and returns their global offsets. Returns only once
    /// all of them are fsynced: an answer means durable. Concurrent calls are grouped into one fsync.
    ///
    /// All or nothing: throws `.full` (backpressure: answer 503 with Retry-After) when the spool's
    /// bound would be passed, `.recordTooLarge` for a payload over `maxRecordBytes`, `.closed` after
    /// `close()`, `.io` when the disk failed; in every case none of the call's records is kept.
    public func append(_ payloads: [[UInt8]]) async throws(SpoolError) -> Range<UInt64> {
        let limit = core.configuration.maxRecordBytes
        // Checked before framing: a refused call costs no copy.
        if let payload = payloads.first(where: { $0.count > limit }) { throw .recordTooLarge(bytes: payload.count, limit: limit) }
        return try await append(SpoolFrames(payloads))
    }

    /// ``append(_:)-([[UInt8]])`` for records already framed (the intake writes each event's record
    /// straight into one ``SpoolFrames``); the same answers and the same all-or-nothing rule.
    public func append(_ frames: SpoolFrames) async throws(SpoolError) -> Range<UInt64> {
        let limit = core.configuration.maxRecordBytes
        if frames.largestPayload > limit { throw .recordTooLarge(bytes: frames.largestPayload, limit: limit) }
        if frames.isEmpty {
            let (closed, end) = core.state.withLock { ($0.closed, $0.committedEnd) }
            if closed { throw .closed }
            return end..<end
        }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Range<UInt64>, SpoolError>, Never>) in
            core.enqueue(frames, continuation: continuation)
        }
        return try result.get()
    }

    /// The reader of a sink named when the spool was opened (the same object on every call).
    public func reader(for sink: String) throws(SpoolError) -> SpoolReader {
        guard let reader = readers[sink] else { throw .unknownSink(sink) }
        return reader
    }

    /// The registered sink names, sorted.
    public var sinks: [String] { readers.keys.sorted() }

    /// A consistent snapshot of sizes, offsets, counters and per-sink lag.
    public func stats() -> SpoolStats {
        let maxBytes = core.configuration.maxBytes
        return core.state.withLock { s in
            SpoolStats(
                retainedBytes: s.retainedBytes, queuedBytes: s.pendingBytes, maxBytes: maxBytes,
                segmentCount: s.segments.count, oldestOffset: s.segments.first?.base ?? s.committedEnd,
                committedEndOffset: s.committedEnd, syncCount: s.syncCount, appendCalls: s.appendCalls,
                appendedRecords: s.appendedRecords, appendedBytes: s.appendedBytes,
                sinks: s.cursors.sorted { $0.key < $1.key }.map { name, cursor in
                    let lag = s.timeline.lag(from: cursor)
                    var stats = SpoolSinkStats(name: name, committedOffset: cursor, lagBytes: s.committedEnd &- min(cursor, s.committedEnd),
                                               lagRecords: lag.records, oldestUndeliveredAppendedAtMicros: lag.oldestAppendedAtMicros)
                    stats.skips = s.skips[name] ?? SpoolReaderSkips()
                    return stats
                },
                acceptsAppends: !s.closed && s.failure == nil)
        }
    }

    /// Finishes the appends already queued, stops the writer thread and releases the directory.
    /// Later appends and reads throw `.closed`; waiting reads return. Safe to call more than once.
    public func close() {
        core.close()
    }
}
