import ClientPostgres

/// Sentry's rate limits and the per-group cap, shared by every hub node through PostgreSQL, so two
/// nodes together send no more than one would. Rate limits are rows of `alert_limits`
/// (`sentry:<endpoint>|<category>`, "" = all categories) holding the database clock's end of the
/// limit; the cap is `alert_sentry_groups`, one row per group with the minute it counts.
///
/// One round trip per envelope about to go out: the limit check and the cap's count are one
/// statement. Nodes keep what they learn (a limit in force, a group over its cap) in memory until it
/// ends, so a storm costs no more round trips than the envelopes that are really sent.
struct SentrySharedLimits: Sendable {
    let database: PostgresClient

    static func key(_ endpoint: String, _ category: String) -> String { "sentry:\(endpoint)|\(category)" }
    static let databaseNow = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    enum Verdict: Sendable, Equatable {
        /// A node learnt a limit for this category: it ends in this many milliseconds.
        case limited(remainingMillis: Int64)
        /// The group already sent its share this minute (the event is counted as held back).
        case capped
        /// Send it, carrying this many held-back events of the group (from every node).
        case send(carried: Int64)
    }

    /// Checks the DSN's limits for `category` and, when none is in force, counts the event against
    /// its group's cap. `carried`: events this node held back locally since its last one for the group.
    func admit(endpoint: String, category: String, groupKey: String, maxPerMinute: Int, carried: Int64) async throws -> Verdict {
        let rows = try await database.query("""
            WITH clock AS (SELECT \(Self.databaseNow) AS now),
            lim AS (
                SELECT max(blocked_until) - (SELECT now FROM clock) AS remaining FROM alert_limits
                WHERE key IN ($1::text, $2::text) AND blocked_until > (SELECT now FROM clock)
            ),
            cap AS (
                INSERT INTO alert_sentry_groups AS g (group_key, minute, sent, suppressed, handed)
                SELECT $3::text, (SELECT now FROM clock) / 60000, 1, 0, $5::bigint WHERE (SELECT remaining FROM lim) IS NULL
                ON CONFLICT (group_key) DO UPDATE SET
                    sent = CASE WHEN g.minute = EXCLUDED.minute THEN g.sent + 1 ELSE 1 END,
                    minute = EXCLUDED.minute,
                    handed = CASE WHEN g.minute <> EXCLUDED.minute OR g.sent < $4::integer THEN g.suppressed + $5::bigint ELSE 0 END,
                    suppressed = CASE WHEN g.minute <> EXCLUDED.minute OR g.sent < $4::integer THEN 0 ELSE g.suppressed + 1 + $5::bigint END
                RETURNING sent, handed
            )
            SELECT (SELECT remaining FROM lim) AS remaining, (SELECT sent FROM cap) AS sent, (SELECT handed FROM cap) AS handed
            """, [Self.key(endpoint, category), Self.key(endpoint, ""), groupKey, String(maxPerMinute), String(carried)])
        guard let row = rows.first else { return .send(carried: carried) }
        if let remaining = try row.int("remaining") { return .limited(remainingMillis: Int64(remaining)) }
        let sent = try row.int("sent") ?? 1
        if sent > maxPerMinute { return .capped }
        return .send(carried: Int64(try row.int("handed") ?? Int(carried)))
    }

    /// Records a limit Sentry announced (`remainingMillis` from now) for every node.
    func limit(endpoint: String, category: String, remainingMillis: Int64) async throws {
        try await database.execute("""
            INSERT INTO alert_limits AS l (key, blocked_until) VALUES ($1, \(Self.databaseNow) + $2::bigint)
            ON CONFLICT (key) DO UPDATE SET blocked_until = GREATEST(l.blocked_until, EXCLUDED.blocked_until)
            """, [Self.key(endpoint, category), String(remainingMillis)])
    }
}
