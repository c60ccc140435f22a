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
            let filter = try Self.filter(RequestInput.query(of: request))
            let page = try await identity.audit.list(filter)
            var body: JSONObject = ["entries": .array(page.entries.map(StaffJSON.auditEntry))]
            body["next_before"] = page.nextBeforeID.map(JSONValue.int) ?? .null
            return JSONResponse.make(.ok, .object(body))
        }
        routes.staff(.get, "/api/v1/audit/security.csv", .auditRead) { request, _ in
            var first = try Self.filter(RequestInput.query(of: request))
            first.limit = SecurityAuditFilter.maximumLimit
            let selection = first
            let audit = identity.audit
            let stamp = Date().formatted(.iso8601).replacingOccurrences(of: ":", with: "")
            return Response(
                status: .ok,
                headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: #"attachment; filename="security-audit-\#(stamp).csv""#],
                body: ResponseBody { writer in
                    // Streamed a page at a time, so a large export never sits in memory.
                    try await writer.write(ByteBuffer(string: AuditCSV.header))
                    var filter = selection
                    var written = 0
                    while written < AuditCSV.maximumRows {
                        let page = try await audit.list(filter)
                        try await writer.write(ByteBuffer(string: page.entries.map(AuditCSV.row).joined()))
                        written += page.entries.count
                        guard let next = page.nextBeforeID else { break }
                        filter.beforeID = next
                    }
                    try await writer.finish(nil)
                })
        }
        routes.page("/audit", .auditRead) { request, call in
            let given = RequestInput.query(of: request)
            var query: [String: String] = [:]
            for key in ["actor", "action", "target", "since", "until", "before"] {
                if let value = given[key], !value.isEmpty { query[key] = value }
            }
            do {
                let page = try await identity.audit.list(try Self.filter(given))
                return HTMLPage.response(.ok, AuditPage.render(call.principal, query: query, page: page, error: nil))
            } catch let refusal as Refusal {
                return HTMLPage.response(.badRequest, AuditPage.render(call.principal, query: query, page: nil, error: refusal.message ?? "the filters are not valid"))
            }
        }
    }

    static func filter(_ query: [String: String]) throws -> SecurityAuditFilter {
        var filter = SecurityAuditFilter()
        filter.actor = query["actor"].flatMap { $0.isEmpty ? nil : $0 }
        filter.target = query["target"].flatMap { $0.isEmpty ? nil : $0 }
        for name in (query["action"] ?? "").split(separator: ",") {
            guard let action = SecurityAuditAction(rawValue: String(name)) else {
                throw Refusal.json(.badRequest, "unknown_action",
                                   "unknown action '\(name)': use \(SecurityAuditAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.actions.insert(action)
        }
        filter.since = try date(query, "since")
        filter.until = try date(query, "until")
        if let text = query["before"], !text.isEmpty {
            guard let before = Int64(text) else { throw Refusal.json(.badRequest, "invalid_before", "'before' must be an entry id") }
            filter.beforeID = before
        }
        if let text = query["limit"], !text.isEmpty {
            guard let limit = Int(text), (1...SecurityAuditFilter.maximumLimit).contains(limit) else {
                throw Refusal.json(.badRequest, "invalid_limit", "'limit' must be 1...\(SecurityAuditFilter.maximumLimit)")
            }
            filter.limit = limit
        }
        return filter
    }

    static func date(_ query: [String: String], _ key: String) throws -> Date? {
        try TimeParameter.parse(query[key], key: key)
    }
}
