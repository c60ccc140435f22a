import Metrics
import Synchronization

/// Notifications per receiver and outcome (`sent`, `failed`, `rate_limited`, `suppressed`), the
/// delay from an episode's first event to its first notification request, and Sentry's counts.
enum AlertingMetrics {
    /// Counters made once per receiver and outcome: Sentry's per-group cap suppresses most error
    /// events under load, and asking the metrics factory for the counter each time was ~0.5 % of the
    /// hub's CPU (perf, `scripts/bench --with-areas`). The factory is bootstrapped once per process.
    private static let notificationCounters = Mutex<[String: Counter]>([:])

    static func notification(_ receiver: String, _ outcome: String, by n: Int = 1) {
        let key = receiver + "\u{0}" + outcome
        let counter = notificationCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "admin_alert_notifications_total", dimensions: [("receiver", receiver), ("outcome", outcome)])
            counters[key] = counter
            return counter
        }
        counter.increment(by: n)
    }

    /// Events the evaluator shed while far behind the spool (``AlertShedding``).
    private static let shedCounter = Counter(label: "admin_alerting_shed_events_total")

    static func shed(_ n: Int) { shedCounter.increment(by: n) }

    static func delay(_ receiver: String, milliseconds: Int64) {
        Timer(label: "admin_alert_notification_delay_seconds", dimensions: [("receiver", receiver)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(max(0, milliseconds) * 1_000_000)
    }
}
