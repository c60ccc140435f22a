internal import CMongoC
internal import LogModel

extension MongoClientPool {
    /// Inserts `documents` with one `insert_many` (libmongoc splits it by the server's batch limits);
    /// the same as `insertMany(database:collection:batch:ordered:)` with a batch of their copies.
    public func insertMany(database: String, collection: String, documents: [BSONDocument], ordered: Bool = false)
        async -> InsertManyResult
    {
        var batch = BSONBatch(reservingCapacity: documents.count)
        for document in documents { batch.append(document) }
        return await insertMany(database: database, collection: collection, batch: batch, ordered: ordered)
    }

    /// Inserts the documents of `batch` with one `insert_many` (libmongoc splits it by the server's
    /// batch limits).
    ///
    /// Never throws: every outcome is in the result, per document, by its index in the batch
    /// (protocols.md 4.3). With `ordered: false` the server attempts every document even after one
    /// fails. Write errors are read from `reply.writeErrors` (libmongoc's returned error only carries
    /// the first one's code). Documents libmongoc would refuse client-side (over 16 MiB, empty key)
    /// were kept out of the batch and are reported in `invalidDocuments`, so they cannot sink it.
    /// Give every document its own `_id`: the driver would invent one, making a retry a duplicate.
    public func insertMany(database: String, collection: String, batch: BSONBatch, ordered: Bool = false)
        async -> InsertManyResult
    {
        guard !batch.ranges.isEmpty else { return InsertManyResult(invalidDocuments: batch.invalid) }
        let outcome: RawInsertOutcome
        do {
            outcome = try await withClient { client throws(MongoError) in
                try Self.insertBlocking(client: client, database: database, collection: collection, batch: batch, ordered: ordered)
            }
        } catch {
            return InsertManyResult(invalidDocuments: batch.invalid, batchError: error)
        }

        var result = InsertManyResult(invalidDocuments: batch.invalid)
        let reply = outcome.reply
        result.insertedCount = Int(reply?["insertedCount"]?.bsonInt ?? 0)
        for entry in reply?["writeErrors"]?.arrayValue ?? [] {
            // The server's index is into the documents sent; map it back to the batch's.
            guard let sent = entry["index"]?.bsonInt, sent >= 0, Int(sent) < batch.indexes.count else { continue }
            result.writeErrors.append(.init(index: batch.indexes[Int(sent)], code: Int(entry["code"]?.bsonInt ?? 0),
                                            message: entry["errmsg"]?.stringValue ?? ""))
        }
        for entry in reply?["writeConcernErrors"]?.arrayValue ?? [] {
            result.writeConcernErrors.append(.init(code: Int(entry["code"]?.bsonInt ?? 0),
                                                   message: entry["errmsg"]?.stringValue ?? ""))
        }
        if let error = outcome.error {
            // A per-document answer explains a `false` return on its own; a network or selection
            // failure means some documents were never acknowledged, whatever else the reply holds.
            let explained = !result.writeErrors.isEmpty || !result.writeConcernErrors.isEmpty
            let wholeBatch = error.domain == MongoError.Domain.stream || error.domain == MongoError.Domain.serverSelection
                || error.domain == MongoError.Domain.client || error.domain == MongoError.Domain.protocol
            if wholeBatch || !explained { result.batchError = scrubbed(error) }
        }
        return result
    }

    private struct RawInsertOutcome: Sendable {
        var reply: JSONValue?
        var error: MongoError?
    }

    private static func insertBlocking(client: OpaquePointer, database: String, collection: String,
                                       batch: BSONBatch, ordered: Bool) throws(MongoError) -> RawInsertOutcome {
        guard let coll = mongoc_client_get_collection(client, database, collection) else {
            throw .outOfMemory
        }
        defer { mongoc_collection_destroy(coll) }
        guard let opts = bson_new() else { throw .outOfMemory }
        defer { bson_destroy(opts) }
        _ = bson_append_bool(opts, "ordered", -1, ordered)
        // Already validated per document in the batch; libmongoc's own check would fail the batch.
        _ = bson_append_bool(opts, "validate", -1, false)
        guard let reply = cmongoc_bson_alloc() else { throw .outOfMemory }
        defer { cmongoc_bson_free(reply) }

        var error = bson_error_t()
        let ok = try batch.withDocumentPointers { pointers, count in
            mongoc_collection_insert_many(coll, pointers, count, opts, reply, &error)
        }
        return RawInsertOutcome(reply: try? BSONReader.object(reply), error: ok ? nil : MongoError(error, reply: reply))
    }
}

extension JSONValue {
    /// An integer member read back from BSON (int32, int64, or a whole double as some servers send).
    var bsonInt: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(exactly: d)
        default: return nil
        }
    }
}

extension MongoError {
    static let outOfMemory = MongoError(domain: Domain.wrapper, code: WrapperCode.outOfMemory,
                                        message: "libbson could not allocate a document")
}
