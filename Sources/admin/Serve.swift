import AdminServer
import ArgumentParser
import Foundation
import LogModel
import Logging
import HubKit
import Spool

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the hub: apply migrations, then serve HTTP and deliver to the stores.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try loadConfiguration(options)
        let selfIngest = configuration.core.selfIngest ? SelfIngest(environment: configuration.core.environment) : nil
        let level = Logger.Level(rawValue: configuration.core.logLevel) ?? .info
        var forward: (@Sendable (JSONObject) -> Void)?
        if let selfIngest { forward = { line in selfIngest.enqueue(line) } }
        let handlerForward = forward
        LoggingSystem.bootstrap { label in
            JSONLogHandler(label: label, level: level, forward: handlerForward)
        }
        _ = HubMetrics.shared
        let logger = Logger(label: "admin")
        do {
            let hub = try await Hub(configuration: configuration, logger: logger, selfIngest: selfIngest)
            logger.info("hub listening", metadata: [
                "url": "\(configuration.server.publicURL)",
                "sinks": "\(hub.context.spool.stats().sinks.map(\.name))",
            ])
            try await hub.run()
        } catch {
            logger.critical("hub stopped", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}
