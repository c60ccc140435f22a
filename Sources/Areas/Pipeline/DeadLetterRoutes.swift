import HubKit
import Hummingbird
import Identity
import LogModel
import Pipeline
import Spool

/// `GET /api/v1/dead-letters` and `POST /api/v1/dead-letters/replay`, for staff with
/// `deadletters.manage` (admins), through a session (with its CSRF token for the replay) or a
/// personal token (`admin user token create --email ... --scope deadletters.manage`).
struct DeadLetterRoutes {
    let deadLetters: DeadLetterStore
    let spool: Spool

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/dead-letters", .deadLettersManage) { request, _ in
            let query = request.uri.queryParameters
            let limit = query["limit"].flatMap { Int(String($0)) } ?? 100
            let before = query["before"].flatMap { Int64(String($0)) }
            let sink = query["sink"].map(String.init)
            let includeReplayed = query["include_replayed"].map { $0 == "true" || $0 == "1" } ?? false
            do {
                let letters = try await self.deadLetters.list(sink: sink, includeReplayed: includeReplayed, limit: limit, beforeID: before)
                var body: JSONObject = ["dead_letters": .array(letters.map(\.json))]
                if letters.count == min(max(limit, 1), 1000), let last = letters.last { body["next_before"] = .int(last.id) }
                return JSONResponse.make(.ok, .object(body))
            } catch {
                return JSONResponse.error(.serviceUnavailable, code: "database_unavailable", message: "cannot read dead letters: \(error)")
            }
        }
        routes.staff(.post, "/api/v1/dead-letters/replay", .deadLettersManage) { request, call in
            try await replay(call.input.object)
        }
    }

    func replay(_ object: JSONObject) async throws -> Response {
        var ids: [Int64]?
        if let idValues = object["ids"] {
            guard case .array(let list) = idValues else {
                return JSONResponse.error(.badRequest, code: "invalid_ids", message: "'ids' must be an array of dead-letter ids")
            }
            var collected: [Int64] = []
            for value in list {
                guard case .int(let id) = value else {
                    return JSONResponse.error(.badRequest, code: "invalid_ids", message: "'ids' must contain integers only")
                }
                collected.append(id)
            }
            ids = collected
        }
        let sink = object["sink"]?.stringValue
        if ids == nil && sink == nil {
            return JSONResponse.error(.badRequest, code: "missing_selection",
                                      message: "name what to replay: {\"ids\": [...]} or {\"sink\": \"mongodb\"}")
        }
        do {
            let count = try await self.deadLetters.replay(ids: ids, sink: sink, into: self.spool)
            return JSONResponse.make(.ok, ["replayed": .int(Int64(count))])
        } catch {
            return JSONResponse.error(.serviceUnavailable, code: "replay_failed", message: "could not replay: \(error)")
        }
    }
}

extension DeadLetter {
    var json: JSONValue {
        var object: JSONObject = [
            "id": .int(id), "sink": .string(sink), "event_id": .string(eventID), "reason": .string(reason),
            "attempts": .int(Int64(attempts)), "created_at": .string(createdAt), "replay_count": .int(Int64(replayCount)),
        ]
        object["replayed_at"] = replayedAt.map(JSONValue.string) ?? .null
        object["event"] = (try? JSONParser.parse(Array(eventJSON.utf8))) ?? .string(eventJSON)
        return .object(object)
    }
}
