import Foundation
public import HubKit
public import Intake
public import Pipeline
public import Spool

/// The `intake.*` and `delivery.*` keys.
public struct PipelineConfiguration: Sendable {
    public var limits: IngestLimits
    /// Events per second per token; 0 = no limit. Over it: 429 + Retry-After.
    public var rateLimitEventsPerSecond: Int
    public var delivery: DeliveryConfiguration
    /// Each store's spool policy: `block` (the default: nothing is lost, a stuck store fills the spool
    /// and intake answers 503) or `drop_oldest` (best effort, past a lag bound in bytes).
    public var mongodbPolicy: SpoolSinkPolicy
    public var elasticsearchPolicy: SpoolSinkPolicy
    /// How often each store is asked whether it answers (`SinkProbeService`).
    public var probeInterval: Duration
    /// `inputs.elasticsearch.*`: the Elasticsearch-compatible `_bulk` input.
    public var elasticsearchInput: ElasticsearchInputConfiguration
    /// `inputs.gelf_*`: GELF over HTTP, UDP and TCP.
    public var gelfInput: GELFInputConfiguration
    /// `inputs.syslog_*`: syslog (RFC 5424 and 3164) over TCP and UDP.
    public var syslogInput: SyslogInputConfiguration
    /// `inputs.otlp.enabled`: OTLP/HTTP logs on `POST /v1/logs`.
    public var otlpInputEnabled = false
    /// `inputs.listeners.*`: the GELF/syslog listeners' queue bound and UDP receive buffer.
    public var listeners = ListenerTuning()

    /// The spool's record limit follows the intake's event limit: the stored document and its
    /// envelope are larger than the raw event, so an event the intake accepts always fits.
    public var spoolMaxRecordBytes: Int { max(1 << 20, 2 * limits.maxEventBytes) }

