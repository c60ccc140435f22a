import HubKit
import Hummingbird
import Identity
import LogModel

/// `GET /set-password?token=...` shows the form of a one-time set-password link; `POST /set-password`
/// sets the password and uses the link up. No session is involved: the link's secret is the
/// credential, so the form carries it (and the POST is refused from another origin).
struct SetPasswordPage {
    let identity: IdentityServices
    let gate: StaffGate

    func register(on routes: HubRoutes) {
        routes.open(.get, "/set-password") { request, _ in
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            guard !token.isEmpty, let user = try? await identity.administration.resetLinkUser(token: token) else {
                return HTMLPage.message(status: .notFound, title: "Link not valid", text: AccountError.invalidResetLink.description)
            }
            return form(token: token, email: user.email, error: nil, status: .ok)
        }
        routes.open(.post, "/set-password") { request, context in
            let input: RequestInput
            do { input = try await RequestInput.read(request) } catch let refusal as Refusal { return refusal.response }
            guard gate.isSameOrigin(request) else {
                return HTMLPage.message(status: .forbidden, title: "Not allowed", text: "set the password from the hub's own page")
            }
            let token = input.string("token") ?? ""
            let password = input.string("password") ?? ""
            guard !token.isEmpty else {
                return HTMLPage.message(status: .badRequest, title: "Link not valid", text: AccountError.invalidResetLink.description)
            }
            guard password == (input.string("password_confirm") ?? password) else {
                let email = (try? await identity.administration.resetLinkUser(token: token))?.email ?? ""
                return form(token: token, email: email, error: "The two passwords differ.", status: .badRequest)
            }
            do {
                let user = try await identity.administration.consumeResetLink(
                    token: token, newPassword: password, clientIP: context.clientIP ?? "", userAgent: StaffGate.userAgent(request))
                if !input.isForm { return JSONResponse.make(.ok, ["user": StaffJSON.user(user)]) }
                return HTMLPage.message(status: .ok, title: "Password set", text: "Your password is set. Sign in with \(user.email).", back: "/login")
            } catch let error as AccountError {
                if case .weakPassword = error {
                    let email = (try? await identity.administration.resetLinkUser(token: token))?.email ?? ""
                    return form(token: token, email: email, error: error.description, status: .badRequest)
                }
                return HTMLPage.message(status: HTTPResponse.Status(code: error.httpStatus), title: "Could not set the password", text: error.description)
            } catch {
                return HTMLPage.message(status: .serviceUnavailable, title: "Something went wrong", text: "the hub could not reach PostgreSQL; try again")
            }
        }
    }

    func form(token: String, email: String, error: String?, status: HTTPResponse.Status) -> Response {
        var body = ""
        if let error { body += #"<p class="error" role="alert">\#(HTMLPage.escape(error))</p>"# }
        body += """
        <p>Choose a password for <strong>\(HTMLPage.escape(email))</strong>: at least \(identity.passwordPolicy.minimumLength) characters;
        a few unrelated words make a good one.</p>
        <form method="post" action="/set-password">
        <input type="hidden" name="token" value="\(HTMLPage.escape(token))">
        <input type="text" name="username" value="\(HTMLPage.escape(email))" autocomplete="username" hidden>
        <label>New password <input type="password" name="password" autocomplete="new-password" required></label>
        <label>Again <input type="password" name="password_confirm" autocomplete="new-password" required></label>
        <button type="submit">Set password</button>
        </form>
        """
        return HTMLPage.response(status, HTMLPage.render(title: "Set your password", principal: nil, body: body))
    }
}
