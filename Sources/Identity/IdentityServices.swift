import ClientPostgres
import Logging

/// The identity area assembled over one PostgreSQL client: what the HTTP layer and the CLI use.
/// Tables come from `IdentitySchema.migrations`, applied by the hub's migrator.
public final class IdentityServices: Sendable {
    public let configuration: IdentityConfiguration
    public let users: UserStore
    public let sessions: SessionStore
    public let personalTokens: PersonalTokenStore
    public let throttle: LoginThrottle
    public let audit: SecurityAuditLog
    public let hasher: PasswordHasher
    public let passwordPolicy: PasswordPolicy
    /// Sign-in, sign-out, resolving cookies and bearer tokens.
    public let authenticator: Authenticator
    /// Every change to accounts, passwords, sessions and tokens, audited.
    public let administration: UserAdministration

    /// Throws `AccountError.invalidBcryptCost` for a cost outside 10...16. Computes one bcrypt hash
    /// (the decoy for unknown e-mails), so it takes about as long as a login.
    public init(database: PostgresClient, configuration: IdentityConfiguration = IdentityConfiguration(),
                clock: IdentityClock = .system, logger: Logger = Logger(label: "datamp.identity")) throws(AccountError) {
        self.configuration = configuration
        hasher = try PasswordHasher(cost: configuration.bcryptCost)
        passwordPolicy = PasswordPolicy(minimumLength: configuration.passwordMinimumLength)
        users = UserStore(database: database, clock: clock)
        sessions = SessionStore(database: database, configuration: configuration.sessions, clock: clock)
        personalTokens = PersonalTokenStore(database: database, clock: clock)
        throttle = LoginThrottle(database: database, policy: configuration.throttle, clock: clock)
        audit = SecurityAuditLog(database: database, clock: clock, logger: logger)
        authenticator = Authenticator(database: database, users: users, sessions: sessions, tokens: personalTokens,
                                      throttle: throttle, audit: audit, hasher: hasher, logger: logger)
        administration = UserAdministration(
            database: database, users: users, sessions: sessions, tokens: personalTokens, throttle: throttle, audit: audit,
            resets: PasswordResetStore(database: database, clock: clock, lifetime: configuration.resetLinkLifetime),
            hasher: hasher, policy: passwordPolicy)
    }

    /// Deletes expired sessions and forgotten throttle counts; run it every few minutes on one node
    /// (or all: it is idempotent).
    public func purgeExpired() async throws {
        try await sessions.purgeExpired()
        try await throttle.purgeStale()
    }
}
