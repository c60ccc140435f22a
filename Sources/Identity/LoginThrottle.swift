import ClientPostgres
import Foundation

/// Login throttling per account and per client address, kept in PostgreSQL (`login_throttle`) so
/// that every hub node counts the same failures.
///
/// - After `freeAccountFailures` failures for an account (or `freeAddressFailures` from an address)
///   each further failure blocks the next attempt for a growing time: `firstDelay`, doubled per
///   failure, at most `maximumDelay`. A blocked attempt is refused without checking the password.
/// - After `lockoutAfter` failures in a row an account is locked until `unlock(email:)`.
/// - A successful login resets the account's count (not the address's: one valid account must not
///   let its owner reset the count for guesses at others). Counts are forgotten after
///   `accountMemory` / `addressMemory` without failures.
/// - Accounts are keyed by the e-mail as typed (lowercased), whether a user exists or not, so
///   throttling behaves the same for unknown addresses and reveals nothing.
///
/// `check` and `recordFailure` are separate statements: attempts made in parallel all pass `check`
/// before any failure is counted. Each still counts, so the lock-out bounds guesses to `lockoutAfter`
/// plus the attempts in flight at that moment.
public final class LoginThrottle: Sendable {
    let database: PostgresClient
    public let policy: LoginThrottlePolicy
    let clock: IdentityClock

    public init(database: PostgresClient, policy: LoginThrottlePolicy = LoginThrottlePolicy(), clock: IdentityClock = .system) {
        self.database = database
        self.policy = policy
        self.clock = clock
    }

    /// May a login for `email` from `ip` be checked now?
    public func check(email: String, ip: String) async throws -> ThrottleDecision {
        let account = Self.accountKey(email), address = Self.addressKey(ip)
        let rows = try await database.query(
            "SELECT \(Self.columns) FROM login_throttle WHERE key IN ($1, $2)", [account, address])
        let now = clock.now()
        var wait = 0.0
        for row in rows {
            let key = try row.string("key")
            if key == account, try row.date("locked_at") != nil { return .locked }
            if let blockedUntil = try row.date("blocked_until") { wait = max(wait, blockedUntil.timeIntervalSince(now)) }
        }
        return wait > 0 ? .retryAfter(seconds: Int(wait.rounded(.up))) : .allowed
    }

    /// Counts a failed login; returns true when this failure locked the account.
    @discardableResult
    public func recordFailure(email: String, ip: String) async throws -> Bool {
        let now = clock.now()
        return try await database.transaction { connection in
            let account = try await self.countFailure(key: Self.accountKey(email), free: self.policy.freeAccountFailures,
                                                      memory: self.policy.accountMemory, mayLock: true, now: now, on: connection)
            _ = try await self.countFailure(key: Self.addressKey(ip), free: self.policy.freeAddressFailures,
                                            memory: self.policy.addressMemory, mayLock: false, now: now, on: connection)
            return account
        }
    }

    /// A successful login: the account's count starts again (a lock stays).
    public func recordSuccess(email: String, ip: String) async throws {
        _ = try await database.query("DELETE FROM login_throttle WHERE key = $1 AND locked_at IS NULL", [Self.accountKey(email)])
    }

    /// Lifts a lock-out and clears the account's count; true when the account was locked.
    @discardableResult
    public func unlock(email: String) async throws -> Bool {
        try await unlock(email: email, on: database)
    }

    func unlock(email: String, on db: any SQLExecutor) async throws -> Bool {
        let rows = try await db.query("DELETE FROM login_throttle WHERE key = $1 RETURNING locked_at IS NOT NULL AS was_locked",
                                      [Self.accountKey(email)])
        return try rows.first?.bool("was_locked") ?? false
    }

    /// The account's counters; nil when it has no recorded failures.
    public func status(email: String) async throws -> ThrottleStatus? {
        try await database.query("SELECT \(Self.columns) FROM login_throttle WHERE key = $1", [Self.accountKey(email)])
            .first.map(Self.status(from:))
    }

    /// Every locked account, for the users page.
    public func lockedAccounts() async throws -> [ThrottleStatus] {
        try await database.query(
            "SELECT \(Self.columns) FROM login_throttle WHERE key LIKE 'account:%' AND locked_at IS NOT NULL ORDER BY key", [])
            .map(Self.status(from:))
    }

    /// Deletes counts that have been forgotten anyway; for a periodic job. Locks stay.
    @discardableResult
    public func purgeStale() async throws -> Int {
        let now = clock.now()
        return try await database.query(
            """
            DELETE FROM login_throttle WHERE locked_at IS NULL AND (
                (key LIKE 'account:%' AND last_failure_at < to_timestamp($1::float8)) OR
                (key LIKE 'address:%' AND last_failure_at < to_timestamp($2::float8)))
            """,
            [SQLTime.parameter(now.addingTimeInterval(-policy.accountMemory.seconds)),
             SQLTime.parameter(now.addingTimeInterval(-policy.addressMemory.seconds))]).rowsAffected
    }

    // MARK: Counting

    private func countFailure(key: String, free: Int, memory: Duration, mayLock: Bool, now: Date,
                              on connection: PostgresConnection) async throws -> Bool {
        // The upsert locks the row until COMMIT, so concurrent failures on other nodes count one by one.
        let rows = try await connection.query(
            """
            INSERT INTO login_throttle AS t (key, failures, last_failure_at) VALUES ($1, 1, to_timestamp($2::float8))
            ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN t.last_failure_at < to_timestamp($3::float8) THEN 1 ELSE t.failures + 1 END,
                last_failure_at = to_timestamp($2::float8)
            RETURNING t.failures, t.locked_at IS NOT NULL AS locked
            """,
            [key, SQLTime.parameter(now), SQLTime.parameter(now.addingTimeInterval(-memory.seconds))])
        guard let row = rows.first, let failures = try row.int("failures") else {
            throw IdentityError.unexpectedDatabaseAnswer("the login_throttle upsert returned no row")
        }
        let wasLocked = try row.bool("locked") ?? false
        let locks = mayLock && !wasLocked && policy.lockoutAfter > 0 && failures >= policy.lockoutAfter
        let blockedUntil = policy.delay(afterFailures: failures, free: free).map { now.addingTimeInterval($0) }
        _ = try await connection.query(
            """
            UPDATE login_throttle SET blocked_until = to_timestamp($2::float8),
                locked_at = CASE WHEN $3::boolean THEN to_timestamp($4::float8) ELSE locked_at END
            WHERE key = $1
            """,
            [key, blockedUntil.map(SQLTime.parameter), locks ? "true" : "false", SQLTime.parameter(now)])
        return locks
    }

    // MARK: Keys and rows

    static func accountKey(_ email: String) -> String { "account:" + EmailAddress.lookupKey(email) }
    static func addressKey(_ ip: String) -> String { "address:" + ClientAddress.throttleKey(ip) }

    static let columns = [
        "key", "failures", SQLTime.select("last_failure_at", as: "last_failure_at"),
        SQLTime.select("blocked_until", as: "blocked_until"), SQLTime.select("locked_at", as: "locked_at"),
    ].joined(separator: ", ")

    static func status(from row: PostgresRow) throws -> ThrottleStatus {
        ThrottleStatus(
            email: String((try row.string("key") ?? "").dropFirst("account:".count)), failures: try row.int("failures") ?? 0,
            lastFailureAt: try row.date("last_failure_at"), blockedUntil: try row.date("blocked_until"),
            isLocked: try row.date("locked_at") != nil)
    }
}
