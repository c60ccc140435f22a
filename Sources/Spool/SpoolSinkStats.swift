/// Where one sink stands in the spool.
public struct SpoolSinkStats: Sendable, Equatable {
    public var name: String
    /// The sink's persisted cursor: everything before it is delivered.
    public var committedOffset: UInt64
    /// Bytes of records (headers included) committed to the spool but not yet delivered by this sink.
    public var lagBytes: UInt64

    public init(name: String, committedOffset: UInt64, lagBytes: UInt64) {
        self.name = name
        self.committedOffset = committedOffset
        self.lagBytes = lagBytes
    }
}
