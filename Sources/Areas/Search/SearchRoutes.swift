import Foundation
import HubKit
import Hummingbird
import Identity
import LogModel
import Search

/// `GET /api/v1/logs/search`, `/histogram`, `/facets`, `/{event_id}`, `/{event_id}/context`, for
/// staff with `logs.read` (session or personal token).
struct SearchRoutes {
    let backends: SearchBackends
    let accessLog: SearchAccessLog

    func register(on routes: HubRoutes) {
        routes.staff(.get, "/api/v1/logs/search", .logsRead) { request, call in try await search(SearchParameters(request), call) }
        routes.staff(.get, "/api/v1/logs/histogram", .logsRead) { request, _ in try await histogram(SearchParameters(request)) }
        routes.staff(.get, "/api/v1/logs/facets", .logsRead) { request, _ in try await facets(SearchParameters(request)) }
        routes.page("/search", .logsRead) { request, call in
            HTMLPage.response(.ok, SearchPage.render(call.principal, parameters: SearchParameters(request).parameters))
        }
        routes.open(.get, "/assets/search.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: .init(string: SearchScript.javascript)))
        }
        routes.open(.get, "/assets/search.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: .init(string: SearchStyle.css)))
        }
        routes.staff(.get, "/api/v1/logs/access-log", .auditRead) { request, _ in
            let p = SearchParameters(request)
            let limit = try p.int("limit", default: 100, range: 1...1000)
            let user = try p.int("user_id", default: 0, range: 0...Int.max)
            let entries = try await accessLog.list(limit: limit, userID: user == 0 ? nil : Int64(user))
            return JSONResponse.make(.ok, ["entries": .array(entries)])
        }
        routes.staff(.get, "/api/v1/logs/{event_id}", .logsRead) { request, call in
            try await event(id: try Self.eventID(call), SearchParameters(request), call)
        }
        routes.staff(.get, "/api/v1/logs/{event_id}/context", .logsRead) { request, call in
            try await context(id: try Self.eventID(call), SearchParameters(request), call)
        }
    }

    func search(_ p: SearchParameters, _ call: StaffCall) async throws -> Response {
        let started = ContinuousClock.now
        let spec = SearchRequestSpec(query: try p.query(), range: try p.range(), size: try p.int("size", default: 100, range: 1...1000),
                                     cursor: try p.cursor(), ascending: try p.ascending(), nowMicros: p.nowMicros)
        let (page, backend) = try await backends.run(only: try p.backend()) { try await $0.search(spec) }
        try await audit(.init(action: "search", query: p.queryText, range: spec.range, hits: page.hits.count, backend: backend), call)
        let body: JSONValue = [
            "hits": .array(page.hits),
            "total": ["value": .int(Int64(page.total)), "relation": page.totalIsExact ? "eq" : "gte"],
            "next_cursor": page.nextCursor.map { .string($0.encoded) } ?? .null,
            "took_ms": .int(Self.millis(since: started)),
            "backend": .string(backend),
        ]
        return JSONResponse.make(.ok, body)
    }

    func histogram(_ p: SearchParameters) async throws -> Response {
        let started = ContinuousClock.now
        let query = try p.query(), range = try p.range()
        let wanted = try p.int("buckets", default: 60, range: 1...1000)
        let interval = HistogramInterval.choose(spanMicros: range.toMicros - range.fromMicros, buckets: wanted)
        // Even at 1 d per bucket a range of decades would be a huge answer: refuse it.
        guard (range.toMicros - range.fromMicros) / (interval.seconds * 1_000_000) < 5000 else {
            throw Refusal.json(.badRequest, "invalid_range", "the histogram covers at most 5000 buckets of one day; narrow 'from'/'to'")
        }
        let (counts, backend) = try await backends.run(only: try p.backend()) {
            try await $0.histogram(query: query, range: range, interval: interval, nowMicros: p.nowMicros)
        }
        let buckets: [JSONValue] = interval.bucketStarts(fromMicros: range.fromMicros, toMicros: range.toMicros).map { start in
            let levels = counts[start] ?? [:]
            var levelObject = JSONObject()
            for level in Level.allCases { if let n = levels[level.name] { levelObject.append(level.name, .int(Int64(n))) } }
            return ["start": .string(Timestamp.format(micros: start)), "count": .int(Int64(levels.values.reduce(0, +))), "levels": .object(levelObject)]
        }
        return JSONResponse.make(.ok, [
            "interval": .string(interval.name), "buckets": .array(buckets), "took_ms": .int(Self.millis(since: started)), "backend": .string(backend),
        ])
    }

