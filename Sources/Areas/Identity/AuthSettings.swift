public import HubKit
public import Identity

/// The `auth.*` keys: password hashing, session lifetimes, login throttling.
struct AuthSettings {
    var bcryptCost: Int
    var passwordMinimumLength: Int
    var sessionIdleTimeoutSeconds: Int
    var sessionAbsoluteTimeoutSeconds: Int
    var resetLinkLifetimeSeconds: Int
    /// Failed logins per account / per client address before delays start; failures in a row that lock an account (0 = never).
    var freeAccountFailures: Int
    var freeAddressFailures: Int
    var lockoutAfter: Int

    static func read(_ r: ConfigurationReader) -> AuthSettings {
        let auth = AuthSettings(
            bcryptCost: r.int("auth.bcrypt_cost", env: "ADMIN_AUTH_BCRYPT_COST", default: 12, range: 10...16,
                              help: "bcrypt cost of staff passwords; raising it re-hashes each at its next login"),
            passwordMinimumLength: r.int("auth.password_min_length", env: "ADMIN_AUTH_PASSWORD_MIN_LENGTH", default: 12, range: 8...64,
                                         help: "shortest staff password accepted"),
            sessionIdleTimeoutSeconds: r.int("auth.session_idle_timeout_seconds", env: "ADMIN_AUTH_SESSION_IDLE_TIMEOUT_SECONDS",
                                             default: 1800, range: 1...86_400, help: "a session unused this long ends"),
            sessionAbsoluteTimeoutSeconds: r.int("auth.session_absolute_timeout_seconds", env: "ADMIN_AUTH_SESSION_ABSOLUTE_TIMEOUT_SECONDS",
                                                 default: 43_200, range: 1...(30 * 86_400), help: "a session ends this long after sign-in"),
            resetLinkLifetimeSeconds: r.int("auth.reset_link_lifetime_seconds", env: "ADMIN_AUTH_RESET_LINK_LIFETIME_SECONDS",
                                            default: 86_400, range: 60...(30 * 86_400), help: "how long a set-password link works"),
            freeAccountFailures: r.int("auth.throttle.free_account_failures", env: "ADMIN_AUTH_THROTTLE_FREE_ACCOUNT_FAILURES", default: 5,
                                       range: 1...100, help: "failed logins per account before growing delays start"),
            freeAddressFailures: r.int("auth.throttle.free_address_failures", env: "ADMIN_AUTH_THROTTLE_FREE_ADDRESS_FAILURES", default: 20,
                                       range: 1...10_000, help: "failed logins per client address before growing delays start"),
            lockoutAfter: r.int("auth.throttle.lockout_after", env: "ADMIN_AUTH_THROTTLE_LOCKOUT_AFTER", default: 20, range: 0...1000,
                                help: "failed logins in a row that lock an account until an admin unlocks it; 0 = never"))
        if auth.sessionIdleTimeoutSeconds > auth.sessionAbsoluteTimeoutSeconds {
            r.fail("auth.session_idle_timeout_seconds (ADMIN_AUTH_SESSION_IDLE_TIMEOUT_SECONDS) = \(auth.sessionIdleTimeoutSeconds) must not exceed auth.session_absolute_timeout_seconds (ADMIN_AUTH_SESSION_ABSOLUTE_TIMEOUT_SECONDS) = \(auth.sessionAbsoluteTimeoutSeconds)")
        }
        return auth
    }

    var identityConfiguration: IdentityConfiguration {
        // Sessions are touched at most once a minute, but never less often than a third of the idle
        // timeout, so a short idle timeout (tests, kiosks) is still honoured.
        let touch = max(1, min(60, sessionIdleTimeoutSeconds / 3))
        return IdentityConfiguration(
            bcryptCost: bcryptCost, passwordMinimumLength: passwordMinimumLength,
            sessions: SessionConfiguration(idleTimeout: .seconds(sessionIdleTimeoutSeconds),
                                           absoluteTimeout: .seconds(sessionAbsoluteTimeoutSeconds), touchInterval: .seconds(touch)),
            throttle: LoginThrottlePolicy(freeAccountFailures: freeAccountFailures, freeAddressFailures: freeAddressFailures,
                                          lockoutAfter: lockoutAfter),
            resetLinkLifetime: .seconds(resetLinkLifetimeSeconds))
    }
}
