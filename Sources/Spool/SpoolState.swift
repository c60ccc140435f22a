/// One segment file as the spool tracks it. `fileBytes` counts only durable bytes (header included).
struct SegmentEntry: Sendable, Equatable {
    let base: UInt64
    var fileBytes: Int64
    let path: String

    /// Global offset just past the segment's last durable record (= the next segment's base).
    var end: UInt64 { base + UInt64(fileBytes - Int64(SegmentFormat.headerSize)) }
}

/// One `append` call waiting for the writer thread: its records framed into one buffer.
struct PendingAppend: Sendable {
    /// The framed records in the chunks they were written in (written with one `pwritev`).
    let chunks: [[UInt8]]
    let byteCount: Int
    let range: Range<UInt64>
    let recordCount: Int
    /// Whether the writer must roll over to a new segment (based at `range.lowerBound`) first.
    let startsNewSegment: Bool
    let continuation: CheckedContinuation<Result<Range<UInt64>, SpoolError>, Never>
}

/// Everything shared between appenders, the writer thread, readers and stats, guarded by one mutex
/// in `SpoolCore`. Critical sections only move values; no I/O happens while it is held.
struct SpoolState {
    /// Oldest first; the last one is the active segment the writer appends to. Never empty once open.
    var segments: [SegmentEntry]
    /// Global offset just past the last fsynced record: readers see records below it only.
    var committedEnd: UInt64
    /// Sum of `fileBytes` over `segments`.
    var retainedBytes: Int64

    // The queue, and what the tail will look like once all of it is durable. `append` decides
    // offsets and rollovers here so that it can answer `.full` before anything is written.
    var pending: [PendingAppend] = []
    var projectedEnd: UInt64
    var projectedActiveFileBytes: Int64
    var pendingBytes: Int64 = 0
    /// A reader found the active segment corrupt: the next append starts a new segment, so the
    /// damaged one becomes sealed and can be quarantined instead of failing its readers forever.
    var sealActiveSegment = false

    /// True while the writer thread sleeps on its semaphore; whoever flips it to false signals it once.
    var writerIdle = false
    var closed = false
    /// Set when the writer could not restore a consistent file after a failed write: every later append fails with it.
    var failure: SpoolError?

    /// Persisted cursor of every registered sink.
    var cursors: [String: UInt64]
    /// How far each reader has read (its cursor is saved less often, up to seconds later for the
    /// best-effort ones): a `drop_oldest` sink's lag is counted from here, so records it has read
    /// and not yet committed are never counted as skipped.
    var readOffsets: [String: UInt64] = [:]
    /// Readers that follow the spool's end without reading (the live tail while nobody watches):
    /// nothing they pass is counted as skipped.
    var following: Set<String> = []
    /// What each sink's reader skipped (dropped as `drop_oldest`, or quarantined) since open.
    var skips: [String: SpoolReaderSkips] = [:]

    /// Readers waiting in `read` for records past their position.
    var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var cancelledWaiters: Set<Int> = []
    var nextWaiterID = 0

    var syncCount: UInt64 = 0
    var appendCalls: UInt64 = 0
    var appendedRecords: UInt64 = 0
    var appendedBytes: UInt64 = 0
    /// When each stretch was appended and how many records it holds: lag in events and seconds.
    var timeline: AppendTimeline

    init(segments: [SegmentEntry], cursors: [String: UInt64], openedAtMicros: Int64, backlogAppendedAtMicros: Int64?) {
        self.segments = segments
        let last = segments[segments.count - 1]
        self.committedEnd = last.end
        self.retainedBytes = segments.reduce(0) { $0 + $1.fileBytes }
        self.projectedEnd = last.end
        self.projectedActiveFileBytes = last.fileBytes
        self.cursors = cursors
        // What was there at open: its time is the last segment's modification time, its record count
        // an estimate from its bytes.
        let oldest = segments[0].base
        let backlogBytes = last.end - oldest
        self.timeline = AppendTimeline(
            start: oldest,
            backlog: backlogBytes == 0 ? nil : (end: last.end, appendedAtMicros: backlogAppendedAtMicros ?? openedAtMicros,
                                                records: max(1, backlogBytes / AppendTimeline.estimatedRecordBytes)))
    }

    /// The segment holding the record at `offset`, if it is committed and retained.
    func segment(containing offset: UInt64) -> SegmentEntry? {
        guard offset < committedEnd else { return nil }
        // Few segments (maxBytes / segmentBytes, 16 by default): a backwards linear scan is enough.
        for entry in segments.reversed() where entry.base <= offset {
            return offset < entry.end ? entry : nil
        }
        return nil
    }

    /// Where a reader at `offset` goes on: the segment holding it, or — when `offset` lies in the gap a
    /// quarantined segment left, or before the oldest retained segment — the next segment's start.
    func readable(from offset: UInt64) -> (segment: SegmentEntry?, offset: UInt64) {
        guard offset < committedEnd else { return (nil, offset) }
        if let entry = segment(containing: offset) { return (entry, offset) }
        guard let next = segments.first(where: { $0.base > offset }) else { return (nil, offset) }
        return (next.base < committedEnd ? next : nil, next.base)
    }

    /// Forgets everything queued (after a failed write) so the projection matches the durable files again.
    mutating func resetProjection() -> [PendingAppend] {
        let dropped = pending
        pending = []
        pendingBytes = 0
        projectedEnd = committedEnd
        projectedActiveFileBytes = segments[segments.count - 1].fileBytes
        return dropped
    }

    mutating func takeWaiters() -> [CheckedContinuation<Void, Never>] {
        let list = Array(waiters.values)
        waiters.removeAll()
        return list
    }
}
