/// One normalised event as it travels from the spool to the sinks: the stored document already
/// serialised as JSON (the same bytes go into every store), plus the two facts every sink needs
/// without parsing it again: the id (`_id` in both stores) and `@timestamp` (the daily ES index).
///
/// Binary layout of `encoded()` (one spool record's payload), little-endian:
/// `u8 version(=1) | i64 timestampMillis | u8 idLength | id bytes | u8 targetLength | target bytes | json`
/// `target` is empty for "every sink"; a dead-letter replay names the one sink it is meant for.
public struct SpooledEvent: Sendable, Equatable {
    public var id: String
    public var timestampMillis: Int64
    /// Empty: every sink. Otherwise the name of the only sink that should deliver this record.
    public var target: String
    public var json: [UInt8]

    public init(id: String, timestampMillis: Int64, target: String = "", json: [UInt8]) {
        self.id = id
        self.timestampMillis = timestampMillis
        self.target = target
        self.json = json
    }

    public static let formatVersion: UInt8 = 1

    public func encoded() -> [UInt8] {
        Self.encode(id: id, timestampMillis: timestampMillis, target: target, expectedJSONBytes: json.count) { out in
            out.append(contentsOf: json)
        }
    }

    /// Encodes a record whose JSON is written straight after the header by `writeJSON`, so the
    /// intake serialises each document once, into the record, instead of into a temporary array.
    public static func encode(
        id: String, timestampMillis: Int64, target: String = "", expectedJSONBytes: Int,
        writeJSON: (inout [UInt8]) -> Void
    ) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(1 + 8 + 2 + min(id.utf8.count, 255) + min(target.utf8.count, 255) + expectedJSONBytes)
        out.append(formatVersion)
        withUnsafeBytes(of: timestampMillis.littleEndian) { out.append(contentsOf: $0) }
        appendShortString(id, to: &out)
        appendShortString(target, to: &out)
        writeJSON(&out)
        return out
    }

    /// ``encode(id:timestampMillis:target:expectedJSONBytes:writeJSON:)`` for a generated id, whose
    /// text is written straight into the record.
    public static func encode(
        id: UUIDv7, timestampMillis: Int64, expectedJSONBytes: Int, writeJSON: (inout [UInt8]) -> Void
    ) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: UUIDv7.textLength) { text in
            id.writeText(to: text.baseAddress!)
            var out = [UInt8]()
            out.reserveCapacity(1 + 8 + 2 + UUIDv7.textLength + expectedJSONBytes)
            out.append(formatVersion)
            withUnsafeBytes(of: timestampMillis.littleEndian) { out.append(contentsOf: $0) }
            out.append(UInt8(UUIDv7.textLength))
            out.append(contentsOf: UnsafeBufferPointer(text))
            out.append(0)  // no target: every sink
            writeJSON(&out)
            return out
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
        /// The JSON runs from here to the end of the record.
        public var jsonStart: Int
    }

    public static func layout(of b: [UInt8]) throws(DecodingError) -> Layout {
        guard b.count >= 11 else { throw .truncated }
        guard b[0] == Self.formatVersion else { throw .unknownVersion(b[0]) }
        var ts: Int64 = 0
        for i in 0..<8 { ts |= Int64(b[1 + i]) << (8 * i) }
        var p = 9
        let idLength = Int(b[p]); p += 1
        guard b.count >= p + idLength + 1 else { throw .truncated }
        let id = p..<(p + idLength); p += idLength
        let targetLength = Int(b[p]); p += 1
        guard b.count >= p + targetLength else { throw .truncated }
        return Layout(timestampMillis: ts, id: id, target: p..<(p + targetLength), jsonStart: p + targetLength)
    }

    public init(decoding bytes: some Collection<UInt8>) throws(DecodingError) {
        let b = Array(bytes)
        let layout = try Self.layout(of: b)
        self.init(id: String(decoding: b[layout.id], as: UTF8.self), timestampMillis: layout.timestampMillis,
                  target: String(decoding: b[layout.target], as: UTF8.self), json: Array(b[layout.jsonStart...]))
    }

    /// Whether the sink named `sink` should deliver this event.
    public func isMeant(for sink: String) -> Bool { target.isEmpty || target == sink }
}
