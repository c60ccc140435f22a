import Metrics
import Spool

/// Spool and per-consumer lag gauges, refreshed just before each scrape.
enum HubGauges {
    static func register(spool: Spool) {
        let spoolBytes = Gauge(label: "admin_spool_bytes")
        let spoolSegments = Gauge(label: "admin_spool_segments")
        HubMetrics.shared.addGaugeUpdater {
            let stats = spool.stats()
            spoolBytes.record(stats.retainedBytes)
            spoolSegments.record(stats.segmentCount)
            for sink in stats.sinks {
                Gauge(label: "admin_sink_lag_bytes", dimensions: [("sink", sink.name)]).record(Int64(sink.lagBytes))
            }
        }
    }
}
