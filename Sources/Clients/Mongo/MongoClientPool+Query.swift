internal import CMongoC
public import LogModel

extension MongoClientPool {
    /// Documents of `collection` matching `filter`, as JSON (BSON dates as RFC 3339 strings).
    /// - Parameters:
    ///   - filter: a MongoDB query; `{"$date": "<RFC 3339>"}` compares against BSON dates.
    ///   - sort: e.g. `["@timestamp": -1, "_id": -1]`; nil keeps the server's order.
    ///   - projection: fields to include or exclude; nil returns whole documents.
    ///   - limit: 0 means no limit.
    public func find(database: String, collection: String, filter: JSONValue = [:], sort: JSONValue? = nil,
                     projection: JSONValue? = nil, skip: Int = 0, limit: Int = 0) async throws(MongoError) -> [JSONValue]
    {
        let filterDocument = try Self.queryDocument(filter, role: "filter")
        var options = JSONObject()
        if let sort { options.append("sort", sort) }
        if let projection { options.append("projection", projection) }
        if skip > 0 { options.append("skip", .int(Int64(skip))) }
        if limit > 0 { options.append("limit", .int(Int64(limit))) }
        let optionsDocument = try Self.queryDocument(.object(options), role: "find options")
        return try await withClient { client throws(MongoError) in
            guard let coll = mongoc_client_get_collection(client, database, collection) else { throw .outOfMemory }
            defer { mongoc_collection_destroy(coll) }
            guard let cursor = mongoc_collection_find_with_opts(coll, filterDocument.pointer, optionsDocument.pointer, nil)
            else { throw .outOfMemory }
            return try Self.drain(cursor)
        }
    }

    /// How many documents of `collection` match `filter` (`countDocuments`, exact).
    public func count(database: String, collection: String, filter: JSONValue = [:]) async throws(MongoError) -> Int {
        let filterDocument = try Self.queryDocument(filter, role: "filter")
        return try await withClient { client throws(MongoError) in
            guard let coll = mongoc_client_get_collection(client, database, collection) else { throw .outOfMemory }
            defer { mongoc_collection_destroy(coll) }
            var error = bson_error_t()
            let n = mongoc_collection_count_documents(coll, filterDocument.pointer, nil, nil, nil, &error)
            guard n >= 0 else { throw MongoError(error) }
            return Int(n)
        }
    }

    /// Runs an aggregation pipeline on `collection` and returns every resulting document.
    public func aggregate(database: String, collection: String, pipeline: [JSONValue]) async throws(MongoError)
        -> [JSONValue]
    {
        let pipelineDocument = try Self.queryDocument(["pipeline": .array(pipeline)], role: "pipeline")
        return try await withClient { client throws(MongoError) in
            guard let coll = mongoc_client_get_collection(client, database, collection) else { throw .outOfMemory }
            defer { mongoc_collection_destroy(coll) }
            guard let cursor = mongoc_collection_aggregate(coll, MONGOC_QUERY_NONE, pipelineDocument.pointer, nil, nil)
            else { throw .outOfMemory }
            return try Self.drain(cursor)
        }
    }

    /// Reads a cursor to its end and destroys it (before the client goes back to the pool).
    static func drain(_ cursor: OpaquePointer) throws(MongoError) -> [JSONValue] {
        defer { mongoc_cursor_destroy(cursor) }
        var results: [JSONValue] = []
        var current: OpaquePointer?
        while mongoc_cursor_next(cursor, &current) {
            guard let current else { break }
            // The document belongs to the cursor and is only valid until the next call: copy it now.
            guard let value = try? BSONReader.object(current) else {
                throw .invalidDocument("the server returned a document libbson cannot read")
            }
            results.append(value)
        }
        var error = bson_error_t()
        // The error reply (with the server's error labels) belongs to the cursor.
        var replyPointer: OpaquePointer? = nil
        if mongoc_cursor_error_document(cursor, &error, &replyPointer) {
            throw MongoError(error, reply: replyPointer)
        }
        return results
    }

    /// A filter/command document, with query-building errors reported as `invalidDocument`.
    static func queryDocument(_ value: JSONValue, role: String) throws(MongoError) -> BSONDocument {
        do {
            return try BSONDocument(query: value)
        } catch {
            throw .invalidDocument("invalid \(role): \(error)")
        }
    }
}
