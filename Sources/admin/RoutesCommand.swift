import AdminServer
import ArgumentParser

/// `admin routes` (hidden): `METHOD /path` of every route the hub registers, from the same router
/// code `serve` uses. The authorisation-matrix test compares it with its table.
struct RoutesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "routes", abstract: "Print every HTTP route the hub registers.",
                                                    shouldDisplay: false)
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try loadConfiguration(options)
        for line in try Hub.registeredRoutes(configuration: configuration, logger: cliLogger()) { print(line) }
    }
}
