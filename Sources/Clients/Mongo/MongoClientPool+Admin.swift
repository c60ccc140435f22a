internal import CMongoC
public import LogModel

extension MongoClientPool {
    /// Runs a database command (`{"ping": 1}`, `{"collMod": ...}`, `{"buildInfo": 1}`) and returns the
    /// server's reply. The first key names the command, so build `command` in that order.
    /// Throws when the command fails (`ok: 0`) or the server cannot be reached.
    @discardableResult
    public func command(database: String, command: JSONValue) async throws(MongoError) -> JSONValue {
        let commandDocument = try Self.queryDocument(command, role: "command")
        return try await withClient { client throws(MongoError) in
            guard let reply = cmongoc_bson_alloc() else { throw .outOfMemory }
            defer { cmongoc_bson_free(reply) }
            var error = bson_error_t()
            guard mongoc_client_command_simple(client, database, commandDocument.pointer, nil, reply, &error) else {
                throw MongoError(error, reply: reply)
            }
            return (try? BSONReader.object(reply)) ?? .object(JSONObject())
        }
    }

    /// Answers when a server is selectable and responds to `ping`; throws the reason otherwise
    /// (after at most `serverSelectionTimeoutMS`).
    public func ping() async throws(MongoError) {
        try await command(database: "admin", command: ["ping": 1])
    }

    /// Creates `indexes` on `collection` (creating the collection if needed). Creating an index that
    /// exists with the same definition is a no-op; the same name with other options throws
    /// code 85/86 (use `collMod` to change a TTL).
    public func createIndexes(database: String, collection: String, indexes: [MongoIndex]) async throws(MongoError) {
        guard !indexes.isEmpty else { return }
        try await command(database: database, command: [
            "createIndexes": .string(collection),
            "indexes": .array(indexes.map(\.specification)),
        ])
    }

    /// The collection's index descriptions (`listIndexes`): `name`, `key`, and options such as
    /// `expireAfterSeconds` and `sparse`. Empty when the collection does not exist.
    public func listIndexes(database: String, collection: String) async throws(MongoError) -> [JSONValue] {
        try await withClient { client throws(MongoError) in
            guard let coll = mongoc_client_get_collection(client, database, collection) else { throw .outOfMemory }
            defer { mongoc_collection_destroy(coll) }
            guard let cursor = mongoc_collection_find_indexes_with_opts(coll, nil) else { throw .outOfMemory }
            do throws(MongoError) {
                return try Self.drain(cursor)
            } catch where error.code == MongoError.ServerCode.namespaceNotFound {
                return []
            }
        }
    }

    /// Drops the index called `name`; an index or collection that is not there is not an error.
    public func dropIndex(database: String, collection: String, name: String) async throws(MongoError) {
        do throws(MongoError) {
            try await command(database: database, command: ["dropIndexes": .string(collection), "index": .string(name)])
        } catch where error.code == MongoError.ServerCode.indexNotFound || error.code == MongoError.ServerCode.namespaceNotFound {
            return
        }
    }

    /// Drops `collection` with its documents and indexes; a collection that is not there is not an error.
    public func drop(database: String, collection: String) async throws(MongoError) {
        try await withClient { client throws(MongoError) in
            guard let coll = mongoc_client_get_collection(client, database, collection) else { throw .outOfMemory }
            defer { mongoc_collection_destroy(coll) }
            var error = bson_error_t()
            if !mongoc_collection_drop_with_opts(coll, nil, &error), error.code != MongoError.ServerCode.namespaceNotFound {
                throw MongoError(error)
            }
        }
    }

    /// Drops `database` with everything in it (tests clean up with this).
    public func dropDatabase(_ database: String) async throws(MongoError) {
        try await command(database: database, command: ["dropDatabase": 1])
    }
}
