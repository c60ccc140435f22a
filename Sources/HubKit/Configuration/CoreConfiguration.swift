import Foundation

/// The settings every area shares: where the hub listens, its data directory, PostgreSQL, the spool
/// and the stores' addresses. Areas read their own sections (`HubModule.readConfiguration`).
public struct CoreConfiguration: Sendable {
    public struct Server: Sendable {
        public var host: String
        public var port: Int
        /// The address people and services use (links in alerts, Secure cookies when https).
        public var publicURL: String
    }
    public struct Spool: Sendable {
        public var segmentBytes: Int
        public var maxBytes: Int
        public var retryAfterSeconds: Int
        /// The nice value of the best-effort readers' threads (alerting, the live tail); 0 = the shared pool.
        public var readersNice: Int
        /// Whether those threads run under SCHED_IDLE (`spool.readers_idle`).
        public var readersIdle: Bool
        /// How the best-effort readers are scheduled against the intake.
        public var readerPriority: ReaderPriority { ReaderPriority(niceness: readersNice, idle: readersIdle) }
    }
    public struct MongoDB: Sendable {
        public var uri: String
        public var database: String
        public var collection: String
        public var retentionDays: Int
        public var isEnabled: Bool { !uri.isEmpty }
    }
    public struct Elasticsearch: Sendable {
        public var urls: [String]
        public var indexPrefix: String
        public var username: String
        public var password: String
        public var apiKey: String
        public var retentionDays: Int
        public var isEnabled: Bool { !urls.isEmpty }
    }

    public var server: Server
    public var environment: String
    public var dataDirectory: String
    public var databaseURL: String
    public var logLevel: String
    /// Whether the hub's own logs also enter its pipeline as service `admin`.
    public var selfIngest: Bool
    public var spool: Spool
    public var mongodb: MongoDB
    public var elasticsearch: Elasticsearch

    /// The spool's directory under `data_dir`.
    public var spoolDirectory: String { dataDirectory + "/spool" }

