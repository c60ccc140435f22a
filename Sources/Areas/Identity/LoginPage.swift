import HubKit
import Hummingbird

/// The sign-in form. It posts to `POST /api/v1/auth/login` as a form; the answer is a redirect to
/// `next` (a path on this hub only) with the session cookie, or this page again with the error.
enum LoginPage {
    static func response(status: HTTPResponse.Status = .ok, error: String? = nil, email: String = "", next: String = "/",
                         headers: HTTPFields = [:]) -> Response {
        var body = ""
        if let error { body += #"<p class="error" role="alert">\#(HTMLPage.escape(error))</p>"# }
        body += """
        <form method="post" action="/api/v1/auth/login" class="login">
        <input type="hidden" name="next" value="\(HTMLPage.escape(next))">
        <label>E-mail <input type="email" name="email" value="\(HTMLPage.escape(email))" autocomplete="username" required autofocus></label>
        <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button>
        </form>
        """
        return HTMLPage.response(status, HTMLPage.render(title: "Sign in", principal: nil, body: body), headers: headers)
    }

    /// `next` when it is a path on this hub (`/users`), else `/`: never a redirect to another site
    /// (`//evil.example`, `https://...`, `/\evil`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), next.count <= 512,
              next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return "/" }
        return next
    }
}
