public import ServiceLifecycle

/// A long-running loop (token cache refresh, retention) run as a lifecycle service that stops on
/// graceful shutdown.
public struct TaskService: Service {
    public let name: String
    /// When above 0, the loop runs on a ``LowPriorityExecutor`` thread of this nice value.
    public let niceness: Int
    let body: @Sendable () async -> Void

    /// `niceness`: 0 runs the loop on the shared pool; 1…19 on a thread of its own that the kernel
    /// serves after the intake when the CPU is short (the areas' best-effort spool readers).
    public init(name: String, niceness: Int = 0, body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.niceness = niceness
        self.body = body
    }

    public func run() async throws {
        guard niceness > 0 else {
            await cancelWhenGracefulShutdown { await body() }
            return
        }
        let executor = LowPriorityExecutor(name: name, niceness: Int32(niceness))
        defer { executor.stop() }
        await withTaskExecutorPreference(executor) {
            await cancelWhenGracefulShutdown { await body() }
        }
    }
}
