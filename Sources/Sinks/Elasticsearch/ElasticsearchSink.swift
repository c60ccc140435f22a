import ClientElasticsearch
import ClientHTTP
import Foundation
import LogModel
import Logging
import Sinks
import Synchronization

/// Stores events in Elasticsearch (7.8+, 8, 9) or OpenSearch, one daily index per UTC day.
///
/// Guarantees:
/// - Idempotent: each event is written with `create` and `_id` = event id into the index chosen by its
///   timestamp, so a repeat answers 409 and is reported `.alreadyStored`, never stored twice.
/// - One outcome per event, in order, classified by status as protocols.md 3.1 prescribes: 200/201
///   stored, 409 already stored, 429/5xx/404 retry (that item only), other 4xx rejected with the server's
///   reason. Whole-request 429/5xx and network failures retry every item, with the server's `Retry-After`;
///   401/403 are a `.configuration` request failure (the worker shows `misconfigured`); 413 splits the batch.
/// - Never deletes anything but exact daily index names older than `retentionDays`.
/// - Never logs credentials.
public final class ElasticsearchSink: Sink {
    public static let sinkName = "elasticsearch"
    public var name: String { Self.sinkName }

    public let configuration: ElasticsearchSinkConfiguration
    private let transport: ElasticsearchTransport
    private let logger: Logger
    private let detected = Mutex<ElasticsearchDistribution?>(nil)

    /// `client` is shared with the rest of the process; the sink does not shut it down.
    public convenience init(configuration: ElasticsearchSinkConfiguration, client: HTTPClient,
                            logger: Logger = Logger(label: "datamp.sink.elasticsearch")) {
        self.init(configuration: configuration, transport: ElasticsearchTransport(client: client, connection: configuration.connection),
                  logger: logger)
    }

    /// Writes through the hub's shared transport (also lent to search).
    public init(configuration: ElasticsearchSinkConfiguration, transport: ElasticsearchTransport,
                logger: Logger = Logger(label: "datamp.sink.elasticsearch")) {
        self.configuration = configuration
        self.transport = transport
        var logger = logger
        logger[metadataKey: "sink.name"] = "\(Self.sinkName)"
        self.logger = logger
    }

    /// What `prepare()` found at `GET /`; nil before it succeeded.
    public var distribution: ElasticsearchDistribution? { detected.withLock { $0 } }

    /// The index an event with this timestamp goes to (`<prefix>-YYYY.MM.DD`, UTC).
    public func indexName(forTimestampMillis millis: Int64) -> String {
        DailyIndex.name(prefix: configuration.indexPrefix, timestampMillis: millis)
    }

    // MARK: - Prepare

    /// Detects the server (`GET /`) and installs the index template `<prefix>` for `<prefix>-*`.
    public func prepare() async throws(SinkError) {
        try configuration.validate()
        let root = try await request(.get, "/", what: "GET /")
        let distribution: ElasticsearchDistribution
        do {
            distribution = try ElasticsearchDistribution.detect(rootResponse: root.body)
        } catch {
            switch error {
            case .notASearchServer(let why):
                throw fail("\(configuration.urls.map(HTTPRequest.withoutCredentials)) does not look like Elasticsearch or OpenSearch: \(why)")
            case .unsupported(let why):
                throw fail(why, kind: .configuration)
            }
        }
        detected.withLock { $0 = distribution }

        let template = IndexTemplate.body(prefix: configuration.indexPrefix, distribution: distribution,
                                          shards: configuration.numberOfShards, replicas: configuration.numberOfReplicas)
        _ = try await request(.put, "/_index_template/\(configuration.indexPrefix)", body: template,
                              contentType: "application/json", what: "installing the index template \(configuration.indexPrefix)")
        logger.info("Elasticsearch sink ready", metadata: [
            "elasticsearch.distribution": "\(distribution)",
            "elasticsearch.index_template": "\(configuration.indexPrefix)",
        ])
    }

    // MARK: - Probe

