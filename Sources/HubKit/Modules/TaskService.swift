public import ServiceLifecycle

/// A long-running loop (token cache refresh, retention) run as a lifecycle service that stops on
/// graceful shutdown.
public struct TaskService: Service {
    public let name: String
    let body: @Sendable () async -> Void

    public init(name: String, body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await body()
        }
    }
}
