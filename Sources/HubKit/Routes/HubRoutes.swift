public import Hummingbird
public import Identity
import Synchronization

/// The router every area registers on. Each registration names the route's access, so the gate is
/// applied in one place and the list of routes with their access (`admin routes`, the
/// authorisation-matrix test) is read from the same registrations the server runs.
public final class HubRoutes {
    public let router: Router<HubRequestContext>
    public let gate: StaffGate
    private let declarations = Mutex<[DeclaredRoute]>([])

    public init(router: Router<HubRequestContext>, gate: StaffGate) {
        self.router = router
        self.gate = gate
    }

    /// Every route registered so far, in registration order.
    public var declared: [DeclaredRoute] { declarations.withLock { $0 } }

    /// A route anyone may call; the handler decides everything itself.
    public func open(_ method: HTTPRequest.Method, _ path: String,
                     _ handler: @escaping @Sendable (Request, HubRequestContext) async throws -> Response) {
        declare(method, path, .open)
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// A route for services holding an ingest token; the handler checks the token (it must do so
    /// before reading the body).
    public func ingest(_ method: HTTPRequest.Method, _ path: String,
                       _ handler: @escaping @Sendable (Request, HubRequestContext) async throws -> Response) {
        declare(method, path, .ingestToken)
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// A staff API route: JSON answers, 401 without a credential, 403 without `permission`
    /// (nil = any signed-in user), CSRF and origin checks on state-changing methods.
    public func staff(_ method: HTTPRequest.Method, _ path: String, _ permission: Permission?,
                      _ handler: @escaping @Sendable (Request, StaffCall) async throws -> Response) {
        declare(method, path, permission.map(RouteAccess.permission) ?? .signedIn)
        let gate = self.gate
        router.on(RouterPath(path), method: method) { request, context in
            await gate.run(request, context, permission: permission, audience: .api) { call in try await handler(request, call) }
        }
    }

    /// A staff HTML page: like `staff`, but anonymous callers are redirected to /login.
    public func page(_ path: String, _ permission: Permission?,
                     _ handler: @escaping @Sendable (Request, StaffCall) async throws -> Response) {
        declare(.get, path, .page(permission))
        let gate = self.gate
        router.on(RouterPath(path), method: .get) { request, context in
            await gate.run(request, context, permission: permission, audience: .page) { call in try await handler(request, call) }
        }
    }

    private func declare(_ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess) {
        let route = DeclaredRoute(method: method.rawValue, path: path, access: access)
        declarations.withLock { routes in
            precondition(!routes.contains { $0.method == route.method && $0.path == route.path }, "route \(route.method) \(path) registered twice")
            routes.append(route)
        }
    }
}
