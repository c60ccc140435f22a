import ClientElasticsearch
import ClientHTTP
import Sinks

/// Where and how the Elasticsearch/OpenSearch sink writes.
public struct ElasticsearchSinkConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// Base URLs of the cluster's nodes (`http://es1:9200`, `https://search.example/es`). Requests go
    /// round-robin; a node that refuses connections is skipped for that request.
    public var urls: [String]
    /// Indices are `<indexPrefix>-YYYY.MM.DD` (UTC); the index template is named `<indexPrefix>`.
    public var indexPrefix: String
    /// Basic auth. Set both or neither.
    public var username: String?
    public var password: String?
    /// An API key as Elasticsearch prints it (`encoded`, base64 of `id:key`), sent as `Authorization: ApiKey …`.
    public var apiKey: String?
    /// Daily indices whose whole day is older than this many days are deleted by `enforceRetention`; nil keeps all.
    public var retentionDays: Int?
    /// Per HTTP request, connecting included.
    public var requestTimeout: Duration
    /// Adds `refresh=wait_for` to bulk requests so written documents are searchable at once. Tests only:
    /// it slows ingestion on a real cluster.
    public var refreshAfterWrite: Bool
    /// Primary shards per daily index (one is right for log volumes below ~50 GB a day).
    public var numberOfShards: Int
    /// Replicas per daily index; nil keeps the cluster's default (1; use 0 on a single-node cluster to stay green).
    public var numberOfReplicas: Int?

    public init(
        urls: [String],
        indexPrefix: String = "datamp-logs",
        username: String? = nil,
        password: String? = nil,
        apiKey: String? = nil,
        retentionDays: Int? = nil,
        requestTimeout: Duration = .seconds(30),
        refreshAfterWrite: Bool = false,
        numberOfShards: Int = 1,
        numberOfReplicas: Int? = nil
    ) {
        self.urls = urls
        self.indexPrefix = indexPrefix
        self.username = username
        self.password = password
        self.apiKey = apiKey
        self.retentionDays = retentionDays
        self.requestTimeout = requestTimeout
        self.refreshAfterWrite = refreshAfterWrite
        self.numberOfShards = numberOfShards
        self.numberOfReplicas = numberOfReplicas
    }

    /// Checks every value once at start-up; the error names the key and what is allowed.
    public func validate() throws(SinkError) {
        func invalid(_ message: String) -> SinkError {
            SinkError(sink: ElasticsearchSink.sinkName, message: message, kind: .configuration)
        }
        guard !urls.isEmpty else { throw invalid("elasticsearch.urls is empty: give at least one http(s):// URL") }
        for url in urls {
            let lowered = url.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
                throw invalid("elasticsearch.urls: \"\(HTTPRequest.withoutCredentials(url))\" must start with http:// or https://")
            }
        }
        if let problem = Self.indexPrefixProblem(indexPrefix) {
            throw invalid("elasticsearch.indexPrefix \"\(indexPrefix)\" \(problem)")
        }
        if (username == nil) != (password == nil) {
            throw invalid("elasticsearch.username and elasticsearch.password must be set together")
        }
        if username != nil && apiKey != nil {
            throw invalid("set either elasticsearch.apiKey or elasticsearch.username/password, not both")
        }
        if let days = retentionDays, days < 1 {
            throw invalid("elasticsearch.retentionDays must be at least 1 (or unset to keep every index)")
        }
        guard requestTimeout > .zero else { throw invalid("elasticsearch.requestTimeout must be positive") }
        guard numberOfShards >= 1 else { throw invalid("elasticsearch.numberOfShards must be at least 1") }
        if let replicas = numberOfReplicas, replicas < 0 { throw invalid("elasticsearch.numberOfReplicas must not be negative") }
    }

    /// Index names must be lowercase and free of `\ / * ? " < > | , #` and spaces; the prefix is also used
    /// in URL paths and in a wildcard, so only `[a-z0-9._-]` are allowed here, starting with a letter or digit.
    static func indexPrefixProblem(_ prefix: String) -> String? {
        guard !prefix.isEmpty, prefix.utf8.count <= 200 else { return "must be 1 to 200 characters" }
        let allowed = prefix.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard allowed else { return "may contain only lowercase letters, digits, '-', '_' and '.'" }
        guard let first = prefix.utf8.first, !"-_.".utf8.contains(first) else { return "must start with a letter or digit" }
        return nil
    }

    /// Secrets are masked so the configuration can be logged.
    public var description: String {
        let auth = apiKey != nil ? "apiKey=***" : (username.map { "username=\($0), password=***" } ?? "no auth")
        let retention = retentionDays.map { "\($0) days" } ?? "forever"
        return "Elasticsearch(urls: \(urls.map(HTTPRequest.withoutCredentials)), indexPrefix: \(indexPrefix), \(auth), retention: \(retention))"
    }

    /// The cluster address and credentials, for a transport of the sink's own.
    public var connection: ElasticsearchConnection {
        ElasticsearchConnection(urls: urls, username: username, password: password, apiKey: apiKey, requestTimeout: requestTimeout)
    }
}
