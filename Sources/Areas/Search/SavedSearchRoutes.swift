import Foundation
import HubKit
import Identity
import Hummingbird
import LogModel
import Search

/// `GET/POST /api/v1/saved-searches`, `DELETE /api/v1/saved-searches/{id}`: each user's own.
struct SavedSearchRoutes {
    let store: SavedSearchStore

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/saved-searches", .logsRead) { _, call in
            JSONResponse.make(.ok, ["saved_searches": .array(try await store.list(userID: call.principal.user.id))])
        }
        routes.staff(.post, "/api/v1/saved-searches", .logsRead) { _, call in
            let input = call.input
            let name = (input.string("name") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...100).contains(name.count), !name.contains("\0") else {
                throw Refusal.json(.badRequest, "invalid_name", "'name' must be 1 to 100 characters")
            }
            let query = input.string("query") ?? ""
            let from = input.string("from").flatMap { $0.isEmpty ? nil : $0 } ?? "now-15m"
            let to = input.string("to").flatMap { $0.isEmpty ? nil : $0 } ?? "now"
            // The same checks a search makes, so a saved search always runs.
            let check = SearchParameters(["q": query, "from": from, "to": to], nowMicros: WallClock.nowMicros())
            _ = try check.query()
            _ = try check.range()
            guard let saved = try await store.create(userID: call.principal.user.id, name: name, query: SearchAccessLog.clean(query), from: from, to: to) else {
                throw Refusal.json(.conflict, "name_taken", "you already have a saved search named '\(name)'")
            }
            return JSONResponse.make(.created, saved)
        }
        routes.staff(.delete, "/api/v1/saved-searches/{id}", .logsRead) { _, call in
            let id = try call.id(what: "saved_search")
            guard try await store.delete(userID: call.principal.user.id, id: id) else {
                throw Refusal.json(.notFound, "unknown_saved_search", "no saved search of yours with id \(id)")
            }
            return JSONResponse.make(.ok, ["deleted": .int(id)])
        }
    }
}
