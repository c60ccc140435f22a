import Hummingbird
import Identity

/// The web pages: `/login`, `/` (what the user can do), `/users` (admins), `/ingest-tokens`
/// (admins), `/set-password` (one-time links). Forms post to the JSON API routes, which answer
/// form posts with redirects or pages.
struct PageRoutes {
    let identity: IdentityServices
    let tokens: IngestTokenStore
    let gate: StaffGate

    func register(on router: Router<HubRequestContext>) {
        router.get("/login") { request, _ in
            LoginPage.response(next: LoginPage.safeNext(request.uri.queryParameters["next"].map(String.init)))
        }
        router.get("/") { request, context in
            await gate.run(request, context, permission: nil, audience: .page) { call in
                HTMLPage.response(.ok, HomePage.render(call.principal))
            }
        }
        router.get("/users") { request, context in
            await gate.run(request, context, permission: .usersManage, audience: .page) { call in
                let users = try await identity.users.list()
                let locked = try await identity.throttle.lockedAccounts()
                return HTMLPage.response(.ok, UsersPage.render(call.principal, users: users, locked: locked.map(\.email)))
            }
        }
        router.get("/ingest-tokens") { request, context in
            await gate.run(request, context, permission: .tokensManage, audience: .page) { call in
                HTMLPage.response(.ok, IngestTokensPage.render(call.principal, tokens: try await tokens.list()))
            }
        }
        SetPasswordPage(identity: identity, gate: gate).register(on: router)
        router.get("/assets/app.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: .init(string: Assets.css)))
        }
        router.get("/assets/app.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: .init(string: Assets.javascript)))
        }
    }
}
