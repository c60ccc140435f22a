import Foundation
public import Hummingbird
public import Identity
public import LogModel
public import Logging

/// The one place that decides whether a staff request may go ahead, in this order:
/// 1. read the body (bounded) when the method changes state;
/// 2. refuse a state-changing request whose `Origin` (or, lacking it, `Referer`) is not the hub's
///    `public_url` origin: a cross-site form post never reaches a handler;
/// 3. find the principal: `Authorization: Bearer dmp_pat_...` (a personal token), else the session
///    cookie; none -> 401 JSON for the API, a redirect to /login for pages;
/// 4. for a cookie-authenticated state-changing request, require the session's CSRF token in
///    `X-CSRF-Token` or the form field `csrf_token` (constant-time compare) -> 403 otherwise;
/// 5. require the route's permission (nil = any signed-in user) -> 403 otherwise.
/// Roles are re-read from PostgreSQL on every request (`Authenticator.resolve*`), so a disabled user
/// or a removed role is refused at once.
public struct StaffGate: Sendable {
    public enum Audience: Sendable {
        /// JSON answers; no principal = 401.
        case api
        /// HTML answers; no principal = redirect to /login.
        case page
    }

    public let identity: IdentityServices
    public let cookie: SessionCookie
    /// `scheme://host[:port]` of `public_url`.
    public let publicOrigin: String
    public let logger: Logger

    public init(identity: IdentityServices, cookie: SessionCookie, publicOrigin: String, logger: Logger) {
        self.identity = identity
        self.cookie = cookie
        self.publicOrigin = publicOrigin
        self.logger = logger
    }

    public static let csrfHeader = HTTPFields.Element.Name("X-CSRF-Token")!
    public static let csrfField = "csrf_token"

    /// Runs `body` for an allowed request and turns what it throws into an answer.
    public func run(_ request: Request, _ context: HubRequestContext, permission: Permission?, audience: Audience = .api,
             _ body: (StaffCall) async throws -> Response) async -> Response {
        var asPage = audience == .page
        do {
            let changesState = Self.changesState(request.method)
            let input = changesState ? try await RequestInput.read(request) : .empty
            asPage = asPage || input.isForm
            if changesState, !isSameOrigin(request) {
                return refuse(.forbidden, "cross_origin_refused",
                              "the request came from another site (Origin/Referer is not \(publicOrigin)); it was not carried out", asPage: asPage)
            }
            let principal: StaffPrincipal
            switch try await resolve(request) {
            case .some(let found):
                principal = found
            case .none:
                if asPage, !changesState {
                    let next = request.uri.path
                    return Response(status: .seeOther, headers: [.location: "/login?next=" + Self.queryEscape(next)])
                }
                return refuse(.unauthorized, "unauthenticated",
                              "sign in first (POST /api/v1/auth/login) or send 'Authorization: Bearer <personal token>'", asPage: asPage,
                              headers: [.wwwAuthenticate: "Bearer"])
            }
            if changesState {
                let presented = request.headers[Self.csrfHeader] ?? input.string(Self.csrfField)
                guard principal.acceptsCSRFToken(presented) else {
                    return refuse(.forbidden, "csrf_token_invalid",
                                  "send the session's CSRF token (from the login answer or GET /api/v1/auth/me) in 'X-CSRF-Token' or the form field 'csrf_token'",
                                  asPage: asPage)
                }
            }
            if let permission, !principal.allows(permission) {
                return refuse(.forbidden, "forbidden", "this needs the permission '\(permission.rawValue)', which your roles do not grant",
                              asPage: asPage)
            }
            let audit = AuditContext.user(principal.user, clientIP: context.clientIP ?? "", userAgent: Self.userAgent(request))
            return try await body(StaffCall(principal: principal, input: input, audit: audit, context: context))
        } catch let refusal as Refusal {
            if asPage, let page = HTMLPage.fromRefusal(refusal) { return page }
            return refusal.response
        } catch let error as AccountError {
            let status = HTTPResponse.Status(code: error.httpStatus)
            var headers: HTTPFields = [:]
            if case .tooManyAttempts(let seconds?) = error { headers[.retryAfter] = String(seconds) }
            return refuse(status, error.code, error.description, asPage: asPage, headers: headers)
        } catch let error as IdentityError {
            if case .invalidServiceName = error { return refuse(.badRequest, "invalid_service", error.description, asPage: asPage) }
            logger.error("identity request failed", metadata: ["error": "\(error)"])
            return refuse(.serviceUnavailable, "database_unavailable", "PostgreSQL did not answer as expected; try again", asPage: asPage)
        } catch {
            logger.error("staff request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return refuse(.serviceUnavailable, "database_unavailable", "the hub could not reach PostgreSQL; try again", asPage: asPage)
        }
    }

    /// The principal of a personal token or a session cookie; nil when neither is valid. A bearer
    /// header decides alone (a request carrying one is never judged by its cookie).
    public func resolve(_ request: Request) async throws -> StaffPrincipal? {
        if let bearer = BearerToken.from(request) {
            guard PersonalTokenStore.looksLikePersonalToken(bearer) else { return nil }
            return try await identity.authenticator.resolveBearer(bearer)
        }
        guard let secret = cookie.secret(in: request) else { return nil }
        return try await identity.authenticator.resolveSession(secret: secret)
    }

    /// The principal for a page that works with or without one (login page, home redirect).
    public func optionalPrincipal(_ request: Request) async -> StaffPrincipal? {
        try? await resolve(request)
    }

    /// True unless the request names another origin. A request with neither `Origin` nor `Referer`
    /// (curl, scripts) passes: browsers send `Origin` with every cross-site POST, and such a
    /// request still needs the CSRF token to act on a session.
    public func isSameOrigin(_ request: Request) -> Bool {
        if let origin = request.headers[.origin] {
            return CoreConfiguration.origin(of: origin) == publicOrigin
        }
        if let referer = request.headers[.referer] {
            return CoreConfiguration.origin(of: referer) == publicOrigin
        }
        return true
    }

    public func refuse(_ status: HTTPResponse.Status, _ code: String, _ message: String, asPage: Bool, headers: HTTPFields = [:]) -> Response {
        if asPage { return HTMLPage.message(status: status, title: HTMLPage.title(for: status), text: message, headers: headers) }
        return JSONResponse.error(status, code: code, message: message, headers: headers)
    }

    public static func changesState(_ method: HTTPRequest.Method) -> Bool {
        !(method == .get || method == .head || method == .options)
    }

    public static func userAgent(_ request: Request) -> String { request.headers[.userAgent] ?? "" }

    public static func queryEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? "/"
    }
}
