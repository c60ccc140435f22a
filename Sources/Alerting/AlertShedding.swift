public import LogModel

/// When alerting stops evaluating its least severe events to catch up.
///
/// The evaluator reads the spool best-effort: at its lag bound (`alerting.spool_max_lag_bytes`) the
/// spool skips its oldest segments, events of every level alike, errors included. Before that, past
/// half the bound, it sheds the events below `below` (by default warnings and below): they are not
/// parsed, routed or counted by threshold rules, only counted as shed, so that in a burst it keeps
/// up with the errors Sentry and on-call wait for. It stops once it is back within an eighth of the
/// bound (the gap keeps it from switching on and off with every batch).
public struct AlertShedding: Sendable, Equatable {
    /// Events below this level are shed while shedding; `nil`: never shed.
    public let below: Level?
    public let startBytes: UInt64
    public let stopBytes: UInt64

    public init(below: Level?, maxLagBytes: Int) {
        self.below = below
        startBytes = UInt64(max(0, maxLagBytes)) / 2
        stopBytes = UInt64(max(0, maxLagBytes)) / 8
    }

    /// Whether a batch that started `backlogBytes` behind the spool's committed end is shed, given
    /// whether the last batch was.
    public func sheds(backlogBytes: UInt64, wasShedding: Bool) -> Bool {
        guard below != nil else { return false }
        return wasShedding ? backlogBytes > stopBytes : backlogBytes > startBytes
    }
}
