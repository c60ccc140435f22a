import AdminServer
import ArgumentParser
import ClientPostgres
import Logging
import HubKit

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
    return try PostgresClient(url: configuration.databaseURL, poolSize: 1, logger: cliLogger())
}

func cliLogger() -> Logger {
    var logger = Logger(label: "admin")
    logger.logLevel = .warning
    return logger
}
