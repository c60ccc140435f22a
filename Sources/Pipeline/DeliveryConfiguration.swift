/// How a sink worker batches and retries. One per sink, so a slow store can be given smaller
/// batches without touching the others.
public struct DeliveryConfiguration: Sendable, Equatable {
    /// Most events in one request (Elasticsearch's guide: start at 1,000-5,000).
    public var batchMaxEvents: Int
    /// Most spooled bytes in one request (protocols.md 3.1: keep bulks at 5-10 MB).
    public var batchMaxBytes: Int
    /// How long a worker waits for more events before sending a short batch.
    public var batchMaxWait: Duration
    public var retry: RetryPolicy
    /// An item the store keeps refusing transiently *about that item* (not the whole request) goes to
    /// the dead letters once its first such refusal is this old (`delivery.max_item_retry_age`)…
    public var maxItemRetryAge: Duration
    /// …or once it was refused this many times (`delivery.max_item_attempts`), whichever comes first.
    /// A store that refuses whole requests (down, overloaded, bad credentials) is retried without
    /// limit: the spool holds the events, nothing is given up.
    public var maxItemAttempts: Int
    /// Failed dead-letter writes (PostgreSQL down) tried at the growing backoff before the worker
    /// says at error level that it holds its sink and goes on trying at the backoff cap.
    public var deadLetterAttemptsBeforeHolding: Int
    /// Batches one sink may have sent and not yet finished (`delivery.max_in_flight`): while one
    /// request waits for the store, the next ones are encoded and sent. The cursor still moves in
    /// spool order (`CommitOrder`). 1 = one batch at a time.
    public var maxInFlight: Int

    /// 20 attempts: the backoff ceilings (0.5 s doubling to the 30 s cap) add up to about 7.5 min,
    /// with full jitter about 4 min on average — longer than an Elasticsearch node restart or a
    /// MongoDB election (seconds to a couple of minutes), short enough that one poisoned event does
    /// not fill the spool: at the default 2 GiB it leaves room for ~5 MB/s of intake meanwhile.
    public static let defaultMaxItemAttempts = 20
    /// 10 min bounds the same hold when waits are longer than the backoff (server `Retry-After`, a larger cap).
    public static let defaultMaxItemRetryAge: Duration = .seconds(600)
    /// Chosen by `scripts/bench delivery` against the null store (README, "Delivery ceiling").
    public static let defaultMaxInFlight = 4
    public static let maxInFlightRange = 1...16

    public init(
        batchMaxEvents: Int = 1000, batchMaxBytes: Int = 5 << 20, batchMaxWait: Duration = .milliseconds(500),
        retry: RetryPolicy = RetryPolicy(), maxItemRetryAge: Duration = DeliveryConfiguration.defaultMaxItemRetryAge,
        maxItemAttempts: Int = DeliveryConfiguration.defaultMaxItemAttempts, deadLetterAttemptsBeforeHolding: Int = 5,
        maxInFlight: Int = DeliveryConfiguration.defaultMaxInFlight
    ) {
        self.batchMaxEvents = batchMaxEvents
        self.batchMaxBytes = batchMaxBytes
        self.batchMaxWait = batchMaxWait
        self.retry = retry
        self.maxItemRetryAge = maxItemRetryAge
        self.maxItemAttempts = maxItemAttempts
        self.deadLetterAttemptsBeforeHolding = deadLetterAttemptsBeforeHolding
        self.maxInFlight = max(1, maxInFlight)
    }
}
