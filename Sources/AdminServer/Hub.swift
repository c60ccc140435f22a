import AlertingArea
import ClientElasticsearch
import ClientHTTP
import ClientMongo
import ClientPostgres
import Foundation
public import HubKit
import Hummingbird
import Identity
import IdentityArea
import Logging
import OperationsArea
import PipelineArea
import SearchArea
import ServiceLifecycle
import Spool

/// Assembles the hub: creates the shared clients once (PostgreSQL, the identity services and staff
/// gate, the spool, the stores' clients), applies every module's migrations, builds every module,
/// registers their routes and runs their services in one service group.
public final class Hub: Sendable {
    /// The areas, in the order they are built and their routes registered. A new area is one line here.
    public static let modules: [any HubModule.Type] = [
        IdentityModule.self,
        PipelineModule.self,
        SearchModule.self,
        AlertingModule.self,
        OperationsModule.self,
    ]

    /// Every module's migrations and the hub's own (`hub_nodes`), for the migrator and `admin migrate`.
    public static var migrations: [SchemaMigration] { modules.flatMap { $0.migrations } + HubSchema.migrations }

    /// Shown on the status page, in `admin status` and in `hub_nodes`.
    public static let version = "0.9.0"

    public let configuration: HubConfiguration
    /// The shared clients every module was built with.
    public let context: HubContext
    public let modules: [any HubModule]
    public let application: Application<RouterResponder<HubRequestContext>>

    public init(configuration: HubConfiguration, logger: Logger, selfIngest: SelfIngest? = nil) async throws {
        self.configuration = configuration
        guard !configuration.databaseURL.isEmpty else {
            throw HubStartError.missingSetting("database_url (ADMIN_DATABASE_URL) is required: tokens and dead letters live in PostgreSQL")
        }
        let database = try PostgresClient(url: configuration.databaseURL, poolSize: 4, logger: logger)
        try await Self.migrateWhenReachable(database: database, logger: logger)
        let parts = try await HubParts.build(configuration: configuration, database: database, logger: logger)
        context = parts.context
        modules = parts.modules
        selfIngest?.attach(spool: parts.context.spool)

        var services: [any Service] = [ClientShutdownService(database: database, stores: parts.context.stores, spool: parts.context.spool)]
        for module in parts.modules { services.append(contentsOf: module.services) }
        if let selfIngest { services.append(selfIngest) }
        services.append(NodeHeartbeat(registry: parts.status.registry, node: parts.node, status: parts.status, interval: .seconds(5), logger: logger))
        HubGauges.register(spool: parts.context.spool)
        application = Application(
            router: parts.router,
            configuration: .init(address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "datamp-admin"),
            services: services, logger: logger)
    }

    /// Runs until SIGTERM/SIGINT; the clients and the spool close after the last service stopped.
    public func run() async throws {
        try await application.runService()
    }

    /// Every route the hub registers with its access, built by the same code as a running hub
    /// without connecting to anything (PostgreSQL connects lazily; the spool lives in a temporary
    /// directory that is removed again). For `admin routes` and the authorisation-matrix test.
    public static func registeredRoutes(configuration: HubConfiguration, logger: Logger) async throws -> [DeclaredRoute] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-routes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var offline = configuration
        offline.core.dataDirectory = directory
        if offline.core.databaseURL.isEmpty { offline.core.databaseURL = "postgresql://127.0.0.1:1/unused" }
        let database = try PostgresClient(url: offline.core.databaseURL, poolSize: 1, logger: logger)
        let parts = try await HubParts.build(configuration: offline, database: database, logger: logger, bcryptCost: PasswordHasher.allowedCosts.lowerBound)
        parts.context.spool.close()
        await parts.context.stores.shutdown()
        await database.shutdown()
        return parts.routes.declared
    }

    /// Applies every module's migrations (`admin migrate`, and `serve` on start).
    @discardableResult
    public static func migrate(database: PostgresClient, logger: Logger) async throws -> [Int] {
        try await SchemaMigrator(database: database, migrations: migrations, logger: logger).migrate()
    }

    /// PostgreSQL may still be starting next to us (compose, systemd): wait up to 30 s for it.
    static func migrateWhenReachable(database: PostgresClient, logger: Logger) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                try await migrate(database: database, logger: logger)
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
