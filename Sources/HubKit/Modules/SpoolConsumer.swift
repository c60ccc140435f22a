public import Spool

/// A reader of the spool that a module asks the hub to open for it.
public struct SpoolConsumer: Sendable, Equatable {
    /// The cursor's name: also the metrics label and the dead-letter `sink` field.
    public let name: String
    /// `block` for the stores (nothing is lost; a stuck store fills the spool and intake answers 503);
    /// `dropOldest(maxLagBytes:)` for best-effort readers (alerting, live tail), which must never hold
    /// back intake: past the lag bound their cursor skips whole segments, counted and logged.
    public let policy: SpoolSinkPolicy

    public init(name: String, policy: SpoolSinkPolicy = .block) {
        self.name = name
        self.policy = policy
    }
}
