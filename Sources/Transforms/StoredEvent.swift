import LogModel

/// One event as the normaliser made it, borrowed: the ingest's path from a parsed event to its
/// spool record. The stored document's unchanged strings stay where they are in the event's bytes
/// (`source`, the ``FlatEvent``'s, valid as long as the request body it was read from), so making
/// and writing the record allocates nothing per event. Keep a ``NormalizedEvent`` (which copies
/// those bytes) for anything that outlives the body.
public struct StoredEvent {
    let id: StoredEventID
    /// `@timestamp` in µs since the epoch (UTC).
    public let timestampMicros: Int64
    /// Values replaced by `[REDACTED]` plus card numbers masked.
    public let redactions: Int
    /// Keys dropped or values flattened by the label/attribute bounds.
    public let overflowKeys: Int
    let document: StoredDocument
    /// The bytes the document's raw texts point into (borrowed); empty when none is raw.
    let source: UnsafeBufferPointer<UInt8>

    /// Appends this event's spool record to `out` (the intake's request-wide ``SpoolFrames``).
    public func writeSpoolRecord(into out: inout [UInt8]) {
        Self.writeSpoolRecord(id: id, timestampMicros: timestampMicros, level: document.level, service: document.service, into: &out) {
            document.write(into: &$0, source: source)
        }
    }

    /// Ends the event, handing its labels' storage to the next event normalised with `memo`.
    public consuming func giveBack(to memo: LabelKeyMemo) {
        memo.keepSpareLabels(document.labels.members)
    }

    /// The spool record: the document serialised once (by `writeDocument`), its id, and
    /// `@timestamp` in ms (floored); `level` and `service` go in the header, which spares the
    /// best-effort readers a look into the document.
    static func writeSpoolRecord(
        id: StoredEventID, timestampMicros: Int64, level: Level?, service: String?, into out: inout [UInt8],
        writeDocument: (inout JSONByteBuffer) -> Void
    ) {
        JSONByteBuffer.withBuffer { buffer in
            writeDocument(&buffer)
            let json = buffer.bytes
            func writeJSON(_ out: inout [UInt8]) { out.append(contentsOf: json) }
            let timestampMillis = Self.millis(timestampMicros)
            switch id {
            case .client(let id):
                SpooledEvent.encode(id: id, timestampMillis: timestampMillis, level: level, service: service, into: &out, writeJSON: writeJSON)
            case .generated(let id):
                SpooledEvent.encode(id: id, timestampMillis: timestampMillis, level: level, service: service, into: &out, writeJSON: writeJSON)
            }
        }
    }

    /// `@timestamp` in ms for the record's header: µs floored (a time before 1970 rounds down, too).
    static func millis(_ micros: Int64) -> Int64 {
        micros >= 0 ? micros / 1000 : (micros - 999) / 1000
    }
}
