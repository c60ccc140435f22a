import ClientPostgres
import HubKit
import ServiceLifecycle
import Spool

/// Closes the shared clients and the spool when the hub stops. It is the first service in the
/// group, so the service group shuts it down last: after the HTTP server answered its last request
/// and every sink worker stopped.
struct ClientShutdownService: Service {
    let database: PostgresClient
    let stores: SharedStores
    let spool: Spool

    func run() async throws {
        try? await gracefulShutdown()
        spool.close()
        await stores.shutdown()
        await database.shutdown()
    }
}
