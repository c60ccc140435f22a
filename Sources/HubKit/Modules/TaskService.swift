public import ServiceLifecycle

/// A long-running loop (token cache refresh, retention) run as a lifecycle service that stops on
/// graceful shutdown.
public struct TaskService: Service {
    public let name: String
    /// When lowered, the loop runs on a ``LowPriorityExecutor`` thread of its own.
    public let priority: ReaderPriority
    let body: @Sendable () async -> Void

    /// `priority`: ``ReaderPriority/normal`` runs the loop on the shared pool; a nice value or SCHED_IDLE
    /// on a thread of its own that the kernel serves after the intake when the CPU is short (the areas'
    /// best-effort spool readers).
    public init(name: String, priority: ReaderPriority = .normal, body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.priority = priority
        self.body = body
    }

    public func run() async throws {
        guard priority.hasOwnThread else {
            await cancelWhenGracefulShutdown { await body() }
            return
        }
        let executor = LowPriorityExecutor(name: name, niceness: priority.threadNiceness, idle: priority.idle)
        defer { executor.stop() }
        await withTaskExecutorPreference(executor) {
            await cancelWhenGracefulShutdown { await body() }
        }
    }
}
