import ClientPostgres
import Foundation
import Synchronization

/// Telegram's limits on the hub's side, shared by every hub node through PostgreSQL (protocols.md 2.4):
/// per chat one message a second, 20 in any minute for a group chat (negative id), 30 a second over
/// all chats, and nothing to a chat while its 429 `retry_after` lasts. The buckets live in
/// `alert_limits` and are taken in one statement (`alert_telegram_acquire`, migration 404).
///
/// The local fast path keeps a storm from hammering PostgreSQL: once a node knows a chat cannot be
/// sent to before some time (it just took the chat's token, was told to wait, or saw a 429), it
/// answers from memory until then. At most about one round trip per chat and second per node.
final class TelegramLimits: Sendable {
    let database: PostgresClient
    /// chat → local monotonic milliseconds before which nothing goes to it (known to this node).
    private let notBefore = Mutex<[Int64: Int64]>([:])
    static let groupPerMinute = 20

    init(database: PostgresClient) { self.database = database }

    /// Milliseconds from now on a steady clock: wall-clock jumps don't bend the local cache.
    static func monotonicNow() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }

    /// Milliseconds to wait before a request to `chat` may go; 0 means a token was taken: go now.
    func acquire(chat: Int64, globalPerSecond: Int) async throws -> Int64 {
        let local = Self.monotonicNow()
        if let until = notBefore.withLock({ $0[chat] }), until > local { return until - local }
        let sql = "SELECT alert_telegram_acquire($1::bigint, $2::double precision, $3::integer) AS wait"
        let parameters = [String(chat), String(globalPerSecond), String(Self.groupPerMinute)]
        let rows = try await database.query(sql, parameters)
        let wait = Int64(try rows.first?.int("wait") ?? 0)
        // Granted: the chat's own 1/s bucket is empty for the next second anyway, on every node.
        remember(chat, until: local + (wait == 0 ? 1000 : wait))
        return wait
    }

    /// A 429 with `parameters.retry_after`: nothing more to that chat from any node for exactly that long.
    /// With PostgreSQL unreachable this node still waits (its own cache); the others learn from their own 429.
    func blocked(chat: Int64, seconds: Int64) async {
        remember(chat, until: Self.monotonicNow() + seconds * 1000)
        _ = try? await database.execute("""
            INSERT INTO alert_limits AS l (key, blocked_until) VALUES ($1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint + $2::bigint)
            ON CONFLICT (key) DO UPDATE SET blocked_until = GREATEST(l.blocked_until, EXCLUDED.blocked_until)
            """, ["telegram:chat:\(chat)", String(seconds * 1000)])
    }

    private func remember(_ chat: Int64, until: Int64) {
        notBefore.withLock { cache in
            cache[chat] = max(cache[chat] ?? 0, until)
            if cache.count > 10_000 {
                let now = Self.monotonicNow()
                cache = cache.filter { $0.value > now }
            }
        }
    }
}
