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
        init(_ document: consuming StoredDocument) { self.document = document }
        static func == (lhs: Parts, rhs: Parts) -> Bool { lhs.document == rhs.document }
        /// Written from here: reading `document` out of the box first would copy it.
        func write(into buffer: inout JSONByteBuffer) { document.write(into: &buffer) }
    }

    private var storage: Storage

    /// The stored document, nested ECS objects in a fixed order. Built on each read for events
    /// from ``EventNormalizer``: read it once and keep it where it is needed more than once.
    public var document: JSONObject {
        get {
            switch storage {
            case .parts(let parts): return parts.document.object
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

    init(id: StoredEventID, timestampMicros: Int64, parts: consuming StoredDocument, redactions: Int, overflowKeys: Int) {
        self.storedID = id
        self.timestampMicros = timestampMicros
        self.storage = .parts(Parts(consume parts))
        self.redactions = redactions
        self.overflowKeys = overflowKeys
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
        JSONByteBuffer.withBuffer { buffer in
            writeDocument(into: &buffer)
            let json = buffer.bytes
            func writeJSON(_ out: inout [UInt8]) { out.append(contentsOf: json) }
            let (level, service) = headerFacts
            switch storedID {
            case .client(let id):
                SpooledEvent.encode(id: id, timestampMillis: timestampMillis, level: level, service: service, into: &out, writeJSON: writeJSON)
            case .generated(let id):
                SpooledEvent.encode(id: id, timestampMillis: timestampMillis, level: level, service: service, into: &out, writeJSON: writeJSON)
            }
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

    var timestampMillis: Int64 {
        timestampMicros >= 0 ? timestampMicros / 1000 : (timestampMicros - 999) / 1000
    }
}
