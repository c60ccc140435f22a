import Alerting
import HubKit
import Identity
import LogModel

/// The on-call page: open groups with counts and an hour's sparkline (acknowledge), history,
/// silences (create, expire), suppressed counts per receiver and the routing as loaded. Plain HTML
/// forms posting to the API (no script needed; the CSP allows none inline).
enum AlertsPage {
    struct Group {
        var row: AlertGroupRow
        var state: String
        var sparkline: [Int64]
    }

    static func render(_ principal: StaffPrincipal, open: [Group], history: [Group], silences: [Silence],
                       suppressed: [(String, Int64)], configuration: AlertingConfiguration) -> String {
        let e = HTMLPage.escape
        let canAck = principal.allows(.alertsManage)
        let canSilence = principal.allows(.silencesManage)
        func row(_ g: Group, actions: Bool) -> String {
            let r = g.row
            var action = ""
            if actions, canAck, g.state == "firing" {
                action = HTMLPage.form(action: "/api/v1/alerts/\(r.id)/ack", principal: principal, fields: "", button: "Acknowledge")
            }
            let what = (r.errorType.map { $0 + ": " } ?? "") + r.message
            return """
            <tr><td>\(r.id)</td><td><span class="state state-\(e(g.state))">\(e(g.state))</span></td><td>\(e(r.level))</td><td>\(e(r.service)) / \(e(r.environment))</td>
            <td>\(e(String(what.prefix(200))))</td><td>\(r.state.count)</td><td>\(sparkline(g.sparkline))</td>
            <td>\(e(SearchLink.iso(r.state.firstSeen)))</td><td>\(e(SearchLink.iso(r.state.lastSeen)))</td>
            <td>\(e(r.acknowledgedBy ?? ""))</td><td>\(action)</td></tr>
            """
        }
        let head = "<thead><tr><th>ID</th><th>State</th><th>Level</th><th>Service</th><th>What</th><th>Count</th><th>Last hour</th>"
            + "<th>First seen</th><th>Last seen</th><th>Acknowledged by</th><th></th></tr></thead>"
        var silenceRows = ""
        for s in silences {
            let expire = s.isActive && canSilence
                ? HTMLPage.form(action: "/api/v1/silences/\(s.id)/expire", principal: principal, fields: "", button: "Expire") : ""
            silenceRows += """
            <tr class="\(s.isActive ? "" : "disabled")"><td>\(s.id)</td><td><code>\(e(s.matchers.map(\.description).joined(separator: ", ")))</code></td>
            <td>\(e(s.startsAt))</td><td>\(e(s.expiredAt ?? s.endsAt))</td><td>\(e(s.createdBy))</td><td>\(e(s.comment))</td><td>\(expire)</td></tr>
            """
        }
        let create = canSilence ? "<h2>New silence</h2>" + HTMLPage.form(action: "/api/v1/silences", principal: principal, fields: """
            <label>Matchers <input type="text" name="matchers" required placeholder="service=billing, level>=error"></label>
            <label>Duration <input type="text" name="duration" value="1h" required></label>
            <label>Comment <input type="text" name="comment"></label>
            """, button: "Create silence") : ""
        let counts = suppressed.isEmpty ? "none" : suppressed.map { "\(e($0.0)): \($0.1)" }.joined(separator: ", ")
        let body = """
        <h2>Open alert groups</h2>
        <table>\(head)<tbody>\(open.map { row($0, actions: true) }.joined())</tbody></table>
        <p>Suppressed by the storm caps (folded into digests): \(counts)</p>
        <h2>Silences</h2>
        <table><thead><tr><th>ID</th><th>Matchers</th><th>From</th><th>Until</th><th>By</th><th>Comment</th><th></th></tr></thead>
        <tbody>\(silenceRows)</tbody></table>
        \(create)
        <h2>History</h2>
        <table>\(head)<tbody>\(history.map { row($0, actions: false) }.joined())</tbody></table>
        <h2>Routing as loaded</h2>
        <pre>\(e(routing(configuration.route, depth: 0)))</pre>
        """
        return HTMLPage.render(title: "Alerts", principal: principal, body: body)
    }

    /// An inline SVG of per-minute counts (attributes only: nothing the CSP forbids).
    static func sparkline(_ values: [Int64]) -> String {
        let top = max(values.max() ?? 0, 1)
        var points = ""
        for (i, v) in values.enumerated() { points += "\(i * 2),\(20 - Int(v * 18 / top)) " }
        return #"<svg width="120" height="20" viewBox="0 0 120 20" role="img" aria-label="events per minute"><polyline fill="none" stroke="currentColor" points="\#(points)"/></svg>"#
    }

    static func routing(_ r: AlertRoute, depth: Int) -> String {
        let g = r.grouping
        var line = String(repeating: "  ", count: depth) + "\(r.path): "
        line += r.matchers.isEmpty ? "(all)" : r.matchers.map(\.description).joined(separator: ", ")
        line += " → \(r.receiver.isEmpty ? "(none)" : r.receiver)"
        line += "  group_by \(g.groupBy.joined(separator: ",")), wait \(AlertDuration.describe(g.groupWait))"
        line += " (critical \(AlertDuration.describe(g.criticalGroupWait))), interval \(AlertDuration.describe(g.groupInterval))"
        line += ", repeat \(AlertDuration.describe(g.repeatInterval)), resolve \(AlertDuration.describe(g.resolveAfter))"
        if r.continue { line += ", continue" }
        return ([line] + r.routes.map { routing($0, depth: depth + 1) }).joined(separator: "\n")
    }
}
