import LogModel

/// One event in its stored shape (the contract's "stored document"), ready for the spool.
public struct NormalizedEvent: Sendable, Equatable {
    /// `event.id`: the client's id when it sent a valid one, else a UUIDv7.
    public var id: String {
        get { storedID.text }
        set { storedID = .client(newValue) }
    }
    /// A generated id stays 128 bits until written (``spoolRecord()``).
    private var storedID: StoredEventID
    /// `@timestamp` in µs since the epoch (UTC).
    public var timestampMicros: Int64
    /// Values replaced by `[REDACTED]` plus card numbers masked.
    public var redactions: Int
    /// Keys dropped or values flattened by the label/attribute bounds (also in the document as
    /// `event.dropped_keys` / `event.flattened_values`).
    public var overflowKeys: Int

    /// The normaliser's events keep the document's parts and write its JSON straight from them
    /// (the ingest path never needs the tree); a document set from outside is kept as it is.
    /// The parts are boxed: an event is copied on its way to the spool (into the batch, out of it
    /// in a `for` loop), and copying the parts inline retained and released their ~20 strings each
    /// time, where the box costs one retain.
    private enum Storage: Sendable, Equatable {
        case parts(Parts)
        case tree(JSONObject)
    }

    private final class Parts: Sendable, Equatable {
        let document: StoredDocument
        /// The bytes the document's raw texts point into: a copy of the event's, or empty when none is raw.
        let source: [UInt8]
        init(_ document: StoredDocument, source: [UInt8]) {
            self.document = document
            self.source = source
        }
        static func == (lhs: Parts, rhs: Parts) -> Bool { lhs.object == rhs.object }
        var object: JSONObject { source.withUnsafeBufferPointer { document.object(source: $0) } }
        /// Written from here: reading `document` out of the box first would copy it.
        func write(into buffer: inout JSONByteBuffer) {
            source.withUnsafeBufferPointer { document.write(into: &buffer, source: $0) }
        }
    }

    private var storage: Storage

    /// The stored document, nested ECS objects in a fixed order. Built on each read for events
    /// from ``EventNormalizer``: read it once and keep it where it is needed more than once.
    public var document: JSONObject {
        get {
            switch storage {
            case .parts(let parts): return parts.object
            case .tree(let object): return object
            }
        }
        set { storage = .tree(newValue) }
    }

    public init(id: String, timestampMicros: Int64, document: JSONObject, redactions: Int, overflowKeys: Int) {
        self.storedID = .client(id)
        self.timestampMicros = timestampMicros
        self.storage = .tree(document)
        self.redactions = redactions
        self.overflowKeys = overflowKeys
    }

    /// The event kept: its raw texts' bytes copied out of the body they were read from.
    public init(_ event: StoredEvent) {
        self.storedID = event.id
        self.timestampMicros = event.timestampMicros
        self.storage = .parts(Parts(event.document, source: event.source.isEmpty ? [] : Array(event.source)))
        self.redactions = event.redactions
        self.overflowKeys = event.overflowKeys
    }

    public static func == (lhs: NormalizedEvent, rhs: NormalizedEvent) -> Bool {
        lhs.storedID == rhs.storedID && lhs.timestampMicros == rhs.timestampMicros && lhs.redactions == rhs.redactions
            && lhs.overflowKeys == rhs.overflowKeys && lhs.document == rhs.document
    }

    /// The spool record: the document serialised once, its id, and `@timestamp` in ms (floored).
    public func spooled() -> SpooledEvent {
        var json: [UInt8] = []
        writeDocument(into: &json)
        let (level, service) = headerFacts
        return SpooledEvent(id: id, timestampMillis: timestampMillis, level: level, service: service, json: json)
    }

    /// The spool record of this event (`spooled().encoded()` without the intermediate copy).
    public func spoolRecord() -> [UInt8] {
        var record = [UInt8]()
        record.reserveCapacity(512)
        writeSpoolRecord(into: &record)
        return record
    }

    /// Appends the spool record of this event to `out` (the intake's request-wide ``SpoolFrames``).
    public func writeSpoolRecord(into out: inout [UInt8]) {
        let (level, service) = headerFacts
        StoredEvent.writeSpoolRecord(id: storedID, timestampMicros: timestampMicros, level: level, service: service, into: &out) {
            writeDocument(into: &$0)
        }
    }

    /// The level and service for the record's header, which spare the best-effort readers a look
    /// into the document. Known for the normaliser's events; a document set from outside leaves
    /// them to the readers.
    private var headerFacts: (Level?, String?) {
        switch storage {
        case .parts(let parts): (parts.document.level, parts.document.service)
        case .tree: (nil, nil)
        }
    }

    /// Appends the document's compact JSON to `out`.
    public func writeDocument(into out: inout [UInt8]) {
        JSONByteBuffer.withBuffer { buffer in
            writeDocument(into: &buffer)
            out.append(contentsOf: buffer.bytes)
        }
    }

    private func writeDocument(into buffer: inout JSONByteBuffer) {
        switch storage {
        case .parts(let parts): parts.write(into: &buffer)
        case .tree(let object): buffer.appendObject(object)
        }
    }

    var timestampMillis: Int64 { StoredEvent.millis(timestampMicros) }
}
