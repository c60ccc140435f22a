import LogModel

/// A destination for spooled events (MongoDB, Elasticsearch, later Sentry and Telegram).
///
/// A sink never decides *whether* to retry: it reports what the store said about every item and the
/// sink worker (in `Pipeline`) retries, dead-letters and advances the spool cursor. A sink must be
/// idempotent: delivering the same event twice stores it once (the event id is the store's `_id`).
public protocol Sink: Sendable {
    /// Stable, low-cardinality name: the spool cursor, metrics label and dead-letter `sink` field.
    var name: String { get }

    /// Prepares the store once before the first delivery (index template, indexes, version probe).
    /// Throws `SinkError` when the store cannot be reached; the worker calls it again after a backoff.
    func prepare() async throws(SinkError)

    /// Sends `events` in one request (or as few as the store needs) and reports one outcome per event,
    /// in the same order. Never throws: a request that failed as a whole reports `.retry` for every item.
    func deliver(_ events: [SpooledEvent]) async -> DeliveryReport
}

/// What the store said about one event.
public enum ItemOutcome: Sendable, Equatable {
    /// Written now.
    case stored
    /// Already there (MongoDB 11000 duplicate key, Elasticsearch 409 on `create`): counts as delivered.
    case alreadyStored
    /// A transient failure (network, 429, 5xx, write-concern error): send this item again later.
    case retry(reason: String)
    /// A permanent rejection (mapping error, validation, 400): goes to the dead letters, never blocks.
    case reject(reason: String)

    public var isDelivered: Bool {
        switch self {
        case .stored, .alreadyStored: return true
        case .retry, .reject: return false
        }
    }
}

/// The result of one `deliver` call.
public struct DeliveryReport: Sendable, Equatable {
    /// One entry per event, in request order.
    public var items: [ItemOutcome]
    /// A server's own hint for when to try again (`Retry-After`), if it gave one.
    public var retryAfterSeconds: Double?

    public init(items: [ItemOutcome], retryAfterSeconds: Double? = nil) {
        self.items = items
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Every item failed the same transient way (store down, whole request refused).
    public static func retryAll(_ count: Int, reason: String, retryAfterSeconds: Double? = nil) -> DeliveryReport {
        DeliveryReport(items: Array(repeating: .retry(reason: reason), count: count), retryAfterSeconds: retryAfterSeconds)
    }
}

/// Why a sink could not get ready or reach its store. The message names the store and what to check.
public struct SinkError: Error, Sendable, CustomStringConvertible {
    public var sink: String
    public var message: String
    /// False for configuration mistakes an operator must fix (bad credentials, wrong URL scheme).
    public var isRetriable: Bool

    public init(sink: String, message: String, isRetriable: Bool = true) {
        self.sink = sink
        self.message = message
        self.isRetriable = isRetriable
    }

    public var description: String { "\(sink): \(message)" }
}

/// A sink's view of its store for `/readyz`.
public enum SinkState: String, Sendable {
    case starting, ready, retrying, unavailable
}
