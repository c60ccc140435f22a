/// What MongoDB said about every document of one `insertMany`.
///
/// Read it per document: an index listed in `writeErrors` or `invalidDocuments` was not written by
/// this call; with `batchError == nil` every other document was inserted (`insertedCount`); with a
/// `batchError` the others may or may not be stored (a network error can strike after the server
/// wrote them), so retry them with the same `_id`s and count 11000 as success.
public struct InsertManyResult: Sendable, Equatable {
    /// A per-document rejection by the server (`reply.writeErrors[]`; index into the caller's array).
    public struct WriteError: Sendable, Equatable {
        public var index: Int
        /// The server's code: 11000 = duplicate key (already stored), 121 = validation, 2 = BadValue, ...
        public var code: Int
        public var message: String

        public init(index: Int, code: Int, message: String) {
            self.index = index
            self.code = code
            self.message = message
        }

        public var isDuplicateKey: Bool { code == Int(MongoError.ServerCode.duplicateKey) }
    }

    /// The write happened but durability (`w`, `j`) was not confirmed (`reply.writeConcernErrors[]`).
    public struct WriteConcernError: Sendable, Equatable {
        public var code: Int
        public var message: String

        public init(code: Int, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// A document refused before sending (over 16 MiB, empty key, invalid UTF-8); never retry it.
    public struct InvalidDocument: Sendable, Equatable {
        public var index: Int
        public var reason: String

        public init(index: Int, reason: String) {
            self.index = index
            self.reason = reason
        }
    }

    public var insertedCount: Int
    public var writeErrors: [WriteError]
    public var writeConcernErrors: [WriteConcernError]
    public var invalidDocuments: [InvalidDocument]
    /// The request failed as a whole (network, server selection, authentication, pool shut down).
    /// `batchError.isTransient` says whether waiting can help.
    public var batchError: MongoError?

    public init(insertedCount: Int = 0, writeErrors: [WriteError] = [], writeConcernErrors: [WriteConcernError] = [],
                invalidDocuments: [InvalidDocument] = [], batchError: MongoError? = nil) {
        self.insertedCount = insertedCount
        self.writeErrors = writeErrors
        self.writeConcernErrors = writeConcernErrors
        self.invalidDocuments = invalidDocuments
        self.batchError = batchError
    }

    /// Indexes of the documents that were already stored (duplicate `_id`), ascending.
    public var duplicateIndexes: [Int] { writeErrors.filter(\.isDuplicateKey).map(\.index).sorted() }
}
