public import ClientPostgres
public import HubKit
public import Identity
import Logging
public import ServiceLifecycle

/// The identity area: staff users, roles, sessions, personal tokens, ingest tokens and the security
/// audit. Its services (`IdentityServices`, the ingest-token cache) are created by the hub before
/// any module, because every area's staff gate and the intake stand on them; this module declares
/// the `auth.*` section, the tables, the periodic jobs, and the sign-in, users, tokens and audit
/// routes and pages.
public struct IdentityModule: HubModule {
    public struct Configuration: Sendable {
        /// What `IdentityServices` is built with (the hub builds it from this before any module).
        public var identity: IdentityConfiguration
        public var tokenCacheSeconds: Int
    }

    public static let name = "identity"

    public static func readConfiguration(_ r: ConfigurationReader, core: CoreConfiguration) -> Configuration {
        let auth = AuthSettings.read(r)
        return Configuration(
            identity: auth.identityConfiguration,
            tokenCacheSeconds: r.int("intake.token_cache_seconds", env: "ADMIN_INTAKE_TOKEN_CACHE_SECONDS", default: 5, range: 1...3600,
                                     help: "how soon a revoked ingest token stops working on every node"))
    }

    /// Ingest tokens (1), then the staff tables (100...).
    public static var migrations: [SchemaMigration] { IdentitySchema.migrations }

    public static var navigation: [NavigationLink] {
        [NavigationLink(title: "Users", path: "/users", permission: .usersManage),
         NavigationLink(title: "Ingest tokens", path: "/ingest-tokens", permission: .tokensManage),
         NavigationLink(title: "Audit", path: "/audit", permission: .auditRead)]
    }

    let identity: IdentityServices
    let tokens: IngestTokenStore
    let gate: StaffGate
    let publicBaseURL: String
    let database: PostgresClient
    let logger: Logger

    public static func make(_ configuration: Configuration, context: HubContext) async throws -> IdentityModule {
        IdentityModule(identity: context.identity, tokens: context.ingestTokens, gate: context.gate,
                       publicBaseURL: context.core.publicBaseURL, database: context.database, logger: context.logger)
    }

    public var services: [any Service] {
        let tokens = self.tokens, identity = self.identity, logger = self.logger, database = self.database
        return [
            TaskService(name: "token-cache") { await tokens.run() },
            TaskService(name: "ingest-token-usage") { await tokens.usage.run(database: database, logger: logger) },
            TaskService(name: "identity-purge") { await Self.purgeExpired(identity, logger: logger) },
        ]
    }

    public func registerRoutes(on routes: HubRoutes) {
        AuthRoutes(identity: identity, gate: gate).register(on: routes)
        UserRoutes(identity: identity, gate: gate, publicBaseURL: publicBaseURL).register(on: routes)
        PersonalTokenRoutes(identity: identity, gate: gate).register(on: routes)
        IngestTokenRoutes(identity: identity, tokens: tokens, gate: gate, database: database).register(on: routes)
        AuditRoutes(identity: identity, gate: gate).register(on: routes)
        PageRoutes(identity: identity, tokens: tokens, gate: gate, database: database).register(on: routes)
    }

    /// Expired sessions and stale throttle counts, every five minutes (idempotent on every node).
    static func purgeExpired(_ identity: IdentityServices, logger: Logger) async {
        while !Task.isCancelled {
            do { try await identity.purgeExpired() } catch {
                logger.warning("could not purge expired sessions", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(300))
        }
    }
}
