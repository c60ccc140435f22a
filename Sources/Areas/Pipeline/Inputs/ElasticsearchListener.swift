import HubKit
import Hummingbird
import Logging
import ServiceLifecycle

/// The Elasticsearch input on a port of its own (`inputs.elasticsearch.listen`), with the routes at
/// the root as Elasticsearch has them. Runs with the hub's services and stops with them.
struct ElasticsearchListener: Service, CustomStringConvertible {
    let routes: ElasticsearchBulkRoutes
    let host: String
    let port: Int
    let logger: Logger

    var description: String { "ElasticsearchListener(\(host):\(port))" }

    func run() async throws {
        let router = Router(context: HubRequestContext.self)
        routes.register(on: router)
        let application = Application(router: router,
                                      configuration: .init(address: .hostname(host, port: port), serverName: "datamp-admin-es"),
                                      logger: logger)
        logger.info("Elasticsearch input listening", metadata: ["address": "\(host):\(port)"])
        try await application.run()  // a service of the hub's group: it stops when the hub stops
    }
}
