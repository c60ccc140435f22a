public import ClientPostgres
public import Identity
public import Logging
public import Spool

/// What the hub creates once and lends to every module: the core configuration, PostgreSQL, the
/// identity services and the staff gate built on them, the ingest-token cache, the spool and the
/// stores' shared clients. Modules never create these themselves.
public struct HubContext: Sendable {
    public let core: CoreConfiguration
    public let logger: Logger
    public let database: PostgresClient
    public let identity: IdentityServices
    public let ingestTokens: IngestTokenStore
    public let gate: StaffGate
    public let spool: Spool
    public let stores: SharedStores

    public init(core: CoreConfiguration, logger: Logger, database: PostgresClient, identity: IdentityServices,
                ingestTokens: IngestTokenStore, gate: StaffGate, spool: Spool, stores: SharedStores) {
        self.core = core
        self.logger = logger
        self.database = database
        self.identity = identity
        self.ingestTokens = ingestTokens
        self.gate = gate
        self.spool = spool
        self.stores = stores
    }
}
