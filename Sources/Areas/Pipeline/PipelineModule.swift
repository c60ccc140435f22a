import Foundation
public import ClientPostgres
public import HubKit
import Identity
import Intake
import Logging
import NIOCore
import Pipeline
public import ServiceLifecycle
import SinkElasticsearch
import SinkMongoDB
import Sinks
import Spool
import Transforms

/// The pipeline area: the intake (`POST /api/v1/logs`), one worker per configured store reading the
/// spool (MongoDB, Elasticsearch), dead letters and their replay, and Elasticsearch retention.
/// Declares the `intake.*` and `delivery.*` sections and the dead-letter tables.
public struct PipelineModule: HubModule {
    public static let name = "pipeline"

    public static func readConfiguration(_ r: ConfigurationReader, core: CoreConfiguration) -> PipelineConfiguration {
        PipelineConfiguration.read(r, core: core)
    }

    public static var migrations: [SchemaMigration] { PipelineSchema.migrations }

    public static var navigation: [NavigationLink] {
        [NavigationLink(title: "Dead letters", path: "/dead-letters", permission: .deadLettersManage)]
    }

    /// One consumer per configured store, `block` unless configured otherwise: its segments are kept
    /// until it has delivered them.
    public static func spoolConsumers(_ configuration: PipelineConfiguration, core: CoreConfiguration) -> [SpoolConsumer] {
        var consumers: [SpoolConsumer] = []
        if core.mongodb.isEnabled { consumers.append(SpoolConsumer(name: MongoSink.sinkName, policy: configuration.mongodbPolicy)) }
        if core.elasticsearch.isEnabled { consumers.append(SpoolConsumer(name: ElasticsearchSink.sinkName, policy: configuration.elasticsearchPolicy)) }
        return consumers
    }

    let ingest: IngestService
    let workers: [SinkWorker]
    /// One per worker, same order: what each store answers now.
    let probes: [SinkProbeService]
    let deadLetters: DeadLetterStore
    let elasticsearch: ElasticsearchSink?
    let context: HubContext
    let rateLimiter: TokenRateLimiter
    let elasticsearchInput: ElasticsearchInputConfiguration
    let gelfInput: GELFInputConfiguration
    let syslogInput: SyslogInputConfiguration
    let otlpInputEnabled: Bool
    let listenerTuning: ListenerTuning
    /// Pending dead letters per store, refreshed every 10 s (the health is read often, the table seldom changes).
    let pendingDeadLetters = PendingDeadLetterCounts()

    public static func make(_ configuration: PipelineConfiguration, context: HubContext) async throws -> PipelineModule {
        let logger = context.logger
        let sinks = try SinkFactory.makeSinks(core: context.core, stores: context.stores, logger: logger)
        let deadLetters = DeadLetterStore(database: context.database, logger: logger)
        let workers = try sinks.map { sink in
            SinkWorker(sink: sink, reader: try context.spool.reader(for: sink.name), deadLetters: deadLetters,
                       configuration: configuration.delivery, logger: logger)
        }
        let probes = workers.map { SinkProbeService(worker: $0, interval: configuration.probeInterval, logger: logger) }
        let normalizer = EventNormalizer(configuration: NormalizerConfiguration(environment: context.core.environment))
        let ingest = IngestService(spool: context.spool, normalizer: normalizer, limits: configuration.limits, logger: logger)
        return PipelineModule(
            ingest: ingest, workers: workers, probes: probes, deadLetters: deadLetters,
            elasticsearch: sinks.lazy.compactMap { $0 as? ElasticsearchSink }.first, context: context,
            rateLimiter: TokenRateLimiter(eventsPerSecond: configuration.rateLimitEventsPerSecond),
            elasticsearchInput: configuration.elasticsearchInput, gelfInput: configuration.gelfInput,
            syslogInput: configuration.syslogInput, otlpInputEnabled: configuration.otlpInputEnabled,
            listenerTuning: configuration.listeners)
    }

    public var services: [any Service] {
        var services: [any Service] = workers
        services += probes as [any Service]
        let (store, counts) = (deadLetters, pendingDeadLetters)
        services.append(TaskService(name: "dead-letter-counts") { await counts.refresh(from: store) })
        services += listenerServices
        if elasticsearchInput.enabled, let listen = elasticsearchInput.listen {
            services.append(ElasticsearchListener(routes: elasticsearchRoutes, host: listen.host, port: listen.port, logger: context.logger))
        }
        if let elasticsearch {
            let logger = context.logger
            services.append(TaskService(name: "elasticsearch-retention") { await Self.runRetention(elasticsearch, logger: logger) })
        }
        return services
    }

    public func registerRoutes(on routes: HubRoutes) {
        IngestRoutes(ingest: ingest, tokens: context.ingestTokens, rateLimiter: rateLimiter).register(on: routes)
        elasticsearchRoutes.register(on: routes)
        GELFHTTPRoutes(ingest: ingest, authentication: IngestAuthentication(tokens: context.ingestTokens),
                       usage: context.ingestTokens.usage, rateLimiter: rateLimiter, enabled: gelfInput.httpEnabled).register(on: routes)
        OTLPLogsRoutes(ingest: ingest, authentication: IngestAuthentication(tokens: context.ingestTokens),
                       usage: context.ingestTokens.usage, rateLimiter: rateLimiter, enabled: otlpInputEnabled).register(on: routes)
        DeadLetterRoutes(deadLetters: deadLetters, spool: context.spool, audit: context.identity.audit).register(on: routes)
    }

