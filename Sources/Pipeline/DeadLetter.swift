/// An event a sink refused for good, kept with what a person needs to decide what to do with it.
public struct DeadLetter: Sendable, Equatable {
    public var id: Int64
    public var sink: String
    public var eventID: String
    public var reason: String
    public var attempts: Int
    public var timestampMillis: Int64
    /// The stored document exactly as the sink was given it: usually JSON, but an undecodable spool
    /// record is kept byte for byte (it may hold NUL bytes or invalid UTF-8).
    public var eventBytes: [UInt8]
    public var createdAt: String
    public var replayedAt: String?
    public var replayCount: Int
    /// The event's `service.name` (nil for letters written before it was recorded, or not JSON).
    public var service: String?
    public var discardedAt: String?
    public var discardedBy: String?
    public var discardReason: String?

    public init(id: Int64, sink: String, eventID: String, reason: String, attempts: Int, timestampMillis: Int64, eventBytes: [UInt8],
                createdAt: String, replayedAt: String?, replayCount: Int, service: String? = nil, discardedAt: String? = nil,
                discardedBy: String? = nil, discardReason: String? = nil) {
        self.id = id
        self.sink = sink
        self.eventID = eventID
        self.reason = reason
        self.attempts = attempts
        self.timestampMillis = timestampMillis
        self.eventBytes = eventBytes
        self.createdAt = createdAt
        self.replayedAt = replayedAt
        self.replayCount = replayCount
        self.service = service
        self.discardedAt = discardedAt
        self.discardedBy = discardedBy
        self.discardReason = discardReason
    }

    /// The payload as text for display (invalid UTF-8 shows as U+FFFD); replay uses `eventBytes`.
    public var eventJSON: String { String(decoding: eventBytes, as: UTF8.self) }
}
