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
            INSERT INTO dead_letters (sink, event_id, reason, attempts, timestamp_millis, event_bytes, service)
            VALUES ($1, $2, $3, $4, $5, $6::bytea, $7)
            """,
            [sink, Self.text(event.id), Self.text(String(reason.prefix(4000))), String(attempts), String(event.timestampMillis),
             ByteaHex.encode(event.json), Self.serviceName(of: event.json).map(Self.text)])
    }

    /// `service.name` of a stored document, for the page's filter; nil when it is not JSON.
    static func serviceName(of json: [UInt8]) -> String? {
        guard case .object(let document)? = try? JSONParser.parse(json), case .object(let service)? = document["service"],
              case .string(let name)? = service["name"] else { return nil }
        return name
    }

    /// Newest first. `filter.beforeID` pages backwards: pass the smallest id of the previous page.
    public func list(_ filter: DeadLetterFilter) async throws -> [DeadLetter] {
        let (clause, parameters) = filter.sql()
        let limit = min(max(filter.limit, 1), DeadLetterFilter.maximumLimit)
        let rows = try await database.query(
            "SELECT \(Self.columns) FROM dead_letters WHERE \(clause) ORDER BY id DESC LIMIT \(limit)", parameters)
        return try rows.compactMap(Self.deadLetter(from:))
    }

    public func countPending() async throws -> [String: Int] {
        let rows = try await database.query(
            "SELECT sink, count(*) AS n FROM dead_letters WHERE replayed_at IS NULL AND discarded_at IS NULL GROUP BY sink", [])
        var counts: [String: Int] = [:]
        for row in rows { if let sink = try row.string("sink"), let n = try row.int("n") { counts[sink] = n } }
        return counts
    }

    /// Re-queues pending dead letters (the given ids, or every one `filter` selects) and marks them
    /// replayed. Returns how many were re-queued. The spool append happens first: a crash in between
    /// leaves a row that can be replayed again, and a repeat is harmless (the store dedupes by `_id`).
    public func replay(ids: [Int64]?, filter: DeadLetterFilter = DeadLetterFilter(), into spool: Spool, limit: Int = 10_000) async throws -> Int {
        let letters = try await pending(ids: ids, filter: filter, limit: limit)
        guard !letters.isEmpty else { return 0 }
        let payloads = letters.map {
            SpooledEvent(id: $0.eventID, timestampMillis: $0.timestampMillis, target: $0.sink, json: $0.eventBytes).encoded()
        }
        _ = try await spool.append(payloads)
        _ = try await database.query(
            "UPDATE dead_letters SET replayed_at = now(), replay_count = replay_count + 1 WHERE id = ANY(string_to_array($1, ',')::bigint[])",
            [letters.map { String($0.id) }.joined(separator: ",")])
        logger.info("replayed dead letters", metadata: ["count": "\(letters.count)", "sink": "\(filter.sink ?? "any")"])
        return letters.count
    }

    /// Marks pending dead letters (the given ids, or every one `filter` selects) discarded: they stay
    /// in the table for the record but leave the pending list and are never replayed. Returns their ids.
    public func discard(ids: [Int64]?, filter: DeadLetterFilter = DeadLetterFilter(), reason: String, by actor: String,
                        limit: Int = 100_000) async throws -> [Int64] {
        let letters = try await pending(ids: ids, filter: filter, limit: limit)
        guard !letters.isEmpty else { return [] }
        _ = try await database.query(
            """
            UPDATE dead_letters SET discarded_at = now(), discarded_by = $2, discard_reason = $3
            WHERE id = ANY(string_to_array($1, ',')::bigint[]) AND discarded_at IS NULL AND replayed_at IS NULL
            """,
            [letters.map { String($0.id) }.joined(separator: ","), Self.text(actor), Self.text(String(reason.prefix(1000)))])
        logger.info("discarded dead letters", metadata: ["count": "\(letters.count)", "by": "\(actor)"])
        return letters.map(\.id)
    }

    /// Pending letters by id, or all that `filter` selects (oldest first), at most `limit`.
    private func pending(ids: [Int64]?, filter: DeadLetterFilter, limit: Int) async throws -> [DeadLetter] {
        var selection = filter
        selection.state = .pending
        selection.beforeID = nil
        let (clause, parameters) = selection.sql(first: 2)
        let idList = ids.map { $0.map(String.init).joined(separator: ",") }
        let rows = try await database.query(
            """
            SELECT \(Self.columns) FROM dead_letters
            WHERE \(clause) AND ($1::text IS NULL OR id = ANY(string_to_array($1, ',')::bigint[]))
            ORDER BY id LIMIT \(max(1, limit))
            """,
            [idList] + parameters)
        return try rows.compactMap(Self.deadLetter(from:))
    }

    /// Rows written before migration 200 (or by an older node during an upgrade) have only event_json.
    static let columns = "id, sink, event_id, reason, attempts, timestamp_millis, replay_count, service, discarded_by, discard_reason, " +
        "encode(coalesce(event_bytes, convert_to(event_json, 'UTF8')), 'hex') AS event_hex, " +
        "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS created_at, " +
        "to_char(replayed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS replayed_at, " +
        "to_char(discarded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS discarded_at"

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
            replayedAt: try row.string("replayed_at"), replayCount: try row.int("replay_count") ?? 0,
            service: try row.string("service"), discardedAt: try row.string("discarded_at"), discardedBy: try row.string("discarded_by"),
            discardReason: try row.string("discard_reason"))
    }
}
