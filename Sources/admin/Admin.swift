import ArgumentParser

/// `admin`: the hub and its operator commands in one binary.
@main
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "DataMP Admin: log hub (intake -> spool -> MongoDB + Elasticsearch) and staff console.",
        subcommands: [Serve.self, Migrate.self, TokenCommand.self, UserCommand.self, CheckConfig.self, RoutesCommand.self, SpoolCommand.self, StatusCommand.self, AuditCommand.self, DashboardsCommand.self])
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (ADMIN_CONFIG). ADMIN_* variables override it.")
    var config: String?

    var configFile: String? { config ?? ProcessInfo.processInfo.environment["ADMIN_CONFIG"] }
}

import Foundation
