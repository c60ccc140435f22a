import ClientPostgres
public import HubKit
import Hummingbird
import Identity
import IdentityArea
import PipelineArea
import Logging
import Spool

/// The object graph, built once: the shared context, every module, and the router with every
/// module's routes. `Hub` runs it; `admin routes` builds it offline to list the routes.
public struct HubParts {
    public let context: HubContext
    public let modules: [any HubModule]
    public let routes: HubRoutes
    let router: Router<HubRequestContext>
    /// This process as the status page and the other nodes see it.
    let node: NodeIdentity
    let status: StatusReport

    static func build(configuration: HubConfiguration, database: PostgresClient, logger: Logger,
                      bcryptCost: Int? = nil) async throws -> HubParts {
        let core = configuration.core
        var identityConfiguration = configuration.identity
        if let bcryptCost { identityConfiguration.bcryptCost = bcryptCost }
        let identity = try IdentityServices(database: database, configuration: identityConfiguration, logger: logger)
        let tokens = IngestTokenStore(database: database, refreshInterval: .seconds(configuration.tokenCacheSeconds), logger: logger)
        let gate = StaffGate(
            identity: identity,
            cookie: SessionCookie(secure: core.usesSecureCookies, maxAgeSeconds: Int(identityConfiguration.sessions.absoluteTimeout.components.seconds)),
            publicOrigin: core.publicOrigin, logger: logger)

        var consumers: [SpoolConsumer] = []
        for module in Hub.modules { consumers += module.consumers(configuration.modules, core: core) }
        let spool = try Spool(
            configuration: SpoolConfiguration(directory: core.spoolDirectory, segmentBytes: core.spool.segmentBytes,
                                              maxBytes: Int64(core.spool.maxBytes), retryAfterSeconds: core.spool.retryAfterSeconds,
                                              maxRecordBytes: configuration.pipeline.spoolMaxRecordBytes,
                                              sinkPolicies: Dictionary(consumers.map { ($0.name, $0.policy) }, uniquingKeysWith: { first, _ in first })),
            sinks: consumers.map(\.name), logger: logger)
        let context = HubContext(core: core, logger: logger, database: database, identity: identity, ingestTokens: tokens, gate: gate,
                                 spool: spool, stores: try SharedStoresFactory.make(core, logger: logger))

        var modules: [any HubModule] = []
        for module in Hub.modules { modules.append(try await module.build(configuration.modules, context: context)) }

        Navigation.register([NavigationLink(title: "Status", path: "/status", permission: .configRead)] + Hub.modules.flatMap { $0.navigation })
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        let routes = HubRoutes(router: router, gate: gate)
        let node = NodeIdentity.current(version: Hub.version)
        let status = StatusReport(context: context, modules: modules, node: node, registry: NodeRegistry(database: database))
        HealthRoutes(status: status).register(on: routes)
        StatusPageRoutes(status: status).register(on: routes)
        MetricsRoutes(metrics: HubMetrics.shared).register(on: routes)
        OpenAPIRoutes().register(on: routes)
        for module in modules { module.registerRoutes(on: routes) }
        return HubParts(context: context, modules: modules, routes: routes, router: router, node: node, status: status)
    }
}

extension HubModule {
    /// Opens `Self` through `any HubModule.Type`: its spool consumers and its instance.
    static func consumers(_ configurations: ModuleConfigurations, core: CoreConfiguration) -> [SpoolConsumer] {
        spoolConsumers(configurations[Self.self], core: core)
    }

    static func build(_ configurations: ModuleConfigurations, context: HubContext) async throws -> any HubModule {
        try await make(configurations[Self.self], context: context)
    }
}
