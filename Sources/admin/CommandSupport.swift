import AdminServer
import ArgumentParser
import ClientPostgres
import Logging
import HubKit
import Synchronization

func loadConfiguration(_ options: GlobalOptions) throws -> HubConfiguration {
    do {
        return try HubConfiguration.load(file: options.configFile)
    } catch {
        throw ValidationError(error.description)
    }
}

func openDatabase(_ configuration: HubConfiguration) throws -> PostgresClient {
    guard !configuration.databaseURL.isEmpty else {
        throw ValidationError("database_url (ADMIN_DATABASE_URL) is not set")
    }
    let database = try PostgresClient(url: configuration.databaseURL, poolSize: 1, logger: cliLogger())
    OpenedDatabases.shared.add(database)
    return database
}

/// The databases a command opened, closed before the process exits (``Admin/main()``). Left to
/// their deinit, a connection could be finished on the client's thread while `exit` ran the
/// libraries' clean-up: a CI run saw `admin user token create` abort with "double free or
/// corruption" after printing its token.
final class OpenedDatabases: Sendable {
    static let shared = OpenedDatabases()
    private let clients = Mutex<[PostgresClient]>([])

    func add(_ client: PostgresClient) {
        clients.withLock { $0.append(client) }
    }

    func shutdownAll() async {
        for client in clients.withLock({ list in defer { list = [] }; return list }) { await client.shutdown() }
    }
}

func cliLogger() -> Logger {
    var logger = Logger(label: "admin")
    logger.logLevel = .warning
    return logger
}
