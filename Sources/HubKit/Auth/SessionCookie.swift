public import Hummingbird

/// The staff session cookie: `HttpOnly` (scripts cannot read it), `SameSite=Lax` (not sent with
/// cross-site POSTs), `Path=/`, and `Secure` with the `__Host-` name prefix when the hub is reached
/// over https (the browser then refuses it over http and from sub-domains).
public struct SessionCookie: Sendable {
    public let name: String
    public let secure: Bool
    /// Browsers drop the cookie after the absolute session timeout; the server enforces both timeouts anyway.
    public let maxAgeSeconds: Int

    public init(secure: Bool, maxAgeSeconds: Int) {
        self.secure = secure
        self.name = secure ? "__Host-dmp_session" : "dmp_session"
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// The session secret the request came with, if any.
    public func secret(in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty else { return nil }
        return value
    }

    /// The `Set-Cookie` value that starts a session.
    public func setting(_ secret: String) -> String {
        attributes("\(name)=\(secret)", maxAge: maxAgeSeconds)
    }

    /// The `Set-Cookie` value that removes the cookie.
    public func clearing() -> String {
        attributes("\(name)=", maxAge: 0)
    }

    private func attributes(_ pair: String, maxAge: Int) -> String {
        pair + "; Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }
}
