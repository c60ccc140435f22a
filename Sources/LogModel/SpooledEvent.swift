/// One normalised event as it travels from the spool to the sinks: the stored document already
/// serialised as JSON (the same bytes go into every store), plus the facts readers need without
/// parsing it again: the id (`_id` in both stores), `@timestamp` (the daily ES index), and for the
/// best-effort readers (alerting, the live tail) the level and the service, which decide most of
/// what they skip.
///
/// Binary layout of `encoded()` (one spool record's payload), little-endian:
/// `u8 version(=2) | i64 timestampMillis | u8 idLength | id bytes | u8 targetLength | target bytes |
///  u8 level | u8 serviceLength | service bytes | json`
/// `target` is empty for "every sink"; a dead-letter replay names the one sink it is meant for.
/// `level` is `Level.rawValue`, 255 when not known; `serviceLength` 255 when not known (or longer than
/// 254 bytes): a reader then looks in the document. Version 1 records (written before the level and
/// service were added) end the header after `target`; they are still read, with both unknown.
public struct SpooledEvent: Sendable, Equatable {
    public var id: String
    public var timestampMillis: Int64
    /// Empty: every sink. Otherwise the name of the only sink that should deliver this record.
    public var target: String
    /// `log.level` of the document, when the writer knew it.
    public var level: Level?
    /// `service.name` of the document, when the writer knew it.
    public var service: String?
    public var json: [UInt8]

    public init(id: String, timestampMillis: Int64, target: String = "", level: Level? = nil, service: String? = nil, json: [UInt8]) {
        self.id = id
        self.timestampMillis = timestampMillis
        self.target = target
        self.level = level
        self.service = service
        self.json = json
    }

    public static let formatVersion: UInt8 = 2
    /// `level` or `serviceLength` when the writer did not know it.
    static let unknown: UInt8 = 255

    public func encoded() -> [UInt8] {
        Self.encode(id: id, timestampMillis: timestampMillis, target: target, level: level, service: service,
                    expectedJSONBytes: json.count) { out in
            out.append(contentsOf: json)
        }
    }

