import LogModel
import Search

/// The time range of a request, resolved once (microseconds since the epoch, both ends inclusive).
struct TimeRange: Sendable {
    var fromMicros: Int64
    var toMicros: Int64

    /// Everything: for looking an event up by id and for its neighbours.
    static let all = TimeRange(fromMicros: 0, toMicros: Timestamp.maximumMicros)
}

/// One page of a search.
struct SearchRequestSpec: Sendable {
    var query: QueryNode
    var range: TimeRange
    var size: Int
    var cursor: SearchCursor?
    var ascending: Bool
    /// When false the backend skips the total (neighbours, exports).
    var wantsTotal: Bool = true
    /// "now" for relative times inside the query.
    var nowMicros: Int64
}

struct ResultPage: Sendable {
    var hits: [JSONValue]
    var total: Int
    /// False when counting stopped at `SearchLimits.trackTotalHits` ("relation": "gte").
    var totalIsExact: Bool
    var nextCursor: SearchCursor?
}

struct FacetResult: Sendable {
    var field: String
    var values: [(value: String, count: Int)]
    var missing: Int
}

/// Counts per bucket start (microseconds), per level.
typealias HistogramCounts = [Int64: [String: Int]]

enum SearchLimits {
    /// Totals are exact up to this many hits (Elasticsearch's default `track_total_hits`), "gte" above.
    static let trackTotalHits = 10_000
}

/// A store that answers searches: Elasticsearch/OpenSearch (primary) or MongoDB (fallback).
protocol SearchBackend: Sendable {
    var name: String { get }
    func search(_ request: SearchRequestSpec) async throws -> ResultPage
    func histogram(query: QueryNode, range: TimeRange, interval: HistogramInterval, nowMicros: Int64) async throws -> HistogramCounts
    func facets(query: QueryNode, range: TimeRange, fields: [String], size: Int, nowMicros: Int64) async throws -> [FacetResult]
    func event(id: String) async throws -> JSONValue?
}

/// A store could not answer (unreachable, or an error reply): the API says 503 or falls back.
struct BackendError: Error, CustomStringConvertible {
    var backend: String
    var message: String
    /// True when the store could not be reached at all, so the other store may answer instead.
    var unreachable: Bool
    var description: String { "\(backend): \(message)" }
}

extension JSONValue {
    /// `@timestamp` in milliseconds and `event.id` of a stored document (the paging key).
    var sortKey: (millis: Int64, id: String)? {
        guard let ts = self["@timestamp"]?.stringValue, let micros = Timestamp.parse(ts),
              let id = self["event"]?["id"]?.stringValue else { return nil }
        return (micros >= 0 ? micros / 1000 : (micros - 999) / 1000, id)
    }
}
