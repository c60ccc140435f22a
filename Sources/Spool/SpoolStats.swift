/// A consistent snapshot of the spool for `/readyz` and `/metrics`.
public struct SpoolStats: Sendable, Equatable {
    /// Bytes of segment files on disk (headers included): what `maxBytes` bounds, with `queuedBytes`.
    public var retainedBytes: Int64
    /// Bytes accepted by `append` calls that are still waiting for the writer.
    public var queuedBytes: Int64
    public var maxBytes: Int64
    public var segmentCount: Int
    /// Global offset of the oldest retained record.
    public var oldestOffset: UInt64
    /// Global offset just past the last fsynced record.
    public var committedEndOffset: UInt64
    /// Data fsyncs done by the writer since open: each one made a whole group of appends durable.
    public var syncCount: UInt64
    /// Append calls, records and record bytes (headers included) made durable since open.
    public var appendCalls: UInt64
    public var appendedRecords: UInt64
    public var appendedBytes: UInt64
    /// One entry per registered sink, sorted by name.
    public var sinks: [SpoolSinkStats]
    /// False after `close()`, or after a write failure the spool could not repair (then every append fails).
    public var acceptsAppends: Bool

    /// Share of `maxBytes` in use, 0...1 (the readiness check can warn before appends are refused).
    public var fillRatio: Double { Double(retainedBytes + queuedBytes) / Double(maxBytes) }

    public init(
        retainedBytes: Int64, queuedBytes: Int64, maxBytes: Int64, segmentCount: Int, oldestOffset: UInt64,
        committedEndOffset: UInt64, syncCount: UInt64, appendCalls: UInt64, appendedRecords: UInt64,
        appendedBytes: UInt64, sinks: [SpoolSinkStats], acceptsAppends: Bool
    ) {
        self.retainedBytes = retainedBytes
        self.queuedBytes = queuedBytes
        self.maxBytes = maxBytes
        self.segmentCount = segmentCount
        self.oldestOffset = oldestOffset
        self.committedEndOffset = committedEndOffset
        self.syncCount = syncCount
        self.appendCalls = appendCalls
        self.appendedRecords = appendedRecords
        self.appendedBytes = appendedBytes
        self.sinks = sinks
        self.acceptsAppends = acceptsAppends
    }
}
