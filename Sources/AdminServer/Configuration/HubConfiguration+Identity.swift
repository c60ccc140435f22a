import Foundation
import Identity

extension HubConfiguration {
    /// The identity area's settings from the `auth.*` keys.
    public var identity: IdentityConfiguration {
        // Sessions are touched at most once a minute, but never less often than a third of the idle
        // timeout, so a short idle timeout (tests, kiosks) is still honoured.
        let touch = max(1, min(60, auth.sessionIdleTimeoutSeconds / 3))
        return IdentityConfiguration(
            bcryptCost: auth.bcryptCost, passwordMinimumLength: auth.passwordMinimumLength,
            sessions: SessionConfiguration(idleTimeout: .seconds(auth.sessionIdleTimeoutSeconds),
                                           absoluteTimeout: .seconds(auth.sessionAbsoluteTimeoutSeconds), touchInterval: .seconds(touch)),
            throttle: LoginThrottlePolicy(freeAccountFailures: auth.freeAccountFailures, freeAddressFailures: auth.freeAddressFailures,
                                          lockoutAfter: auth.lockoutAfter),
            resetLinkLifetime: .seconds(auth.resetLinkLifetimeSeconds))
    }

    /// True when people reach the hub over https: session cookies are then `Secure` (and `__Host-` named).
    public var usesSecureCookies: Bool { server.publicURL.lowercased().hasPrefix("https://") }

    /// `scheme://host[:port]` of `public_url`, as browsers send it in `Origin`.
    public var publicOrigin: String { Self.origin(of: server.publicURL) }

    /// `public_url` without a trailing slash, to build links (`<base>/set-password?token=...`).
    public var publicBaseURL: String {
        var url = server.publicURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The origin (`scheme://host[:port]`, lowercased, default ports dropped) of a URL.
    public static func origin(of url: String) -> String {
        let lower = url.lowercased()
        guard let schemeEnd = lower.range(of: "://") else { return lower }
        let scheme = String(lower[..<schemeEnd.lowerBound])
        let rest = lower[schemeEnd.upperBound...]
        var authority = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        if scheme == "http", authority.hasSuffix(":80") { authority.removeLast(3) }
        if scheme == "https", authority.hasSuffix(":443") { authority.removeLast(4) }
        return scheme + "://" + authority
    }
}
