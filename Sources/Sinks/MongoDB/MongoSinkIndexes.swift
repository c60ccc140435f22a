public import ClientMongo

/// The indexes the log UI's queries need (protocols.md 4.4, with the stored document's field names).
public enum MongoSinkIndexes {
    /// Query indexes created by `prepare()`. `_id` (the event id) is indexed by MongoDB itself.
    public static let query: [MongoIndex] = [
        MongoIndex(keys: [.init("service.name", 1), .init("@timestamp", -1)]),
        MongoIndex(keys: [.init("log.level", 1), .init("@timestamp", -1)]),
        MongoIndex(keys: [.init("service.name", 1), .init("log.level", 1), .init("@timestamp", -1)]),
        // Most events carry none of these ids: sparse keeps the index small.
        MongoIndex(keys: [.init("trace.id", 1)], sparse: true),
        MongoIndex(keys: [.init("http.request.id", 1)], sparse: true),
        MongoIndex(keys: [.init("labels.shop_id", 1), .init("@timestamp", -1)], sparse: true),
    ]

    /// Name of the retention index: a TTL index must be single-field, on a BSON date.
    public static let ttlName = "@timestamp_ttl"

    /// The retention index for `seconds`.
    public static func ttl(expireAfterSeconds seconds: Int64) -> MongoIndex {
        MongoIndex(name: ttlName, keys: [.init("@timestamp", 1)], expireAfterSeconds: seconds)
    }
}
