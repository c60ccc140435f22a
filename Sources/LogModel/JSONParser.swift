/// A strict RFC 8259 JSON parser working on bytes; the ingest hot path.
///
/// Guarantees:
/// - The input must be exactly one JSON value, optionally surrounded by JSON whitespace; anything
///   after it is an error (`invalid_json`), as are `NaN`, `Infinity`, leading zeros, comments,
///   trailing commas and single quotes.
/// - Strings must be well-formed UTF-8 (RFC 3629: no overlong forms, no encoded surrogates, nothing
///   above U+10FFFF); bad bytes are an `invalid_utf8` error, never replaced with U+FFFD. `\u`
///   escapes must pair surrogates; a lone surrogate is `invalid_json`.
/// - Integers that fit `Int64` become `.int`, every other number `.double`; a number beyond
///   `Double`'s range (`1e400`) is an `invalid_json` error, since JSON cannot express the infinity
///   it would become. So whatever parses, `serialized()` writes back to an equal value.
/// - Objects keep their members in input order. A repeated key keeps its first position and takes
///   the last value (what JavaScript, Python and Go do), so a parsed object never holds the same
///   key twice and the stores never see a duplicate field.
/// - Arrays and objects nested deeper than `maxDepth` are a `too_deep` error. `maxDepth` is capped
///   at ``maximumDepth`` because the parser recurses and must stay within a thread's stack.
public enum JSONParser {
    /// The largest `maxDepth` honoured; larger values are treated as this.
    public static let maximumDepth = 256

    /// Parses one JSON value from `bytes`. Pass the same `keys` for the events of one request:
    /// top-level keys equal to the previous event's at the same place are reused (``JSONKeyReuse``).
    /// With a `selection`, a top-level object holds only the members it keeps; the others are passed
    /// over with lighter checks (see ``JSONMemberSelection``), so use it only on documents known to
    /// be well-formed.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64, reusingKeys keys: JSONKeyReuse? = nil,
        keeping selection: JSONMemberSelection? = nil
    ) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONParseError(offset: 0, code: JSONParseError.invalidJSON, message: "empty input: expected a JSON value at byte 0")
        }
        var state = JSONParserState(
            base: base.assumingMemoryBound(to: UInt8.self),
            count: bytes.count,
            maxDepth: min(max(maxDepth, 0), maximumDepth),
            keys: keys?.slots,
            selection: selection
        )
        // The state holds `keys`' storage by pointer.
        defer { withExtendedLifetime(keys) {} }
        return try state.parseDocument()
    }

    /// Parses one JSON value from `bytes`.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { buffer in
            do throws(JSONParseError) { return .success(try parse(buffer, maxDepth: maxDepth)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses one JSON value from the UTF-8 of `string`.
    public static func parse(_ string: String, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var string = string
        let result: Result<JSONValue, JSONParseError> = string.withUTF8 { buffer in
            do throws(JSONParseError) { return .success(try parse(UnsafeRawBufferPointer(buffer), maxDepth: maxDepth)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
