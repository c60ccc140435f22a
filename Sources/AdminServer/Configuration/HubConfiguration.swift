import Foundation

/// The hub's whole configuration, read once at start-up. Each key has a default, a YAML path and
/// an `ADMIN_*` variable; `admin check-config` prints them all with secrets masked.
public struct HubConfiguration: Sendable {
    public struct Server: Sendable {
        public var host: String
        public var port: Int
        /// The address people and services use (links in alerts, Secure cookies when https).
        public var publicURL: String
    }
    public struct Intake: Sendable {
        public var maxBodyBytes: Int
        public var maxEventBytes: Int
        public var tokenCacheSeconds: Int
        /// Events per second per token; 0 = no limit. Over it: 429 + Retry-After.
        public var rateLimitEventsPerSecond: Int
    }
    public struct Spool: Sendable {
        public var segmentBytes: Int
        public var maxBytes: Int
        public var retryAfterSeconds: Int
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
    public struct Delivery: Sendable {
        public var batchMaxEvents: Int
        public var batchMaxBytes: Int
        public var batchMaxWaitMilliseconds: Int
        public var retryInitialMilliseconds: Int
        public var retryMaxMilliseconds: Int
    }

    /// Staff sign-in: password hashing and session lifetimes.
    public struct Auth: Sendable {
        public var bcryptCost: Int
        public var passwordMinimumLength: Int
        public var sessionIdleTimeoutSeconds: Int
        public var sessionAbsoluteTimeoutSeconds: Int
        public var resetLinkLifetimeSeconds: Int
        /// Failed logins per account / per client address before delays start; failures in a row that lock an account (0 = never).
        public var freeAccountFailures: Int
        public var freeAddressFailures: Int
        public var lockoutAfter: Int
    }

    public var server: Server
    public var environment: String
    public var dataDirectory: String
    public var databaseURL: String
    public var logLevel: String
    /// Whether the hub's own logs also enter its pipeline as service `admin`.
    public var selfIngest: Bool
    public var intake: Intake
    public var spool: Spool
    public var mongodb: MongoDB
    public var elasticsearch: Elasticsearch
    public var delivery: Delivery
    public var auth: Auth
    /// Every key with its value and source, for `check-config`.
    public var entries: [ConfigurationReader.Entry]

    /// Loads the file (if any) and the environment, validating every value; reports all problems at once.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> HubConfiguration {
        let r = try ConfigurationReader(filePath: file, environment: environment)
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

