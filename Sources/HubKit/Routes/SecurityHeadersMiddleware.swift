public import Hummingbird

/// Adds the browser security headers to every answer (OWASP secure headers): a CSP that allows
/// only the hub's own script and stylesheet (no inline code) and no framing, `nosniff`, a referrer
/// policy that keeps set-password links inside the hub, no framing for old browsers, and
/// `no-store` on pages and the staff API so shared machines keep no copies.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPFields.Element.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPFields.Element.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil, !request.uri.path.hasPrefix("/assets/"), request.uri.path != "/metrics" {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