    /// Encodes a record whose JSON is written straight after the header by `writeJSON`, so the
    /// intake serialises each document once, into the record, instead of into a temporary array.
    public static func encode(
        id: String, timestampMillis: Int64, target: String = "", level: Level? = nil, service: String? = nil,
        expectedJSONBytes: Int, writeJSON: (inout [UInt8]) -> Void
    ) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(1 + 8 + 4 + min(id.utf8.count, 255) + min(target.utf8.count, 255)
            + min(service?.utf8.count ?? 0, 254) + expectedJSONBytes)
        encode(id: id, timestampMillis: timestampMillis, target: target, level: level, service: service, into: &out, writeJSON: writeJSON)
        return out
    }

    /// The same record appended to `out` (the intake's request-wide buffer of framed records).
    public static func encode(
        id: String, timestampMillis: Int64, target: String = "", level: Level? = nil, service: String? = nil,
        into out: inout [UInt8], writeJSON: (inout [UInt8]) -> Void
    ) {
        out.append(formatVersion)
        withUnsafeBytes(of: timestampMillis.littleEndian) { out.append(contentsOf: $0) }
        appendShortString(id, to: &out)
        appendShortString(target, to: &out)
        appendHints(level: level, service: service, to: &out)
        writeJSON(&out)
    }

    /// ``encode(id:timestampMillis:target:level:service:expectedJSONBytes:writeJSON:)`` for a
    /// generated id, whose text is written straight into the record.
    public static func encode(
        id: UUIDv7, timestampMillis: Int64, level: Level? = nil, service: String? = nil,
        expectedJSONBytes: Int, writeJSON: (inout [UInt8]) -> Void
    ) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(1 + 8 + 4 + UUIDv7.textLength + min(service?.utf8.count ?? 0, 254) + expectedJSONBytes)
        encode(id: id, timestampMillis: timestampMillis, level: level, service: service, into: &out, writeJSON: writeJSON)
        return out
    }

    /// The same record appended to `out`.
    public static func encode(
        id: UUIDv7, timestampMillis: Int64, level: Level? = nil, service: String? = nil,
        into out: inout [UInt8], writeJSON: (inout [UInt8]) -> Void
    ) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: UUIDv7.textLength) { text in
            id.writeText(to: text.baseAddress!)
            out.append(formatVersion)
            withUnsafeBytes(of: timestampMillis.littleEndian) { out.append(contentsOf: $0) }
            out.append(UInt8(UUIDv7.textLength))
            out.append(contentsOf: UnsafeBufferPointer(text))
            out.append(0)  // no target: every sink
            appendHints(level: level, service: service, to: &out)
            writeJSON(&out)
        }
    }

    /// A length byte and at most 255 bytes of `string`'s UTF-8, copied in one go (appending
    /// `utf8.prefix(255)` went byte by byte through an iterator).
    private static func appendShortString(_ string: String, to out: inout [UInt8]) {
        func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            let n = min(bytes.count, 255)
            out.append(UInt8(n))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<n]))
        }
        // Native strings lend their bytes in place (`withUTF8` needs a mutable copy).
        if string.utf8.withContiguousStorageIfAvailable(append) == nil { Array(string.utf8).withUnsafeBufferPointer(append) }
    }

    /// The level byte and the service: a name longer than 254 bytes is written as unknown, never cut
    /// (a cut name would compare equal to a shorter one).
    @inline(__always)
    private static func appendHints(level: Level?, service: String?, to out: inout [UInt8]) {
        let levelByte = level.map { UInt8($0.rawValue) } ?? unknown
        let written = service?.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.count < Int(unknown) else { return false }
            out.append(levelByte)
            out.append(UInt8(bytes.count))
            out.append(contentsOf: bytes)
            return true
        }
        guard written != true else { return }
        out.append(levelByte)
        // Not known, too long, or a foreign string without contiguous UTF-8: the readers look in the document.
        out.append(unknown)
    }

    public enum DecodingError: Error, Equatable {
        case truncated
        case unknownVersion(UInt8)
    }

    /// Where the parts of an encoded record lie, read without copying them (a best-effort reader
    /// that keeps or skips most records needs no `String` id and no copy of the document).
    public struct Layout: Sendable, Equatable {
        public var timestampMillis: Int64
        public var id: Range<Int>
        public var target: Range<Int>
        /// `log.level`, when the writer put it in the header (nil: look in the document).
        public var level: Level?
        /// Where `service.name`'s UTF-8 lies, when the writer put it in the header.
        public var service: Range<Int>?
        /// The JSON runs from here to the end of the record.
        public var jsonStart: Int
    }

    public static func layout(of record: [UInt8]) throws(DecodingError) -> Layout {
        try record.withUnsafeBufferPointer { b throws(DecodingError) in try layout(of: b) }
    }

    /// ``layout(of:)-([UInt8])`` of a record lent where it lies (a ``SpoolBatch``'s payload).
    public static func layout(of b: UnsafeBufferPointer<UInt8>) throws(DecodingError) -> Layout {
        guard b.count >= 11 else { throw .truncated }
        let version = b[0]
        guard version == 1 || version == Self.formatVersion else { throw .unknownVersion(version) }
        var ts: Int64 = 0
        for i in 0..<8 { ts |= Int64(b[1 + i]) << (8 * i) }
        var p = 9
        let idLength = Int(b[p]); p += 1
        guard b.count >= p + idLength + 1 else { throw .truncated }
        let id = p..<(p + idLength); p += idLength
        let targetLength = Int(b[p]); p += 1
        guard b.count >= p + targetLength else { throw .truncated }
        let target = p..<(p + targetLength); p += targetLength
        var level: Level?
        var service: Range<Int>?
        if version >= 2 {
            guard b.count >= p + 2 else { throw .truncated }
            level = b[p] == unknown ? nil : Level(rawValue: Int(b[p]))
            let serviceLength = b[p + 1]; p += 2
            if serviceLength != unknown {
                guard b.count >= p + Int(serviceLength) else { throw .truncated }
                service = p..<(p + Int(serviceLength)); p += Int(serviceLength)
            }
        }
        return Layout(timestampMillis: ts, id: id, target: target, level: level, service: service, jsonStart: p)
    }

    public init(decoding bytes: some Collection<UInt8>) throws(DecodingError) {
        try self.init(decoding: Array(bytes))
    }

    /// ``init(decoding:)-(Collection<UInt8>)`` of a record's bytes where they lie: the sinks decode
    /// every record they deliver, so one copy (the document) and no more.
    public init(decoding record: [UInt8]) throws(DecodingError) {
        let decoded: Result<SpooledEvent, DecodingError> = record.withUnsafeBufferPointer { b in
            do throws(DecodingError) { return .success(try SpooledEvent(decoding: b)) } catch { return .failure(error) }
        }
        self = try decoded.get()
    }

    /// ``init(decoding:)-([UInt8])`` of a record lent where it lies (a ``SpoolBatch``'s payload).
    public init(decoding b: UnsafeBufferPointer<UInt8>) throws(DecodingError) {
        let layout = try Self.layout(of: b)
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self) }
        self.init(id: text(layout.id), timestampMillis: layout.timestampMillis,
                  target: layout.target.isEmpty ? "" : text(layout.target), level: layout.level,
                  service: layout.service.map(text), json: Array(UnsafeBufferPointer(rebasing: b[layout.jsonStart...])))
    }

    /// Whether the sink named `sink` should deliver this event.
    public func isMeant(for sink: String) -> Bool { target.isEmpty || target == sink }
}

/// Reading a record in place, for a reader that parses few of the records it reads (alerting): no
/// copy of the record, its document or its target.
extension SpooledEvent.Layout {
    /// The event id, from `record` (the bytes this layout was read from).
    public func id(in record: [UInt8]) -> String { String(decoding: record[id], as: UTF8.self) }

    /// ``id(in:)-([UInt8])`` of a record lent where it lies.
    public func id(in record: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: record[id]), as: UTF8.self)
    }

    /// Whether the sink named `sink` should deliver the event of `record`.
    public func isMeant(for sink: String, in record: [UInt8]) -> Bool {
        record.withUnsafeBufferPointer { isMeant(for: sink, in: $0) }
    }

    /// ``isMeant(for:in:)-([UInt8])`` of a record lent where it lies.
    public func isMeant(for sink: String, in record: UnsafeBufferPointer<UInt8>) -> Bool {
        target.isEmpty || record[target].elementsEqual(sink.utf8)
    }

    /// The stored document of `record`, parsed where it lies. Pass the same `keys` for a run of
    /// records: stored documents repeat their top-level keys in the same order.
    public func parseDocument(
        in record: [UInt8], reusingKeys keys: JSONKeyReuse? = nil, keeping selection: JSONMemberSelection? = nil
    ) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = record.withUnsafeBufferPointer { bytes in
            do throws(JSONParseError) {
                return .success(try parseDocument(in: bytes, reusingKeys: keys, keeping: selection))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// ``parseDocument(in:reusingKeys:keeping:)-([UInt8],_,_)`` of a record lent where it lies.
    public func parseDocument(
        in record: UnsafeBufferPointer<UInt8>, reusingKeys keys: JSONKeyReuse? = nil, keeping selection: JSONMemberSelection? = nil
    ) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: record[jsonStart...])), reusingKeys: keys, keeping: selection)
    }
}
