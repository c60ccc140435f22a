public import LogModel

/// Sentry's client reports (develop.sentry.dev/sdk/telemetry/client-reports): what the hub dropped
/// instead of sending, by reason and data category, so Sentry's Stats page shows the hub's own
/// discards next to what Relay dropped. Sent as a `client_report` envelope item.
public struct SentryClientReport: Sendable, Equatable {
    /// The spec's reasons the hub uses.
    public enum Reason: String, Sendable, CaseIterable {
        /// A category was rate limited by Sentry (`X-Sentry-Rate-Limits`, `Retry-After`).
        case rateLimitBackoff = "ratelimit_backoff"
        /// The per-group cap (`max_events_per_group_per_minute`): the hub's own processing dropped it.
        case eventProcessor = "event_processor"
        /// The sender's bounded queue was full.
        case queueOverflow = "queue_overflow"
        /// Sentry refused it (4xx other than 429; kept in `alert_dead_letters`).
        case sendError = "send_error"
        /// No answer after every retry.
        case networkError = "network_error"
    }

    public struct Key: Sendable, Hashable, Comparable {
        public var reason: String
        public var category: String
        public static func < (a: Key, b: Key) -> Bool { (a.reason, a.category) < (b.reason, b.category) }
    }

    public private(set) var discarded: [Key: Int64] = [:]

    public init() {}

    public var isEmpty: Bool { discarded.isEmpty }

    public mutating func record(_ reason: Reason, category: String, quantity: Int64 = 1) {
        guard quantity > 0 else { return }
        discarded[Key(reason: reason.rawValue, category: category), default: 0] += quantity
    }

    /// Adds another report's counts (a report that could not be sent goes back).
    public mutating func merge(_ other: SentryClientReport) {
        for (key, quantity) in other.discarded { discarded[key, default: 0] += quantity }
    }

    /// The item's payload: `{"timestamp": …, "discarded_events": [{"reason", "category", "quantity"}]}`.
    public func payload(timestamp: Double) -> JSONValue {
        let events: [JSONValue] = discarded.keys.sorted().map { key in
            ["reason": .string(key.reason), "category": .string(key.category), "quantity": .int(discarded[key] ?? 0)]
        }
        return ["timestamp": .double(timestamp), "discarded_events": .array(events)]
    }

    /// A whole envelope holding only this report (no `event_id`: it is not an event).
    public func envelope(timestamp: Double, sentAt: String) -> [UInt8] {
        let item = payload(timestamp: timestamp).serialized()
        let header: JSONValue = ["sent_at": .string(sentAt)]
        let itemHeader: JSONValue = ["type": "client_report", "length": .int(Int64(item.count))]
        var out = header.serialized()
        out.append(10)
        out.append(contentsOf: itemHeader.serialized())
        out.append(10)
        out.append(contentsOf: item)
        out.append(10)
        return out
    }
}