        let intake = Intake(
            maxBodyBytes: r.int("intake.max_body_bytes", env: "ADMIN_INTAKE_MAX_BODY_BYTES", default: 10 << 20, range: 1024...(1 << 30),
                                help: "largest request body after decompression (413 above)"),
            maxEventBytes: r.int("intake.max_event_bytes", env: "ADMIN_INTAKE_MAX_EVENT_BYTES", default: 256 << 10, range: 256...(16 << 20),
                                 help: "largest single event (that event is rejected)"),
            tokenCacheSeconds: r.int("intake.token_cache_seconds", env: "ADMIN_INTAKE_TOKEN_CACHE_SECONDS", default: 5, range: 1...3600,
                                     help: "how soon a revoked token stops working on every node"),
            rateLimitEventsPerSecond: r.int("intake.rate_limit_events_per_second", env: "ADMIN_INTAKE_RATE_LIMIT", default: 0,
                                            help: "per-token events/s before 429; 0 = unlimited"))
        let spool = Spool(
            segmentBytes: r.int("spool.segment_bytes", env: "ADMIN_SPOOL_SEGMENT_BYTES", default: 64 << 20, range: (64 << 10)...(1 << 30),
                                help: "size at which a spool segment file is closed"),
            maxBytes: r.int("spool.max_bytes", env: "ADMIN_SPOOL_MAX_BYTES", default: 2 << 30, range: (1 << 20)...Int.max,
                            help: "spool bound; above it ingest answers 503 + Retry-After"),
            retryAfterSeconds: r.int("spool.retry_after_seconds", env: "ADMIN_SPOOL_RETRY_AFTER_SECONDS", default: 5, range: 1...3600,
                                     help: "Retry-After sent with 503 when the spool is full"))
        let mongodb = MongoDB(
            uri: r.string("mongodb.uri", env: "ADMIN_MONGODB_URI", default: "", secret: true, help: "MongoDB URI; empty = sink off"),
            database: r.string("mongodb.database", env: "ADMIN_MONGODB_DATABASE", default: "datamp", help: "archive database"),
            collection: r.string("mongodb.collection", env: "ADMIN_MONGODB_COLLECTION", default: "logs", help: "archive collection"),
            retentionDays: r.int("mongodb.retention_days", env: "ADMIN_MONGODB_RETENTION_DAYS", default: 90, range: 0...36500,
                                 help: "TTL on @timestamp; 0 = keep forever"))
        let elasticsearch = Elasticsearch(
            urls: r.list("elasticsearch.urls", env: "ADMIN_ELASTICSEARCH_URL", default: [], help: "comma-separated node URLs; empty = sink off"),
            indexPrefix: r.string("elasticsearch.index_prefix", env: "ADMIN_ELASTICSEARCH_INDEX_PREFIX", default: "datamp-logs",
                                  help: "daily indices are <prefix>-YYYY.MM.DD (UTC)"),
            username: r.string("elasticsearch.username", env: "ADMIN_ELASTICSEARCH_USERNAME", default: "", help: "basic auth user"),
            password: r.string("elasticsearch.password", env: "ADMIN_ELASTICSEARCH_PASSWORD", default: "", secret: true, help: "basic auth password"),
            apiKey: r.string("elasticsearch.api_key", env: "ADMIN_ELASTICSEARCH_API_KEY", default: "", secret: true, help: "ApiKey credentials"),
            retentionDays: r.int("elasticsearch.retention_days", env: "ADMIN_ELASTICSEARCH_RETENTION_DAYS", default: 30, range: 0...36500,
                                 help: "daily indices older than this are deleted; 0 = keep"))
        let delivery = Delivery(
            batchMaxEvents: r.int("delivery.batch_max_events", env: "ADMIN_DELIVERY_BATCH_MAX_EVENTS", default: 1000, range: 1...50_000,
                                  help: "most events per store request"),
            batchMaxBytes: r.int("delivery.batch_max_bytes", env: "ADMIN_DELIVERY_BATCH_MAX_BYTES", default: 5 << 20, range: 1024...(64 << 20),
                                 help: "most bytes per store request"),
            batchMaxWaitMilliseconds: r.int("delivery.batch_max_wait_ms", env: "ADMIN_DELIVERY_BATCH_MAX_WAIT_MS", default: 500, range: 1...60_000,
                                            help: "wait for a fuller batch at most this long"),
            retryInitialMilliseconds: r.int("delivery.retry_initial_ms", env: "ADMIN_DELIVERY_RETRY_INITIAL_MS", default: 500, range: 1...600_000,
                                            help: "first retry backoff ceiling"),
            retryMaxMilliseconds: r.int("delivery.retry_max_ms", env: "ADMIN_DELIVERY_RETRY_MAX_MS", default: 30_000, range: 1...3_600_000,
                                        help: "backoff cap"))
        let auth = Auth(
            bcryptCost: r.int("auth.bcrypt_cost", env: "ADMIN_AUTH_BCRYPT_COST", default: 12, range: 10...16,
                              help: "bcrypt cost of staff passwords; raising it re-hashes each at its next login"),
            passwordMinimumLength: r.int("auth.password_min_length", env: "ADMIN_AUTH_PASSWORD_MIN_LENGTH", default: 12, range: 8...64,
                                         help: "shortest staff password accepted"),
            sessionIdleTimeoutSeconds: r.int("auth.session_idle_timeout_seconds", env: "ADMIN_AUTH_SESSION_IDLE_TIMEOUT_SECONDS",
                                             default: 1800, range: 1...86_400, help: "a session unused this long ends"),
            sessionAbsoluteTimeoutSeconds: r.int("auth.session_absolute_timeout_seconds", env: "ADMIN_AUTH_SESSION_ABSOLUTE_TIMEOUT_SECONDS",
                                                 default: 43_200, range: 1...(30 * 86_400), help: "a session ends this long after sign-in"),
            resetLinkLifetimeSeconds: r.int("auth.reset_link_lifetime_seconds", env: "ADMIN_AUTH_RESET_LINK_LIFETIME_SECONDS",
                                            default: 86_400, range: 60...(30 * 86_400), help: "how long a set-password link works"),
            freeAccountFailures: r.int("auth.throttle.free_account_failures", env: "ADMIN_AUTH_THROTTLE_FREE_ACCOUNT_FAILURES", default: 5,
                                       range: 1...100, help: "failed logins per account before growing delays start"),
            freeAddressFailures: r.int("auth.throttle.free_address_failures", env: "ADMIN_AUTH_THROTTLE_FREE_ADDRESS_FAILURES", default: 20,
                                       range: 1...10_000, help: "failed logins per client address before growing delays start"),
            lockoutAfter: r.int("auth.throttle.lockout_after", env: "ADMIN_AUTH_THROTTLE_LOCKOUT_AFTER", default: 20, range: 0...1000,
                                help: "failed logins in a row that lock an account until an admin unlocks it; 0 = never"))
        if auth.sessionIdleTimeoutSeconds > auth.sessionAbsoluteTimeoutSeconds {
            r.fail("auth.session_idle_timeout_seconds (\(auth.sessionIdleTimeoutSeconds)) must not exceed auth.session_absolute_timeout_seconds (\(auth.sessionAbsoluteTimeoutSeconds))")
        }
        for url in elasticsearch.urls where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            r.fail("elasticsearch.urls (ADMIN_ELASTICSEARCH_URL): '\(url)' must start with http:// or https://")
        }
        if !mongodb.uri.isEmpty, !(mongodb.uri.hasPrefix("mongodb://") || mongodb.uri.hasPrefix("mongodb+srv://")) {
            r.fail("mongodb.uri (ADMIN_MONGODB_URI) must start with mongodb:// or mongodb+srv://")
        }
        try r.finish()
        return HubConfiguration(
            server: Server(host: host, port: port, publicURL: publicURL), environment: environmentName,
            dataDirectory: dataDirectory, databaseURL: databaseURL, logLevel: logLevel, selfIngest: selfIngest,
            intake: intake, spool: spool, mongodb: mongodb, elasticsearch: elasticsearch, delivery: delivery, auth: auth, entries: r.entries)
    }

    /// `key = value  (source, ENV)` lines with secrets masked, for `admin check-config`.
    public func describe() -> String {
        entries.map { entry in
            let shown = entry.isSecret ? Self.mask(entry.value) : entry.value
            return "\(entry.key) = \(shown)    # \(entry.source.rawValue), \(entry.environmentVariable): \(entry.help)"
        }.joined(separator: "\n")
    }

    /// Hides passwords inside URLs and whole opaque secrets.
    public static func mask(_ value: String) -> String {
        guard !value.isEmpty else { return "" }
        if let scheme = value.range(of: "://"), let at = value[scheme.upperBound...].lastIndex(of: "@") {
            let userInfo = value[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                return String(value[..<value.index(after: colon)]) + "*****" + String(value[at...])
            }
            return value
        }
        if value.contains("password=") {
            return value.replacingOccurrences(of: #"password=\S+"#, with: "password=*****", options: .regularExpression)
        }
        if value.contains("://") { return value }
        return "*****"
    }
}
