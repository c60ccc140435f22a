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
    /// An item the store keeps refusing transiently *while it accepts others* goes to the dead
    /// letters after this long. A store that refuses everything (down) is retried without limit:
    /// the spool holds the events, nothing is given up.
    public var maxItemRetryAge: Duration

    public init(
        batchMaxEvents: Int = 1000, batchMaxBytes: Int = 5 << 20, batchMaxWait: Duration = .milliseconds(500),
        retry: RetryPolicy = RetryPolicy(), maxItemRetryAge: Duration = .seconds(24 * 3600)
    ) {
        self.batchMaxEvents = batchMaxEvents
        self.batchMaxBytes = batchMaxBytes
        self.batchMaxWait = batchMaxWait
        self.retry = retry
        self.maxItemRetryAge = maxItemRetryAge
    }
}
