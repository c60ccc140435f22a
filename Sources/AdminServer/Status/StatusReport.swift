import ClientPostgres
import Foundation
import HubKit
import LogModel
import Spool

/// What the status page, `GET /api/v1/status` and `admin status` show: this node's parts with their
/// detail, what it counts per second, and every node that shares the database (from `hub_nodes`).
struct StatusReport: Sendable {
    let context: HubContext
    let modules: [any HubModule]
    let node: NodeIdentity
    let registry: NodeRegistry

    /// The spool, PostgreSQL, then every module's parts.
    func components() async -> [ComponentHealth] {
        let stats = context.spool.stats()
        var parts = [ComponentHealth(
            name: "spool", state: stats.acceptsAppends ? "ready" : "failed", blocksReadiness: !stats.acceptsAppends,
            metrics: ["bytes": stats.retainedBytes, "max_bytes": stats.maxBytes, "segments": Int64(stats.segmentCount)],
            detail: stats.acceptsAppends ? nil : "the spool cannot take appends (closed, or a write failed and the files could not be restored)")]
        do {
            try await context.database.ping()
            parts.append(ComponentHealth(name: "database", state: "ready"))
        } catch {
            parts.append(ComponentHealth(name: "database", state: "unavailable", blocksReadiness: true,
                                         detail: "PostgreSQL (database_url): \(error)"))
        }
        for module in modules { parts += await module.health() }
        return parts
    }

    /// This node alone: what it writes to `hub_nodes` for the others.
    func localSnapshot() async -> JSONValue {
        guard case .object(var body) = HealthRoutes.body(await components(), detail: true) else { return .null }
        body["node"] = [
            "id": .string(node.id), "hostname": .string(node.hostname), "version": .string(node.version),
            "started_at": .string(Self.time(node.startedAt)), "uptime_seconds": .int(node.uptimeSeconds),
        ]
        body["rates"] = .array(modules.flatMap { $0.rates() }.map { series in
            [
                "group": .string(series.group), "key": .string(series.key), "total": .int(Int64(series.total)),
                "per_second_10s": .double((series.average(lastSeconds: 10) * 10).rounded() / 10),
                "per_second": .array(series.perSecond.map { .int(Int64($0)) }),
            ]
        })
        return .object(body)
    }

    /// This node, live, and every node heard from recently (from PostgreSQL; empty when it is away).
    func full() async throws -> JSONValue {
        guard case .object(var body) = await localSnapshot() else { return .null }
        let others = (try? await registry.nodes()) ?? []
        body["nodes"] = .array(others.map { other in
            [
                "id": .string(other.id), "hostname": .string(other.hostname), "version": .string(other.version),
                "started_at": .string(Self.time(other.startedAt)), "last_seen": .string(Self.time(other.lastSeen)),
                "stale": .bool(other.isStale), "this_node": .bool(other.id == node.id),
                "status": other.snapshot["status"] ?? .null,
            ]
        })
        return .object(body)
    }

    static func time(_ date: Date) -> String {
        Timestamp.format(micros: Int64(date.timeIntervalSince1970 * 1_000_000))
    }
}
