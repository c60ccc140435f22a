import Foundation
import ClientPostgres
import Identity
import LogModel

/// One row per search, event view, export or tail opened: who, what query, which range, how many
/// hits. Written before the answer is sent; when it cannot be written the request fails (an
/// unaudited read of customers' data is worse than a failed search).
struct SearchAccessLog: Sendable {
    let database: PostgresClient

    struct Entry: Sendable {
        var action: String
        var query: String
        var range: TimeRange?
        var hits: Int
        var backend: String
    }

    /// Returns the row's id, for `updateHits` once a stream (export, tail) has ended.
    @discardableResult
    func record(_ entry: Entry, by principal: StaffPrincipal) async throws -> Int64 {
        let credential: String
        switch principal.credential {
        case .session: credential = "session"
        case .personalToken: credential = "token"
        }
        let rows = try await database.query(
            """
            INSERT INTO search_access_log (user_id, user_email, credential, action, query, range_from, range_to, hits, backend)
            VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz, $8, $9) RETURNING id
            """,
            [String(principal.user.id), principal.user.email, credential, entry.action, Self.clean(entry.query),
             entry.range.map { Timestamp.format(micros: $0.fromMicros) }, entry.range.map { Timestamp.format(micros: min($0.toMicros, 253_402_300_799_000_000)) },
             String(entry.hits), entry.backend])
        return Int64(try rows.first?.int("id") ?? 0)
    }

    /// How many events a stream delivered in the end.
    func updateHits(id: Int64, hits: Int) async throws {
        _ = try await database.execute("UPDATE search_access_log SET hits = $2 WHERE id = $1", [String(id), String(hits)])
    }

    /// Newest first, for `GET /api/v1/logs/access-log` (admins: `audit.read`).
    func list(limit: Int, userID: Int64?) async throws -> [JSONValue] {
        let rows = try await database.query(
            """
            SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, user_id, user_email, credential, action, query,
                   to_char(range_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS range_from,
                   to_char(range_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS range_to, hits, backend
            FROM search_access_log WHERE ($1::bigint IS NULL OR user_id = $1) ORDER BY id DESC LIMIT $2
            """, [userID.map(String.init), String(limit)])
        return try rows.map { row in
            [
                "id": .int(Int64(try row.int("id") ?? 0)), "at": .string(try row.string("at") ?? ""),
                "user_id": .int(Int64(try row.int("user_id") ?? 0)), "user_email": .string(try row.string("user_email") ?? ""),
                "credential": .string(try row.string("credential") ?? ""), "action": .string(try row.string("action") ?? ""),
                "query": .string(try row.string("query") ?? ""),
                "from": (try row.string("range_from")).map(JSONValue.string) ?? .null,
                "to": (try row.string("range_to")).map(JSONValue.string) ?? .null,
                "hits": .int(Int64(try row.int("hits") ?? 0)), "backend": .string(try row.string("backend") ?? ""),
            ]
        }
    }

    /// libpq text parameters end at a NUL.
    static func clean(_ text: String) -> String {
        String(text.prefix(4096)).replacingOccurrences(of: "\0", with: "")
    }
}