    /// `GET /_cluster/health` with a 3 s timeout: `red` (a primary shard unassigned) is degraded.
    public func probe() async throws(SinkError) -> SinkProbe {
        let response = try await request(.get, "/_cluster/health", timeout: .seconds(3), what: "GET /_cluster/health")
        guard case .object(let health)? = try? JSONParser.parse(response.body), case .string(let status)? = health["status"] else {
            return .healthy
        }
        return status == "red" ? .degraded(reason: "the cluster's health is red: some primary shards are not assigned") : .healthy
    }

    // MARK: - Deliver

    public func deliver(_ events: [SpooledEvent]) async -> DeliveryReport {
        // Nearly every batch can be sent whole: then without a copy of it (an array of 1,000 events,
        // four references each to retain and release, was 3 % of a drain's CPU).
        guard events.contains(where: { BulkRequestBody.problem(with: $0) != nil }) else { return await sendBulk(events) }
        var outcomes = [ItemOutcome?](repeating: nil, count: events.count)
        var positions: [Int] = []
        for (position, event) in events.enumerated() {
            if let problem = BulkRequestBody.problem(with: event) {
                outcomes[position] = .reject(reason: problem)
            } else {
                positions.append(position)
            }
        }
        let sent = await sendBulk(positions.map { events[$0] })
        for (offset, position) in positions.enumerated() {
            outcomes[position] = sent.items[offset]
        }
        return DeliveryReport(items: outcomes.map { $0 ?? .retry(reason: "no outcome recorded") },
                              retryAfterSeconds: sent.retryAfterSeconds, requestFailure: sent.requestFailure)
    }

    /// One `_bulk` request for `events` (or two halves, recursively, when the server answers 413).
    private func sendBulk(_ events: [SpooledEvent]) async -> DeliveryReport {
        guard !events.isEmpty else { return DeliveryReport(items: []) }
        let body = BulkRequestBody.encode(events, indexPrefix: configuration.indexPrefix)
        let path = configuration.refreshAfterWrite ? "/_bulk?refresh=wait_for" : "/_bulk"
        let response: HTTPResponse
        do {
            response = try await transport.execute(.post, path, body: body, contentType: "application/x-ndjson")
        } catch {
            logger.warning("Elasticsearch bulk request failed", metadata: ["error": "\(error)"])
            return .retryAll(events.count, reason: "Elasticsearch could not be reached: \(error)")
        }

        let retryAfter = RetryAfter.seconds(response.headers["Retry-After"])
        switch response.status {
        case 200:
            guard let bulk = BulkResponse.parse(response.body) else {
                return .retryAll(events.count, reason: "the answer to POST /_bulk is not an Elasticsearch bulk response: \(Self.snippet(response.body))")
            }
            guard bulk.items.count == events.count else {
                return .retryAll(events.count, reason: "Elasticsearch answered \(bulk.items.count) bulk items for \(events.count) documents")
            }
            let items = bulk.items.map { BulkItemOutcome.classify($0, indexPrefix: configuration.indexPrefix) }
            return DeliveryReport(items: items)
        case 413 where events.count > 1:
            // Over http.max_content_length: halves are sent one after the other (protocols.md 3.1).
            let middle = events.count / 2
            let first = await sendBulk(Array(events[..<middle]))
            let second = await sendBulk(Array(events[middle...]))
            let hints = [first.retryAfterSeconds, second.retryAfterSeconds].compactMap { $0 }
            // A half the store answered item by item means the request as a whole did not fail.
            let failure: SinkErrorKind? = [first.requestFailure, second.requestFailure].contains(.configuration) ? .configuration
                : first.requestFailure == nil || second.requestFailure == nil ? nil : .transient
            return DeliveryReport(items: first.items + second.items, retryAfterSeconds: hints.max(), requestFailure: failure)
        case 413:
            return DeliveryReport(items: [.reject(reason: "the document (\(body.count) bytes with its action line) is larger than "
                + "Elasticsearch accepts in one request (http.max_content_length)")])
        case 401, 403:
            let reason = "Elasticsearch refused the credentials (HTTP \(response.status)): check elasticsearch.username/password or "
                + "elasticsearch.apiKey and the user's index privileges on \(configuration.indexPrefix)-* — \(Self.errorSummary(response))"
            logger.error("Elasticsearch refused the credentials; an operator must fix them", metadata: ["http.status": "\(response.status)"])
            return .retryAll(events.count, reason: reason, retryAfterSeconds: retryAfter, kind: .configuration)
        case 429, 500...:
            logger.warning("Elasticsearch refused a bulk request", metadata: ["http.status": "\(response.status)"])
            return .retryAll(events.count, reason: "Elasticsearch answered HTTP \(response.status) to the bulk request: \(Self.errorSummary(response))",
                             retryAfterSeconds: retryAfter)
        default:
            logger.error("Unexpected answer to a bulk request", metadata: ["http.status": "\(response.status)"])
            return .retryAll(events.count, reason: "unexpected HTTP \(response.status) to POST /_bulk (is the URL an Elasticsearch node?): "
                + Self.errorSummary(response), retryAfterSeconds: retryAfter)
        }
    }

