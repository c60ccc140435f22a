/// Where one sink stands in the spool.
public struct SpoolSinkStats: Sendable, Equatable {
    public var name: String
    /// The sink's persisted cursor: everything before it is delivered.
    public var committedOffset: UInt64
    /// Bytes of records (headers included) committed to the spool but not yet delivered by this sink.
    public var lagBytes: UInt64
    /// Records not yet delivered (exact for what was appended since the spool opened; what it held
    /// at open is estimated from its bytes).
    public var lagRecords: UInt64
    /// When the oldest undelivered record was appended (microseconds since the epoch); nil when the
    /// sink is caught up.
    public var oldestUndeliveredAppendedAtMicros: Int64?
    /// What the sink's reader skipped since the spool opened (`drop_oldest`, quarantined segments).
    public var skips = SpoolReaderSkips()

    public init(name: String, committedOffset: UInt64, lagBytes: UInt64, lagRecords: UInt64 = 0,
                oldestUndeliveredAppendedAtMicros: Int64? = nil) {
        self.name = name
        self.committedOffset = committedOffset
        self.lagBytes = lagBytes
        self.lagRecords = lagRecords
        self.oldestUndeliveredAppendedAtMicros = oldestUndeliveredAppendedAtMicros
    }

    /// Seconds since the oldest undelivered record was appended; 0 when caught up.
    public func lagSeconds(nowMicros: Int64) -> Int64 {
        guard let oldest = oldestUndeliveredAppendedAtMicros else { return 0 }
        return max(0, (nowMicros - oldest) / 1_000_000)
    }
}
