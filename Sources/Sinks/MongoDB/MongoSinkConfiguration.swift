/// How the MongoDB sink reaches and lays out its store.
public struct MongoSinkConfiguration: Sendable, Equatable {
    /// `mongodb://` or `mongodb+srv://` URI. Durability comes from it: `w=majority&journal=true` (or
    /// `w=1&journal=true` on a single node) is what "stored" should mean; `serverSelectionTimeoutMS`
    /// bounds how long a delivery waits for a down server before reporting retry.
    public var uri: String
    /// Database holding the log collection.
    public var database: String
    /// The log collection (a regular collection: time-series collections accept duplicate `_id`s,
    /// which would break 11000-based deduplication; protocols.md 4.4).
    public var collection: String
    /// Days to keep events, enforced by a TTL index on `@timestamp`; nil keeps them forever
    /// (an existing TTL index is then dropped).
    public var retentionDays: Int?
    /// Blocking MongoDB calls that may run at once (threads of the client pool).
    public var threads: Int
    /// Shown in the server's logs and `currentOp`, unless the URI sets `appname`.
    public var appName: String

    public init(uri: String, database: String = "datamp", collection: String = "logs", retentionDays: Int? = nil,
                threads: Int = 2, appName: String = "datamp-admin") {
        self.uri = uri
        self.database = database
        self.collection = collection
        self.retentionDays = retentionDays
        self.threads = threads
        self.appName = appName
    }

    /// The TTL in seconds, or nil without retention.
    public var expireAfterSeconds: Int64? { retentionDays.map { Int64($0) * 86_400 } }
}
