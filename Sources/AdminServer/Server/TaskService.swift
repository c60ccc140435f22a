import ServiceLifecycle

/// A long-running loop (token cache refresh, retention) run as a lifecycle service that stops on
/// graceful shutdown.
struct TaskService: Service {
    let name: String
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await body()
        }
    }
}
