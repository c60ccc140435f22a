#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

/// The two ways a reader moves past records without delivering them: a corrupt sealed segment is
/// quarantined (moved aside for an operator), and a `drop_oldest` sink that lags too far jumps
/// forward by whole segments. Both are logged and counted per sink; a `block` sink never drops.
extension SpoolCore {
    /// Moves a sealed segment whose committed data fails verification to `quarantine/`, so readers
    /// go on with the next segment instead of failing on it forever. The active segment cannot be
    /// moved (the writer appends to it): the error is thrown, and the next append starts a new
    /// segment, after which the damaged one is sealed and the next read quarantines it.
    func quarantine(_ segment: SegmentEntry, offset: UInt64, reason: String, foundBy sink: String) throws(SpoolError) {
        try deletion.withLock { _ throws(SpoolError) in
            let (present, active) = state.withLock { s in
                (s.segments.contains { $0.base == segment.base }, s.segments.last?.base == segment.base)
            }
            guard present else { return }  // another reader was first
            if active {
                let first = state.withLock { s in
                    defer { s.sealActiveSegment = true }
                    return !s.sealActiveSegment
                }
                if first {
                    logger.error("spool: the active segment is corrupt; it is sealed at the next append and then quarantined",
                                 metadata: ["spool.segment": "\(segment.path)", "spool.offset": "\(offset)", "spool.reason": "\(reason)",
                                            "sink.name": "\(sink)"])
                }
                throw .corruptSegment(path: segment.path, offset: offset, reason: reason)
            }
            try SegmentRecovery.quarantine(path: segment.path, base: segment.base, offset: offset, reason: reason,
                                           paths: paths, logger: logger, foundBy: sink)
            state.withLock { s in
                s.segments.removeAll { $0.base == segment.base }
                s.retainedBytes -= segment.fileBytes
                s.skips[sink, default: SpoolReaderSkips()].quarantinedSegments += 1
            }
        }
    }

    /// Keeps each `drop_oldest` sink's saved cursor within its bound of the end. A reader within the
    /// bound (it saves its cursor only every few seconds, but has read nearly everything) has its
    /// cursor moved up to where it reads, and nothing is skipped; one that truly lags is moved to
    /// the oldest segment within the bound (or the active segment), past records it has not read.
    /// Runs on the writer thread after each group, so space is reclaimed even while the sink is stuck.
    func enforceLagBounds() {
        let dropping = sinkCursors.values.filter { if case .dropOldest = $0.policy { true } else { false } }
        guard !dropping.isEmpty else { return }
        var moved = false
        for cursor in dropping {
            guard case .dropOldest(let maxLag) = cursor.policy else { continue }
            let plan: (to: UInt64, read: UInt64, segments: Int)? = state.withLock { s in
                let saved = s.cursors[cursor.sink] ?? 0
                let end = s.committedEnd
                // The space the sink holds is counted from its saved cursor.
                guard end > saved, Int64(end - saved) > maxLag else { return nil }
                let read = s.following.contains(cursor.sink) ? end : max(saved, s.readOffsets[cursor.sink] ?? 0)
                if Int64(end - read) <= maxLag {
                    // Keeping up: the cursor moves to the start of the segment being read when that is
                    // within the bound (a restart re-reads a little, as with the reader's own saves),
                    // else to the read position. (Moving by whole segments regardless skipped a reader
                    // a few records behind each time a segment began, when the bound is one segment
                    // long, as the live tail's is.)
                    let segmentStart = s.segments.last { $0.base <= read }?.base ?? read
                    let to = segmentStart > saved && Int64(end - segmentStart) <= maxLag ? segmentStart : read
                    return (to, read, 0)
                }
                let target = s.segments.first { $0.base > read && Int64(end - $0.base) <= maxLag }?.base
                    ?? s.segments[s.segments.count - 1].base
                guard target > saved else { return nil }
                return (target, read, s.segments.filter { $0.base < target && $0.end > read }.count)
            }
            guard let plan else { continue }
            do throws(SpoolError) {
                let saved = try cursor.persisted.withLock { current throws(SpoolError) -> UInt64? in
                    guard plan.to > current else { return nil }
                    try cursorStore.save(sink: cursor.sink, offset: plan.to)
                    defer { current = plan.to }
                    return current
                }
                guard let saved else { continue }
                let from = max(saved, plan.read)
                state.withLock { s in
                    s.cursors[cursor.sink] = max(s.cursors[cursor.sink] ?? 0, plan.to)
                    if plan.to > from {
                        s.skips[cursor.sink, default: SpoolReaderSkips()].droppedBytes += plan.to - from
                        s.skips[cursor.sink, default: SpoolReaderSkips()].droppedSegments += plan.segments
                    }
                }
                moved = true
                guard plan.to > from else { continue }  // all of it read: nothing was skipped
                // WARN: a best-effort consumer missed events by design; the stores have them all.
                logger.warning(
                    "spool: a drop_oldest sink lagged past its bound; its oldest records were skipped",
                    metadata: ["sink.name": "\(cursor.sink)", "spool.dropped_bytes": "\(plan.to - from)",
                               "spool.dropped_segments": "\(plan.segments)", "spool.from_offset": "\(from)",
                               "spool.to_offset": "\(plan.to)", "spool.max_lag_bytes": "\(maxLag)"])
            } catch {
                logger.error("spool: could not move a lagging drop_oldest sink's cursor", metadata: [
                    "sink.name": "\(cursor.sink)", "spool.error": "\(error)"])
            }
        }
        if moved { deleteConsumedSegments() }
    }
}
