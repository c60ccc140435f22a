import ClientPostgres
import Foundation
import Logging

/// Sign-in, sign-out and "who is this request", for the HTTP layer.
///
/// Design (OWASP authentication and session management cheat sheets):
/// - `login` answers `invalidCredentials` for an unknown e-mail, a wrong password, a disabled account
///   and an account without a password, after one bcrypt verification in each case (a decoy hash
///   when there is no usable one), so neither the answer nor its timing tells which;
/// - throttling is checked before the password and counts every failure (`LoginThrottle`);
/// - each success starts a session with a fresh secret and ends the one the browser came with
///   (no fixation); a stored hash with a lower cost than configured is re-hashed on the spot;
/// - every attempt leaves a security-audit row (`login_ok`, `login_failed`, `login_throttled`,
///   `account_locked`); the row of a success commits with its session;
/// - sessions and personal tokens resolve to the user as stored now, so disabling a user or
///   removing a role takes effect on the next request.
public final class Authenticator: Sendable {
    let database: PostgresClient
    public let users: UserStore
    public let sessions: SessionStore
    public let tokens: PersonalTokenStore
    public let throttle: LoginThrottle
    public let audit: SecurityAuditLog
    public let hasher: PasswordHasher
    let logger: Logger

    public init(database: PostgresClient, users: UserStore, sessions: SessionStore, tokens: PersonalTokenStore,
                throttle: LoginThrottle, audit: SecurityAuditLog, hasher: PasswordHasher,
                logger: Logger = Logger(label: "datamp.identity")) {
        self.database = database
        self.users = users
        self.sessions = sessions
        self.tokens = tokens
        self.throttle = throttle
        self.audit = audit
        self.hasher = hasher
        self.logger = logger
    }

    /// Checks an e-mail and password. `previousSessionSecret` is the session cookie the request came
    /// with, if any: it is ended on success so that a planted session never outlives a login.
    public func login(email: String, password: String, clientIP: String, userAgent: String,
                      previousSessionSecret: String? = nil) async -> LoginResult {
        let typed = EmailAddress.lookupKey(email)
        let anonymous = AuditContext(actor: .anonymous, clientIP: clientIP, userAgent: userAgent)
        do {
            switch try await throttle.check(email: typed, ip: clientIP) {
            case .allowed:
                break
            case .retryAfter(let seconds):
                try await audit.record(.loginThrottled, context: anonymous, target: typed,
                                       details: ["reason": "delay", "retry_after_seconds": String(seconds)])
                return .throttled(retryAfterSeconds: seconds)
            case .locked:
                try await audit.record(.loginThrottled, context: anonymous, target: typed, details: ["reason": "locked"])
                return .locked
            }

            let credentials = try await users.credentials(email: typed)
            let reason: String
            if let credentials, let hash = credentials.passwordHash {
                // Verify before looking at `disabled`, so a disabled account costs the same time.
                if await hasher.verify(password, against: hash) {
                    if !credentials.user.isDisabled {
                        return try await succeed(credentials.user, password: password, storedHash: hash, clientIP: clientIP,
                                                 userAgent: userAgent, previousSessionSecret: previousSessionSecret)
                    }
                    reason = "disabled"
                } else {
                    reason = credentials.user.isDisabled ? "disabled" : "wrong_password"
                }
            } else {
                await hasher.verifyNothing()
                reason = credentials == nil ? "unknown_email" : "no_password"
            }

            let lockedNow = try await throttle.recordFailure(email: typed, ip: clientIP)
            try await audit.record(.loginFailed, context: anonymous, target: typed, details: ["reason": reason])
            if lockedNow {
                try await audit.record(.accountLocked, context: .system, target: typed,
                                       details: ["failures": String(throttle.policy.lockoutAfter), "client_ip": clientIP])
            }
            return .invalidCredentials
        } catch {
            logger.error("login could not be decided: PostgreSQL failed", metadata: ["error": "\(error)"])
            return .unavailable
        }
    }

    private func succeed(_ user: StaffUser, password: String, storedHash: String, clientIP: String, userAgent: String,
                         previousSessionSecret: String?) async throws -> LoginResult {
        try await throttle.recordSuccess(email: user.email, ip: clientIP)
        if hasher.needsRehash(storedHash) {
            // The password is at hand only now: upgrade the hash to the configured cost. A failure here
            // costs nothing but the upgrade, which the next login tries again.
            do {
                let upgraded = try await hasher.hash(password)
                _ = try await users.setPasswordHash(id: user.id, hash: upgraded, changed: false, on: database)
                logger.info("re-hashed a password at the configured bcrypt cost", metadata: [
                    "user.id": "\(user.id)", "bcrypt.from": "\(PasswordHasher.cost(of: storedHash) ?? 0)", "bcrypt.to": "\(hasher.cost)",
                ])
            } catch {
                logger.warning("could not re-hash a password; keeping the old hash", metadata: ["user.id": "\(user.id)", "error": "\(error)"])
            }
        }
        let context = AuditContext.user(user, clientIP: clientIP, userAgent: userAgent)
        let started = try await database.transaction { connection in
            if let previousSessionSecret, RandomSecret.isPlausible(previousSessionSecret) {
                _ = try await connection.query("DELETE FROM staff_sessions WHERE secret_digest = $1", [RandomSecret.digest(previousSessionSecret)])
            }
            let started = try await self.sessions.start(userID: user.id, clientIP: clientIP, userAgent: userAgent, on: connection)
            _ = try await self.audit.record(.loginOK, context: context, target: user.email,
                                            details: ["session_id": String(started.session.id)], on: connection)
            return started
        }
        return .success(LoginSuccess(sessionSecret: started.secret, csrfToken: started.csrfToken, user: user, session: started.session))
    }

    /// Ends the session of `secret` and records the logout; false when there was no such session.
    @discardableResult
    public func logout(secret: String, clientIP: String, userAgent: String) async throws -> Bool {
        guard let ended = try await sessions.end(secret: secret) else { return false }
        let user = try await users.user(id: ended.userID)
        let actor = user.map(AuditActor.user) ?? AuditActor(userID: ended.userID, name: "user \(ended.userID)")
        try await audit.record(.logout, context: AuditContext(actor: actor, clientIP: clientIP, userAgent: userAgent),
                               target: user?.email ?? "", details: ["session_id": String(ended.id)])
        return true
    }

    /// The signed-in staff member of a session cookie; nil when unknown, expired or disabled.
    public func resolveSession(secret: String) async throws -> StaffPrincipal? {
        guard let (session, user) = try await sessions.resolve(secret: secret) else { return nil }
        return StaffPrincipal(user: user, credential: .session(session))
    }

    /// The staff member of an `Authorization: Bearer dmp_pat_...` token; nil when unknown, revoked,
    /// expired or its owner is disabled.
    public func resolveBearer(_ secret: String) async throws -> StaffPrincipal? {
        guard let (token, user) = try await tokens.resolve(secret: secret) else { return nil }
        return StaffPrincipal(user: user, credential: .personalToken(token))
    }
}