    /// One part per store: its state (the worker's view judged with the store's probe), lag in bytes,
    /// events and seconds, what the spool skipped for it, and the last error and success.
    public func health() async -> [ComponentHealth] {
        let stats = context.spool.stats()
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        return probes.map { probe in
            let name = probe.worker.sink.name
            let health = probe.health
            let lag = stats.sinks.first { $0.name == name }
            let skips = (try? context.spool.reader(for: name).skips) ?? SpoolReaderSkips()
            return ComponentHealth(name: "sink.\(name)", state: health.state.rawValue,
                                   metrics: ["lag_bytes": Int64(lag?.lagBytes ?? 0), "lag_events": Int64(lag?.lagRecords ?? 0),
                                             "lag_seconds": lag?.lagSeconds(nowMicros: now) ?? 0,
                                             "dropped_bytes": Int64(skips.droppedBytes), "dropped_segments": Int64(skips.droppedSegments),
                                             "quarantined_segments": Int64(skips.quarantinedSegments),
                                             "dead_letters": Int64(pendingDeadLetters.count(for: name)),
                                             "in_flight_batches": Int64(probe.worker.inFlightBatches)],
                                   detail: health.detail, lastSuccess: health.lastSuccess)
        }
    }

    /// Intake accepted and rejected per service, deliveries per store.
    public func rates() -> [RateSeries] {
        var series: [RateSeries] = ingest.rates.snapshot().map { entry in
            let (outcome, service) = entry.key.split(separator: "/", maxSplits: 1).map(String.init).pairOrSelf
            return RateSeries(group: "intake." + outcome, key: service, perSecond: entry.perSecond, total: entry.total)
        }
        for worker in workers {
            for entry in worker.deliveryRates.snapshot() {
                series.append(RateSeries(group: "delivery", key: entry.key, perSecond: entry.perSecond, total: entry.total))
            }
        }
        return series
    }

    /// GELF and syslog over UDP and TCP: each listener with the intake it feeds (a service too: it
    /// spools every 20 ms and stops after its listener).
    var listenerServices: [any Service] {
        let maxEventBytes = ingest.limits.maxEventBytes
        let logger = context.logger
        var services: [any Service] = []
        let tuning = listenerTuning
        func intake(_ input: String, _ service: String, _ whenFull: ListenerIntake.WhenFull) -> ListenerIntake {
            let intake = ListenerIntake(input: input, service: service, ingest: ingest, spool: context.spool, logger: logger, whenFull: whenFull,
                                        maxQueuedBytes: tuning.queueBytes)
            services.append(intake)
            return intake
        }
        if let udp = gelfInput.udp {
            let receiver = GELFReceiver(intake: intake("gelf_udp", udp.service, .drop), maxEventBytes: maxEventBytes)
            services.append(UDPListener(input: "gelf_udp", host: udp.host, port: udp.port, service: udp.service, logger: logger,
                                        receiveBufferBytes: tuning.udpReceiveBufferBytes) {
                GELFDatagramHandler(receiver: receiver)
            })
        }
        if let tcp = gelfInput.tcp {
            let receiver = GELFReceiver(intake: intake("gelf_tcp", tcp.service, .pauseReading), maxEventBytes: maxEventBytes)
            services.append(TCPListener(input: "gelf_tcp", host: tcp.host, port: tcp.port, service: tcp.service, logger: logger) {
                [ByteToMessageHandler(NullTerminatedFrameDecoder(maxFrameBytes: maxEventBytes)),
                 FrameHandler(intake: receiver.intake) { receiver.receive($0) }]
            })
        }
        if let udp = syslogInput.udp {
            let receiver = SyslogReceiver(intake: intake("syslog_udp", syslogInput.service, .drop), maxEventBytes: maxEventBytes)
            services.append(UDPListener(input: "syslog_udp", host: udp.host, port: udp.port, service: syslogInput.service, logger: logger,
                                        receiveBufferBytes: tuning.udpReceiveBufferBytes) {
                SyslogDatagramHandler(receiver: receiver)
            })
        }
        if let tcp = syslogInput.tcp {
            let receiver = SyslogReceiver(intake: intake("syslog_tcp", syslogInput.service, .pauseReading), maxEventBytes: maxEventBytes)
            services.append(TCPListener(input: "syslog_tcp", host: tcp.host, port: tcp.port, service: syslogInput.service, logger: logger) {
                [ByteToMessageHandler(SyslogFrameDecoder(maxFrameBytes: maxEventBytes)),
                 FrameHandler(intake: receiver.intake) { receiver.receive($0) }]
            })
        }
        return services
    }

    /// The Elasticsearch-compatible input, under `/es` and on its own listener when configured.
    var elasticsearchRoutes: ElasticsearchBulkRoutes {
        ElasticsearchBulkRoutes(ingest: ingest, authentication: IngestAuthentication(tokens: context.ingestTokens),
                                usage: context.ingestTokens.usage, rateLimiter: rateLimiter,
                                configuration: elasticsearchInput, clusterName: "datamp-admin")
    }

    /// The sinks' names, for the hub's start-up log line.
    public var sinkNames: [String] { workers.map(\.sink.name) }

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

extension Array where Element == String {
    /// `["accepted", "core"]` -> ("accepted", "core"); one element -> (it, "").
    fileprivate var pairOrSelf: (String, String) { (first ?? "", count > 1 ? self[1] : "") }
}