    static func read(_ r: ConfigurationReader, core: CoreConfiguration) -> PipelineConfiguration {
        let maxBodyBytes = r.int("intake.max_body_bytes", env: "ADMIN_INTAKE_MAX_BODY_BYTES", default: 10 << 20, range: 1024...(1 << 30),
                                 help: "largest request body after decompression (413 above)")
        let maxEventBytes = r.int("intake.max_event_bytes", env: "ADMIN_INTAKE_MAX_EVENT_BYTES", default: 256 << 10, range: 256...(16 << 20),
                                  help: "largest single event (that event is rejected)")
        let rateLimit = r.int("intake.rate_limit_events_per_second", env: "ADMIN_INTAKE_RATE_LIMIT", default: 0,
                              help: "per-token events/s before 429; 0 = unlimited")
        let batchMaxEvents = r.int("delivery.batch_max_events", env: "ADMIN_DELIVERY_BATCH_MAX_EVENTS", default: 1000, range: 1...50_000,
                                   help: "most events per store request")
        let batchMaxBytes = r.int("delivery.batch_max_bytes", env: "ADMIN_DELIVERY_BATCH_MAX_BYTES", default: 5 << 20, range: 1024...(64 << 20),
                                  help: "most bytes per store request")
        let batchMaxWait = r.int("delivery.batch_max_wait_ms", env: "ADMIN_DELIVERY_BATCH_MAX_WAIT_MS", default: 500, range: 1...60_000,
                                 help: "wait for a fuller batch at most this long")
        let retryInitial = r.int("delivery.retry_initial_ms", env: "ADMIN_DELIVERY_RETRY_INITIAL_MS", default: 500, range: 1...600_000,
                                 help: "first retry backoff ceiling")
        let retryMax = r.int("delivery.retry_max_ms", env: "ADMIN_DELIVERY_RETRY_MAX_MS", default: 30_000, range: 1...3_600_000,
                             help: "backoff cap")
        let maxItemRetryAge = r.int("delivery.max_item_retry_age", env: "ADMIN_DELIVERY_MAX_ITEM_RETRY_AGE",
                                    default: Int(DeliveryConfiguration.defaultMaxItemRetryAge.components.seconds), range: 1...(7 * 86_400),
                                    help: "seconds one event the store keeps refusing (while it takes others) is retried before it is dead-lettered")
        let maxItemAttempts = r.int("delivery.max_item_attempts", env: "ADMIN_DELIVERY_MAX_ITEM_ATTEMPTS",
                                    default: DeliveryConfiguration.defaultMaxItemAttempts, range: 1...100_000,
                                    help: "attempts for one event the store keeps refusing (while it takes others) before it is dead-lettered")
        let maxInFlight = r.int("delivery.max_in_flight", env: "ADMIN_DELIVERY_MAX_IN_FLIGHT", default: DeliveryConfiguration.defaultMaxInFlight,
                                range: DeliveryConfiguration.maxInFlightRange,
                                help: "batches each store may have in flight at once (the cursor still moves in spool order)")
        if 2 * maxEventBytes > core.spool.segmentBytes {
            r.fail("intake.max_event_bytes (ADMIN_INTAKE_MAX_EVENT_BYTES) = \(maxEventBytes) needs spool.segment_bytes (ADMIN_SPOOL_SEGMENT_BYTES) of at least twice that; it is \(core.spool.segmentBytes)")
        }
        if retryInitial > retryMax {
            r.fail("delivery.retry_initial_ms (ADMIN_DELIVERY_RETRY_INITIAL_MS) = \(retryInitial) must not exceed delivery.retry_max_ms (ADMIN_DELIVERY_RETRY_MAX_MS) = \(retryMax)")
        }
        if maxEventBytes > maxBodyBytes {
            r.fail("intake.max_event_bytes (ADMIN_INTAKE_MAX_EVENT_BYTES) = \(maxEventBytes) must not exceed intake.max_body_bytes (ADMIN_INTAKE_MAX_BODY_BYTES) = \(maxBodyBytes)")
        }
        let probeSeconds = r.int("delivery.probe_interval_seconds", env: "ADMIN_DELIVERY_PROBE_INTERVAL_SECONDS", default: 5, range: 1...300,
                                 help: "how often each store is asked whether it answers (its health, and an early end to a backoff)")
        let mongodbPolicy = readPolicy(r, store: "mongodb", core: core)
        let elasticsearchPolicy = readPolicy(r, store: "elasticsearch", core: core)
        let delivery = DeliveryConfiguration(
            batchMaxEvents: batchMaxEvents, batchMaxBytes: batchMaxBytes, batchMaxWait: .milliseconds(batchMaxWait),
            retry: RetryPolicy(initial: .milliseconds(retryInitial), maximum: .milliseconds(retryMax)),
            maxItemRetryAge: .seconds(maxItemRetryAge), maxItemAttempts: maxItemAttempts, maxInFlight: maxInFlight)
        let elasticsearchInput = ElasticsearchInputConfiguration(
            enabled: r.bool("inputs.elasticsearch.enabled", env: "ADMIN_INPUTS_ELASTICSEARCH_ENABLED", default: false,
                            help: "serve the Elasticsearch-compatible _bulk input under /es (Filebeat, Logstash, Fluent Bit, Vector, rsyslog)"),
            version: r.string("inputs.elasticsearch.version", env: "ADMIN_INPUTS_ELASTICSEARCH_VERSION", default: "8.11.0",
                              help: "the Elasticsearch version GET /es reports (shippers check the major version)"),
            listen: readListen(r, key: "inputs.elasticsearch.listen", env: "ADMIN_INPUTS_ELASTICSEARCH_LISTEN",
                               help: "host:port of a listener of its own for the Elasticsearch input, routes at the root (for shippers that cannot add /es to the URL); empty = none"))
        if elasticsearchInput.version.split(separator: ".").count != 3 || !elasticsearchInput.version.split(separator: ".").allSatisfy({ Int($0) != nil }) {
            r.fail("inputs.elasticsearch.version (ADMIN_INPUTS_ELASTICSEARCH_VERSION) must be a version like 8.11.0, not \"\(elasticsearchInput.version)\"")
        }
        var configuration = PipelineConfiguration(limits: IngestLimits(maxBodyBytes: maxBodyBytes, maxEventBytes: maxEventBytes),
                                                  rateLimitEventsPerSecond: rateLimit, delivery: delivery,
                                                  mongodbPolicy: mongodbPolicy, elasticsearchPolicy: elasticsearchPolicy,
                                                  probeInterval: .seconds(probeSeconds), elasticsearchInput: elasticsearchInput,
                                                  gelfInput: readGELF(r), syslogInput: readSyslog(r))
        configuration.otlpInputEnabled = r.bool("inputs.otlp.enabled", env: "ADMIN_INPUTS_OTLP_ENABLED", default: false,
                                                help: "serve POST /v1/logs (OTLP/HTTP logs, protobuf or JSON; the ingest token as Bearer)")
        configuration.listeners = ListenerTuning.read(r)
        return configuration
    }

