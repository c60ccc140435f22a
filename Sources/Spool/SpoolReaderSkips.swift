/// What one sink's reader skipped since the spool was opened: running totals, for metrics.
public struct SpoolReaderSkips: Sendable, Equatable {
    /// Record bytes (headers included) a `drop_oldest` sink never read because it lagged too far.
    public var droppedBytes: UInt64 = 0
    /// Whole segments those bytes came from.
    public var droppedSegments: Int = 0
    /// Corrupt segments this reader found and moved to `quarantine/`.
    public var quarantinedSegments: Int = 0

    public init() {}
}
