import HubKit
import Hummingbird
import Identity
import LogModel
import Logging

/// Sign-in, sign-out and "who am I": `POST /api/v1/auth/login` (JSON, or the login page's form),
/// `POST /api/v1/auth/logout`, `GET /api/v1/auth/me`.
struct AuthRoutes {
    let identity: IdentityServices
    let gate: StaffGate

    func register(on routes: HubRoutes) {
        routes.open(.post, "/api/v1/auth/login") { request, context in
            await self.login(request, context)
        }
        routes.staff(.post, "/api/v1/auth/logout", nil) { request, call in
            var ended = false
            if case .session = call.principal.credential, let secret = gate.cookie.secret(in: request) {
                ended = try await identity.authenticator.logout(secret: secret, clientIP: call.audit.clientIP, userAgent: call.audit.userAgent)
            }
            let clear = gate.cookie.clearing()
            if call.isForm { return Response(status: .seeOther, headers: [.location: "/login", .setCookie: clear]) }
            return JSONResponse.make(.ok, ["logged_out": .bool(ended)], headers: [.setCookie: clear])
        }
        routes.staff(.get, "/api/v1/auth/me", nil) { request, call in
            var body: JSONObject = [
                "user": StaffJSON.user(call.principal.user),
                "permissions": .array(call.principal.permissions.sorted().map { .string($0.rawValue) }),
            ]
            switch call.principal.credential {
            case .session(let session):
                body["credential"] = "session"
                body["csrf_token"] = .string(session.csrfToken)
                body["session"] = ["id": .int(session.id), "created_at": StaffJSON.time(session.createdAt),
                                   "expires_at": StaffJSON.time(session.expiresAt)]
            case .personalToken(let token):
                body["credential"] = "personal_token"
                body["token"] = StaffJSON.personalToken(token)
            }
            return JSONResponse.make(.ok, .object(body), headers: [.cacheControl: "no-store"])
        }
    }

    func login(_ request: Request, _ context: HubRequestContext) async -> Response {
        let input: RequestInput
        do { input = try await RequestInput.read(request) } catch let refusal as Refusal { return refusal.response } catch {
            return JSONResponse.error(.badRequest, code: "invalid_body", message: "could not read the body")
        }
        let next = LoginPage.safeNext(input.string("next"))
        // Login CSRF: a foreign page must not sign a browser in to an account of the attacker's choosing.
        guard gate.isSameOrigin(request) else {
            return gate.refuse(.forbidden, "cross_origin_refused", "sign in from the hub's own login page", asPage: input.isForm)
        }
        let email = input.string("email") ?? ""
        let password = input.string("password") ?? ""
        guard !email.isEmpty, !password.isEmpty else {
            if input.isForm { return LoginPage.response(status: .badRequest, error: "Enter your e-mail and password.", email: email, next: next) }
            return JSONResponse.error(.badRequest, code: "missing_credentials", message: "send {\"email\": ..., \"password\": ...}")
        }
        let result = await identity.authenticator.login(
            email: email, password: password, clientIP: context.clientIP ?? "", userAgent: StaffGate.userAgent(request),
            previousSessionSecret: gate.cookie.secret(in: request))
        switch result {
        case .success(let success):
            let cookie = gate.cookie.setting(success.sessionSecret)
            if input.isForm {
                return Response(status: .seeOther, headers: [.location: next, .setCookie: cookie, .cacheControl: "no-store"])
            }
            return JSONResponse.make(.ok, [
                "user": StaffJSON.user(success.user), "csrf_token": .string(success.csrfToken),
                "session": ["id": .int(success.session.id), "expires_at": StaffJSON.time(success.session.expiresAt)],
            ], headers: [.setCookie: cookie, .cacheControl: "no-store"])
        case .invalidCredentials:
            let message = "the e-mail or the password is not correct"
            if input.isForm { return LoginPage.response(status: .unauthorized, error: "The e-mail or the password is not correct.", email: email, next: next) }
            return JSONResponse.error(.unauthorized, code: "invalid_credentials", message: message)
        case .throttled(let seconds):
            let message = "too many failed sign-ins: try again in \(seconds) s"
            let headers: HTTPFields = [.retryAfter: String(seconds)]
            if input.isForm { return LoginPage.response(status: .tooManyRequests, error: message, email: email, next: next, headers: headers) }
            return JSONResponse.make(.tooManyRequests, ["error": "too_many_attempts", "message": .string(message),
                                                        "retry_after_seconds": .int(Int64(seconds))], headers: headers)
        case .locked:
            let message = "too many failed sign-ins: this account is locked until an admin unlocks it"
            if input.isForm { return LoginPage.response(status: .tooManyRequests, error: message, email: email, next: next) }
            return JSONResponse.error(.tooManyRequests, code: "account_locked", message: message)
        case .unavailable:
            let message = "sign-in is unavailable: the hub cannot reach PostgreSQL; try again shortly"
            if input.isForm { return LoginPage.response(status: .serviceUnavailable, error: message, email: email, next: next) }
            return JSONResponse.error(.serviceUnavailable, code: "unavailable", message: message)
        }
    }
}
