import HubKit
import Identity

/// The signed-in home page: who you are and what your roles let you do here.
enum HomePage {
    static func render(_ principal: StaffPrincipal) -> String {
        let user = principal.user
        var items: [String] = []
        if principal.allows(.usersManage) { items.append(#"<li><a href="/users">Users</a>: create accounts, change roles, disable, set-password links, lift lock-outs</li>"#) }
        if principal.allows(.tokensManage) { items.append(#"<li><a href="/ingest-tokens">Ingest tokens</a>: create, list and revoke the tokens services ship logs with</li>"#) }
        if principal.allows(.auditRead) { items.append(#"<li><a href="/api/v1/audit/security">Security audit</a> (JSON): sign-ins, account and token changes</li>"#) }
        if principal.allows(.deadLettersManage) { items.append(#"<li><a href="/api/v1/dead-letters">Dead letters</a> (JSON): events a store refused, to replay</li>"#) }
        if principal.allows(.logsRead) { items.append(#"<li><a href="/search">Log search</a>: query language, histogram, facets, live tail, export, saved searches</li>"#) }
        if principal.allows(.alertsManage) { items.append("<li>Alerts and silences (coming)</li>") }
        if principal.allows(.operationsRun) { items.append("<li>Operations on shops (coming)</li>") }
        items.append(#"<li>Your own account: <a href="/api/v1/auth/me">who am I</a> (JSON), personal API tokens via <code>POST /api/v1/me/tokens</code></li>"#)
        let roles = user.roles.sorted().map { HTMLPage.escape($0.rawValue) }.joined(separator: ", ")
        let body = """
        <p>Signed in as <strong>\(HTMLPage.escape(user.displayName.isEmpty ? user.email : user.displayName))</strong>
        (\(HTMLPage.escape(user.email))), roles: \(roles).</p>
        <h2>What you can do</h2>
        <ul>\(items.joined(separator: "\n"))</ul>
        """
        return HTMLPage.render(title: "Home", principal: principal, body: body)
    }
}
