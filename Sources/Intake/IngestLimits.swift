/// Size bounds of one ingest request (contract: "Limits (configurable)").
public struct IngestLimits: Sendable, Equatable {
    /// Largest body accepted, counted after decompression; over it the whole request is a 413.
    public var maxBodyBytes: Int
    /// Largest single event (its JSON text); a larger one is rejected alone (`event_too_large`).
    public var maxEventBytes: Int
    /// At most this many per-event errors are listed in a response; all are counted.
    public var maxReportedErrors: Int
    /// Deepest nesting of arrays/objects inside one event before it is rejected (`too_deep`).
    public var maxEventDepth: Int

    public init(
        maxBodyBytes: Int = 10 * 1024 * 1024,
        maxEventBytes: Int = 256 * 1024,
        maxReportedErrors: Int = 100,
        maxEventDepth: Int = 64
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxEventBytes = maxEventBytes
        self.maxReportedErrors = maxReportedErrors
        self.maxEventDepth = maxEventDepth
    }
}
