public import Identity

/// Who may call a route. Declared once, where the route is registered; `admin routes` prints it and
/// the authorisation-matrix test derives every caller's expected answer from it.
public enum RouteAccess: Sendable, Equatable, CustomStringConvertible {
    /// Anyone (health, metrics, sign-in, assets, set-password links).
    case open
    /// A service's ingest token; no staff credential is one.
    case ingestToken
    /// Any signed-in staff member (their own account).
    case signedIn
    /// Staff holding this permission.
    case permission(Permission)
    /// An HTML page: like `signedIn` / `permission`, but anonymous callers are sent to /login.
    case page(Permission?)

    /// `open`, `ingest_token`, `signed_in`, `permission:logs.read`, `page`, `page:users.manage`.
    public var description: String {
        switch self {
        case .open: return "open"
        case .ingestToken: return "ingest_token"
        case .signedIn: return "signed_in"
        case .permission(let permission): return "permission:\(permission.rawValue)"
        case .page(let permission?): return "page:\(permission.rawValue)"
        case .page(nil): return "page"
        }
    }
}

/// One registered route and who may call it.
public struct DeclaredRoute: Sendable, Equatable {
    public let method: String
    public let path: String
    public let access: RouteAccess

    /// `GET /api/v1/users permission:users.manage`, the line `admin routes` prints.
    public var line: String { "\(method) \(path) \(access)" }
}
