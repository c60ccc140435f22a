import ClientElasticsearch
import ClientHTTP
import ClientMongo
import HubKit
import Logging
import Foundation

/// Creates the stores' shared clients from the core configuration.
enum SharedStoresFactory {
    static func make(_ core: CoreConfiguration, logger: Logger) throws -> SharedStores {
        let http = try HTTPClient(logger: logger)
        var elasticsearch: ElasticsearchTransport?
        if core.elasticsearch.isEnabled {
            let es = core.elasticsearch
            elasticsearch = ElasticsearchTransport(client: http, connection: ElasticsearchConnection(
                urls: es.urls, username: es.username.isEmpty ? nil : es.username, password: es.password.isEmpty ? nil : es.password,
                apiKey: es.apiKey.isEmpty ? nil : es.apiKey))
        }
        var mongodb: MongoClientPool?
        if core.mongodb.isEnabled {
            do {
                mongodb = try MongoClientPool(uri: withArchiveDefaults(core.mongodb.uri), appName: "datamp-admin", threads: 2, logger: logger)
            } catch {
                http.shutdown()
                throw HubStartError.missingSetting("mongodb.uri (ADMIN_MONGODB_URI) is not a usable MongoDB URI: \(error.message)")
            }
        }
        return SharedStores(http: http, elasticsearch: elasticsearch, mongodb: mongodb)
    }

    /// Options the archive needs unless the operator's URI says otherwise:
    /// - `journal=true`, `w=majority`: the hub advances its spool cursor once MongoDB acknowledged a
    ///   write, so the acknowledgement must mean "on disk (on a majority)"; with the driver's
    ///   defaults a MongoDB crash right after the acknowledgement loses the batch for good.
    /// - `socketTimeoutMS=60000`: libmongoc waits 5 minutes on a connection that went quiet, which
    ///   would hold the sink that long after a server restart.
    static func withArchiveDefaults(_ uri: String) -> String {
        let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        let given = Set(query.split(separator: "&").map { $0.split(separator: "=").first.map { $0.lowercased() } ?? "" })
        var options: [String] = []
        if !given.contains("journal") { options.append("journal=true") }
        if !given.contains("w") { options.append("w=majority") }
        if !given.contains("sockettimeoutms") { options.append("socketTimeoutMS=60000") }
        guard !options.isEmpty else { return uri }
        let joined = options.joined(separator: "&")
        if uri.contains("?") { return uri + (uri.hasSuffix("?") || uri.hasSuffix("&") ? "" : "&") + joined }
        // mongodb://host[:port][,host...][/db]: options need the path slash before "?".
        let afterScheme = uri.range(of: "://").map { uri[$0.upperBound...] } ?? Substring(uri)
        return uri + (afterScheme.contains("/") ? "?" : "/?") + joined
    }
}
