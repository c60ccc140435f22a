import Transforms

/// The outcome of decoding and normalising one request: what to spool and what to answer.
public struct IngestBatch: Sendable {
    /// Normalised events in request order, ready for the spool.
    public var events: [NormalizedEvent]
    /// The first ``IngestLimits/maxReportedErrors`` rejections, in request order.
    public var errors: [IndexedEventError]
    /// Events accepted (`events.count`).
    public var accepted: Int
    /// Events rejected, all of them (not only the reported ones).
    public var rejected: Int
    /// Rejections per error code, all of them (for metrics).
    public var rejectedByCode: [String: Int]
    /// Secret values redacted and card numbers masked across the accepted events.
    public var redactions: Int
    /// Keys dropped or values flattened by label/attribute bounds across the accepted events.
    public var overflowKeys: Int

    public init(
        events: [NormalizedEvent] = [], errors: [IndexedEventError] = [], accepted: Int = 0, rejected: Int = 0,
        rejectedByCode: [String: Int] = [:], redactions: Int = 0, overflowKeys: Int = 0
    ) {
        self.events = events
        self.errors = errors
        self.accepted = accepted
        self.rejected = rejected
        self.rejectedByCode = rejectedByCode
        self.redactions = redactions
        self.overflowKeys = overflowKeys
    }
}
