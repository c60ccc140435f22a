import ClientHTTP
import Foundation
import ClientMongo
import ClientPostgres
import Hummingbird
import Identity
import Intake
import LogModel
import Logging
import Metrics
import Pipeline
import ServiceLifecycle
import SinkElasticsearch
import SinkMongoDB
import Sinks
import Spool
import Transforms

/// Assembles the hub from its configuration: PostgreSQL (schema, tokens, dead letters), the spool,
/// one worker per configured sink, the intake, and the HTTP routes, all run by one service group.
public final class Hub: Sendable {
    public let configuration: HubConfiguration
    public let spool: Spool
    public let database: PostgresClient
    public let tokens: IngestTokenStore
    public let workers: [SinkWorker]
    public let identity: IdentityServices
    public let application: Application<RouterResponder<HubRequestContext>>

    public init(configuration: HubConfiguration, logger: Logger, selfIngest: SelfIngest? = nil) async throws {
        self.configuration = configuration
        guard !configuration.databaseURL.isEmpty else {
            throw HubStartError.missingSetting("database_url (ADMIN_DATABASE_URL) is required: tokens and dead letters live in PostgreSQL")
        }
        let database = try PostgresClient(url: configuration.databaseURL, poolSize: 4, logger: logger)
        self.database = database
        try await Self.migrateWhenReachable(database: database, logger: logger)

        let tokens = IngestTokenStore(database: database, refreshInterval: .seconds(configuration.intake.tokenCacheSeconds), logger: logger)
        try await tokens.reload()
        self.tokens = tokens

        let sinks = try Self.makeSinks(configuration, logger: logger)
        let spool = try Spool(
            configuration: SpoolConfiguration(
                directory: configuration.dataDirectory + "/spool", segmentBytes: configuration.spool.segmentBytes,
                maxBytes: Int64(configuration.spool.maxBytes), retryAfterSeconds: configuration.spool.retryAfterSeconds),
            sinks: sinks.map(\.name), logger: logger)
        self.spool = spool

        let deadLetters = DeadLetterStore(database: database, logger: logger)
        let delivery = DeliveryConfiguration(
            batchMaxEvents: configuration.delivery.batchMaxEvents, batchMaxBytes: configuration.delivery.batchMaxBytes,
            batchMaxWait: .milliseconds(configuration.delivery.batchMaxWaitMilliseconds),
            retry: RetryPolicy(initial: .milliseconds(configuration.delivery.retryInitialMilliseconds),
                               maximum: .milliseconds(configuration.delivery.retryMaxMilliseconds)))
        let workers = try sinks.map { sink in
            SinkWorker(sink: sink, reader: try spool.reader(for: sink.name), deadLetters: deadLetters, configuration: delivery, logger: logger)
        }
        self.workers = workers

        let normalizer = EventNormalizer(configuration: NormalizerConfiguration(environment: configuration.environment))
        let limits = IngestLimits(maxBodyBytes: configuration.intake.maxBodyBytes, maxEventBytes: configuration.intake.maxEventBytes)
        let ingest = IngestService(spool: spool, normalizer: normalizer, limits: limits, logger: logger)
        selfIngest?.attach(spool: spool)

        let identity = try IdentityServices(database: database, configuration: configuration.identity, logger: logger)
        self.identity = identity
        let router = HubRouter.make(HubRouter.Parts(
            configuration: configuration, ingest: ingest, tokens: tokens, spool: spool, database: database, workers: workers,
            deadLetters: deadLetters, identity: identity, logger: logger))
        Self.registerGauges(spool: spool, workers: workers)

        var services: [any Service] = workers
        services.append(TaskService(name: "token-cache") { await tokens.run() })
        services.append(TaskService(name: "identity-purge") { await Self.purgeIdentity(identity, logger: logger) })
        if let selfIngest { services.append(selfIngest) }
        for sink in sinks {
            if let elasticsearch = sink as? ElasticsearchSink {
                services.append(TaskService(name: "elasticsearch-retention") {
                    await Self.runRetention(elasticsearch, logger: logger)
                })
            }
        }
        application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "datamp-admin"),
            services: services, logger: logger)
    }

    /// Runs until SIGTERM/SIGINT, then closes the spool after the last request was answered.
    public func run() async throws {
        defer { spool.close() }
        try await application.runService()
    }

    static func makeSinks(_ configuration: HubConfiguration, logger: Logger) throws -> [any Sink] {
        var sinks: [any Sink] = []
        if configuration.mongodb.isEnabled {
            let mongo = configuration.mongodb
            sinks.append(try MongoSink(
                configuration: MongoSinkConfiguration(uri: Self.withArchiveDefaults(mongo.uri), database: mongo.database, collection: mongo.collection,
                                                      retentionDays: mongo.retentionDays > 0 ? mongo.retentionDays : nil),
                logger: logger))
        }
        if configuration.elasticsearch.isEnabled {
            let es = configuration.elasticsearch
            sinks.append(try ElasticsearchSink(
                configuration: ElasticsearchSinkConfiguration(
                    urls: es.urls, indexPrefix: es.indexPrefix,
                    username: es.username.isEmpty ? nil : es.username, password: es.password.isEmpty ? nil : es.password,
                    apiKey: es.apiKey.isEmpty ? nil : es.apiKey, retentionDays: es.retentionDays > 0 ? es.retentionDays : nil),
                client: HTTPClient(logger: logger), logger: logger))
        }
        return sinks
    }

    /// Options the archive needs unless the operator's URI says otherwise:
    /// - `journal=true`, `w=majority`: the hub advances its spool cursor once MongoDB acknowledged a
    ///   write, so the acknowledgement must mean "on disk (on a majority)"; with the driver's
    ///   defaults a MongoDB crash right after the acknowledgement loses the batch for good.
    /// - `socketTimeoutMS=60000`: libmongoc waits 5 minutes on a connection that went quiet, which
    ///   would hold the sink that long after a server restart.
    static func withArchiveDefaults(_ uri: String) -> String {
        let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        let given = Set(query.split(separator: "&").map { $0.split(separator: "=").first.map { $0.lowercased() } ?? "" })
        var options: [String] = []
        if !given.contains("journal") { options.append("journal=true") }
        if !given.contains("w") { options.append("w=majority") }
        if !given.contains("sockettimeoutms") { options.append("socketTimeoutMS=60000") }
        guard !options.isEmpty else { return uri }
        let joined = options.joined(separator: "&")
        if uri.contains("?") { return uri + (uri.hasSuffix("?") || uri.hasSuffix("&") ? "" : "&") + joined }
        // mongodb://host[:port][,host...][/db]: options need the path slash before "?".
        let afterScheme = uri.range(of: "://").map { uri[$0.upperBound...] } ?? Substring(uri)
        return uri + (afterScheme.contains("/") ? "?" : "/?") + joined
    }

    /// PostgreSQL may still be starting next to us (compose, systemd): wait up to 30 s for it.
    static func migrateWhenReachable(database: PostgresClient, logger: Logger) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                try await SchemaMigrator(database: database, logger: logger).migrate()
                return
            } catch {
                if ContinuousClock.now > deadline {
                    throw HubStartError.databaseUnreachable("\(error)")
                }
                logger.warning("PostgreSQL not reachable yet; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    static func registerGauges(spool: Spool, workers: [SinkWorker]) {
        let spoolBytes = Gauge(label: "admin_spool_bytes")
        let spoolSegments = Gauge(label: "admin_spool_segments")
        let lags = workers.map { ($0.sink.name, Gauge(label: "admin_sink_lag_bytes", dimensions: [("sink", $0.sink.name)])) }
        HubMetrics.shared.addGaugeUpdater {
            let stats = spool.stats()
            spoolBytes.record(stats.retainedBytes)
            spoolSegments.record(stats.segmentCount)
            for (name, gauge) in lags { gauge.record(stats.lagBytes(for: name)) }
        }
    }

    /// Expired sessions and stale throttle counts, every five minutes (idempotent on every node).
    static func purgeIdentity(_ identity: IdentityServices, logger: Logger) async {
        while !Task.isCancelled {
            do { try await identity.purgeExpired() } catch {
                logger.warning("could not purge expired sessions", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(300))
        }
    }

    /// `METHOD /path` of every route the hub registers, built by the same `HubRouter.make` as a
    /// running hub, without connecting to anything (PostgreSQL connects lazily; the spool lives in
    /// a temporary directory that is removed again). For `admin routes` and the authorisation test.
    public static func registeredRoutes(configuration: HubConfiguration, logger: Logger) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-routes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let url = configuration.databaseURL.isEmpty ? "postgresql://127.0.0.1:1/unused" : configuration.databaseURL
        let database = try PostgresClient(url: url, poolSize: 1, logger: logger)
        let spool = try Spool(configuration: SpoolConfiguration(directory: directory, segmentBytes: 1 << 20, maxBytes: 1 << 24, retryAfterSeconds: 1),
                              sinks: [], logger: logger)
        defer { spool.close() }
        let tokens = IngestTokenStore(database: database, logger: logger)
        var identityConfiguration = configuration.identity
        identityConfiguration.bcryptCost = PasswordHasher.allowedCosts.lowerBound
        let identity = try IdentityServices(database: database, configuration: identityConfiguration, logger: logger)
        let ingest = IngestService(spool: spool, normalizer: EventNormalizer(configuration: NormalizerConfiguration(environment: "routes")),
                                   limits: IngestLimits(maxBodyBytes: 1024, maxEventBytes: 256), logger: logger)
        let router = HubRouter.make(HubRouter.Parts(
            configuration: configuration, ingest: ingest, tokens: tokens, spool: spool, database: database, workers: [],
            deadLetters: DeadLetterStore(database: database, logger: logger), identity: identity, logger: logger))
        return router.routes.map { "\($0.method.rawValue) \($0.path.description)" }.sorted()
    }

    static func runRetention(_ sink: ElasticsearchSink, logger: Logger) async {
        while !Task.isCancelled {
            do {
                let deleted = try await sink.enforceRetention()
                if !deleted.isEmpty { logger.info("deleted old indices", metadata: ["indices": "\(deleted)"]) }
            } catch {
                logger.warning("retention pass failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}

/// Why the hub could not start, with the setting to fix.
public enum HubStartError: Error, CustomStringConvertible {
    case missingSetting(String)
    case databaseUnreachable(String)

    public var description: String {
        switch self {
        case .missingSetting(let what): return what
        case .databaseUnreachable(let error):
            return "PostgreSQL is not reachable (check database_url / ADMIN_DATABASE_URL): \(error)"
        }
    }
}
