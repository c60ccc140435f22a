import Metrics
import Prometheus
import Synchronization

/// The process-wide Prometheus registry behind swift-metrics. `MetricsSystem.bootstrap` may run
/// once per process, so tests that build several hubs share it.
public final class HubMetrics: Sendable {
    public static let shared = HubMetrics()

    public let registry: PrometheusCollectorRegistry
    private let gaugeUpdaters = Mutex<[@Sendable () async -> Void]>([])

    private init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Ingest requests take milliseconds; the default buckets start too coarse for a p99 under 50 ms.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
    }

    /// Registers a closure that refreshes gauges (spool bytes, lag) just before each scrape.
    public func addGaugeUpdater(_ updater: @escaping @Sendable () async -> Void) {
        gaugeUpdaters.withLock { $0.append(updater) }
    }

    public func render() async -> [UInt8] {
        for update in gaugeUpdaters.withLock({ $0 }) { await update() }
        return MetricHelp.annotate(registry.emitToBuffer())
    }
}
