import Foundation
import HubKit
import Identity

/// `/audit` (`audit.read`): the security audit with filters (actor, action, target, time), paging
/// to older entries and a CSV download of everything the filters select. Times are UTC.
enum AuditPage {
    static func render(_ principal: StaffPrincipal, query: [String: String], page: SecurityAuditPage?, error: String?) -> String {
        let e = HTMLPage.escape
        var actionOptions = #"<option value="">any action</option>"#
        for action in SecurityAuditAction.allCases {
            let selected = query["action"] == action.rawValue ? " selected" : ""
            actionOptions += #"<option value="\#(action.rawValue)"\#(selected)>\#(action.rawValue)</option>"#
        }
        func field(_ name: String, _ label: String, type: String = "text", placeholder: String = "") -> String {
            #"<label>\#(label) <input type="\#(type)" name="\#(name)" value="\#(e(query[name] ?? ""))" placeholder="\#(e(placeholder))"></label>"#
        }
        let filters = """
        <form method="get" action="/audit" class="filters">
        \(field("actor", "Actor", placeholder: "ann@example.com, cli"))
        <label>Action <select name="action">\(actionOptions)</select></label>
        \(field("target", "Target"))
        \(field("since", "Since (UTC)", type: "datetime-local"))
        \(field("until", "Until (UTC)", type: "datetime-local"))
        <button type="submit">Filter</button> <a href="/audit">Clear</a>
        </form>
        """
        var body = filters
        if let error { body += #"<p class="error">\#(e(error))</p>"# }
        if let page {
            let exportQuery = encode(query.filter { $0.key != "before" })
            body += #"<p><a href="/api/v1/audit/security.csv\#(exportQuery.isEmpty ? "" : "?" + e(exportQuery))" download>Download CSV</a> of every entry these filters select.</p>"#
            if page.entries.isEmpty {
                body += "<p>No entries match.</p>"
            } else {
                body += "<table class=\"audit\"><thead><tr><th>Time (UTC)</th><th>Actor</th><th>Action</th><th>Target</th><th>From</th><th>Details</th></tr></thead><tbody>"
                for entry in page.entries {
                    let details = entry.details.keys.sorted().map { "\(e($0))=\(e(entry.details[$0] ?? ""))" }.joined(separator: "<br>")
                    body += """
                    <tr><td><time datetime="\(iso(entry.at))">\(display(entry.at))</time></td><td>\(e(entry.actor))</td>\
                    <td><code>\(e(entry.action))</code></td><td>\(e(entry.target))</td><td>\(e(entry.clientIP))</td><td><small>\(details)</small></td></tr>
                    """
                }
                body += "</tbody></table>"
            }
            if let next = page.nextBeforeID {
                var older = query
                older["before"] = String(next)
                body += #"<p><a href="/audit?\#(e(encode(older)))" rel="next">Older entries →</a></p>"#
            }
        }
        return HTMLPage.render(title: "Security audit", principal: principal, body: body)
    }

    /// The page's query, in a stable order, for links.
    static func encode(_ query: [String: String]) -> String { QueryString.encode(query) }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    static func display(_ date: Date) -> String {
        String(iso(date).replacingOccurrences(of: "T", with: " ").dropLast())
    }
}
