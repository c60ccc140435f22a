import AdminServer
import ArgumentParser
import HubKit

/// `admin routes` (hidden): `METHOD /path ACCESS` of every route the hub registers, from the same
/// router code `serve` uses. The authorisation-matrix test reads each route's access from it.
struct RoutesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "routes", abstract: "Print every HTTP route the hub registers.",
                                                    shouldDisplay: false)
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try loadConfiguration(options)
        for route in try await Hub.registeredRoutes(configuration: configuration, logger: cliLogger()) { print(route.line) }
    }
}
