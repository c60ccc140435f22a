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

    public init(http: HTTPClient, elasticsearch: ElasticsearchTransport?, mongodb: MongoClientPool?) {
        self.http = http
        self.elasticsearch = elasticsearch
        self.mongodb = mongodb
    }

    /// Closes the clients; called once, after every service that used them has stopped.
    public func shutdown() async {
        await mongodb?.shutdown()
        http.shutdown()
    }
}
