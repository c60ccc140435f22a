public import ClientPostgres
public import ServiceLifecycle

/// One area of the hub (identity, the pipeline, search, alerting, operations): everything the hub
/// needs to know about it, declared in one place. The hub reads every module's configuration
/// section, applies every module's migrations, builds each module once with the shared clients,
/// runs its services with the hub's lifecycle and registers its routes (see `Hub` in AdminServer;
/// Loki's `modules.go` and Vector's component registration are the models).
///
/// A new area is a target of its own under `Sources/Areas/`, one line in the hub's list of
/// modules, and rows in the authorisation-matrix test's table for its routes.
public protocol HubModule: Sendable {
    /// The area's own settings, read and validated by `readConfiguration`.
    associatedtype Configuration: Sendable

    /// Short name for logs and `admin check-config` (`identity`, `pipeline`, `search`).
    static var name: String { get }

    /// The area's configuration section: its keys, `ADMIN_*` variables, defaults, validation and
    /// which values are secret. Problems are reported through `reader.fail` and come out all at once.
    static func readConfiguration(_ reader: ConfigurationReader, core: CoreConfiguration) -> Configuration

    /// The PostgreSQL tables the area owns, in version order (see `SchemaMigration` for the ranges).
    static var migrations: [SchemaMigration] { get }

    /// The spool readers the area needs (sinks, best-effort consumers); the hub opens the spool with
    /// every module's consumers, so a segment is kept until each blocking consumer has passed it.
    static func spoolConsumers(_ configuration: Configuration, core: CoreConfiguration) -> [SpoolConsumer]

    /// Builds the area once, with the shared clients. Connecting happens later, in `services`.
    static func make(_ configuration: Configuration, context: HubContext) async throws -> Self

    /// Long-running work (sink workers, caches, periodic jobs, client shutdown), started and stopped with the hub.
    var services: [any Service] { get }

    /// The area's routes, each with the access it needs.
    func registerRoutes(on routes: HubRoutes)

    /// The area's pages in the header of every page, each shown to those holding its permission.
    static var navigation: [NavigationLink] { get }

    /// What the area counts per second (intake, deliveries, notifications) for the status page.
    func rates() -> [RateSeries]

    /// The area's parts for `/readyz` (states only) and `GET /api/v1/status` (with detail).
    func health() async -> [ComponentHealth]
}

extension HubModule {
    public static func spoolConsumers(_ configuration: Configuration, core: CoreConfiguration) -> [SpoolConsumer] { [] }
    public static var migrations: [SchemaMigration] { [] }
    public static var navigation: [NavigationLink] { [] }
    public var services: [any Service] { [] }
    public func health() async -> [ComponentHealth] { [] }
    public func rates() -> [RateSeries] { [] }
}
