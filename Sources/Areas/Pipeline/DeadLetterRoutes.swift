import Foundation
import HubKit
import Hummingbird
import Identity
import LogModel
import Pipeline
import Spool

/// The dead letters, for staff with `deadletters.manage` (admins), through a session (forms carry
/// the CSRF token) or a personal token:
/// - `GET /api/v1/dead-letters?sink=&service=&reason_contains=&since=&until=&state=&before=&limit=`
/// - `POST /api/v1/dead-letters/replay` `{"ids":[…]}` or `{"all_matching":true, <filters>}` (or the older `{"sink":…}`)
/// - `POST /api/v1/dead-letters/discard` the same selection plus `"reason"` (required)
/// - `GET /dead-letters`, the page.
/// Replays and discards go into the security audit with their actor.
struct DeadLetterRoutes {
    let deadLetters: DeadLetterStore
    let spool: Spool
    let audit: SecurityAuditLog

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/dead-letters", .deadLettersManage) { request, _ in
            let query = RequestInput.query(of: request)
            // `reason` is accepted for `reason_contains` here: a GET has no discard reason to clash with.
            var filter = try Self.filter { key in query[key] ?? (key == "reason_contains" ? query["reason"] : nil) }
            if query["include_replayed"].map({ $0 == "true" || $0 == "1" }) == true, query["state"] == nil { filter.state = .all }
            let letters = try await list(filter)
            var body: JSONObject = ["dead_letters": .array(letters.map(\.json))]
            if letters.count == min(max(filter.limit, 1), DeadLetterFilter.maximumLimit), let last = letters.last { body["next_before"] = .int(last.id) }
            return JSONResponse.make(.ok, .object(body))
        }
        routes.staff(.post, "/api/v1/dead-letters/replay", .deadLettersManage) { request, call in
            let (ids, filter) = try Self.selection(call.input)
            let count: Int
            do {
                count = try await deadLetters.replay(ids: ids, filter: filter, into: spool)
            } catch {
                throw Refusal.json(.serviceUnavailable, "replay_failed", "could not replay: \(error)")
            }
            if count > 0 {
                _ = try? await audit.record(.deadLettersReplayed, context: call.audit, target: filter.sink ?? "",
                                            details: ["count": String(count), "selection": ids == nil ? "all matching" : "ids"])
            }
            if call.isForm { return Self.backToPage(call, notice: "replayed \(count)") }
            return JSONResponse.make(.ok, ["replayed": .int(Int64(count))])
        }
        routes.staff(.post, "/api/v1/dead-letters/discard", .deadLettersManage) { request, call in
            let (ids, filter) = try Self.selection(call.input)
            guard let reason = call.input.string("reason")?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else {
                throw Refusal.json(.badRequest, "missing_reason", "say why these dead letters are discarded (\"reason\"); it goes into the audit")
            }
            let discarded: [Int64]
            do {
                discarded = try await deadLetters.discard(ids: ids, filter: filter, reason: reason, by: call.principal.user.email)
            } catch {
                throw Refusal.json(.serviceUnavailable, "discard_failed", "could not discard: \(error)")
            }
            if !discarded.isEmpty {
                _ = try await audit.record(.deadLettersDiscarded, context: call.audit, target: filter.sink ?? "",
                                           details: ["count": String(discarded.count), "reason": reason,
                                                     "ids": discarded.prefix(50).map(String.init).joined(separator: ",")])
            }
            if call.isForm { return Self.backToPage(call, notice: "discarded \(discarded.count)") }
            return JSONResponse.make(.ok, ["discarded": .int(Int64(discarded.count))])
        }
        routes.page("/dead-letters", .deadLettersManage) { request, call in
            let query = RequestInput.query(of: request)
            var fields: [String: String] = [:]
            for key in DeadLettersPage.fields + ["before", "notice"] {
                if let value = query[key], !value.isEmpty { fields[key] = value }
            }
            do {
                let filter = try Self.filter { fields[$0] }
                let letters = try await list(filter)
                let counts = (try? await deadLetters.countPending()) ?? [:]
                return HTMLPage.response(.ok, DeadLettersPage.render(call.principal, fields: fields, letters: letters, limit: filter.limit,
                                                                     pendingBySink: counts, error: nil))
            } catch let refusal as Refusal {
                return HTMLPage.response(refusal.response.status, DeadLettersPage.render(
                    call.principal, fields: fields, letters: [], limit: 0, pendingBySink: [:], error: refusal.message ?? "cannot list"))
            }
        }
    }

    private func list(_ filter: DeadLetterFilter) async throws -> [DeadLetter] {
        do {
            return try await deadLetters.list(filter)
        } catch {
            throw Refusal.json(.serviceUnavailable, "database_unavailable", "cannot read dead letters: \(error)")
        }
    }

    /// The filters from query parameters or form fields, by name.
    static func filter(_ value: (String) -> String?) throws -> DeadLetterFilter {
        func text(_ key: String) -> String? { value(key).flatMap { $0.isEmpty ? nil : $0 } }
        var filter = DeadLetterFilter(sink: text("sink"), service: text("service"), reason: text("reason_contains"),
                                      since: try TimeParameter.parse(text("since"), key: "since"),
                                      until: try TimeParameter.parse(text("until"), key: "until"))
        if let state = text("state") {
            guard let parsed = DeadLetterFilter.State(rawValue: state) else {
                throw Refusal.json(.badRequest, "invalid_state",
                                   "'state' must be one of \(DeadLetterFilter.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.state = parsed
        }
        if let before = text("before") {
            guard let id = Int64(before) else { throw Refusal.json(.badRequest, "invalid_before", "'before' must be a dead-letter id") }
            filter.beforeID = id
        }
        if let limit = text("limit") {
            guard let n = Int(limit), (1...DeadLetterFilter.maximumLimit).contains(n) else {
                throw Refusal.json(.badRequest, "invalid_limit", "'limit' must be 1...\(DeadLetterFilter.maximumLimit)")
            }
            filter.limit = n
        }
        return filter
    }

    /// What a replay or discard acts on: the ids given, or every pending letter the filters select
    /// (`all_matching`, or the older `{"sink": …}`); nothing given is refused.
    static func selection(_ input: RequestInput) throws -> (ids: [Int64]?, filter: DeadLetterFilter) {
        let filter = try Self.filter { input.string($0) }
        var ids: [Int64]?
        if input.isForm {
            ids = try input.strings("ids").map { texts in
                try texts.map { text in
                    guard let id = Int64(text) else { throw Refusal.json(.badRequest, "invalid_ids", "'ids' must contain dead-letter ids") }
                    return id
                }
            }
        } else if let value = input.object["ids"] {
            guard case .array(let list) = value else {
                throw Refusal.json(.badRequest, "invalid_ids", "'ids' must be an array of dead-letter ids")
            }
            ids = try list.map { item in
                guard case .int(let id) = item else { throw Refusal.json(.badRequest, "invalid_ids", "'ids' must contain integers only") }
                return id
            }
        }
        let allMatching = input.string("all_matching").map { ["1", "true", "on"].contains($0) } ?? (input.object["all_matching"] == .bool(true))
        if let ids, !ids.isEmpty { return (ids, filter) }
        if allMatching || filter.sink != nil { return (nil, filter) }
        throw Refusal.json(.badRequest, "missing_selection",
                           "name what to act on: {\"ids\": [...]} or {\"all_matching\": true} with filters (sink, service, reason_contains, since, until)")
    }

    /// After a form post: back to the page with the same filters and a one-line notice.
    static func backToPage(_ call: StaffCall, notice: String) -> Response {
        var fields: [String: String] = ["notice": notice]
        for key in DeadLettersPage.fields { if let value = call.input.string(key), !value.isEmpty { fields[key] = value } }
        return Response(status: .seeOther, headers: [.location: "/dead-letters?" + DeadLettersPage.encode(fields)])
    }
}

extension DeadLetter {
    var json: JSONValue {
        var object: JSONObject = [
            "id": .int(id), "sink": .string(sink), "event_id": .string(eventID), "reason": .string(reason),
            "attempts": .int(Int64(attempts)), "created_at": .string(createdAt), "replay_count": .int(Int64(replayCount)),
        ]
        object["service"] = service.map(JSONValue.string) ?? .null
        object["replayed_at"] = replayedAt.map(JSONValue.string) ?? .null
        object["discarded_at"] = discardedAt.map(JSONValue.string) ?? .null
        object["discarded_by"] = discardedBy.map(JSONValue.string) ?? .null
        object["discard_reason"] = discardReason.map(JSONValue.string) ?? .null
        object["event"] = (try? JSONParser.parse(Array(eventJSON.utf8))) ?? .string(eventJSON)
        return .object(object)
    }
}
