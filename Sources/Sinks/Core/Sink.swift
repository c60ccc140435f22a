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
    /// in the same order. Never throws: a request that failed as a whole reports it with `retryAll`.
    func deliver(_ events: [SpooledEvent]) async -> DeliveryReport

    /// A cheap question to the store, answered within a few seconds whatever the store does (MongoDB
    /// `ping` on a short server-selection timeout, Elasticsearch `GET /_cluster/health`), asked by the
    /// hub every few seconds so that its health shows what the store is doing now, even while a
    /// delivery sits in a blocked request. Throws `SinkError` when the store cannot be reached or
    /// refuses the hub's credentials.
    func probe() async throws(SinkError) -> SinkProbe
}

/// What a store said to a probe.
public enum SinkProbe: Sendable, Equatable {
    /// It answers and says it is well.
    case healthy
    /// It answers but says it cannot take everything (an Elasticsearch cluster in `red`).
    case degraded(reason: String)
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
    /// Set when the request failed as a whole (store unreachable, 5xx/429 for the request, refused
    /// credentials): the store said nothing about any single item, so no item is to blame for it.
    public var requestFailure: SinkErrorKind?

    public init(items: [ItemOutcome], retryAfterSeconds: Double? = nil, requestFailure: SinkErrorKind? = nil) {
        self.items = items
        self.retryAfterSeconds = retryAfterSeconds
        self.requestFailure = requestFailure
    }

    /// Every item failed the same way because the request as a whole failed (store down, request
    /// refused). `kind` says whether waiting can fix it (`.transient`) or an operator must (`.configuration`).
    public static func retryAll(_ count: Int, reason: String, retryAfterSeconds: Double? = nil,
                                kind: SinkErrorKind = .transient) -> DeliveryReport {
        DeliveryReport(items: Array(repeating: .retry(reason: reason), count: count), retryAfterSeconds: retryAfterSeconds,
                       requestFailure: kind)
    }
}

/// Whether a failure can pass by itself.
public enum SinkErrorKind: String, Sendable, Equatable {
    /// Network, timeouts, 5xx, 429, an election: waiting fixes it.
    case transient
    /// Refused credentials (401/403), missing privileges, an unsupported server version, a malformed
    /// URI: only an operator can fix it. The worker says so at error level and shows `misconfigured`.
    case configuration
}

/// Why a sink could not get ready or reach its store. The message names the store and what to check.
public struct SinkError: Error, Sendable, CustomStringConvertible {
    public var sink: String
    public var message: String
    public var kind: SinkErrorKind

    public init(sink: String, message: String, kind: SinkErrorKind = .transient) {
        self.sink = sink
        self.message = message
        self.kind = kind
    }

    public var description: String { "\(sink): \(message)" }
}

/// A sink's view of its store for `/readyz`. The worker alone knows `starting`, `ready`, `retrying`
/// and `misconfigured`; the hub's health (`SinkHealth`) adds what the store's probe says and shows
/// `ready`, `degraded` (answers but refuses or slows), `unavailable` or `misconfigured`.
public enum SinkState: String, Sendable {
    case starting, ready, retrying, unavailable
    /// The store answers its probe but refuses deliveries or says it is unwell.
    case degraded
    /// The store refuses the hub's configuration (credentials, privileges, version): an operator must act.
    case misconfigured
}
