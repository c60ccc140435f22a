import ClientElasticsearch
import HubKit
import Logging
import SinkElasticsearch
import SinkMongoDB
import Sinks

/// Builds the configured stores' sinks on the hub's shared clients.
enum SinkFactory {
    static func makeSinks(core: CoreConfiguration, stores: SharedStores, logger: Logger) throws -> [any Sink] {
        var sinks: [any Sink] = []
        if core.mongodb.isEnabled, let pool = stores.mongodb {
            let mongo = core.mongodb
            sinks.append(MongoSink(
                configuration: MongoSinkConfiguration(uri: mongo.uri, database: mongo.database, collection: mongo.collection,
                                                      retentionDays: mongo.retentionDays > 0 ? mongo.retentionDays : nil),
                client: pool, probeClient: stores.mongodbProbe, logger: logger))
        }
        if core.elasticsearch.isEnabled, let transport = stores.elasticsearch {
            let es = core.elasticsearch
            sinks.append(ElasticsearchSink(
                configuration: ElasticsearchSinkConfiguration(
                    urls: es.urls, indexPrefix: es.indexPrefix,
                    username: es.username.isEmpty ? nil : es.username, password: es.password.isEmpty ? nil : es.password,
                    apiKey: es.apiKey.isEmpty ? nil : es.apiKey, retentionDays: es.retentionDays > 0 ? es.retentionDays : nil),
                transport: transport, logger: logger))
        }
        return sinks
    }
}
