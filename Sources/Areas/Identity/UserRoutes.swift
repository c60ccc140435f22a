import HubKit
import Hummingbird
import Identity
import LogModel

/// The users API for admins (`users.manage`): list, create, roles, disable/enable, set-password
/// links, lifting lock-outs. The Users page posts its forms here too (answers are then redirects
/// back to /users, or a page showing a one-time link).
struct UserRoutes {
    let identity: IdentityServices
    let gate: StaffGate
    /// `public_url` without a trailing slash, for set-password links.
    let publicBaseURL: String

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/users", .usersManage) { request, _ in
            let users = try await identity.users.list()
            return JSONResponse.make(.ok, ["users": .array(users.map(StaffJSON.user))])
        }
        routes.staff(.post, "/api/v1/users", .usersManage) { request, call in
            try await create(call)
        }
        // PUT for API clients; POST for the Users page (HTML forms cannot PUT).
        for method in [HTTPRequest.Method.put, .post] {
            routes.staff(method, "/api/v1/users/{id}/roles", .usersManage) { _, call in
                let roles = try StaffJSON.roles(try call.input.strings("roles") ?? [])
                guard !roles.isEmpty else { throw Refusal.json(.badRequest, "no_roles", AccountError.noRoles.description) }
                let user = try await identity.administration.setRoles(userID: try call.id(what: "user"), roles: roles, by: call.audit)
                return done(call, ["user": StaffJSON.user(user)])
            }
        }
        routes.staff(.post, "/api/v1/users/{id}/disable", .usersManage) { request, call in
            let user = try await identity.administration.disable(userID: try call.id(what: "user"), by: call.audit)
            return done(call, ["user": StaffJSON.user(user)])
        }
        routes.staff(.post, "/api/v1/users/{id}/enable", .usersManage) { request, call in
            let user = try await identity.administration.enable(userID: try call.id(what: "user"), by: call.audit)
            return done(call, ["user": StaffJSON.user(user)])
        }
        routes.staff(.post, "/api/v1/users/{id}/reset-link", .usersManage) { request, call in
            let id = try call.id(what: "user")
            let link = try await identity.administration.createResetLink(userID: id, by: call.audit)
            let url = setPasswordURL(link)
            if call.isForm {
                return HTMLPage.message(status: .ok, title: "Set-password link",
                                        text: "Send this link to the user; it works once, until \(HTMLPage.time(link.expiresAt)).",
                                        secret: url, back: "/users")
            }
            return JSONResponse.make(.ok, ["set_password_url": .string(url), "expires_at": StaffJSON.time(link.expiresAt)])
        }
        routes.staff(.post, "/api/v1/users/unlock", .usersManage) { request, call in
            guard let email = call.input.string("email"), !email.isEmpty else {
                throw Refusal.json(.badRequest, "missing_email", "send {\"email\": \"...\"} of the account to unlock")
            }
            let wasLocked = try await identity.administration.unlock(email: email, by: call.audit)
            return done(call, ["email": .string(EmailAddress.lookupKey(email)), "was_locked": .bool(wasLocked)])
        }
    }

    func create(_ call: StaffCall) async throws -> Response {
        guard let email = call.input.string("email"), !email.isEmpty else {
            throw Refusal.json(.badRequest, "missing_email", "send the new user's 'email'")
        }
        let roles = try StaffJSON.roles(try call.input.strings("roles") ?? [])
        let password = call.input.string("password").flatMap { $0.isEmpty ? nil : $0 }
        let name = call.input.string("display_name") ?? call.input.string("name") ?? ""
        let created = try await identity.administration.createUser(
            email: email, displayName: name, roles: roles, telegramUserID: try call.input.int64("telegram_user_id"),
            password: password, by: call.audit)
        let url = created.setPasswordLink.map(setPasswordURL)
        if call.isForm {
            if let url {
                return HTMLPage.message(status: .created, title: "User created",
                                        text: "\(created.user.email) was created without a password. Send them this set-password link; it works once.",
                                        secret: url, back: "/users")
            }
            return Response(status: .seeOther, headers: [.location: "/users"])
        }
        var body: JSONObject = ["user": StaffJSON.user(created.user)]
        if let url, let link = created.setPasswordLink {
            body["set_password_url"] = .string(url)
            body["set_password_expires_at"] = StaffJSON.time(link.expiresAt)
        }
        return JSONResponse.make(.created, .object(body))
    }

    func setPasswordURL(_ link: PasswordResetLink) -> String {
        "\(publicBaseURL)/set-password?token=\(link.token)"
    }

    /// JSON for the API; back to the Users page for a form.
    func done(_ call: StaffCall, _ body: JSONObject) -> Response {
        if call.isForm { return Response(status: .seeOther, headers: [.location: "/users"]) }
        return JSONResponse.make(.ok, .object(body))
    }
}