    // MARK: - Retention

    /// Deletes the daily indices (exact names, never a wildcard) whose whole day is more than
    /// `retentionDays` before `now`, and returns their names. Does nothing when `retentionDays` is nil.
    public func enforceRetention(now: Date = Date()) async throws(SinkError) -> [String] {
        guard let retentionDays = configuration.retentionDays else { return [] }
        let prefix = configuration.indexPrefix
        let listing = try await request(.get, "/_cat/indices/\(prefix)-*?format=json&h=index", what: "listing indices \(prefix)-*")
        struct Row: Decodable { var index: String? }
        guard let rows = try? JSONDecoder().decode([Row].self, from: Data(listing.body)) else {
            throw fail("GET /_cat/indices did not return a JSON list: \(Self.snippet(listing.body))")
        }
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let doomed = RetentionPlan.indicesToDelete(rows.compactMap(\.index), prefix: prefix, retentionDays: retentionDays, nowMillis: nowMillis)

        var deleted: [String] = []
        var failures: [String] = []
        for index in doomed {
            do {
                let response = try await transport.execute(.delete, "/\(index)")
                if response.isSuccess {
                    deleted.append(index)
                } else if response.status != 404 {  // 404: already gone
                    failures.append("\(index): HTTP \(response.status) \(Self.errorSummary(response))")
                }
            } catch {
                failures.append("\(index): \(error)")
            }
        }
        if !deleted.isEmpty {
            logger.info("Deleted old indices", metadata: ["elasticsearch.indices": "\(deleted.joined(separator: ","))"])
        }
        guard failures.isEmpty else {
            throw fail("retention deleted \(deleted.count) of \(doomed.count) old indices; failed: \(failures.joined(separator: "; "))")
        }
        return deleted
    }

    // MARK: - Helpers

    /// A request whose non-2xx answer becomes a `SinkError` naming `what` failed.
    private func request(_ method: HTTPMethod, _ path: String, body: [UInt8] = [], contentType: String? = nil,
                         timeout: Duration? = nil, what: String) async throws(SinkError) -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await transport.execute(method, path, body: body, contentType: contentType, timeout: timeout)
        } catch {
            throw fail("\(what) failed: \(error)")
        }
        switch response.status {
        case 200..<300:
            return response
        case 401, 403:
            throw fail("\(what): Elasticsearch refused the credentials (HTTP \(response.status)); check elasticsearch.username/password "
                + "or elasticsearch.apiKey and the user's privileges — \(Self.errorSummary(response))", kind: .configuration)
        default:
            throw fail("\(what): HTTP \(response.status) \(Self.errorSummary(response))",
                       kind: response.status == 429 || response.status >= 500 ? .transient : .configuration)
        }
    }

    private func fail(_ message: String, kind: SinkErrorKind = .transient) -> SinkError {
        SinkError(sink: Self.sinkName, message: message, kind: kind)
    }

    private static func errorSummary(_ response: HTTPResponse) -> String {
        ElasticsearchErrorCause.fromResponseBody(response.body)?.summary ?? snippet(response.body)
    }

    /// The start of a body for an error message (a proxy's HTML page can be long).
    static func snippet(_ body: [UInt8]) -> String {
        if body.isEmpty { return "(empty body)" }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return body.count > 300 ? text + "…" : text
    }
}
