import ClientPostgres
import Foundation

/// One-time set-password links (`staff_password_resets`), stored as SHA-256 digests. A new link for
/// a user replaces that user's unused ones; consuming a link is a single conditional UPDATE, so a
/// link works once even when two requests race.
final class PasswordResetStore: Sendable {
    let database: PostgresClient
    let clock: IdentityClock
    let lifetime: Duration

    init(database: PostgresClient, clock: IdentityClock, lifetime: Duration) {
        self.database = database
        self.clock = clock
        self.lifetime = lifetime
    }

    func create(userID: Int64, createdBy: String, on db: any SQLExecutor) async throws -> PasswordResetLink {
        let token = RandomSecret.generate(bytes: 32)
        let now = clock.now()
        let expiresAt = now.addingTimeInterval(lifetime.seconds)
        _ = try await db.query("DELETE FROM staff_password_resets WHERE user_id = $1::bigint AND used_at IS NULL", [String(userID)])
        _ = try await db.query(
            """
            INSERT INTO staff_password_resets (user_id, token_digest, created_at, expires_at, created_by)
            VALUES ($1::bigint, $2, to_timestamp($3::float8), to_timestamp($4::float8), $5)
            """,
            [String(userID), RandomSecret.digest(token), SQLTime.parameter(now), SQLTime.parameter(expiresAt), createdBy])
        return PasswordResetLink(token: token, userID: userID, expiresAt: expiresAt)
    }

    /// The user a still-usable link belongs to, without using it up.
    func userID(forUsable token: String) async throws -> Int64? {
        guard RandomSecret.isPlausible(token) else { return nil }
        return try await database.query(
            "SELECT user_id FROM staff_password_resets WHERE token_digest = $1 AND used_at IS NULL AND expires_at > to_timestamp($2::float8)",
            [RandomSecret.digest(token), SQLTime.parameter(clock.now())]).first?.int64("user_id")
    }

    /// Uses the link up; returns its user, or nil when it is unknown, used or expired.
    func consume(_ token: String, on db: any SQLExecutor) async throws -> Int64? {
        guard RandomSecret.isPlausible(token) else { return nil }
        let now = SQLTime.parameter(clock.now())
        return try await db.query(
            """
            UPDATE staff_password_resets SET used_at = to_timestamp($2::float8)
            WHERE token_digest = $1 AND used_at IS NULL AND expires_at > to_timestamp($2::float8) RETURNING user_id
            """,
            [RandomSecret.digest(token), now]).first?.int64("user_id")
    }
}
