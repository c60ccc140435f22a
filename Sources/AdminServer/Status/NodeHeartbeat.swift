import Logging
import ServiceLifecycle

/// Writes this node's status snapshot to `hub_nodes` every few seconds, and takes it out when the
/// hub stops gracefully (before PostgreSQL's client closes: services stop in reverse order).
/// Its own `description`: the service group logs services by it, and the default one would print
/// the whole context, configuration and passwords included.
struct NodeHeartbeat: Service, CustomStringConvertible {
    var description: String { "NodeHeartbeat(node: \(node.id))" }

    let registry: NodeRegistry
    let node: NodeIdentity
    let status: StatusReport
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                do {
                    try await registry.report(node, snapshot: await status.localSnapshot())
                    if failing { logger.info("node heartbeat written again") }
                    failing = false
                } catch {
                    if !failing { logger.warning("cannot write the node heartbeat; other nodes will show this one as stale", metadata: ["error": "\(error)"]) }
                    failing = true
                }
                try? await Task.sleep(for: interval)
            }
        }
        do {
            try await registry.leave(node)
        } catch {
            logger.warning("cannot take this node out of hub_nodes; other nodes will show it as stale", metadata: ["error": "\(error)"])
        }
    }
}
