import ClientPostgres
import Hummingbird
import Identity
import Logging
import Pipeline
import Spool

/// Every route of the hub, registered in one place. `admin routes` lists what this registers
/// (from the same code), and the authorisation-matrix test fails when a route is missing from
/// its table.
enum HubRouter {
    struct Parts: Sendable {
        let configuration: HubConfiguration
        let ingest: IngestService
        let tokens: IngestTokenStore
        let spool: Spool
        let database: PostgresClient
        let workers: [SinkWorker]
        let deadLetters: DeadLetterStore
        let identity: IdentityServices
        let logger: Logger
    }

    static func make(_ parts: Parts) -> Router<HubRequestContext> {
        let configuration = parts.configuration
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        let gate = StaffGate(
            identity: parts.identity,
            cookie: SessionCookie(secure: configuration.usesSecureCookies, maxAgeSeconds: configuration.auth.sessionAbsoluteTimeoutSeconds),
            publicOrigin: configuration.publicOrigin, logger: parts.logger)

        IngestRoutes(ingest: parts.ingest, tokens: parts.tokens,
                     rateLimiter: TokenRateLimiter(eventsPerSecond: configuration.intake.rateLimitEventsPerSecond)).register(on: router)
        HealthRoutes(spool: parts.spool, database: parts.database, workers: parts.workers).register(on: router)
        MetricsRoutes(metrics: HubMetrics.shared).register(on: router)
        DeadLetterRoutes(deadLetters: parts.deadLetters, spool: parts.spool, gate: gate).register(on: router)
        AuthRoutes(identity: parts.identity, gate: gate).register(on: router)
        UserRoutes(identity: parts.identity, gate: gate, publicBaseURL: configuration.publicBaseURL).register(on: router)
        PersonalTokenRoutes(identity: parts.identity, gate: gate).register(on: router)
        IngestTokenRoutes(identity: parts.identity, tokens: parts.tokens, gate: gate).register(on: router)
        AuditRoutes(identity: parts.identity, gate: gate).register(on: router)
        PageRoutes(identity: parts.identity, tokens: parts.tokens, gate: gate).register(on: router)
        return router
    }
}
