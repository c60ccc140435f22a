import ClientPostgres
import LogModel

/// Saved searches per user (name, query, time range as typed: `now-24h` stays relative).
struct SavedSearchStore: Sendable {
    let database: PostgresClient

    static let columns = """
        id, name, query, range_from, range_to, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
        """

    func list(userID: Int64) async throws -> [JSONValue] {
        let rows = try await database.query("SELECT \(Self.columns) FROM saved_searches WHERE user_id = $1 ORDER BY lower(name), id",
                                            [String(userID)])
        return try rows.map(Self.json)
    }

    /// Nil when the user already has a search of that name.
    func create(userID: Int64, name: String, query: String, from: String, to: String) async throws -> JSONValue? {
        let rows = try await database.query(
            """
            INSERT INTO saved_searches (user_id, name, query, range_from, range_to) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (user_id, name) DO NOTHING RETURNING \(Self.columns)
            """, [String(userID), name, query, from, to])
        return try rows.first.map(Self.json)
    }

    /// False when the user has no saved search with that id.
    func delete(userID: Int64, id: Int64) async throws -> Bool {
        try await database.execute("DELETE FROM saved_searches WHERE id = $1 AND user_id = $2", [String(id), String(userID)]) > 0
    }

    static func json(_ row: PostgresRow) throws -> JSONValue {
        [
            "id": .int(Int64(try row.int("id") ?? 0)), "name": .string(try row.string("name") ?? ""),
            "query": .string(try row.string("query") ?? ""), "from": .string(try row.string("range_from") ?? ""),
            "to": .string(try row.string("range_to") ?? ""), "created_at": .string(try row.string("created_at") ?? ""),
        ]
    }
}
