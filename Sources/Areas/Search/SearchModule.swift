public import ClientPostgres
public import HubKit
public import ServiceLifecycle
import Identity
import Spool
import Logging

/// The search area: the query language over the stores the pipeline fills (Elasticsearch first,
/// MongoDB as the fallback), the search API, the `/search` page, saved searches and the access
/// log. Declares the `search.*` section and migrations 300–399.
public struct SearchModule: HubModule {
    public static let name = "search"

    public static func readConfiguration(_ r: ConfigurationReader, core: CoreConfiguration) -> SearchConfiguration {
        SearchConfiguration.read(r, core: core)
    }

    public static var migrations: [SchemaMigration] { SearchSchema.migrations }

    /// The live tail's best-effort reader: it may lag by at most 64 MiB (less on a small spool)
    /// before it skips, so it can never be what fills the spool.
    public static func spoolConsumers(_ configuration: SearchConfiguration, core: CoreConfiguration) -> [SpoolConsumer] {
        let limit = Int64(core.spool.maxBytes) - 2 * Int64(core.spool.segmentBytes)
        return [SpoolConsumer(name: LiveTail.consumerName, policy: .dropOldest(maxLagBytes: max(1, min(64 << 20, limit))))]
    }

    public static var navigation: [NavigationLink] { [NavigationLink(title: "Search", path: "/search", permission: .logsRead)] }

    let configuration: SearchConfiguration
    let backends: SearchBackends
    let accessLog: SearchAccessLog
    let savedSearches: SavedSearchStore
    let logger: Logger
    let tail: LiveTail?
    /// How the live tail's reader is scheduled (`spool.readers_nice`, `spool.readers_idle`).
    let readerPriority: ReaderPriority

    public static func make(_ configuration: SearchConfiguration, context: HubContext) async throws -> SearchModule {
        let core = context.core
        let primary: (any SearchBackend)? = context.stores.elasticsearch.map {
            ElasticsearchSearchBackend(transport: $0, indexPrefix: core.elasticsearch.indexPrefix)
        }
        let fallback: (any SearchBackend)? = context.stores.mongodb.map {
            MongoSearchBackend(pool: $0, database: core.mongodb.database, collection: core.mongodb.collection)
        }
        return SearchModule(configuration: configuration,
                            backends: SearchBackends(primary: primary, fallback: fallback, logger: context.logger),
                            accessLog: SearchAccessLog(database: context.database),
                            savedSearches: SavedSearchStore(database: context.database), logger: context.logger,
                            tail: (try? context.spool.reader(for: LiveTail.consumerName)).map {
                                LiveTail(reader: $0, heartbeatInterval: .seconds(configuration.tailHeartbeatSeconds), logger: context.logger)
                            },
                            readerPriority: core.spool.readerPriority)
    }

    public func registerRoutes(on routes: HubRoutes) {
        SearchRoutes(backends: backends, accessLog: accessLog).register(on: routes)
        ExportRoute(backends: backends, accessLog: accessLog, maxEvents: configuration.exportMaxEvents, logger: logger).register(on: routes)
        SavedSearchRoutes(store: savedSearches).register(on: routes)
        TailRoute(tail: tail, accessLog: accessLog, logger: logger).register(on: routes)
    }

    public var services: [any Service] {
        guard let tail else { return [] }
        return [TaskService(name: "search-live-tail", priority: readerPriority) { await tail.run() }]
    }

    public func health() async -> [ComponentHealth] {
        let state = backends.isConfigured ? "ready" : "disabled"
        return [ComponentHealth(name: "search", state: state, metrics: [:],
                                detail: backends.primary.map { "primary: \($0.name)" } ?? backends.fallback.map { "primary: \($0.name)" })]
    }
}
