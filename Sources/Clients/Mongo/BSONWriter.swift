internal import CMongoC
internal import LogModel

/// Writes JSON values into a libbson document.
///
/// Numbers: integers that fit 32 bits become BSON int32 (what the MongoDB shell and most drivers
/// write for small numbers), larger ones int64, fractions double. Strings at a configured date path
/// become BSON date_time (milliseconds), so TTL indexes and date range queries work.
///
/// For queries and commands (`extendedDates`), MongoDB Extended JSON's `{"$date": "<RFC 3339>"}` or
/// `{"$date": <milliseconds>}` is written as a BSON date: a filter on `@timestamp` must compare
/// dates with dates. Stored documents never get this treatment, so a log's own `$date` key stays data.
struct BSONWriter {
    var datePaths: BSONDatePaths = .none
    var extendedDates = false
    /// Child documents are written in place (`bson_append_document_begin`) into aligned storage,
    /// one per nesting depth, instead of being built apart and copied into their parent.
    let scratch = BSONChildStorage()

    /// Appends every member of `object` to `document`; `id`, when given, is written first as `_id`
    /// and any `_id` member of `object` is skipped (MongoDB keeps `_id` first; the hub owns the id).
    func write(_ object: JSONObject, into document: OpaquePointer, id: JSONValue?) throws(BSONEncodingError) {
        if let id {
            try append(key: "_id", value: id, to: document, dates: nil, path: "_id", depth: 0)
        } else if let existing = object["_id"] {
            try append(key: "_id", value: existing, to: document, dates: nil, path: "_id", depth: 0)
        }
        for member in object where member.key != "_id" {
            try append(key: member.key, value: member.value, to: document,
                       dates: datePaths.isEmpty ? nil : datePaths.child(member.key), path: member.key, depth: 0)
        }
    }

    private func append(
        key: String, value: JSONValue, to document: OpaquePointer, dates: BSONDatePaths?, path: @autoclosure () -> String,
        depth: Int
    ) throws(BSONEncodingError) {
        guard !key.utf8.contains(0) else { throw .keyContainsNul(path: path()) }
        let ok: Bool
        switch value {
        case .null:
            ok = bson_append_null(document, key, -1)
        case .bool(let b):
            ok = bson_append_bool(document, key, -1, b)
        case .int(let i):
            if let small = Int32(exactly: i) {
                ok = bson_append_int32(document, key, -1, small)
            } else {
                ok = bson_append_int64(document, key, -1, i)
            }
        case .double(let d):
            ok = bson_append_double(document, key, -1, d)
        case .string(let s):
            if let dates, dates.isDate {
                guard let ms = RFC3339.milliseconds(from: s) else { throw .invalidDate(path: path(), value: s) }
                ok = bson_append_date_time(document, key, -1, ms)
            } else {
                ok = appendUTF8(s, key: key, to: document)
            }
        case .object(let object) where extendedDates && object.count == 1 && object.members[0].key == "$date":
            switch object.members[0].value {
            case .string(let s):
                guard let ms = RFC3339.milliseconds(from: s) else { throw .invalidDate(path: path(), value: s) }
                ok = bson_append_date_time(document, key, -1, ms)
            case .int(let ms):
                ok = bson_append_date_time(document, key, -1, ms)
            default:
                throw .invalidDate(path: path(), value: "\(object.members[0].value)")
            }
        case .object(let object):
            let child = try scratch.child(at: depth)
            guard bson_append_document_begin(document, key, -1, child) else { throw .tooLarge(path: path()) }
            for member in object {
                try append(key: member.key, value: member.value, to: child, dates: dates?.child(member.key),
                           path: path() + "." + member.key, depth: depth + 1)
            }
            ok = bson_append_document_end(document, child)
        case .array(let values):
            let child = try scratch.child(at: depth)
            guard bson_append_array_begin(document, key, -1, child) else { throw .tooLarge(path: path()) }
            // Like MongoDB's dotted paths, an array index is not a path component: a date path may
            // name an array of dates, or a field inside an array of objects.
            for (index, element) in values.enumerated() {
                try append(key: Self.indexKey(index), value: element, to: child, dates: dates,
                           path: path() + "." + String(index), depth: depth + 1)
            }
            ok = bson_append_array_end(document, child)
        }
        guard ok else { throw .tooLarge(path: path()) }
    }

    private func appendUTF8(_ string: String, key: String, to document: OpaquePointer) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            // Explicit length: a JSON string may contain U+0000, which BSON strings allow.
            utf8.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress, chars.count > 0 else { return bson_append_utf8(document, key, -1, "", 0) }
                return bson_append_utf8(document, key, -1, base, Int32(chars.count))
            }
        }
    }

    /// Array keys "0", "1", ...; the first few are preformatted because every array needs them.
    private static let smallIndexKeys = (0..<64).map(String.init)

    private static func indexKey(_ index: Int) -> String {
        index < smallIndexKeys.count ? smallIndexKeys[index] : String(index)
    }
}
