internal import CMongoC

/// The documents of one `insertMany`, back to back in one buffer. The sink writes each event's
/// document straight into it (`appendStoring`), and the insert hands libmongoc read-only views of
/// the buffer: no libbson allocation, copy or `bson_destroy` per document, and no object per
/// document to release on another thread (that was a third of the MongoDB drain's `malloc`/`free`).
///
/// Every document offered has an index, in order (`count`); one that cannot be inserted (over
/// 16 MiB, an empty key, invalid UTF-8) is kept out and reported in the result by its index.
public struct BSONBatch: Sendable {
    var bytes: [UInt8] = []
    /// Where each sent document lies in `bytes`, and its index among those offered.
    var ranges: [Range<Int>] = []
    var indexes: [Int] = []
    var invalid: [InsertManyResult.InvalidDocument] = []
    /// Documents offered so far, sent or not.
    public private(set) var count = 0

    public init(reservingCapacity documents: Int = 0, bytes: Int = 0) {
        ranges.reserveCapacity(documents)
        indexes.reserveCapacity(documents)
        self.bytes.reserveCapacity(bytes)
    }

    /// Appends the document for a stored event's JSON object, written by `JSONToBSON` (see
    /// `BSONDocument.storing`). False when that path does not apply: nothing is appended and the
    /// caller builds the document through the parsed value (`append(_:)`).
    public mutating func appendStoring(json: UnsafeBufferPointer<UInt8>, id: String, datePaths: BSONDatePaths,
                                       timestampIfMissing: (key: String, millis: Int64)?, scratch: BSONScratch) -> Bool {
        let written: Int? = JSONToBSON.document(json, id: id, datePaths: datePaths, timestampIfMissing: timestampIfMissing,
                                                scratch: scratch) { document in
            bytes.append(contentsOf: document)
            return document.count
        }
        guard let written else { return false }
        // Valid UTF-8 and no empty keys by construction: only the size can be refused.
        append(byteCount: written, problem: written > MongoClientPool.maxDocumentBytes
            ? "document is \(written) bytes, over MongoDB's limit of \(MongoClientPool.maxDocumentBytes)" : nil)
        return true
    }

    /// Appends a copy of `document`, or notes why MongoDB or libmongoc would refuse it.
    public mutating func append(_ document: BSONDocument) {
        if let problem = document.insertProblem(maxBytes: MongoClientPool.maxDocumentBytes) {
            append(byteCount: 0, problem: problem)
            return
        }
        let written = document.byteCount
        if let data = bson_get_data(document.pointer) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: written))
        }
        append(byteCount: written, problem: nil)
    }

    /// Records the document whose `byteCount` bytes end `bytes`; with a problem, drops them.
    private mutating func append(byteCount: Int, problem: String?) {
        defer { count += 1 }
        if let problem {
            bytes.removeLast(byteCount)
            invalid.append(.init(index: count, reason: problem))
            return
        }
        ranges.append((bytes.count - byteCount)..<bytes.count)
        indexes.append(count)
    }

    /// The BSON bytes of the document offered `index`-th, nil when it was kept out.
    public func bytes(ofDocument index: Int) -> ArraySlice<UInt8>? {
        var low = 0, high = indexes.count  // `indexes` ascends
        while low < high {
            let middle = (low + high) / 2
            if indexes[middle] < index { low = middle + 1 } else { high = middle }
        }
        guard low < indexes.count, indexes[low] == index else { return nil }
        return bytes[ranges[low]]
    }

    /// Calls `body` with libmongoc's array of the sent documents, views of `bytes` valid only inside it.
    func withDocumentPointers<R>(_ body: (UnsafeMutablePointer<OpaquePointer?>, Int) -> R) throws(MongoError) -> R {
        guard let views = cmongoc_bson_views_alloc(ranges.count) else { throw .outOfMemory }
        defer { cmongoc_storage_free(UnsafeMutableRawPointer(views)) }
        return try bytes.withUnsafeBufferPointer { buffer throws(MongoError) -> R in
            var pointers = [OpaquePointer?](repeating: nil, count: ranges.count)
            for (i, range) in ranges.enumerated() {
                guard let view = cmongoc_bson_view(views, i, buffer.baseAddress! + range.lowerBound, range.count) else {
                    throw MongoError(domain: MongoError.Domain.wrapper, code: MongoError.WrapperCode.invalidDocument,
                                     message: "a document of the batch is not BSON (\(range.count) bytes)")
                }
                pointers[i] = view
            }
            return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}
