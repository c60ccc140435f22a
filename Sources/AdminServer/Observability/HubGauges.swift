import Foundation
import Metrics
import Spool
import Synchronization

/// Spool and per-consumer lag gauges, refreshed just before each scrape.
enum HubGauges {
    static func register(spool: Spool) {
        let spoolBytes = Gauge(label: "admin_spool_bytes")
        let spoolSegments = Gauge(label: "admin_spool_segments")
        let skipCounters = Mutex<[String: SpoolReaderCounters]>([:])
        HubMetrics.shared.addGaugeUpdater {
            let stats = spool.stats()
            spoolBytes.record(stats.retainedBytes)
            spoolSegments.record(stats.segmentCount)
            let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
            for sink in stats.sinks {
                let dimensions = [("sink", sink.name)]
                Gauge(label: "admin_sink_lag_bytes", dimensions: dimensions).record(Int64(sink.lagBytes))
                Gauge(label: "admin_sink_lag_events", dimensions: dimensions).record(Int64(sink.lagRecords))
                Gauge(label: "admin_sink_lag_seconds", dimensions: dimensions).record(sink.lagSeconds(nowMicros: now))
                let counters = skipCounters.withLock { all in
                    if let known = all[sink.name] { return known }
                    let made = SpoolReaderCounters(sink: sink.name)
                    all[sink.name] = made
                    return made
                }
                counters.record(sink.skips)
            }
        }
    }
}
