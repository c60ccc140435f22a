import AdminServer
import ArgumentParser
import HubKit

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate and print the effective configuration (secrets masked).")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try loadConfiguration(options)
        print(configuration.describe())
        print("# sinks: \(configuration.mongodb.isEnabled ? "mongodb " : "")\(configuration.elasticsearch.isEnabled ? "elasticsearch" : "")"
              + (configuration.mongodb.isEnabled || configuration.elasticsearch.isEnabled ? "" : "none (events are spooled only)"))
    }
}
