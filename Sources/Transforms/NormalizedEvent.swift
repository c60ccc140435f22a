import LogModel

/// One event in its stored shape (the contract's "stored document"), ready for the spool.
public struct NormalizedEvent: Sendable, Equatable {
    /// `event.id`: the client's id when it sent a valid one, else a UUIDv7.
    public var id: String
    /// `@timestamp` in µs since the epoch (UTC).
    public var timestampMicros: Int64
    /// The stored document, nested ECS objects in a fixed order.
    public var document: JSONObject
    /// Values replaced by `[REDACTED]` plus card numbers masked.
    public var redactions: Int
    /// Keys dropped or values flattened by the label/attribute bounds (also in the document as
    /// `event.dropped_keys` / `event.flattened_values`).
    public var overflowKeys: Int

    public init(id: String, timestampMicros: Int64, document: JSONObject, redactions: Int, overflowKeys: Int) {
        self.id = id
        self.timestampMicros = timestampMicros
        self.document = document
        self.redactions = redactions
        self.overflowKeys = overflowKeys
    }

    /// The spool record: the document serialised once, its id, and `@timestamp` in ms (floored).
    public func spooled() -> SpooledEvent {
        SpooledEvent(id: id, timestampMillis: timestampMillis, json: document.serialized())
    }

    /// The spool record of this event (`spooled().encoded()` without the intermediate copy).
    public func spoolRecord() -> [UInt8] {
        SpooledEvent.encode(id: id, timestampMillis: timestampMillis, expectedJSONBytes: 640) { out in
            document.write(into: &out)
        }
    }

    var timestampMillis: Int64 {
        timestampMicros >= 0 ? timestampMicros / 1000 : (timestampMicros - 999) / 1000
    }
}
