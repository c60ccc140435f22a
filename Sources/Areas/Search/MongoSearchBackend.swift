import ClientMongo
import LogModel
import Search

/// Searches the MongoDB archive (the fallback when Elasticsearch is not configured or unreachable).
/// Same order and paging key as Elasticsearch: (`@timestamp`, `_id` = `event.id`), with the
/// `search_after` position written as a filter. Hits are returned without `_id`, so they are the
/// stored document exactly as Elasticsearch returns it.
struct MongoSearchBackend: SearchBackend {
    let pool: MongoClientPool
    let database: String
    let collection: String
    var name: String { "mongodb" }

    func search(_ request: SearchRequestSpec) async throws -> ResultPage {
        let compiler = MongoFilterCompiler(nowMicros: request.nowMicros)
        let base = filter(compiler.compile(request.query), request.range)
        let paged: JSONValue
        if let cursor = request.cursor {
            let op = request.ascending ? "$gt" : "$lt"
            let at: JSONValue = ["$date": .string(Timestamp.format(micros: cursor.timestampMillis * 1000))]
            let after: JSONValue = ["$or": [
                .object(JSONObject([.init("@timestamp", .object(JSONObject([.init(op, at)])))])),
                .object(JSONObject([.init("@timestamp", at), .init("_id", .object(JSONObject([.init(op, .string(cursor.eventID))])))])),
            ]]
            paged = ["$and": [base, after]]
        } else {
            paged = base
        }
        let direction: JSONValue = request.ascending ? 1 : -1
        let documents = try await run { [pool, database, collection] () async throws(MongoError) -> [JSONValue] in
            try await pool.find(database: database, collection: collection, filter: paged,
                                sort: ["@timestamp": direction, "_id": direction], limit: request.size + 1)
        }
        var hits = documents.map(Self.stored)
        var next: SearchCursor?
        if hits.count > request.size {
            hits.removeLast(hits.count - request.size)
            if let key = hits.last?.sortKey { next = SearchCursor(timestampMillis: key.millis, eventID: key.id) }
        }
        var total = 0
        if request.wantsTotal {
            let counted = try await aggregate([["$match": base], ["$limit": .int(Int64(SearchLimits.trackTotalHits + 1))], ["$count": "n"]])
            total = Int(counted.first?["n"]?.intValue ?? 0)
        }
        let exact = total <= SearchLimits.trackTotalHits
        return ResultPage(hits: hits, total: min(total, SearchLimits.trackTotalHits), totalIsExact: exact, nextCursor: next)
    }

    func histogram(query: QueryNode, range: TimeRange, interval: HistogramInterval, nowMicros: Int64) async throws -> HistogramCounts {
        let millis: JSONValue = ["$toLong": "$@timestamp"]
        let width = JSONValue.int(interval.seconds * 1000)
        let rows = try await aggregate([
            ["$match": filter(MongoFilterCompiler(nowMicros: nowMicros).compile(query), range)],
            ["$group": [
                "_id": ["start": ["$subtract": [millis, ["$mod": [millis, width]]]], "level": "$log.level"],
                "n": ["$sum": 1],
            ]],
        ])
        var counts: HistogramCounts = [:]
        for row in rows {
            guard let start = row["_id"]?["start"]?.intValue else { continue }
            let level = row["_id"]?["level"]?.stringValue ?? "info"
            counts[start * 1000, default: [:]][level, default: 0] += Int(row["n"]?.intValue ?? 0)
        }
        return counts
    }

    func facets(query: QueryNode, range: TimeRange, fields: [String], size: Int, nowMicros: Int64) async throws -> [FacetResult] {
        let match = filter(MongoFilterCompiler(nowMicros: nowMicros).compile(query), range)
        var results: [FacetResult] = []
        for field in fields {
            let rows = try await aggregate([
                ["$match": match],
                ["$group": ["_id": .string("$" + field), "n": ["$sum": 1]]],
                ["$facet": [
                    "top": [["$match": ["_id": ["$ne": .null]]], ["$sort": ["n": -1, "_id": 1]], ["$limit": .int(Int64(size))]],
                    "missing": [["$match": ["_id": .null]]],
                ]],
            ])
            let top = rows.first?["top"]?.arrayValue ?? []
            let missing = rows.first?["missing"]?.arrayValue?.first?["n"]?.intValue ?? 0
            results.append(FacetResult(field: field, values: top.map { (ElasticsearchSearchBackend.text($0["_id"] ?? .null), Int($0["n"]?.intValue ?? 0)) },
                                       missing: Int(missing)))
        }
        return results
    }

    func event(id: String) async throws -> JSONValue? {
        let found = try await run { [pool, database, collection] () async throws(MongoError) -> [JSONValue] in
            try await pool.find(database: database, collection: collection, filter: ["_id": .string(id)], limit: 1)
        }
        return found.first.map(Self.stored)
    }

    // MARK: - Helpers

    private func filter(_ query: JSONValue, _ range: TimeRange) -> JSONValue {
        let time: JSONValue = ["@timestamp": [
            "$gte": ["$date": .string(Timestamp.format(micros: range.fromMicros))],
            "$lte": ["$date": .string(Timestamp.format(micros: range.toMicros))],
        ]]
        if case .object(let object) = query, object.isEmpty { return time }
        return ["$and": [query, time]]
    }

    private func aggregate(_ pipeline: [JSONValue]) async throws -> [JSONValue] {
        try await run { [pool, database, collection] () async throws(MongoError) -> [JSONValue] in
            try await pool.aggregate(database: database, collection: collection, pipeline: pipeline)
        }
    }

    private func run<T: Sendable>(_ body: @Sendable () async throws(MongoError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw BackendError(backend: name, message: error.message, unreachable: true)
        }
    }

    /// The stored document without MongoDB's `_id` (it repeats `event.id`).
    static func stored(_ document: JSONValue) -> JSONValue {
        guard case .object(var object) = document else { return document }
        _ = object.removeValue(forKey: "_id")
        return .object(object)
    }
}
