import ArgumentParser

/// `admin`: the hub and its operator commands in one binary.
@main
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "DataMP Admin: log hub (intake -> spool -> MongoDB + Elasticsearch) and staff console.",
        subcommands: [Serve.self, Migrate.self, TokenCommand.self, UserCommand.self, CheckConfig.self, RoutesCommand.self, SpoolCommand.self, StatusCommand.self, AuditCommand.self, DashboardsCommand.self])

    /// ArgumentParser's own `main`, plus closing the databases the command opened before the
    /// process exits, whether the command succeeded or not.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            await OpenedDatabases.shared.shutdownAll()
        } catch {
            await OpenedDatabases.shared.shutdownAll()
            exit(withError: error)
        }
    }
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (ADMIN_CONFIG). ADMIN_* variables override it.")
    var config: String?

    var configFile: String? { config ?? ProcessInfo.processInfo.environment["ADMIN_CONFIG"] }
}

import Foundation
