import ClientPostgres
import LogModel
import Logging
import Spool

/// Dead letters live in PostgreSQL: visible to every hub node, listable and replayable through the
/// API, and outside the spool so a rejected event never holds back the events behind it.
///
/// Replay appends the event to the spool again with `target` set to the sink that refused it, so
/// only that sink sees it; the other sinks would treat a repeat as "already stored" anyway.
public final class DeadLetterStore: Sendable {
    private let database: PostgresClient
    private let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Parameters travel in libpq's text format, where a NUL ends the value: the payload goes as
    /// bytea's hex form (`\x…`), and NULs are taken out of the text columns.
    public func add(sink: String, event: SpooledEvent, reason: String, attempts: Int) async throws {
        _ = try await database.query(
            """
            INSERT INTO dead_letters (sink, event_id, reason, attempts, timestamp_millis, event_bytes)
            VALUES ($1, $2, $3, $4, $5, $6::bytea)
            """,
            [sink, Self.text(event.id), Self.text(String(reason.prefix(4000))), String(attempts), String(event.timestampMillis),
             ByteaHex.encode(event.json)])
    }

    /// Newest first. `beforeID` pages backwards: pass the smallest id of the previous page.
    public func list(sink: String? = nil, includeReplayed: Bool = false, limit: Int = 100, beforeID: Int64? = nil) async throws -> [DeadLetter] {
        let rows = try await database.query(
            """
            SELECT \(Self.columns) FROM dead_letters
            WHERE ($1::text IS NULL OR sink = $1)
              AND ($2::boolean OR replayed_at IS NULL)
              AND ($3::bigint IS NULL OR id < $3)
            ORDER BY id DESC LIMIT $4
            """,
            [sink, includeReplayed ? "true" : "false", beforeID.map(String.init), String(min(max(limit, 1), 1000))])
        return try rows.compactMap(Self.deadLetter(from:))
    }

    public func countPending() async throws -> [String: Int] {
        let rows = try await database.query(
            "SELECT sink, count(*) AS n FROM dead_letters WHERE replayed_at IS NULL GROUP BY sink", [])
        var counts: [String: Int] = [:]
        for row in rows { if let sink = try row.string("sink"), let n = try row.int("n") { counts[sink] = n } }
        return counts
    }

    /// Re-queues pending dead letters (all of a sink, or the given ids) and marks them replayed.
    /// Returns how many were re-queued. The spool append happens first: a crash in between leaves a
    /// row that can be replayed again, and a repeat is harmless (the store dedupes by `_id`).
    public func replay(ids: [Int64]?, sink: String?, into spool: Spool, limit: Int = 10_000) async throws -> Int {
        let idList = ids.map { $0.map(String.init).joined(separator: ",") }
        let rows = try await database.query(
            """
            SELECT \(Self.columns) FROM dead_letters
            WHERE replayed_at IS NULL
              AND ($1::text IS NULL OR sink = $1)
              AND ($2::text IS NULL OR id = ANY(string_to_array($2, ',')::bigint[]))
            ORDER BY id LIMIT $3
            """,
            [sink, idList, String(limit)])
        let letters = try rows.compactMap(Self.deadLetter(from:))
        guard !letters.isEmpty else { return 0 }
        let payloads = letters.map {
            SpooledEvent(id: $0.eventID, timestampMillis: $0.timestampMillis, target: $0.sink, json: $0.eventBytes).encoded()
        }
        _ = try await spool.append(payloads)
        _ = try await database.query(
            "UPDATE dead_letters SET replayed_at = now(), replay_count = replay_count + 1 WHERE id = ANY(string_to_array($1, ',')::bigint[])",
            [letters.map { String($0.id) }.joined(separator: ",")])
        logger.info("replayed dead letters", metadata: ["count": "\(letters.count)", "sink": "\(sink ?? "any")"])
        return letters.count
    }

    /// Rows written before migration 200 (or by an older node during an upgrade) have only event_json.
    static let columns = "id, sink, event_id, reason, attempts, timestamp_millis, replay_count, " +
        "encode(coalesce(event_bytes, convert_to(event_json, 'UTF8')), 'hex') AS event_hex, " +
        "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS created_at, " +
        "to_char(replayed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS replayed_at"

    private static func text(_ value: String) -> String {
        value.contains("\0") ? String(value.unicodeScalars.filter { $0 != "\0" }.map(Character.init)) : value
    }

    static func deadLetter(from row: PostgresRow) throws -> DeadLetter? {
        guard let id = try row.int("id"), let sink = try row.string("sink"), let eventID = try row.string("event_id") else { return nil }
        return DeadLetter(
            id: Int64(id), sink: sink, eventID: eventID, reason: try row.string("reason") ?? "",
            attempts: try row.int("attempts") ?? 0,
            timestampMillis: Int64(try row.int("timestamp_millis") ?? 0),
            eventBytes: try ByteaHex.decode(row.string("event_hex") ?? ""), createdAt: try row.string("created_at") ?? "",
            replayedAt: try row.string("replayed_at"), replayCount: try row.int("replay_count") ?? 0)
    }
}
