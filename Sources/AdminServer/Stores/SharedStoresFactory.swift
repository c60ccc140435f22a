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
        var mongodbProbe: MongoClientPool?
        if core.mongodb.isEnabled {
            do {
                mongodb = try MongoClientPool(uri: withArchiveDefaults(core.mongodb.uri), appName: "datamp-admin", threads: 2, logger: logger)
                mongodbProbe = try MongoClientPool(uri: withProbeTimeouts(core.mongodb.uri), appName: "datamp-admin-probe", threads: 1,
                                                   logger: logger)
            } catch {
                http.shutdown()
                throw HubStartError.missingSetting("mongodb.uri (ADMIN_MONGODB_URI) is not a usable MongoDB URI: \(error.message)")
            }
        }
        return SharedStores(http: http, elasticsearch: elasticsearch, mongodb: mongodb, mongodbProbe: mongodbProbe)
    }

    /// Options the archive needs unless the operator's URI says otherwise:
    /// - `journal=true`, `w=majority`: the hub advances its spool cursor once MongoDB acknowledged a
    ///   write, so the acknowledgement must mean "on disk (on a majority)"; with the driver's
    ///   defaults a MongoDB crash right after the acknowledgement loses the batch for good.
    /// - `socketTimeoutMS=60000`: libmongoc waits 5 minutes on a connection that went quiet, which
    ///   would hold the sink that long after a server restart.
    static func withArchiveDefaults(_ uri: String) -> String {
        withOptions(uri, ["journal": "true", "w": "majority", "socketTimeoutMS": "60000"], override: false)
    }

    /// The probe pool's timeouts replace the operator's: a health probe must answer within seconds.
    static func withProbeTimeouts(_ uri: String) -> String {
        withOptions(uri, ["serverSelectionTimeoutMS": "2000", "connectTimeoutMS": "2000", "socketTimeoutMS": "3000"], override: true)
    }

    /// Adds `wanted` options to the URI: those it lacks, or (`override`) replacing what it says.
    private static func withOptions(_ uri: String, _ wanted: KeyValuePairs<String, String>, override: Bool) -> String {
        var uri = uri
        if override, let question = uri.firstIndex(of: "?") {
            let names = Set(wanted.map { $0.key.lowercased() })
            let kept = uri[uri.index(after: question)...].split(separator: "&").filter { pair in
                !names.contains(pair.split(separator: "=").first.map { $0.lowercased() } ?? "")
            }
            uri = String(uri[...question]) + kept.joined(separator: "&")
        }
        let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        let given = Set(query.split(separator: "&").map { $0.split(separator: "=").first.map { $0.lowercased() } ?? "" })
        let options = wanted.filter { !given.contains($0.key.lowercased()) }.map { "\($0.key)=\($0.value)" }
        guard !options.isEmpty else { return uri }
        let joined = options.joined(separator: "&")
        if uri.contains("?") { return uri + (uri.hasSuffix("?") || uri.hasSuffix("&") ? "" : "&") + joined }
        // mongodb://host[:port][,host...][/db]: options need the path slash before "?".
        let afterScheme = uri.range(of: "://").map { uri[$0.upperBound...] } ?? Substring(uri)
        return uri + (afterScheme.contains("/") ? "?" : "/?") + joined
    }
}
