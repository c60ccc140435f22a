import ClientPostgres
import Foundation

/// Personal API tokens (`staff_personal_tokens`): `dmp_pat_` + 40 base64url characters (240 random
/// bits); only the SHA-256 is stored.
///
/// A token resolves only while it is not revoked, not expired and its owner is enabled; the owner's
/// roles are re-read on every use, so removing a role takes effect on the owner's tokens at once.
public final class PersonalTokenStore: Sendable {
    /// Tells a personal token apart from an ingest token (`dmp_` + random) at a glance and in code.
    public static let secretPrefix = "dmp_pat_"

    let database: PostgresClient
    let clock: IdentityClock
    /// `last_used_at` is written at most this often per token.
    let touchInterval: Duration

    public init(database: PostgresClient, clock: IdentityClock = .system, touchInterval: Duration = .seconds(60)) {
        self.database = database
        self.clock = clock
        self.touchInterval = touchInterval
    }

    /// True when `secret` has the form of a personal token (not whether it is valid).
    public static func looksLikePersonalToken(_ secret: String) -> Bool { secret.hasPrefix(secretPrefix) }

    /// The user's tokens, newest first (revoked ones included, for the record).
    public func list(userID: Int64) async throws -> [PersonalToken] {
        let rows = try await database.query(
            "SELECT \(Self.columns) FROM staff_personal_tokens t WHERE t.user_id = $1::bigint ORDER BY t.id DESC", [String(userID)])
        return try rows.map(Self.token(from:))
    }

    public func token(id: Int64) async throws -> PersonalToken? {
        try await database.query("SELECT \(Self.columns) FROM staff_personal_tokens t WHERE t.id = $1::bigint", [String(id)])
            .first.map(Self.token(from:))
    }

    /// The token's owner and the token, when `secret` is a live token of an enabled user.
    public func resolve(secret: String) async throws -> (token: PersonalToken, user: StaffUser)? {
        guard Self.looksLikePersonalToken(secret), RandomSecret.isPlausible(secret) else { return nil }
        let rows = try await database.query(
            """
            SELECT \(Self.columns), \(UserStore.columns)
            FROM staff_personal_tokens t JOIN staff_users u ON u.id = t.user_id WHERE t.token_digest = $1
            """,
            [RandomSecret.digest(secret)])
        guard let row = rows.first else { return nil }
        var token = try Self.token(from: row)
        let user = try UserStore.user(from: row)
        let now = clock.now()
        guard !token.isRevoked, !token.isExpired(at: now), !user.isDisabled else { return nil }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) >= touchInterval.seconds }) ?? true {
            _ = try await database.query("UPDATE staff_personal_tokens SET last_used_at = to_timestamp($2::float8) WHERE id = $1::bigint",
                                         [String(token.id), SQLTime.parameter(now)])
            token.lastUsedAt = now
        }
        return (token, user)
    }

    // MARK: Changes (through UserAdministration)

    /// Creates a token for `user`; `scopes` nil means all the user's permissions now. Returns the
    /// secret once; it cannot be read back.
    func create(for user: StaffUser, name: String, scopes: Set<Permission>?, expiresAt: Date?,
                on db: any SQLExecutor) async throws -> (token: PersonalToken, secret: String) {
        guard !user.isDisabled else { throw AccountError.userDisabled(user.email) }
        let scopes = scopes ?? user.permissions
        let excess = scopes.subtracting(user.permissions)
        guard excess.isEmpty else { throw AccountError.scopesExceedRoles(excess.sorted()) }
        let now = clock.now()
        if let expiresAt, expiresAt <= now { throw AccountError.expiryInThePast }
        let secret = Self.secretPrefix + RandomSecret.generate(bytes: 30)
        let rows = try await db.query(
            """
            INSERT INTO staff_personal_tokens AS t (user_id, name, scopes, token_prefix, token_digest, created_at, expires_at)
            VALUES ($1::bigint, $2, string_to_array($3, ','), $4, $5, to_timestamp($6::float8), to_timestamp($7::float8))
            RETURNING \(Self.columns)
            """,
            [String(user.id), String(name.prefix(200)), scopes.sorted().map(\.rawValue).joined(separator: ","),
             String(secret.prefix(Self.secretPrefix.count + 6)), RandomSecret.digest(secret),
             SQLTime.parameter(now), expiresAt.map(SQLTime.parameter)])
        guard let row = rows.first else { throw IdentityError.unexpectedDatabaseAnswer("INSERT INTO staff_personal_tokens returned no row") }
        return (try Self.token(from: row), secret)
    }

    /// Revokes a token (idempotent: the first revocation time stays); nil when there is no such
    /// token, or it is not `userID`'s when that is given.
    func revoke(id: Int64, userID: Int64?, on db: any SQLExecutor) async throws -> PersonalToken? {
        let rows = try await db.query(
            """
            UPDATE staff_personal_tokens AS t SET revoked_at = COALESCE(revoked_at, to_timestamp($2::float8))
            WHERE t.id = $1::bigint AND ($3::bigint IS NULL OR t.user_id = $3::bigint) RETURNING \(Self.columns)
            """,
            [String(id), SQLTime.parameter(clock.now()), userID.map(String.init)])
        return try rows.first.map(Self.token(from:))
    }

    // MARK: Rows

    static let columns = [
        "t.id AS token_id", "t.user_id AS token_user_id", "t.name AS token_name",
        "array_to_string(t.scopes, ',') AS token_scopes", "t.token_prefix AS token_prefix",
        SQLTime.select("t.created_at", as: "token_created_at"), SQLTime.select("t.expires_at", as: "token_expires_at"),
        SQLTime.select("t.last_used_at", as: "token_last_used_at"), SQLTime.select("t.revoked_at", as: "token_revoked_at"),
    ].joined(separator: ", ")

    static func token(from row: PostgresRow) throws -> PersonalToken {
        guard let id = try row.int64("token_id"), let userID = try row.int64("token_user_id") else {
            throw IdentityError.unexpectedDatabaseAnswer("a staff_personal_tokens row without id or user")
        }
        return PersonalToken(
            id: id, userID: userID, name: try row.string("token_name") ?? "",
            scopes: Set((try row.string("token_scopes") ?? "").split(separator: ",").compactMap { Permission(rawValue: String($0)) }),
            prefix: try row.string("token_prefix") ?? "",
            createdAt: try row.date("token_created_at") ?? Date(timeIntervalSince1970: 0),
            expiresAt: try row.date("token_expires_at"), lastUsedAt: try row.date("token_last_used_at"),
            revokedAt: try row.date("token_revoked_at"))
    }
}
