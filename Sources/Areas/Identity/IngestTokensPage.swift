import Foundation
import HubKit
import Identity

/// The admins' Ingest tokens page: create (the secret is shown once, on the answer page), list,
/// revoke.
enum IngestTokensPage {
    static func render(_ principal: StaffPrincipal, tokens: [IngestToken], activity: [Int64: IngestTokenActivity]) -> String {
        let e = HTMLPage.escape
        var rows = ""
        for token in tokens {
            let action = token.isRevoked
                ? "revoked \(e(token.revokedAt ?? ""))"
                : HTMLPage.form(action: "/api/v1/ingest-tokens/\(token.id)/revoke", principal: principal, fields: "", button: "Revoke",
                                confirm: "Revoke the token of \(token.service)? Its requests are refused within seconds.")
            let used = activity[token.id] ?? IngestTokenActivity()
            let lastUsed = used.lastUsedAt.map { String($0.formatted(.iso8601).replacingOccurrences(of: "T", with: " ").dropLast()) } ?? "never"
            let quiet = !token.isRevoked && used.wentQuiet ? #" <span class="state state-stale">quiet for a day</span>"# : ""
            rows += """
            <tr class="\(token.isRevoked ? "disabled" : "")"><td>\(token.id)</td><td>\(e(token.service))</td><td><code>\(e(token.prefix))…</code></td>
            <td>\(e(token.description))</td><td>\(e(token.createdAt))</td><td>\(e(lastUsed))\(quiet)</td>\
            <td>\(used.eventsLastHour)</td><td>\(used.eventsLastDay)</td><td>\(action)</td></tr>
            """
        }
        let create = HTMLPage.form(action: "/api/v1/ingest-tokens", principal: principal, fields: """
            <label>Service <input type="text" name="service" required pattern="[a-z0-9._-]{1,64}"></label>
            <label>Description <input type="text" name="description"></label>
            """, button: "Create token")
        let body = """
        <table>
        <thead><tr><th>ID</th><th>Service</th><th>Prefix</th><th>Description</th><th>Created</th><th>Last used (UTC)</th><th>Events, last hour</th><th>Events, last day</th><th></th></tr></thead>
        <tbody>\(rows)</tbody>
        </table>
        <h2>New token</h2>
        \(create)
        """
        return HTMLPage.render(title: "Ingest tokens", principal: principal, body: body)
    }
}
