import Alerting
import ClientPostgres
import Foundation
import LogModel

/// A silence: groups matching all its matchers are counted and stored but do not notify until it
/// ends or is expired (Alertmanager's meaning).
struct Silence: Sendable {
    var id: Int64
    var matchers: [RouteMatcher]
    var startsAt: String
    var endsAt: String
    var comment: String
    var createdBy: String
    var expiredAt: String?
    var isActive: Bool

    func matches(_ event: AlertEvent) -> Bool { isActive && matchers.allSatisfy { $0.matches(event) } }

    var json: JSONValue {
        ["id": .int(id), "matchers": .array(matchers.map { .string($0.description) }), "starts_at": .string(startsAt),
         "ends_at": .string(endsAt), "comment": .string(comment), "created_by": .string(createdBy),
         "expired_at": expiredAt.map(JSONValue.string) ?? .null, "active": .bool(isActive)]
    }
}

struct SilenceStore: Sendable {
    let database: PostgresClient

    static let select = """
        SELECT id, matchers, to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS starts_at,
               to_char(ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ends_at, comment, created_by,
               to_char(expired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expired_at,
               (expired_at IS NULL AND ends_at > now()) AS active
        FROM alert_silences
        """

    func create(matchers: [RouteMatcher], durationMillis: Int64, comment: String, createdBy: String) async throws -> Silence {
        let text = JSONValue.array(matchers.map { .string($0.description) }).jsonString
        let rows = try await database.query("""
            INSERT INTO alert_silences (matchers, ends_at, comment, created_by)
            VALUES ($1, now() + ($2::bigint * interval '1 millisecond'), $3, $4) RETURNING id
            """, [text, String(durationMillis), comment, createdBy])
        let id = Int64(try rows.first?.int("id") ?? 0)
        guard let silence = try await get(id) else { throw PostgresError(kind: .decoding, message: "silence \(id) vanished") }
        return silence
    }

    func get(_ id: Int64) async throws -> Silence? {
        try await database.query(Self.select + " WHERE id = $1", [String(id)]).first.map(Self.decode)
    }

    /// Active silences first, then the last 100 ended ones.
    func list() async throws -> [Silence] {
        try await database.query(Self.select + " ORDER BY (expired_at IS NULL AND ends_at > now()) DESC, id DESC LIMIT 200", []).map(Self.decode)
    }

    func active() async throws -> [Silence] {
        try await database.query(Self.select + " WHERE expired_at IS NULL AND ends_at > now()", []).map(Self.decode)
    }

    /// Ends a silence now; false when it had already ended.
    func expire(_ id: Int64, by actor: String) async throws -> Bool {
        try await database.execute(
            "UPDATE alert_silences SET expired_at = now(), expired_by = $2 WHERE id = $1 AND expired_at IS NULL AND ends_at > now()",
            [String(id), actor]) == 1
    }

    static func decode(_ row: PostgresRow) throws -> Silence {
        let texts = (try? JSONParser.parse(try row.string("matchers") ?? "[]"))?.arrayValue?.compactMap(\.stringValue) ?? []
        return Silence(
            id: Int64(try row.int("id") ?? 0),
            matchers: texts.compactMap { try? RouteMatcher.parse($0).get() },
            startsAt: try row.string("starts_at") ?? "", endsAt: try row.string("ends_at") ?? "",
            comment: try row.string("comment") ?? "", createdBy: try row.string("created_by") ?? "",
            expiredAt: try row.string("expired_at"), isActive: try row.bool("active") ?? false)
    }
}
