internal import CMongoC
internal import LogModel

/// Reads a libbson document into JSON values for the hub's API and search.
///
/// BSON has more types than JSON; the mapping is lossy where it must be and says so here:
/// date_time -> RFC 3339 string with milliseconds (the stored document's own form), ObjectId -> 24-hex
/// string, decimal128 -> its decimal string, binary -> base64 string, timestamp -> integer
/// (`t << 32 | i`), regex -> `/pattern/options`, code/symbol -> string, undefined -> null,
/// min/max key -> `"MinKey"`/`"MaxKey"`.
enum BSONReader {
    enum ReadError: Error { case corrupt }

    /// The document as a JSON object. Throws only when libbson cannot iterate it (corrupt bytes).
    static func object(_ document: OpaquePointer) throws(ReadError) -> JSONValue {
        guard let iterator = cmongoc_iter_alloc() else { throw .corrupt }
        defer { cmongoc_iter_free(iterator) }
        guard bson_iter_init(iterator, document) else { throw .corrupt }
        return .object(try readObject(iterator))
    }

    private static func readObject(_ it: OpaquePointer) throws(ReadError) -> JSONObject {
        var object = JSONObject(minimumCapacity: 8)
        while bson_iter_next(it) {
            let key = String(cString: bson_iter_key(it))
            object.append(key, try readValue(it))
        }
        return object
    }

    private static func readArray(_ it: OpaquePointer) throws(ReadError) -> [JSONValue] {
        var values: [JSONValue] = []
        while bson_iter_next(it) { values.append(try readValue(it)) }
        return values
    }

    private static func readValue(_ it: OpaquePointer) throws(ReadError) -> JSONValue {
        let type = bson_iter_type(it)
        switch type {
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            guard let chars = bson_iter_utf8(it, &length) else { return .string("") }
            return .string(chars.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
            })
        case BSON_TYPE_INT32:
            return .int(Int64(bson_iter_int32(it)))
        case BSON_TYPE_INT64:
            return .int(bson_iter_int64(it))
        case BSON_TYPE_DOUBLE:
            return .double(bson_iter_double(it))
        case BSON_TYPE_BOOL:
            return .bool(bson_iter_bool(it))
        case BSON_TYPE_NULL, BSON_TYPE_UNDEFINED, BSON_TYPE_EOD:
            return .null
        case BSON_TYPE_DATE_TIME:
            return .string(RFC3339.string(fromMilliseconds: bson_iter_date_time(it)))
        case BSON_TYPE_DOCUMENT, BSON_TYPE_ARRAY:
            guard let child = cmongoc_iter_alloc() else { throw .corrupt }
            defer { cmongoc_iter_free(child) }
            guard bson_iter_recurse(it, child) else { throw .corrupt }
            return type == BSON_TYPE_ARRAY ? .array(try readArray(child)) : .object(try readObject(child))
        case BSON_TYPE_OID:
            guard let oid = bson_iter_oid(it) else { return .null }
            var buffer = [CChar](repeating: 0, count: 25)
            bson_oid_to_string(oid, &buffer)
            return .string(string(fromCChars: buffer))
        case BSON_TYPE_DECIMAL128:
            var value = bson_decimal128_t()
            guard bson_iter_decimal128(it, &value) else { return .null }
            var buffer = [CChar](repeating: 0, count: Int(BSON_DECIMAL128_STRING))
            bson_decimal128_to_string(&value, &buffer)
            return .string(string(fromCChars: buffer))
        case BSON_TYPE_TIMESTAMP:
            var t: UInt32 = 0, i: UInt32 = 0
            bson_iter_timestamp(it, &t, &i)
            return .int(Int64(t) << 32 | Int64(i))
        case BSON_TYPE_BINARY:
            var subtype = bson_subtype_t(rawValue: 0)
            var length: UInt32 = 0
            var data: UnsafePointer<UInt8>?
            bson_iter_binary(it, &subtype, &length, &data)
            guard let data else { return .string("") }
            return .string(Base64.encode(UnsafeBufferPointer(start: data, count: Int(length))))
        case BSON_TYPE_REGEX:
            var options: UnsafePointer<CChar>?
            let pattern = bson_iter_regex(it, &options).map { String(cString: $0) } ?? ""
            return .string("/\(pattern)/\(options.map { String(cString: $0) } ?? "")")
        case BSON_TYPE_CODE, BSON_TYPE_SYMBOL, BSON_TYPE_CODEWSCOPE:
            var length: UInt32 = 0
            let chars: UnsafePointer<CChar>?
            switch type {
            case BSON_TYPE_CODE: chars = bson_iter_code(it, &length)
            case BSON_TYPE_SYMBOL: chars = bson_iter_symbol(it, &length)
            default:
                var scopeLength: UInt32 = 0
                var scope: UnsafePointer<UInt8>?
                chars = bson_iter_codewscope(it, &length, &scopeLength, &scope)
            }
            guard let chars else { return .string("") }
            return .string(chars.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
            })
        case BSON_TYPE_MINKEY:
            return .string("MinKey")
        case BSON_TYPE_MAXKEY:
            return .string("MaxKey")
        default:
            // DBPointer and any type added after libbson 1.23: keep the key, drop the value.
            return .null
        }
    }

    private static func string(fromCChars buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
