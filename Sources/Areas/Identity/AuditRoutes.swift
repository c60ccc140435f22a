import HubKit
import Foundation
import Hummingbird
import Identity
import LogModel

/// `GET /api/v1/audit/security` (`audit.read`): the security audit, newest first, filtered by
/// `actor`, `action` (comma-separated), `target`, `since`, `until` (ISO 8601), paged with `before`
/// (the previous page's `next_before`) and `limit` (1...1000). There is deliberately no route that
/// changes or deletes a row, and the table refuses it too.
struct AuditRoutes {
    let identity: IdentityServices
    let gate: StaffGate

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/audit/security", .auditRead) { request, _ in
            let filter = try Self.filter(request.uri.queryParameters)
            let page = try await identity.audit.list(filter)
            var body: JSONObject = ["entries": .array(page.entries.map(StaffJSON.auditEntry))]
            body["next_before"] = page.nextBeforeID.map(JSONValue.int) ?? .null
            return JSONResponse.make(.ok, .object(body))
        }
    }

    static func filter(_ query: Parameters) throws -> SecurityAuditFilter {
        var filter = SecurityAuditFilter()
        filter.actor = query["actor"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        filter.target = query["target"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        for name in (query["action"].map(String.init) ?? "").split(separator: ",") {
            guard let action = SecurityAuditAction(rawValue: String(name)) else {
                throw Refusal.json(.badRequest, "unknown_action",
                                   "unknown action '\(name)': use \(SecurityAuditAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.actions.insert(action)
        }
        filter.since = try date(query, "since")
        filter.until = try date(query, "until")
        if let text = query["before"] {
            guard let before = Int64(String(text)) else { throw Refusal.json(.badRequest, "invalid_before", "'before' must be an entry id") }
            filter.beforeID = before
        }
        if let text = query["limit"] {
            guard let limit = Int(String(text)), (1...SecurityAuditFilter.maximumLimit).contains(limit) else {
                throw Refusal.json(.badRequest, "invalid_limit", "'limit' must be 1...\(SecurityAuditFilter.maximumLimit)")
            }
            filter.limit = limit
        }
        return filter
    }

    static func date(_ query: Parameters, _ key: String) throws -> Date? {
        guard let text = query[Substring(key)].map(String.init), !text.isEmpty else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return date }
        throw Refusal.json(.badRequest, "invalid_\(key)", "'\(key)' must be an ISO 8601 time like 2026-11-25T12:00:00Z or a date")
    }
}