    func facets(_ p: SearchParameters) async throws -> Response {
        let started = ContinuousClock.now
        let query = try p.query(), range = try p.range()
        let size = try p.int("size", default: 10, range: 1...100)
        let names = (p.parameters["fields"].flatMap { $0.isEmpty ? nil : $0 } ?? "service.name,log.level").split(separator: ",").map(String.init)
        guard names.count <= 10 else { throw Refusal.json(.badRequest, "invalid_fields", "at most 10 fields per request") }
        let fields = try names.map { name -> String in
            let field = FieldCatalog.resolve(name.trimmingCharacters(in: .whitespaces))
            switch FieldCatalog.kind(of: field) {
            case .text, .date, .attribute:
                throw Refusal.json(.badRequest, "invalid_fields", "'\(name)' cannot be counted by value (text, dates and attributes are not facets)")
            default: return field
            }
        }
        let (results, backend) = try await backends.run(only: try p.backend()) {
            try await $0.facets(query: query, range: range, fields: fields, size: size, nowMicros: p.nowMicros)
        }
        let facets: [JSONValue] = results.map { result in
            ["field": .string(result.field),
             "values": .array(result.values.map { ["value": .string($0.value), "count": .int(Int64($0.count))] }),
             "missing": .int(Int64(result.missing))]
        }
        return JSONResponse.make(.ok, ["facets": .array(facets), "took_ms": .int(Self.millis(since: started)), "backend": .string(backend)])
    }

    func event(id: String, _ p: SearchParameters, _ call: StaffCall) async throws -> Response {
        let (found, backend) = try await backends.run(only: try p.backend()) { try await $0.event(id: id) }
        guard let found else { throw Refusal.json(.notFound, "unknown_event", "no event with id '\(id)'") }
        try await audit(.init(action: "event", query: "id:\(id)", range: nil, hits: 1, backend: backend), call)
        return JSONResponse.make(.ok, found)
    }

    /// The neighbours of one event in time order: `before` older ones, the event, `after` newer
    /// ones, optionally only those of the same service, host or trace.
    func context(id: String, _ p: SearchParameters, _ call: StaffCall) async throws -> Response {
        let before = try p.int("before", default: 50, range: 0...500), after = try p.int("after", default: 50, range: 0...500)
        let by = p.parameters["by"] ?? ""
        let field: String?
        switch by {
        case "": field = nil
        case "service": field = "service.name"
        case "host": field = "host.name"
        case "trace": field = "trace.id"
        default: throw Refusal.json(.badRequest, "invalid_by", "'by' is service, host or trace")
        }
        let (result, backend) = try await backends.run(only: try p.backend()) { backend -> [JSONValue]? in
            guard let anchor = try await backend.event(id: id), let key = anchor.sortKey else { return nil }
            var query = QueryNode.matchAll
            if let field {
                let value = field.split(separator: ".").reduce(Optional(anchor)) { $0?[String($1)] }?.stringValue
                query = value.map { .field(field, .equals($0)) } ?? .not(.exists(field))
            }
            let cursor = SearchCursor(timestampMillis: key.millis, eventID: key.id)
            let older = before == 0 ? [] : try await backend.search(SearchRequestSpec(
                query: query, range: .all, size: before, cursor: cursor, ascending: false, wantsTotal: false, nowMicros: p.nowMicros)).hits
            let newer = after == 0 ? [] : try await backend.search(SearchRequestSpec(
                query: query, range: .all, size: after, cursor: cursor, ascending: true, wantsTotal: false, nowMicros: p.nowMicros)).hits
            return older.reversed() + [anchor] + newer
        }
        guard let events = result else { throw Refusal.json(.notFound, "unknown_event", "no event with id '\(id)'") }
        try await audit(.init(action: "context", query: "id:\(id)" + (by.isEmpty ? "" : " by:\(by)"), range: nil, hits: events.count, backend: backend), call)
        let anchorIndex = events.firstIndex { $0.sortKey?.id == id } ?? 0
        return JSONResponse.make(.ok, [
            "event_id": .string(id), "anchor_index": .int(Int64(anchorIndex)), "events": .array(events), "backend": .string(backend),
        ])
    }

    /// Event ids are at most 64 of `[A-Za-z0-9_-]` (ingest contract); anything else is unknown.
    static func eventID(_ call: StaffCall) throws -> String {
        let id = call.context.parameters.get("event_id") ?? ""
        guard (1...64).contains(id.utf8.count), id.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
        else { throw Refusal.json(.notFound, "unknown_event", "no event with id '\(id.prefix(80))'") }
        return id
    }

    func audit(_ entry: SearchAccessLog.Entry, _ call: StaffCall) async throws {
        do {
            try await accessLog.record(entry, by: call.principal)
        } catch {
            throw Refusal.json(.serviceUnavailable, "access_log_unavailable", "the search access log cannot be written, so no data is shown: \(error)")
        }
    }

    static func millis(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}
