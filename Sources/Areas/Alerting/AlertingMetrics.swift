import Metrics

/// Notifications per receiver and outcome (`sent`, `failed`, `rate_limited`, `suppressed`), the
/// delay from an episode's first event to its first notification request, and Sentry's counts.
enum AlertingMetrics {
    static func notification(_ receiver: String, _ outcome: String, by n: Int = 1) {
        Counter(label: "admin_alert_notifications_total", dimensions: [("receiver", receiver), ("outcome", outcome)]).increment(by: n)
    }

    static func delay(_ receiver: String, milliseconds: Int64) {
        Timer(label: "admin_alert_notification_delay_seconds", dimensions: [("receiver", receiver)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(max(0, milliseconds) * 1_000_000)
    }
}
