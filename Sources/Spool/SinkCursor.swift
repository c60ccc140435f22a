import Synchronization

/// One sink's persisted cursor. Its lock serialises every write of the sink's cursor file — the
/// reader's commits and the spool's own jumps for a `drop_oldest` sink — so an older value never lands last.
final class SinkCursor: Sendable {
    let sink: String
    let policy: SpoolSinkPolicy
    let persisted: Mutex<UInt64>

    init(sink: String, policy: SpoolSinkPolicy, offset: UInt64) {
        self.sink = sink
        self.policy = policy
        self.persisted = Mutex(offset)
    }
}
