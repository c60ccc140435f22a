/// An event a sink refused for good, kept with what a person needs to decide what to do with it.
public struct DeadLetter: Sendable, Equatable {
    public var id: Int64
    public var sink: String
    public var eventID: String
    public var reason: String
    public var attempts: Int
    public var timestampMillis: Int64
    /// The stored document exactly as the sink was given it.
    public var eventJSON: String
    public var createdAt: String
    public var replayedAt: String?
    public var replayCount: Int
}
