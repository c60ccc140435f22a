import Metrics
import Spool
import Synchronization

/// Turns a spool reader's running totals of what it skipped into counters (the Spool target logs
/// each skip itself but does not depend on swift-metrics). One per reader, stores' sinks and the
/// areas' best-effort readers alike, brought up to date before each scrape (`HubGauges`).
final class SpoolReaderCounters: Sendable {
    private let last = Mutex(SpoolReaderSkips())
    private let droppedBytes: Counter
    private let droppedSegments: Counter
    private let quarantined: Counter

    init(sink: String) {
        droppedBytes = Counter(label: "admin_spool_dropped_bytes_total", dimensions: [("sink", sink)])
        droppedSegments = Counter(label: "admin_spool_dropped_segments_total", dimensions: [("sink", sink)])
        quarantined = Counter(label: "admin_spool_quarantined_segments_total", dimensions: [("sink", sink)])
    }

    func record(_ totals: SpoolReaderSkips) {
        let before = last.withLock { previous in
            defer { previous = totals }
            return previous
        }
        if totals.droppedBytes > before.droppedBytes { droppedBytes.increment(by: Int(totals.droppedBytes - before.droppedBytes)) }
        if totals.droppedSegments > before.droppedSegments { droppedSegments.increment(by: totals.droppedSegments - before.droppedSegments) }
        if totals.quarantinedSegments > before.quarantinedSegments {
            quarantined.increment(by: totals.quarantinedSegments - before.quarantinedSegments)
        }
    }
}
