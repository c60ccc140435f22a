internal import CMongoC
public import LogModel

/// One BSON document owned by Swift: a heap `bson_t*` made by libbson (`bson_new`,
/// `bson_new_from_data`), destroyed in `deinit`.
///
/// Never a `bson_t` in Swift memory: libbson declares it 128-byte aligned, which Swift storage does
/// not guarantee (swift-notes.md). The pointer stays inside ClientMongo; callers see JSON values.
///
/// `@unchecked Sendable` because the class wraps a C pointer Swift cannot check: the document is
/// never mutated after `init`, and libbson only reads it afterwards, which is safe from any thread.
public final class BSONDocument: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Written by `JSONToBSON` from validated JSON: valid UTF-8, no empty keys, so `insertProblem`
    /// need not walk it again.
    let wellFormed: Bool

    /// Takes ownership of a heap document from `bson_new*`; it is destroyed with this object.
    init(owning pointer: OpaquePointer, wellFormed: Bool = false) {
        self.pointer = pointer
        self.wellFormed = wellFormed
    }

    /// The document for a stored event's JSON object, written straight from its bytes (`JSONToBSON`):
    /// the same document as `init(_: JSONParser.parse(json), id:, datePaths:)` with `timestampIfMissing`
    /// added as a date when the object has no such key. nil when the fast path does not apply (unusual
    /// JSON, or invalid): then build it through the parsed value, which also says what is wrong.
    public static func storing(json: [UInt8], id: String, datePaths: BSONDatePaths,
                               timestampIfMissing: (key: String, millis: Int64)?) -> BSONDocument? {
        storing(json: json, id: id, datePaths: datePaths, timestampIfMissing: timestampIfMissing, scratch: BSONScratch())
    }

    /// The same, writing through `scratch` (reused across a batch; libbson copies out of it).
    public static func storing(json: [UInt8], id: String, datePaths: BSONDatePaths,
                               timestampIfMissing: (key: String, millis: Int64)?, scratch: BSONScratch) -> BSONDocument? {
        let made = json.withUnsafeBufferPointer { buffer in
            JSONToBSON.document(buffer, id: id, datePaths: datePaths, timestampIfMissing: timestampIfMissing, scratch: scratch) {
                bson_new_from_data($0.baseAddress!, $0.count)
            }
        }
        guard let made, let made else { return nil }
        return BSONDocument(owning: made, wellFormed: true)
    }

    deinit { bson_destroy(pointer) }

    /// Builds a document from a JSON object.
    /// - Parameters:
    ///   - id: written first as `_id`, replacing any `_id` in `object` (the hub's event id).
    ///     Without it, an `_id` member of `object` is moved to the front.
    ///   - datePaths: dotted paths whose RFC 3339 strings become BSON dates; a value there that is
    ///     not RFC 3339 throws `invalidDate` (a TTL index silently ignores strings, so fail loudly).
    public convenience init(object: JSONObject, id: JSONValue? = nil, datePaths: BSONDatePaths = .none)
        throws(BSONEncodingError)
    {
        guard let document = bson_new() else { throw .tooLarge(path: "") }
        do {
            try BSONWriter(datePaths: datePaths).write(object, into: document, id: id)
        } catch {
            bson_destroy(document)
            throw error
        }
        self.init(owning: document)
    }

    /// Builds a document from a JSON value that must be an object.
    public convenience init(_ value: JSONValue, id: JSONValue? = nil, datePaths: BSONDatePaths = .none)
        throws(BSONEncodingError)
    {
        guard case .object(let object) = value else { throw .notAnObject }
        try self.init(object: object, id: id, datePaths: datePaths)
    }

    /// Builds a query, update, pipeline stage or command: like `init(_:)`, but MongoDB Extended JSON
    /// dates (`{"$date": "2026-11-25T10:05:00.123Z"}` or `{"$date": <ms>}`) become BSON dates, so a
    /// filter on `@timestamp` compares dates with dates.
    public convenience init(query value: JSONValue) throws(BSONEncodingError) {
        guard case .object(let object) = value else { throw .notAnObject }
        guard let document = bson_new() else { throw .tooLarge(path: "") }
        do {
            try BSONWriter(extendedDates: true).write(object, into: document, id: nil)
        } catch {
            bson_destroy(document)
            throw error
        }
        self.init(owning: document)
    }

    /// Copies raw BSON bytes (e.g. from a file or another driver), validating their structure.
    public convenience init(bytes: [UInt8]) throws(BSONEncodingError) {
        let made: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return bson_new_from_data(base, buffer.count)
        }
        guard let document = made else { throw .invalidBSON("not a BSON document (\(bytes.count) bytes)") }
        var offset = 0
        guard bson_validate(document, BSON_VALIDATE_NONE, &offset) else {
            bson_destroy(document)
            throw .invalidBSON("corrupt at byte \(offset)")
        }
        self.init(owning: document)
    }

    /// The document's size in bytes (MongoDB refuses documents over 16 MiB).
    public var byteCount: Int { Int(cmongoc_bson_len(pointer)) }

    /// The document's BSON bytes.
    public var bytes: [UInt8] {
        let count = byteCount
        guard let data = bson_get_data(pointer) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: count))
    }

    /// The document as JSON, with BSON dates as RFC 3339 strings (see `BSONReader` for every type).
    public var json: JSONValue {
        // A document built or validated by this class always iterates; an empty object is the
        // honest answer for the impossible corrupt case rather than a crash.
        (try? BSONReader.object(pointer)) ?? .object(JSONObject())
    }

    /// Checks what MongoDB and libmongoc would refuse before a document is sent, so one bad document
    /// is reported on its own instead of failing a whole `insert_many` (libmongoc validates the whole
    /// batch client-side and sends nothing if one document fails). Returns the reason, or nil.
    func insertProblem(maxBytes: Int) -> String? {
        if byteCount > maxBytes { return "document is \(byteCount) bytes, over MongoDB's limit of \(maxBytes)" }
        if wellFormed { return nil }
        var error = bson_error_t()
        let flags = bson_validate_flags_t(BSON_VALIDATE_UTF8.rawValue | BSON_VALIDATE_UTF8_ALLOW_NULL.rawValue
            | BSON_VALIDATE_EMPTY_KEYS.rawValue)
        if !bson_validate_with_error(pointer, flags, &error) {
            return "invalid document: " + MongoError(error).message
        }
        return nil
    }
}
