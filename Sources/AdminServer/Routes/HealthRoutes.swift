import Foundation
import ClientPostgres
import HubKit
import Hummingbird
import LogModel
import Spool
import Identity

/// `/healthz` (the process answers), `/readyz` (it can take logs: spool writable, PostgreSQL
/// reachable) and `GET /api/v1/status` (the same parts with their error detail, for admins).
///
/// `/readyz` is public, so it shows each part's state and numbers only: error texts name hosts,
/// databases and users, and stay behind `config.read`. A sink that is down does not make the hub
/// unready: the spool keeps accepting, which is the point of having one.
struct HealthRoutes {
    let status: StatusReport

    func register(on routes: HubRoutes) {
        routes.open(.get, "/healthz") { _, _ in
            JSONResponse.make(.ok, ["status": "ok"])
        }
        routes.open(.get, "/readyz") { _, _ in
            let parts = await status.components()
            return JSONResponse.make(Self.isReady(parts) ? .ok : .serviceUnavailable, Self.body(parts, detail: false))
        }
        routes.staff(.get, "/api/v1/status", .configRead) { _, _ in
            JSONResponse.make(.ok, try await status.full())
        }
    }

    static func isReady(_ parts: [ComponentHealth]) -> Bool {
        !parts.contains { $0.blocksReadiness }
    }

    /// `{"status": "ready"|"not_ready", "spool": {"state", "bytes", …}, "database": {"state"},
    /// "sinks": {"mongodb": {"state", "lag_bytes"}, …}}`: a part named `group.name` goes under
    /// `group + "s"`. `detail` adds each part's `detail` text (null when there is none).
    static func body(_ parts: [ComponentHealth], detail: Bool) -> JSONValue {
        var body: JSONObject = ["status": .string(isReady(parts) ? "ready" : "not_ready")]
        var groups: [String: JSONObject] = [:]
        var groupOrder: [String] = []
        for part in parts {
            var entry: JSONObject = ["state": .string(part.state)]
            for (key, value) in part.metrics.sorted(by: { $0.key < $1.key }) { entry[key] = .int(value) }
            if detail {
                entry["detail"] = part.detail.map(JSONValue.string) ?? .null
                if let success = part.lastSuccess {
                    entry["last_success"] = .string(Timestamp.format(micros: Int64(success.timeIntervalSince1970 * 1_000_000)))
                }
            }
            if let dot = part.name.firstIndex(of: ".") {
                let group = String(part.name[..<dot]) + "s"
                if groups[group] == nil { groupOrder.append(group) }
                groups[group, default: JSONObject()][String(part.name[part.name.index(after: dot)...])] = .object(entry)
            } else {
                body[part.name] = .object(entry)
            }
        }
        for group in groupOrder { body[group] = .object(groups[group] ?? JSONObject()) }
        return .object(body)
    }
}
