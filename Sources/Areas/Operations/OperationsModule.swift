import ClientHTTP
public import ClientPostgres
public import HubKit
import Identity
import Logging
import Operations
public import ServiceLifecycle

/// The operations area: managers' operations on shops, proxied to CORE exactly once, with four-eyes
/// approval, limits and a hash-chained audit (issue 11; CORE's contract in docs/core-api.md).
/// Declares the `operations.*` section, migrations 500–599, the reconciler and the routes.
public struct OperationsModule: HubModule {
    public static let name = "operations"

    public static func readConfiguration(_ reader: ConfigurationReader, core: CoreConfiguration) -> OperationsConfiguration {
        OperationsConfiguration.read(reader)
    }

    public static var migrations: [SchemaMigration] { OperationsSchema.migrations }

    public static var navigation: [NavigationLink] { [NavigationLink(title: "Operations", path: "/operations", permission: .operationsRun)] }

    let configuration: OperationsConfiguration
    let desk: OperationDesk
    let reconciler: OperationReconciler
    let audit: AuditLog
    let database: PostgresClient

    public static func make(_ configuration: OperationsConfiguration, context: HubContext) async throws -> OperationsModule {
        let store = OperationStore(database: context.database)
        let timeout = Duration.milliseconds(configuration.coreTimeoutMillis)
        let core = configuration.isEnabled ? CoreClient(
            http: context.stores.http, baseURL: configuration.coreURL, token: configuration.coreToken, timeout: timeout,
            tls: configuration.clientCertificate == nil && configuration.coreCA == nil ? nil
                : HTTPRequest.ClientTLS(certificatePath: configuration.clientCertificate, keyPath: configuration.clientKey, caPath: configuration.coreCA)) : nil
        let catalog = Dictionary(configuration.catalog.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let lease = Double(configuration.coreTimeoutMillis) / 1000 + 5
        let sender = OperationSender(store: store, core: core, catalog: catalog, attempts: configuration.sendAttempts, leaseSeconds: lease,
                                     retryDelay: .milliseconds(200), logger: context.logger)
        let desk = OperationDesk(configuration: configuration, catalog: catalog, store: store, sender: sender, core: core, logger: context.logger)
        let reconciler = OperationReconciler(store: store, sender: sender, interval: .milliseconds(configuration.reconcileIntervalMillis),
                                             holdSeconds: lease, logger: context.logger)
        return OperationsModule(configuration: configuration, desk: desk, reconciler: reconciler, audit: AuditLog(database: context.database),
                                database: context.database)
    }

    public var services: [any Service] {
        let reconciler = self.reconciler
        return [TaskService(name: "operations-reconciler") { await reconciler.run() }]
    }

    public func registerRoutes(on routes: HubRoutes) {
        OperationsRoutes(desk: desk, audit: audit).register(on: routes)
        OperationsPageRoutes(catalog: configuration.catalog).register(on: routes)
    }

    public func health() async -> [ComponentHealth] {
        guard configuration.isEnabled else { return [ComponentHealth(name: "operation.core", state: "disabled", detail: "operations.core_url is not set")] }
        let rows = try? await database.query("SELECT count(*) FILTER (WHERE state = 'unknown') AS unknown, count(*) FILTER (WHERE state = 'pending_approval') AS pending FROM operations", [])
        let unknown = Int64((try? rows?.first?.int("unknown")) ?? 0)
        let pending = Int64((try? rows?.first?.int("pending")) ?? 0)
        return [ComponentHealth(name: "operation.core", state: "ready", metrics: ["unknown": unknown, "pending_approval": pending])]
    }
}
