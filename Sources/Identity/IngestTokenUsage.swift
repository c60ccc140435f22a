import ClientPostgres
import Foundation
import Logging
import Synchronization

/// How much each ingest token ships: counted in memory on the intake path (no database write per
/// request), written to `ingest_token_usage` in five-minute buckets every few seconds, summed over
/// every hub node. The ingest-tokens page shows the last use and the events of the last hour and
/// day, so an admin sees which services went quiet.
public final class IngestTokenUsage: Sendable {
    /// Bucket width in seconds: "the last hour" is the last twelve buckets (so up to 5 min more).
    public static let bucketSeconds: Int64 = 300

    private struct Key: Hashable { var tokenID: Int64; var bucket: Int64 }
    private struct Pending { var events: Int64; var lastUsed: TimeInterval }
    private let pending = Mutex<[Key: Pending]>([:])

    public init() {}

    /// Notes `events` accepted for `tokenID` now. Cheap: one dictionary update under a lock.
    public func record(tokenID: Int64, events: Int, at date: Date = Date()) {
        guard events > 0 else { return }
        let seconds = date.timeIntervalSince1970
        let key = Key(tokenID: tokenID, bucket: Int64(seconds) / Self.bucketSeconds * Self.bucketSeconds)
        pending.withLock { all in
            var entry = all[key] ?? Pending(events: 0, lastUsed: seconds)
            entry.events += Int64(events)
            entry.lastUsed = max(entry.lastUsed, seconds)
            all[key] = entry
        }
    }

    /// Adds what was counted since the last flush to the table; on failure it is kept for the next one.
    public func flush(to database: PostgresClient) async throws {
        let taken = pending.withLock { all in
            defer { all.removeAll() }
            return all
        }
        var failed: [Key: Pending] = [:]
        var firstError: (any Error)?
        for (key, entry) in taken {
            do {
                _ = try await database.query(
                    """
                    INSERT INTO ingest_token_usage (token_id, bucket, events, last_used_at)
                    VALUES ($1::bigint, to_timestamp($2::float8), $3::bigint, to_timestamp($4::float8))
                    ON CONFLICT (token_id, bucket) DO UPDATE
                    SET events = ingest_token_usage.events + EXCLUDED.events,
                        last_used_at = greatest(ingest_token_usage.last_used_at, EXCLUDED.last_used_at)
                    """,
                    [String(key.tokenID), String(key.bucket), String(entry.events), String(entry.lastUsed)])
            } catch {
                failed[key] = entry
                firstError = firstError ?? error
            }
        }
        if !failed.isEmpty {
            pending.withLock { all in
                for (key, entry) in failed {
                    var merged = all[key] ?? Pending(events: 0, lastUsed: entry.lastUsed)
                    merged.events += entry.events
                    merged.lastUsed = max(merged.lastUsed, entry.lastUsed)
                    all[key] = merged
                }
            }
        }
        if let firstError { throw firstError }
    }

    /// Flushes every `interval` until cancelled (and once more then); forgets buckets older than two days.
    public func run(database: PostgresClient, interval: Duration = .seconds(10), logger: Logger) async {
        var rounds = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                try await flush(to: database)
                rounds += 1
                if rounds % 360 == 1 { _ = try await database.query("DELETE FROM ingest_token_usage WHERE bucket < now() - interval '2 days'", []) }
            } catch {
                logger.warning("cannot write ingest-token usage; it is kept and written later", metadata: ["error": "\(error)"])
            }
        }
        try? await flush(to: database)
    }

    /// Each token's last use and events in the last hour and day (every node's counts together).
    public static func activity(database: PostgresClient) async throws -> [Int64: IngestTokenActivity] {
        let rows = try await database.query(
            """
            SELECT token_id, extract(epoch FROM max(last_used_at)) AS last_used,
                   coalesce(sum(events) FILTER (WHERE bucket >= now() - interval '1 hour' - interval '5 minutes'), 0) AS hour,
                   coalesce(sum(events) FILTER (WHERE bucket >= now() - interval '1 day'), 0) AS day
            FROM ingest_token_usage GROUP BY token_id
            """, [])
        var result: [Int64: IngestTokenActivity] = [:]
        for row in rows {
            guard let id = try row.int("token_id") else { continue }
            result[Int64(id)] = IngestTokenActivity(
                lastUsedAt: (try row.string("last_used")).flatMap(Double.init).map(Date.init(timeIntervalSince1970:)),
                eventsLastHour: Int64(try row.string("hour") ?? "0") ?? 0, eventsLastDay: Int64(try row.string("day") ?? "0") ?? 0)
        }
        return result
    }
}

/// What one ingest token shipped recently.
public struct IngestTokenActivity: Sendable, Equatable {
    public var lastUsedAt: Date?
    public var eventsLastHour: Int64
    public var eventsLastDay: Int64

    public init(lastUsedAt: Date? = nil, eventsLastHour: Int64 = 0, eventsLastDay: Int64 = 0) {
        self.lastUsedAt = lastUsedAt
        self.eventsLastHour = eventsLastHour
        self.eventsLastDay = eventsLastDay
    }

    /// Used before, but nothing in the last day: the service may have stopped shipping.
    public var wentQuiet: Bool { lastUsedAt != nil && eventsLastDay == 0 }
}
