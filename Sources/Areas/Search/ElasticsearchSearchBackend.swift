import ClientElasticsearch
import ClientHTTP
import LogModel
import Search

/// Searches the daily indices through the shared transport. Filters only (no scoring), sorted on
/// (`@timestamp`, `event.id`) with `search_after`; each request names just the indices its time range
/// touches, with `ignore_unavailable` so a day without events is no error.
struct ElasticsearchSearchBackend: SearchBackend {
    let transport: ElasticsearchTransport
    let indexPrefix: String
    let pointInTime: PointInTime
    var name: String { "elasticsearch" }

    init(transport: ElasticsearchTransport, indexPrefix: String) {
        self.transport = transport
        self.indexPrefix = indexPrefix
        pointInTime = PointInTime(transport: transport)
    }

    func search(_ request: SearchRequestSpec) async throws -> ResultPage {
        let compiler = ElasticsearchQueryCompiler(nowMicros: request.nowMicros)
        let order: JSONValue = request.ascending ? "asc" : "desc"
        var body: JSONObject = [
            "size": .int(Int64(request.size + 1)),
            "query": filtered(compiler.compile(request.query), request.range),
            "sort": [["@timestamp": ["order": order]], ["event.id": ["order": order]]],
            "track_total_hits": request.wantsTotal ? .int(Int64(SearchLimits.trackTotalHits)) : false,
        ]
        if let cursor = request.cursor { body["search_after"] = [.int(cursor.timestampMillis), .string(cursor.eventID)] }
        var pit = request.cursor?.pointInTime
        var reply: JSONValue
        if let id = pit {
            // Later pages read the snapshot the first page opened, so the walk cannot shift under
            // them; an expired snapshot falls back to reading the live indices.
            var withPIT = body
            withPIT["pit"] = ["id": .string(id), "keep_alive": .string(PointInTime.keepAlive)]
            if let answer = try? await post(nil, body: .object(withPIT)) {
                reply = answer
                pit = answer["pit_id"]?.stringValue ?? id
            } else {
                reply = try await post(indices(request.range), body: .object(body))
                pit = nil
            }
        } else {
            reply = try await post(indices(request.range), body: .object(body))
        }
        let rawHits = reply["hits"]?["hits"]?.arrayValue ?? []
        var hits = rawHits.compactMap { $0["_source"] }
        var next: SearchCursor?
        if hits.count > request.size {
            hits.removeLast(hits.count - request.size)
            // A walk past the first page opens a point in time, where the server has one.
            if pit == nil, request.cursor == nil, request.wantsTotal { pit = await pointInTime.open(indices(request.range)) }
            if let key = hits.last?.sortKey { next = SearchCursor(timestampMillis: key.millis, eventID: key.id, pointInTime: pit) }
        }
        let total = reply["hits"]?["total"]
        return ResultPage(hits: hits, total: Int(total?["value"]?.intValue ?? 0),
                          totalIsExact: total?["relation"]?.stringValue != "gte", nextCursor: next)
    }

    func histogram(query: QueryNode, range: TimeRange, interval: HistogramInterval, nowMicros: Int64) async throws -> HistogramCounts {
        let body: JSONValue = [
            "size": 0, "track_total_hits": false,
            "query": filtered(ElasticsearchQueryCompiler(nowMicros: nowMicros).compile(query), range),
            "aggs": ["over_time": [
                "date_histogram": ["field": "@timestamp", "fixed_interval": .string(interval.name), "min_doc_count": 1],
                "aggs": ["levels": ["terms": ["field": "log.level", "size": .int(Int64(Level.allCases.count + 1))]]],
            ]],
        ]
        let reply = try await post(indices(range), body: body)
        var counts: HistogramCounts = [:]
        for bucket in reply["aggregations"]?["over_time"]?["buckets"]?.arrayValue ?? [] {
            guard let keyMillis = bucket["key"]?.intValue else { continue }
            var levels: [String: Int] = [:]
            for level in bucket["levels"]?["buckets"]?.arrayValue ?? [] {
                if let name = level["key"]?.stringValue { levels[name] = Int(level["doc_count"]?.intValue ?? 0) }
            }
            counts[keyMillis * 1000] = levels
        }
        return counts
    }

    func facets(query: QueryNode, range: TimeRange, fields: [String], size: Int, nowMicros: Int64) async throws -> [FacetResult] {
        var aggs = JSONObject()
        for (i, field) in fields.enumerated() {
            aggs.append("top\(i)", ["terms": ["field": .string(field), "size": .int(Int64(size))]])
            aggs.append("missing\(i)", ["missing": ["field": .string(field)]])
        }
        let body: JSONValue = [
            "size": 0, "track_total_hits": false,
            "query": filtered(ElasticsearchQueryCompiler(nowMicros: nowMicros).compile(query), range),
            "aggs": .object(aggs),
        ]
        let reply = try await post(indices(range), body: body)
        return fields.enumerated().map { i, field in
            let buckets = reply["aggregations"]?["top\(i)"]?["buckets"]?.arrayValue ?? []
            let values = buckets.map { bucket -> (String, Int) in
                let key = bucket["key_as_string"]?.stringValue ?? bucket["key"].map(Self.text) ?? ""
                return (key, Int(bucket["doc_count"]?.intValue ?? 0))
            }
            let missing = Int(reply["aggregations"]?["missing\(i)"]?["doc_count"]?.intValue ?? 0)
            return FacetResult(field: field, values: values, missing: missing)
        }
    }

    func event(id: String) async throws -> JSONValue? {
        // The id alone does not say which day's index holds it (client ids need not be UUIDv7).
        let body: JSONValue = ["size": 1, "query": ["bool": ["filter": [["term": ["event.id": .string(id)]]]]]]
        let reply = try await post(indexPrefix + "-*", body: body)
        return reply["hits"]?["hits"]?.arrayValue?.first?["_source"]
    }

    // MARK: - Requests

    private func filtered(_ query: JSONValue, _ range: TimeRange) -> JSONValue {
        let time: JSONValue = ["range": ["@timestamp": [
            "gte": .string(Timestamp.format(micros: range.fromMicros)), "lte": .string(Timestamp.format(micros: range.toMicros)),
        ]]]
        return ["bool": ["filter": [query, time]]]
    }

    private func indices(_ range: TimeRange) -> String {
        DailyIndices.names(prefix: indexPrefix, fromMicros: range.fromMicros, toMicros: range.toMicros)
    }

    /// `indices` nil: a point-in-time search (the snapshot names its indices).
    private func post(_ indices: String?, body: JSONValue) async throws -> JSONValue {
        let path = indices.map { "/\($0)/_search?ignore_unavailable=true&allow_no_indices=true" } ?? "/_search"
        let response: HTTPResponse
        do {
            response = try await transport.execute(.post, path, body: body.serialized(), contentType: "application/json")
        } catch {
            throw BackendError(backend: name, message: error.description, unreachable: error.isConnectionFailure || error.isTimeout)
        }
        guard response.isSuccess, let reply = try? JSONParser.parse(response.body, maxDepth: 128) else {
            let reason = (try? JSONParser.parse(response.body))?["error"]?["reason"]?.stringValue ?? String(response.bodyText.prefix(300))
            throw BackendError(backend: name, message: "HTTP \(response.status): \(reason)", unreachable: response.status == 503)
        }
        return reply
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .int(let n): String(n)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        default: value.jsonString
        }
    }
}

extension JSONValue {
    var intValue: Int64? {
        switch self {
        case .int(let n): n
        case .double(let d): Int64(exactly: d.rounded())
        default: nil
        }
    }
}
