/// Why a byte sequence is not a JSON value the hub accepts.
///
/// `code` is one of a few fixed strings, safe to count in metrics and to return in the ingest
/// API's `error` field; `message` is for a person and names the byte offset and what was found
/// there, e.g. `unexpected '}' at byte 17`.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset (0-based) into the parsed input where the problem was detected.
    public let offset: Int
    /// `invalid_json`, `invalid_utf8` or `too_deep`.
    public let code: String
    /// Human-readable explanation including the offset.
    public let message: String

    public init(offset: Int, code: String, message: String) {
        self.offset = offset
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// Syntax error: the bytes are not JSON (RFC 8259).
    public static let invalidJSON = "invalid_json"
    /// A string holds bytes that are not well-formed UTF-8.
    public static let invalidUTF8 = "invalid_utf8"
    /// Arrays/objects nested deeper than the parser's `maxDepth`.
    public static let tooDeep = "too_deep"
}
