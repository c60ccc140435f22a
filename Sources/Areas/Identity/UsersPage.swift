import HubKit
import Identity

/// The admins' Users page: the list with a roles form, disable/enable and set-password-link
/// buttons per user, a create form, and lifting lock-outs.
enum UsersPage {
    static func render(_ principal: StaffPrincipal, users: [StaffUser], locked: [String]) -> String {
        let e = HTMLPage.escape
        var rows = ""
        for user in users {
            var roleBoxes = ""
            for role in Role.allCases {
                let checked = user.roles.contains(role) ? " checked" : ""
                roleBoxes += #"<label class="role"><input type="checkbox" name="roles" value="\#(role.rawValue)"\#(checked)> \#(role.rawValue)</label>"#
            }
            let rolesForm = HTMLPage.form(action: "/api/v1/users/\(user.id)/roles", principal: principal, fields: roleBoxes, button: "Save roles")
            let toggle = user.isDisabled
                ? HTMLPage.form(action: "/api/v1/users/\(user.id)/enable", principal: principal, fields: "", button: "Enable")
                : HTMLPage.form(action: "/api/v1/users/\(user.id)/disable", principal: principal, fields: "", button: "Disable",
                                confirm: "Disable \(user.email)? Their sessions and tokens stop working at once.")
            let reset = HTMLPage.form(action: "/api/v1/users/\(user.id)/reset-link", principal: principal, fields: "", button: "Set-password link")
            rows += """
            <tr class="\(user.isDisabled ? "disabled" : "")">
            <td>\(e(user.email))<br><small>\(e(user.displayName))</small></td>
            <td>\(user.isDisabled ? "disabled" : (user.hasPassword ? "active" : "no password yet"))</td>
            <td>\(rolesForm)</td>
            <td>\(toggle)\(reset)</td>
            </tr>
            """
        }
        var roleBoxes = ""
        for role in Role.allCases {
            roleBoxes += #"<label class="role"><input type="checkbox" name="roles" value="\#(role.rawValue)"> \#(role.rawValue)</label>"#
        }
        let create = HTMLPage.form(action: "/api/v1/users", principal: principal, fields: """
            <label>E-mail <input type="email" name="email" required></label>
            <label>Name <input type="text" name="display_name"></label>
            <fieldset><legend>Roles</legend>\(roleBoxes)</fieldset>
            <p><small>No password here: the page shows a one-time set-password link to send to the person.</small></p>
            """, button: "Create user")
        var lockedList = "<p>No account is locked.</p>"
        if !locked.isEmpty {
            lockedList = "<ul>" + locked.map { email in
                "<li>\(e(email)) " + HTMLPage.form(action: "/api/v1/users/unlock", principal: principal,
                                                   fields: #"<input type="hidden" name="email" value="\#(e(email))">"#, button: "Unlock",
                                                   classes: "inline") + "</li>"
            }.joined() + "</ul>"
        }
        let body = """
        <table>
        <thead><tr><th>User</th><th>State</th><th>Roles</th><th>Actions</th></tr></thead>
        <tbody>\(rows)</tbody>
        </table>
        <h2>New user</h2>
        \(create)
        <h2>Locked accounts</h2>
        \(lockedList)
        """
        return HTMLPage.render(title: "Users", principal: principal, body: body)
    }
}
