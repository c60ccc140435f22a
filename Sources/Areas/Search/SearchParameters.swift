import HubKit
import Hummingbird
import LogModel
import Search

/// Reads the query-string parameters the search endpoints share, refusing bad ones with the API's
/// typed 400 (`{"error": "invalid_query", "message": "position 9: …", "position": 9}` and friends).
struct SearchParameters {
    let parameters: [String: String]
    let nowMicros: Int64

    init(_ request: Request, nowMicros: Int64 = WallClock.nowMicros()) {
        // Decoded as a form (`+` is a space), the way browsers' URLSearchParams encode it.
        self.parameters = RequestInput.parseForm(request.uri.query ?? "").compactMapValues(\.first)
        self.nowMicros = nowMicros
    }

    init(_ parameters: [String: String], nowMicros: Int64) {
        self.parameters = parameters
        self.nowMicros = nowMicros
    }

    var queryText: String { parameters["q"] ?? "" }

    func query() throws -> QueryNode {
        do {
            return try QueryParser.parse(queryText)
        } catch {
            throw Refusal(JSONResponse.make(.badRequest, [
                "error": "invalid_query", "message": .string(error.description), "position": .int(Int64(error.position)),
            ]), message: error.description)
        }
    }

    /// `from`/`to`: RFC 3339 or `now-15m`-style; default the last 15 minutes.
    func range() throws -> TimeRange {
        let to = try time("to", default: "now")
        let from = try time("from", default: "now-15m")
        guard from <= to else { throw Refusal.json(.badRequest, "invalid_range", "'from' must not be after 'to'") }
        return TimeRange(fromMicros: from, toMicros: to)
    }

    func time(_ name: String, default fallback: String) throws -> Int64 {
        let text = parameters[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        guard let micros = TimeExpression.resolve(text, nowMicros: nowMicros) else {
            throw Refusal.json(.badRequest, "invalid_\(name)", "'\(name)' = '\(text)': use RFC 3339 (2026-11-25T10:05:00Z) or now-15m, now-24h, now-7d")
        }
        return micros
    }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = parameters[name], !text.isEmpty else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw Refusal.json(.badRequest, "invalid_\(name)", "'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func ascending() throws -> Bool {
        switch parameters["order"] ?? "desc" {
        case "", "desc": return false
        case "asc": return true
        default: throw Refusal.json(.badRequest, "invalid_order", "'order' is desc or asc")
        }
    }

    /// `backend=elasticsearch|mongodb` asks one store only (comparing them, checking the fallback).
    func backend() throws -> String? {
        switch parameters["backend"] ?? "" {
        case "": return nil
        case "elasticsearch": return "elasticsearch"
        case "mongodb": return "mongodb"
        default: throw Refusal.json(.badRequest, "invalid_backend", "'backend' is elasticsearch or mongodb")
        }
    }

    func cursor() throws -> SearchCursor? {
        guard let text = parameters["cursor"], !text.isEmpty else { return nil }
        guard let cursor = SearchCursor(encoded: text) else {
            throw Refusal.json(.badRequest, "invalid_cursor", "'cursor' is not a cursor this server issued: pass next_cursor unchanged")
        }
        return cursor
    }
}
