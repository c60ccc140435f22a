/// `# HELP` lines for the exposition. Metrics are made through swift-metrics (`Counter(label:)` in
/// every area), whose Prometheus factory has no help text; Prometheus' own checker (`promtool check
/// metrics`) and Grafana's metric browser want one, so the rendered text gets it here, one table for
/// the whole hub.
enum MetricHelp {
    static let texts: [String: String] = [
        "admin_ingest_events_total": "Events offered to the intake, by outcome (accepted/rejected) and reason.",
        "admin_ingest_requests_total": "Ingest requests answered, by HTTP status.",
        "admin_ingest_request_duration_seconds": "Time from an ingest request's arrival to its answer (after the fsync).",
        "admin_input_events_total": "Events received by a listener without acknowledgement (GELF UDP/TCP), by input.",
        "admin_input_dropped_total": "Events a listener input dropped, by input and reason (spool refused, invalid, queue full).",
        "admin_input_paused_total": "Times a TCP listener connection stopped reading because its input's queue was full or the spool refused, by input.",
        "admin_input_retries_total": "Times a TCP listener offered a batch the spool had refused to the intake again, by input.",
        "admin_redactions_total": "Secret values redacted and card numbers masked before storing.",
        "admin_spool_bytes": "Bytes held in the local spool.",
        "admin_spool_segments": "Segment files in the local spool.",
        "admin_spool_dropped_bytes_total": "Bytes a best-effort reader skipped because it lagged past its bound, by reader.",
        "admin_spool_dropped_segments_total": "Segments a best-effort reader skipped because it lagged past its bound, by reader.",
        "admin_spool_quarantined_segments_total": "Spool segments set aside as corrupt.",
        "admin_sink_delivered_total": "Events delivered to a store, by sink.",
        "admin_sink_retried_total": "Events a store asked to be sent again, by sink.",
        "admin_sink_dead_lettered_total": "Events a store refused for good (kept as dead letters), by sink.",
        "admin_sink_dead_letter_failures_total": "Dead letters that could not be written to PostgreSQL, by sink.",
        "admin_sink_in_flight_batches": "Batches a sink has read from the spool and not yet committed (delivery.max_in_flight bounds it).",
        "admin_sink_lag_bytes": "Spool bytes a reader has not delivered yet, by sink or reader.",
        "admin_sink_lag_events": "Spool events a reader has not delivered yet, by sink or reader.",
        "admin_sink_lag_seconds": "Age of the oldest event a reader has not delivered yet, by sink or reader.",
        "admin_alert_notifications_total": "Alert notifications, by receiver and outcome (sent, failed, rate-limited, suppressed).",
        "admin_alert_notification_delay_seconds": "Delay from an alert episode's first event being read to its first notification request (Sentry: each event).",
        "admin_alerting_shed_events_total": "Events below alerting.shed_below that alerting shed (no route or threshold rule got them) while far behind the spool.",
    ]

    /// Inserts `# HELP name text` before every `# TYPE name kind` that has none.
    static func annotate(_ exposition: [UInt8]) -> [UInt8] {
        let text = String(decoding: exposition, as: UTF8.self)
        var out = ""
        out.reserveCapacity(text.utf8.count + 4096)
        var previous: Substring = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE "), !previous.hasPrefix("# HELP ") {
                let name = line.dropFirst("# TYPE ".count).prefix { $0 != " " }
                out += "# HELP \(name) \(texts[String(name)] ?? "DataMP Admin metric \(name).")\n"
            }
            out += line
            out += "\n"
            previous = line
        }
        return Array(out.utf8)
    }
}
