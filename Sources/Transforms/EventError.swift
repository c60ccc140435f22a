import LogModel

/// Why one event of a request was rejected; the rest of the request is unaffected.
///
/// `code` is a fixed, low-cardinality string (the ingest API's `error` field and a metrics
/// label); `message` tells the sender what to fix and never echoes the event's content, which
/// may hold secrets.
public struct EventError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// A parse failure keeps the parser's code (`invalid_json`, `invalid_utf8`, `too_deep`).
    public init(_ error: JSONParseError) {
        self.init(code: error.code, message: error.message)
    }

    public var description: String { "\(code): \(message)" }

    public static let invalidJSON = "invalid_json"
    public static let invalidUTF8 = "invalid_utf8"
    public static let tooDeep = "too_deep"
    public static let notAnObject = "not_an_object"
    public static let eventTooLarge = "event_too_large"
    public static let invalidEventID = "invalid_event_id"

    /// The event's JSON text is longer than the per-event limit.
    public static func tooLarge(bytes: Int, limit: Int) -> EventError {
        EventError(
            code: eventTooLarge,
            message: "event is \(bytes) bytes, over the limit of \(limit) bytes per event; split it or move bulky data out of the log")
    }

    /// The event is valid JSON but not an object.
    public static func notObject(_ value: JSONValue) -> EventError {
        EventError(code: notAnObject, message: "each event must be a JSON object, got \(value.kindDescription)")
    }
}
