import ClientPostgres
import Foundation
import LogModel

/// The `hub_nodes` table: each node writes its status snapshot every few seconds, so any node's
/// status page (and `admin status`) shows every node that shares the database.
public struct NodeRegistry: Sendable {
    /// A node not heard from for this long is shown as stale; after a day it is forgotten.
    public static let staleAfter: TimeInterval = 30
    static let forgetAfter = "1 day"

    let database: PostgresClient

    public init(database: PostgresClient) {
        self.database = database
    }

    public struct Node: Sendable {
        public var id: String
        public var hostname: String
        public var version: String
        public var startedAt: Date
        public var lastSeen: Date
        public var snapshot: JSONValue
        public var isStale: Bool { Date().timeIntervalSince(lastSeen) > NodeRegistry.staleAfter }
    }

    func report(_ node: NodeIdentity, snapshot: JSONValue) async throws {
        _ = try await database.query(
            """
            INSERT INTO hub_nodes (node_id, hostname, version, started_at, last_seen, snapshot)
            VALUES ($1, $2, $3, to_timestamp($4::float8), now(), $5::jsonb)
            ON CONFLICT (node_id) DO UPDATE SET last_seen = now(), snapshot = EXCLUDED.snapshot
            """,
            [node.id, node.hostname, node.version, String(node.startedAt.timeIntervalSince1970), snapshot.jsonString])
        _ = try await database.query("DELETE FROM hub_nodes WHERE last_seen < now() - interval '\(Self.forgetAfter)'", [])
    }

    /// A node stopping gracefully takes its row out: it is gone, not silent (a node that dies
    /// without saying so is shown stale until it is forgotten).
    func leave(_ node: NodeIdentity) async throws {
        _ = try await database.query("DELETE FROM hub_nodes WHERE node_id = $1", [node.id])
    }

    /// Every node heard from in the last day, most recently started first.
    public func nodes() async throws -> [Node] {
        let rows = try await database.query(
            """
            SELECT node_id, hostname, version, extract(epoch FROM started_at) AS started, extract(epoch FROM last_seen) AS seen,
                   snapshot::text AS snapshot
            FROM hub_nodes ORDER BY started_at DESC
            """, [])
        return try rows.compactMap { row in
            guard let id = try row.string("node_id") else { return nil }
            let snapshot = (try row.string("snapshot")).flatMap { try? JSONParser.parse($0) } ?? .null
            return Node(id: id, hostname: try row.string("hostname") ?? "", version: try row.string("version") ?? "",
                        startedAt: Date(timeIntervalSince1970: Double(try row.string("started") ?? "") ?? 0),
                        lastSeen: Date(timeIntervalSince1970: Double(try row.string("seen") ?? "") ?? 0), snapshot: snapshot)
        }
    }
}
