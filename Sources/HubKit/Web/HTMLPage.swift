import Foundation
public import Hummingbird
public import Identity
public import LogModel
public import NIOCore

/// Server-rendered pages: one layout, escaping for every interpolated value, no inline scripts
/// or styles (the CSP forbids them; behaviour lives in /assets/app.js).
public enum HTMLPage {
    /// Escapes text for HTML element content and double-quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A whole page. `body` is HTML built with `escape`; `principal` adds the navigation (the links the
    /// modules declared, see `Navigation`) and sign-out. `scripts` are extra same-origin script paths
    /// a page needs besides /assets/app.js (e.g. the search page's own script).
    public static func render(title: String, principal: StaffPrincipal?, body: String, scripts: [String] = []) -> String {
        var nav = ""
        if let principal {
            let links = Navigation.links(for: principal).map { link in
                #"<a href="\#(escape(link.path))">\#(escape(link.title))</a>"#
            }
            nav = """
            <nav>\(links.joined(separator: " "))
            <span class="who">\(escape(principal.user.email))</span>
            \(form(action: "/api/v1/auth/logout", principal: principal, fields: "", button: "Sign out", classes: "inline"))
            </nav>
            """
        }
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · DataMP Admin</title>
        <link rel="stylesheet" href="/assets/app.css">
        <script src="/assets/app.js" defer></script>
        \(scripts.map { #"<script src="\#(escape($0))" defer></script>"# }.joined(separator: "\n"))
        </head>
        <body>
        <header><strong>DataMP Admin</strong>\(nav)</header>
        <main>
        <h1>\(escape(title))</h1>
        \(body)
        </main>
        </body>
        </html>
        """
    }

    /// A POST form carrying the session's CSRF token (every state-changing form must).
    public static func form(action: String, principal: StaffPrincipal, fields: String, button: String, classes: String = "",
                     confirm: String? = nil) -> String {
        let csrf = principal.csrfToken.map { #"<input type="hidden" name="csrf_token" value="\#(escape($0))">"# } ?? ""
        let confirmAttribute = confirm.map { #" data-confirm="\#(escape($0))""# } ?? ""
        return """
        <form method="post" action="\(escape(action))" class="\(escape(classes))"\(confirmAttribute)>\(csrf)\(fields)<button type="submit">\(escape(button))</button></form>
        """
    }

    public static func response(_ status: HTTPResponse.Status = .ok, _ html: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page with one message and a link home (errors and confirmations of form posts).
    public static func message(status: HTTPResponse.Status, title: String, text: String, secret: String? = nil, back: String = "/",
                        headers: HTTPFields = [:]) -> Response {
        var body = "<p>\(escape(text))</p>"
        if let secret {
            body += #"<p class="secret"><code id="secret">\#(escape(secret))</code></p><p class="warn">It is shown only this once: copy it now.</p>"#
        }
        body += #"<p><a href="\#(escape(back))">Back</a></p>"#
        return response(status, render(title: title, principal: nil, body: body), headers: headers)
    }

    /// Renders a JSON refusal (`{"error","message"}`) as a page, for form posts.
    public static func fromRefusal(_ refusal: Refusal) -> Response? {
        guard let text = refusal.message else { return nil }
        return message(status: refusal.response.status, title: title(for: refusal.response.status), text: text, headers: [:])
    }

    public static func title(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: "Please sign in"
        case 403: "Not allowed"
        case 404: "Not found"
        case 429: "Too many attempts"
        case 400..<500: "Could not do that"
        default: "Something went wrong"
        }
    }

    /// `2026-11-25 12:34 UTC`.
    public static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        let text = date.ISO8601Format()
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }
}
