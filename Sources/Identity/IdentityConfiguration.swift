/// The identity area's settings, with their defaults. The hub's configuration reader fills it
/// (suggested keys in brackets) and `IdentityServices` checks it once at start-up.
public struct IdentityConfiguration: Sendable, Equatable {
    /// bcrypt cost, 10...16 [`auth.bcrypt_cost`, default 12]. Raising it re-hashes each password at
    /// its owner's next login.
    public var bcryptCost: Int
    /// Shortest password accepted, in characters [`auth.password_min_length`, default 12, at least 8].
    public var passwordMinimumLength: Int
    /// Session idle and absolute timeouts [`auth.session_idle_timeout`, 30 min; `auth.session_absolute_timeout`, 12 h].
    public var sessions: SessionConfiguration
    /// Login throttling [`auth.throttle.*`].
    public var throttle: LoginThrottlePolicy
    /// How long a set-password link works [`auth.reset_link_lifetime`, 24 h].
    public var resetLinkLifetime: Duration

    public init(bcryptCost: Int = PasswordHasher.defaultCost, passwordMinimumLength: Int = PasswordPolicy.defaultMinimumLength,
                sessions: SessionConfiguration = SessionConfiguration(), throttle: LoginThrottlePolicy = LoginThrottlePolicy(),
                resetLinkLifetime: Duration = .seconds(24 * 3600)) {
        self.bcryptCost = bcryptCost
        self.passwordMinimumLength = passwordMinimumLength
        self.sessions = sessions
        self.throttle = throttle
        self.resetLinkLifetime = resetLinkLifetime
    }
}
