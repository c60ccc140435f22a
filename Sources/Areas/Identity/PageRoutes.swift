import ClientPostgres
import HubKit
import Hummingbird
import Identity

/// The web pages: `/login`, `/` (what the user can do), `/users` (admins), `/ingest-tokens`
/// (admins), `/set-password` (one-time links). Forms post to the JSON API routes, which answer
/// form posts with redirects or pages.
struct PageRoutes {
    let identity: IdentityServices
    let tokens: IngestTokenStore
    let gate: StaffGate
    let database: PostgresClient

    func register(on routes: HubRoutes) {
        routes.open(.get, "/login") { request, _ in
            LoginPage.response(next: LoginPage.safeNext(request.uri.queryParameters["next"].map(String.init)))
        }
        routes.page("/", nil) { request, call in
            HTMLPage.response(.ok, HomePage.render(call.principal))
        }
        routes.page("/users", .usersManage) { request, call in
            let users = try await identity.users.list()
            let locked = try await identity.throttle.lockedAccounts()
            return HTMLPage.response(.ok, UsersPage.render(call.principal, users: users, locked: locked.map(\.email)))
        }
        routes.page("/ingest-tokens", .tokensManage) { request, call in
            let activity = (try? await IngestTokenUsage.activity(database: database)) ?? [:]
            return HTMLPage.response(.ok, IngestTokensPage.render(call.principal, tokens: try await tokens.list(), activity: activity))
        }
        SetPasswordPage(identity: identity, gate: gate).register(on: routes)
        routes.open(.get, "/assets/app.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: .init(string: Assets.css)))
        }
        routes.open(.get, "/assets/app.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: .init(string: Assets.javascript)))
        }
    }
}
