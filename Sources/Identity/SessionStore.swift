import ClientPostgres
import Foundation

/// Server-side staff sessions in PostgreSQL (`staff_sessions`).
///
/// Guarantees:
/// - every `start` makes a new random secret (256 bits), so a session id planted before the login
///   is never the one after it (no fixation); only the secret's SHA-256 is stored;
/// - `resolve` re-reads the user on every call: a disabled user's sessions stop resolving at once
///   (and are deleted), and role changes are seen on the next request;
/// - a session ends after `idleTimeout` without use or `absoluteTimeout` after sign-in, whichever
///   comes first; an expired session is deleted when presented.
public final class SessionStore: Sendable {
    let database: PostgresClient
    public let configuration: SessionConfiguration
    let clock: IdentityClock

    public init(database: PostgresClient, configuration: SessionConfiguration = SessionConfiguration(), clock: IdentityClock = .system) {
        self.database = database
        self.configuration = configuration
        self.clock = clock
    }

    /// Starts a session for `userID` with a fresh secret and CSRF token.
    public func start(userID: Int64, clientIP: String, userAgent: String) async throws -> StartedSession {
        try await start(userID: userID, clientIP: clientIP, userAgent: userAgent, on: database)
    }

    func start(userID: Int64, clientIP: String, userAgent: String, on db: any SQLExecutor) async throws -> StartedSession {
        let secret = RandomSecret.generate(bytes: 32)
        let now = clock.now()
        let rows = try await db.query(
            """
            INSERT INTO staff_sessions AS s (secret_digest, user_id, csrf_token, created_at, last_seen_at, client_ip, user_agent)
            VALUES ($1, $2::bigint, $3, to_timestamp($4::float8), to_timestamp($4::float8), $5, $6)
            RETURNING \(Self.columns)
            """,
            [RandomSecret.digest(secret), String(userID), CSRFToken.generate(), SQLTime.parameter(now),
             String(clientIP.prefix(64)), String(userAgent.prefix(512))])
        guard let row = rows.first else { throw IdentityError.unexpectedDatabaseAnswer("INSERT INTO staff_sessions returned no row") }
        return StartedSession(secret: secret, session: try session(from: row))
    }

    /// The live session for a cookie's secret and its user as stored now; nil when the secret is
    /// unknown, the session expired, or the user is disabled. Writes `last_seen_at` at most once per
    /// `touchInterval`.
    public func resolve(secret: String) async throws -> (session: StaffSession, user: StaffUser)? {
        guard RandomSecret.isPlausible(secret) else { return nil }
        let rows = try await database.query(
            "SELECT \(Self.columns), \(UserStore.columns) FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.secret_digest = $1",
            [RandomSecret.digest(secret)])
        guard let row = rows.first else { return nil }
        var session = try session(from: row)
        let user = try UserStore.user(from: row)
        let now = clock.now()
        guard !user.isDisabled, now < session.expiresAt else {
            _ = try await database.query("DELETE FROM staff_sessions WHERE id = $1", [String(session.id)])
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) >= configuration.touchInterval.seconds {
            _ = try await database.query(
                "UPDATE staff_sessions SET last_seen_at = to_timestamp($2::float8) WHERE id = $1 AND last_seen_at < to_timestamp($2::float8)",
                [String(session.id), SQLTime.parameter(now)])
            session.lastSeenAt = now
            session.expiresAt = expiry(createdAt: session.createdAt, lastSeenAt: now)
        }
        return (session, user)
    }

    /// Ends the session of `secret`; returns it, or nil when there was none.
    @discardableResult
    public func end(secret: String) async throws -> StaffSession? {
        guard RandomSecret.isPlausible(secret) else { return nil }
        return try await end(where: "secret_digest = $1", [RandomSecret.digest(secret)], on: database).first
    }

    /// Ends one session by id (an admin revoking it, or a user ending another device's); when
    /// `userID` is given, only if it is that user's.
    func end(id: Int64, userID: Int64?, on db: any SQLExecutor) async throws -> StaffSession? {
        if let userID {
            return try await end(where: "id = $1 AND user_id = $2::bigint", [String(id), String(userID)], on: db).first
        }
        return try await end(where: "id = $1", [String(id)], on: db).first
    }

    /// Ends every session of `userID` except `keeping` (a session id); returns how many ended.
    @discardableResult
    public func endAll(userID: Int64, keeping: Int64? = nil) async throws -> Int {
        try await endAll(userID: userID, keeping: keeping, on: database)
    }

    func endAll(userID: Int64, keeping: Int64?, on db: any SQLExecutor) async throws -> Int {
        try await end(where: "user_id = $1::bigint AND id <> $2::bigint", [String(userID), String(keeping ?? 0)], on: db).count
    }

    /// The user's live sessions, most recently used first.
    public func list(userID: Int64) async throws -> [StaffSession] {
        let rows = try await database.query(
            "SELECT \(Self.columns) FROM staff_sessions s WHERE s.user_id = $1::bigint ORDER BY s.last_seen_at DESC", [String(userID)])
        let now = clock.now()
        return try rows.map(session(from:)).filter { now < $0.expiresAt }
    }

    /// Deletes every expired session; for a periodic job. Returns how many.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let now = clock.now()
        return try await database.query(
            "DELETE FROM staff_sessions WHERE last_seen_at <= to_timestamp($1::float8) OR created_at <= to_timestamp($2::float8)",
            [SQLTime.parameter(now.addingTimeInterval(-configuration.idleTimeout.seconds)),
             SQLTime.parameter(now.addingTimeInterval(-configuration.absoluteTimeout.seconds))]).rowsAffected
    }

    // MARK: Rows

    private func end(where condition: String, _ parameters: [String?], on db: any SQLExecutor) async throws -> [StaffSession] {
        let rows = try await db.query("DELETE FROM staff_sessions s WHERE \(condition) RETURNING \(Self.columns)", parameters)
        return try rows.map(session(from:))
    }

    private func expiry(createdAt: Date, lastSeenAt: Date) -> Date {
        min(lastSeenAt.addingTimeInterval(configuration.idleTimeout.seconds),
            createdAt.addingTimeInterval(configuration.absoluteTimeout.seconds))
    }

    static let columns = [
        "s.id AS session_id", "s.user_id AS session_user_id", "s.csrf_token AS session_csrf_token",
        SQLTime.select("s.created_at", as: "session_created_at"), SQLTime.select("s.last_seen_at", as: "session_last_seen_at"),
        "s.client_ip AS session_client_ip", "s.user_agent AS session_user_agent",
    ].joined(separator: ", ")

    private func session(from row: PostgresRow) throws -> StaffSession {
        guard let id = try row.int64("session_id"), let userID = try row.int64("session_user_id"),
              let createdAt = try row.date("session_created_at"), let lastSeenAt = try row.date("session_last_seen_at")
        else { throw IdentityError.unexpectedDatabaseAnswer("a staff_sessions row without id, user or times") }
        return StaffSession(
            id: id, userID: userID, csrfToken: try row.string("session_csrf_token") ?? "",
            createdAt: createdAt, lastSeenAt: lastSeenAt, expiresAt: expiry(createdAt: createdAt, lastSeenAt: lastSeenAt),
            clientIP: try row.string("session_client_ip") ?? "", userAgent: try row.string("session_user_agent") ?? "")
    }
}
