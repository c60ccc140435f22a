public import ClientPostgres
public import HubKit
import Identity
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

    public static var navigation: [NavigationLink] { [NavigationLink(title: "Search", path: "/search", permission: .logsRead)] }

    let configuration: SearchConfiguration
    let backends: SearchBackends
    let accessLog: SearchAccessLog
    let savedSearches: SavedSearchStore
    let logger: Logger

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
                            savedSearches: SavedSearchStore(database: context.database), logger: context.logger)
    }

    public func registerRoutes(on routes: HubRoutes) {
        SearchRoutes(backends: backends, accessLog: accessLog).register(on: routes)
        ExportRoute(backends: backends, accessLog: accessLog, maxEvents: configuration.exportMaxEvents, logger: logger).register(on: routes)
        SavedSearchRoutes(store: savedSearches).register(on: routes)
    }

    public func health() async -> [ComponentHealth] {
        let state = backends.isConfigured ? "ready" : "disabled"
        return [ComponentHealth(name: "search", state: state, metrics: [:],
                                detail: backends.primary.map { "primary: \($0.name)" } ?? backends.fallback.map { "primary: \($0.name)" })]
    }
}
