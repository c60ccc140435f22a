/// Why a JSON value could not become a BSON document. Each case names the field so the dead letter
/// says what to fix.
public enum BSONEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// BSON documents are objects; arrays or scalars cannot be stored as a document.
    case notAnObject
    /// BSON keys are NUL-terminated C strings, so a key containing U+0000 cannot be written.
    case keyContainsNul(path: String)
    /// A field configured as a date held a string that is not RFC 3339.
    case invalidDate(path: String, value: String)
    /// The document outgrew what libbson can hold (2 GiB) or memory ran out.
    case tooLarge(path: String)
    /// Bytes handed to `BSONDocument(bytes:)` are not a valid BSON document.
    case invalidBSON(String)

    public var description: String {
        switch self {
        case .notAnObject: return "a BSON document must be a JSON object"
        case .keyContainsNul(let path): return "field name contains a NUL character at \(path)"
        case .invalidDate(let path, let value):
            return "field \(path) must be an RFC 3339 timestamp to be stored as a BSON date, got \"\(value.prefix(64))\""
        case .tooLarge(let path): return "document too large while writing \(path)"
        case .invalidBSON(let reason): return "invalid BSON: \(reason)"
        }
    }
}