    /// Reads the shared keys; problems go to `r.fail` and are reported with every other one.
    public static func read(_ r: ConfigurationReader) -> CoreConfiguration {
        let listen = r.string("listen", env: "ADMIN_LISTEN", default: "127.0.0.1:8080", help: "host:port the HTTP server binds")
        var host = "127.0.0.1", port = 8080
        if let colon = listen.lastIndex(of: ":"), let p = Int(listen[listen.index(after: colon)...]), (0...65535).contains(p) {
            host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            port = p
        } else {
            r.fail("listen (ADMIN_LISTEN) = '\(listen)': expected host:port, e.g. 127.0.0.1:8080")
        }
        let publicURL = r.string("public_url", env: "ADMIN_PUBLIC_URL", default: "http://\(listen)", help: "URL people use to reach the hub")
        if !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            r.fail("public_url (ADMIN_PUBLIC_URL) = '\(publicURL)': must start with http:// or https://")
        }
        let environmentName = r.string("environment", env: "ADMIN_ENVIRONMENT", default: "production",
                                       help: "default service.environment of events that name none")
        let dataDirectory = r.string("data_dir", env: "ADMIN_DATA_DIR", default: "./var/data", help: "spool and sink cursors")
        let databaseURL = r.string("database_url", env: "ADMIN_DATABASE_URL", default: "", secret: true,
                                   help: "PostgreSQL conninfo or postgresql:// URL (tokens, dead letters, audit)")
        let logLevel = r.string("log_level", env: "ADMIN_LOG_LEVEL", default: "info", help: "trace, debug, info, notice, warning, error, critical")
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) {
            r.fail("log_level (ADMIN_LOG_LEVEL) = '\(logLevel)': use trace, debug, info, notice, warning, error or critical")
        }
        let selfIngest = r.bool("self_ingest", env: "ADMIN_SELF_INGEST", default: true, help: "ship the hub's own logs as service 'admin'")
        let spool = Spool(
            segmentBytes: r.int("spool.segment_bytes", env: "ADMIN_SPOOL_SEGMENT_BYTES", default: 64 << 20, range: (64 << 10)...(1 << 30),
                                help: "size at which a spool segment file is closed"),
            maxBytes: r.int("spool.max_bytes", env: "ADMIN_SPOOL_MAX_BYTES", default: 2 << 30, range: (1 << 20)...Int.max,
                            help: "spool bound; above it ingest answers 503 + Retry-After"),
            retryAfterSeconds: r.int("spool.retry_after_seconds", env: "ADMIN_SPOOL_RETRY_AFTER_SECONDS", default: 5, range: 1...3600,
                                     help: "Retry-After sent with 503 when the spool is full"),
            readersNice: r.int("spool.readers_nice", env: "ADMIN_SPOOL_READERS_NICE", default: 10, range: 0...19,
                               help: "nice value of the best-effort readers' threads (alerting, live tail): the intake gets the CPU first; 0 = same as the intake"),
            readersIdle: r.bool("spool.readers_idle", env: "ADMIN_SPOOL_READERS_IDLE", default: false,
                                help: "run the best-effort readers under SCHED_IDLE: only on a core the intake does not want; they lag and skip sooner under a burst"))
        if spool.readersIdle, spool.readersNice == 0 {
            r.fail("spool.readers_idle (ADMIN_SPOOL_READERS_IDLE) lowers the readers' own threads, and spool.readers_nice (ADMIN_SPOOL_READERS_NICE) = 0 runs them with the intake: set readers_nice to 1–19 or readers_idle to false")
        }
        if spool.maxBytes < 2 * spool.segmentBytes {
            r.fail("spool.max_bytes (ADMIN_SPOOL_MAX_BYTES) = \(spool.maxBytes) must be at least twice spool.segment_bytes (ADMIN_SPOOL_SEGMENT_BYTES) = \(spool.segmentBytes)")
        }
        let mongodb = MongoDB(
            uri: r.string("mongodb.uri", env: "ADMIN_MONGODB_URI", default: "", secret: true, help: "MongoDB URI; empty = sink off"),
            database: r.string("mongodb.database", env: "ADMIN_MONGODB_DATABASE", default: "datamp", help: "archive database"),
            collection: r.string("mongodb.collection", env: "ADMIN_MONGODB_COLLECTION", default: "logs", help: "archive collection"),
            retentionDays: r.int("mongodb.retention_days", env: "ADMIN_MONGODB_RETENTION_DAYS", default: 90, range: 0...36500,
                                 help: "TTL on @timestamp; 0 = keep forever"))
        if !mongodb.uri.isEmpty, !(mongodb.uri.hasPrefix("mongodb://") || mongodb.uri.hasPrefix("mongodb+srv://")) {
            r.fail("mongodb.uri (ADMIN_MONGODB_URI) must start with mongodb:// or mongodb+srv://")
        }
        let elasticsearch = Elasticsearch(
            urls: r.list("elasticsearch.urls", env: "ADMIN_ELASTICSEARCH_URL", default: [], secret: true,
                         help: "comma-separated node URLs; empty = sink off"),
            indexPrefix: r.string("elasticsearch.index_prefix", env: "ADMIN_ELASTICSEARCH_INDEX_PREFIX", default: "datamp-logs",
                                  help: "daily indices are <prefix>-YYYY.MM.DD (UTC)"),
            username: r.string("elasticsearch.username", env: "ADMIN_ELASTICSEARCH_USERNAME", default: "", help: "basic auth user"),
            password: r.string("elasticsearch.password", env: "ADMIN_ELASTICSEARCH_PASSWORD", default: "", secret: true, help: "basic auth password"),
            apiKey: r.string("elasticsearch.api_key", env: "ADMIN_ELASTICSEARCH_API_KEY", default: "", secret: true, help: "ApiKey credentials"),
            retentionDays: r.int("elasticsearch.retention_days", env: "ADMIN_ELASTICSEARCH_RETENTION_DAYS", default: 30, range: 0...36500,
                                 help: "daily indices older than this are deleted; 0 = keep"))
        for url in elasticsearch.urls where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            r.fail("elasticsearch.urls (ADMIN_ELASTICSEARCH_URL): '\(ConfigurationReader.masked(url))' must start with http:// or https://")
        }
        if elasticsearch.username.isEmpty != elasticsearch.password.isEmpty {
            r.fail("elasticsearch.username (ADMIN_ELASTICSEARCH_USERNAME) and elasticsearch.password (ADMIN_ELASTICSEARCH_PASSWORD) must be set together")
        }
        return CoreConfiguration(
            server: Server(host: host, port: port, publicURL: publicURL), environment: environmentName,
            dataDirectory: dataDirectory, databaseURL: databaseURL, logLevel: logLevel, selfIngest: selfIngest,
            spool: spool, mongodb: mongodb, elasticsearch: elasticsearch)
    }

    /// True when people reach the hub over https: session cookies are then `Secure` (and `__Host-` named).
    public var usesSecureCookies: Bool { server.publicURL.lowercased().hasPrefix("https://") }

    /// `scheme://host[:port]` of `public_url`, as browsers send it in `Origin`.
    public var publicOrigin: String { Self.origin(of: server.publicURL) }

    /// `public_url` without a trailing slash, to build links (`<base>/set-password?token=...`).
    public var publicBaseURL: String {
        var url = server.publicURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The origin (`scheme://host[:port]`, lowercased, default ports dropped) of a URL.
    public static func origin(of url: String) -> String {
        let lower = url.lowercased()
        guard let schemeEnd = lower.range(of: "://") else { return lower }
        let scheme = String(lower[..<schemeEnd.lowerBound])
        let rest = lower[schemeEnd.upperBound...]
        var authority = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        if scheme == "http", authority.hasSuffix(":80") { authority.removeLast(3) }
        if scheme == "https", authority.hasSuffix(":443") { authority.removeLast(4) }
        return scheme + "://" + authority
    }
}
