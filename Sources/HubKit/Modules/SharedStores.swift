public import ClientElasticsearch
public import ClientHTTP
public import ClientMongo
public import Logging

/// The stores' clients, created once by the hub and lent to every module that needs them (the
/// sinks, search, retention). Nil where the store is not configured.
public struct SharedStores: Sendable {
    /// The process's one libcurl client (Elasticsearch, and later Sentry, Telegram, CORE).
    public let http: HTTPClient
    public let elasticsearch: ElasticsearchTransport?
    public let mongodb: MongoClientPool?
    /// The same MongoDB with short timeouts (2 s server selection, 3 s socket), for health probes and
    /// quick "is it there" questions that must not wait as long as an archive write may.
    public let mongodbProbe: MongoClientPool?

    public init(http: HTTPClient, elasticsearch: ElasticsearchTransport?, mongodb: MongoClientPool?, mongodbProbe: MongoClientPool? = nil) {
        self.http = http
        self.elasticsearch = elasticsearch
        self.mongodb = mongodb
        self.mongodbProbe = mongodbProbe
    }

    /// Closes the clients; called once, after every service that used them has stopped.
    public func shutdown() async {
        await mongodb?.shutdown()
        await mongodbProbe?.shutdown()
        http.shutdown()
    }
}
