/// How the best-effort spool readers (alerting's evaluator, the live tail) are scheduled against the
/// intake: `spool.readers_nice` and `spool.readers_idle`.
public struct ReaderPriority: Sendable, Equatable {
    /// 0: on the shared pool with the intake; 1…19: a thread of their own at that nice value.
    public var niceness: Int
    /// Linux's SCHED_IDLE on that thread: it runs only when no other thread of the process wants the
    /// core, and a waking intake thread takes the core from it at once.
    public var idle: Bool

    public init(niceness: Int, idle: Bool = false) {
        self.niceness = niceness
        self.idle = idle
    }

    /// With the intake, on the shared pool.
    public static let normal = ReaderPriority(niceness: 0)

    /// Whether the reader gets a thread of its own (``LowPriorityExecutor``).
    public var hasOwnThread: Bool { niceness > 0 || idle }

    /// The thread's nice value: under SCHED_IDLE the kernel ignores it, but a positive value is what
    /// ``ThreadPriority/restoreNormal()`` looks for in a thread that inherited the reader's settings.
    public var threadNiceness: Int32 { idle ? 19 : Int32(niceness) }
}
