/// When each stretch of the spool was appended and how many records it holds, so that a sink's lag
/// can be told in events and in seconds (the age of its oldest undelivered record), not only in bytes.
///
/// One checkpoint per group commit: (end offset, wall-clock time, records so far). Checkpoints every
/// cursor has passed are pruned; past `capacity` every other old one is merged into its successor,
/// so memory stays bounded and old stretches get coarser (their record counts stay exact, their
/// times become the later of the merged ones: ages are never overstated).
///
/// What was already in the spool when it was opened is one checkpoint: its age is the last segment's
/// modification time, and its record count is estimated from its bytes (`estimatedRecordBytes`).
public struct AppendTimeline: Sendable, Equatable {
    struct Checkpoint: Sendable, Equatable {
        /// Offset just past the last record of the stretch.
        var end: UInt64
        /// When the stretch was appended (microseconds since the epoch).
        var appendedAtMicros: Int64
        /// Records appended from the timeline's start up to `end`.
        var recordsThrough: UInt64
    }

    /// Bytes per record assumed for what the spool held at open (a typical stored log event with its frame).
    public static let estimatedRecordBytes: UInt64 = 600

    private(set) var checkpoints: [Checkpoint] = []
    /// Where the timeline starts: records before it are not counted.
    private(set) var start: UInt64
    /// `recordsThrough` at `start` (what pruning removed).
    private var recordsAtStart: UInt64 = 0
    let capacity: Int

    /// A timeline starting at `start`; `backlog` describes what the spool held at open (end offset,
    /// append time, estimated record count), if anything.
    public init(start: UInt64, backlog: (end: UInt64, appendedAtMicros: Int64, records: UInt64)? = nil, capacity: Int = 4096) {
        self.start = start
        self.capacity = max(4, capacity)
        if let backlog, backlog.end > start {
            checkpoints.append(Checkpoint(end: backlog.end, appendedAtMicros: backlog.appendedAtMicros, recordsThrough: backlog.records))
        }
    }

    /// Notes `records` records appended up to `end` at `micros`.
    public mutating func appended(end: UInt64, records: Int, at micros: Int64) {
        // After a prune that took every checkpoint the running count goes on from where it stood.
        let before = checkpoints.last?.recordsThrough ?? recordsAtStart
        checkpoints.append(Checkpoint(end: end, appendedAtMicros: micros, recordsThrough: before + UInt64(records)))
        if checkpoints.count > capacity { coarsen() }
    }

    /// Forgets what lies before `offset` (every cursor is past it).
    public mutating func prune(before offset: UInt64) {
        let drop = checkpoints.prefix { $0.end <= offset }.count
        guard drop > 0 else { return }
        start = checkpoints[drop - 1].end
        recordsAtStart = checkpoints[drop - 1].recordsThrough
        checkpoints.removeFirst(drop)
    }

    /// The lag of a cursor at `offset`: records after it (exact for stretches appended since open,
    /// to a checkpoint's granularity) and when the oldest of them was appended. Nil time: nothing lags.
    public func lag(from offset: UInt64) -> (records: UInt64, oldestAppendedAtMicros: Int64?) {
        guard let last = checkpoints.last, offset < last.end else { return (0, nil) }
        // The first checkpoint whose stretch ends after the cursor holds the oldest undelivered record.
        var low = 0, high = checkpoints.count - 1
        while low < high {
            let middle = (low + high) / 2
            if checkpoints[middle].end > offset { high = middle } else { low = middle + 1 }
        }
        let holding = checkpoints[low]
        let before = low == 0 ? recordsAtStart : checkpoints[low - 1].recordsThrough
        let stretchStart = low == 0 ? start : checkpoints[low - 1].end
        // Inside a stretch, count the undelivered part in proportion to its bytes.
        let stretchRecords = holding.recordsThrough - before
        let stretchBytes = holding.end - stretchStart
        let undeliveredInStretch = stretchBytes == 0 || offset <= stretchStart
            ? stretchRecords
            : (stretchRecords * (holding.end - offset) + stretchBytes - 1) / stretchBytes
        return (undeliveredInStretch + (last.recordsThrough - holding.recordsThrough), holding.appendedAtMicros)
    }

    /// Merges every other checkpoint of the older half into its successor.
    private mutating func coarsen() {
        let half = checkpoints.count / 2
        var merged: [Checkpoint] = []
        merged.reserveCapacity(capacity)
        var index = 0
        while index < half {
            // Keep the later of each pair: its end, time and running count cover both stretches.
            merged.append(checkpoints[min(index + 1, half - 1)])
            index += 2
        }
        merged.append(contentsOf: checkpoints[half...])
        checkpoints = merged
    }
}