    static func readSyslog(_ r: ConfigurationReader) -> SyslogInputConfiguration {
        let tcp = readListen(r, key: "inputs.syslog_tcp.listen", env: "ADMIN_INPUTS_SYSLOG_TCP_LISTEN",
                             help: "syslog over TCP (octet counting or newline framing): port or host:port (a port alone: loopback); empty = off")
        let udp = readListen(r, key: "inputs.syslog_udp.listen", env: "ADMIN_INPUTS_SYSLOG_UDP_LISTEN",
                             help: "syslog over UDP: port or host:port (a port alone: loopback); empty = off")
        let service = r.string("inputs.syslog.service", env: "ADMIN_INPUTS_SYSLOG_SERVICE", default: "",
                               help: "the service every syslog message belongs to (syslog carries no token)")
        if (tcp != nil || udp != nil), service.isEmpty {
            r.fail("a syslog listener is set, so inputs.syslog.service (ADMIN_INPUTS_SYSLOG_SERVICE) must name the service its messages belong to: syslog carries no token")
        }
        return SyslogInputConfiguration(tcp: tcp, udp: udp, service: service)
    }

    static func readGELF(_ r: ConfigurationReader) -> GELFInputConfiguration {
        let http = r.bool("inputs.gelf_http.enabled", env: "ADMIN_INPUTS_GELF_HTTP_ENABLED", default: false,
                          help: "serve POST /gelf (GELF over HTTP, the ingest token as Bearer or ?token=)")
        func listener(_ name: String, _ upper: String, _ what: String) -> GELFInputConfiguration.Listener? {
            guard let address = readListen(r, key: "inputs.gelf_\(name).listen", env: "ADMIN_INPUTS_GELF_\(upper)_LISTEN",
                                           help: "GELF over \(what): port or host:port to listen on (a port alone: loopback); empty = off")
            else {
                _ = r.string("inputs.gelf_\(name).service", env: "ADMIN_INPUTS_GELF_\(upper)_SERVICE", default: "",
                             help: "the service every GELF \(what) message belongs to (\(what) carries no token)")
                return nil
            }
            let service = r.string("inputs.gelf_\(name).service", env: "ADMIN_INPUTS_GELF_\(upper)_SERVICE", default: "",
                                   help: "the service every GELF \(what) message belongs to (\(what) carries no token)")
            guard !service.isEmpty else {
                r.fail("inputs.gelf_\(name).listen is set, so inputs.gelf_\(name).service (ADMIN_INPUTS_GELF_\(upper)_SERVICE) must name the service its messages belong to: \(what) carries no token")
                return nil
            }
            return GELFInputConfiguration.Listener(host: address.host, port: address.port, service: service)
        }
        return GELFInputConfiguration(httpEnabled: http, udp: listener("udp", "UDP", "UDP"), tcp: listener("tcp", "TCP", "TCP"))
    }

    /// An optional `host:port` (empty = none); the host may be a name, an IPv4 address or `[IPv6]`;
    /// a port alone listens on loopback (inputs without a token must not face the network by accident).
    static func readListen(_ r: ConfigurationReader, key: String, env: String, help: String) -> (host: String, port: Int)? {
        let text = r.string(key, env: env, default: "", help: help).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if let port = Int(text) {
            guard (1...65_535).contains(port) else {
                r.fail("\(key) (\(env)) must be a port (1–65535) or host:port, not \"\(text)\"")
                return nil
            }
            return ("127.0.0.1", port)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else {
            r.fail("\(key) (\(env)) must be host:port, e.g. 127.0.0.1:9201, not \"\(text)\"")
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            r.fail("\(key) (\(env)) needs a host before the port, e.g. 127.0.0.1:\(port)")
            return nil
        }
        return (host, port)
    }

    /// `delivery.<store>_policy` and `delivery.<store>_max_lag_bytes`.
    private static func readPolicy(_ r: ConfigurationReader, store: String, core: CoreConfiguration) -> SpoolSinkPolicy {
        let upper = store.uppercased()
        let policyKey = "delivery.\(store)_policy", policyEnv = "ADMIN_DELIVERY_\(upper)_POLICY"
        let lagKey = "delivery.\(store)_max_lag_bytes", lagEnv = "ADMIN_DELIVERY_\(upper)_MAX_LAG_BYTES"
        let policy = r.string(policyKey, env: policyEnv, default: "block",
                              help: "block (nothing lost; a stuck store fills the spool, then intake answers 503) or drop_oldest (best effort)")
        let lagLimit = max(1, Int(core.spool.maxBytes) - 2 * core.spool.segmentBytes)
        let lag = r.int(lagKey, env: lagEnv, default: lagLimit / 2, range: 1...Int.max,
                        help: "with drop_oldest: how far (bytes) the store may lag before whole old segments are skipped for it")
        switch policy {
        case "block":
            return .block
        case "drop_oldest":
            if lag > lagLimit {
                r.fail("\(lagKey) (\(lagEnv)) = \(lag) must be below spool.max_bytes minus two segments (\(lagLimit))")
            }
            return .dropOldest(maxLagBytes: Int64(min(lag, lagLimit)))
        default:
            r.fail("\(policyKey) (\(policyEnv)) must be block or drop_oldest, not \"\(policy)\"")
            return .block
        }
    }
}
