import AdminServer
import ArgumentParser
import ClientPostgres
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the PostgreSQL schema (serve does this on start too).")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try loadConfiguration(options)
        let database = try openDatabase(configuration)
        let applied = try await Hub.migrate(database: database, logger: cliLogger())
        print(applied.isEmpty ? "schema is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
    }
}
