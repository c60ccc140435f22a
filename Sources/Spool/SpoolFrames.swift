/// Records framed for one ``Spool/append(_:)-(SpoolFrames)`` call (``RecordFormat``: length, CRC,
/// payload), built as they are written. The intake writes each event's record straight into the
/// request's buffer: an array per record, copied again when the request was framed, cost an
/// allocation and a copy per event. A request decoded in pieces keeps each piece's buffer (a chunk);
/// the spool's writer hands the chunks to one `pwritev` without joining them.
public struct SpoolFrames: Sendable {
    /// Chunks before the one records are written into.
    private var earlier: [[UInt8]] = []
    private var current: [UInt8] = []
    /// Records framed.
    public private(set) var count = 0
    /// Framed bytes in all chunks.
    public private(set) var byteCount = 0
    /// The longest payload: the spool refuses the whole call when it is over its record limit.
    public private(set) var largestPayload = 0
    /// Where the last record's header starts in `current` and the largest payload before it, so
    /// that the record can be taken back.
    private var last: (start: Int, largestBefore: Int)?

    public init(reservingCapacity capacity: Int = 0) {
        current.reserveCapacity(capacity)
    }

    /// Frames `payloads` in order.
    public init(_ payloads: [[UInt8]]) {
        var total = 0
        for payload in payloads { total += RecordFormat.headerSize + payload.count }
        current.reserveCapacity(total)
        for payload in payloads { appendRecord { $0.append(contentsOf: payload) } }
        last = nil
    }

    public var isEmpty: Bool { count == 0 }

    /// The framed records, in order, in the chunks the writer writes.
    var chunks: [[UInt8]] {
        if earlier.isEmpty { return [current] }
        return current.isEmpty ? earlier : earlier + [current]
    }

    /// The framed records back to back (joined: for checks, not for the write path).
    public var bytes: [UInt8] { earlier.isEmpty ? current : Array(chunks.joined()) }

    /// Appends one record whose payload `write` appends to the array it is handed (which already
    /// holds the records before it: append only). Returns the payload's length.
    @discardableResult
    public mutating func appendRecord(_ write: (inout [UInt8]) -> Void) -> Int {
        let start = current.count
        // The header's place, filled in below (a static array of zeros here cost a retain and a release).
        withUnsafeBytes(of: UInt64(0)) { current.append(contentsOf: $0) }
        write(&current)
        let length = current.count - start - RecordFormat.headerSize
        current.withUnsafeMutableBytes { out in
            let payload = UnsafeRawBufferPointer(rebasing: out[(start + RecordFormat.headerSize)...])
            let crc = RecordFormat.checksum(length: UInt32(length), payload: payload)
            out.storeBytes(of: UInt32(length).littleEndian, toByteOffset: start, as: UInt32.self)
            out.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
        last = (start, largestPayload)
        count += 1
        byteCount += RecordFormat.headerSize + length
        largestPayload = max(largestPayload, length)
        return length
    }

    /// Takes back the record appended last (one the caller found over a limit). Once only: the
    /// record before it cannot be taken back.
    public mutating func removeLastRecord() {
        guard let last else { return }
        byteCount -= current.count - last.start
        current.removeSubrange(last.start...)
        count -= 1
        largestPayload = last.largestBefore
        self.last = nil
    }

    /// Appends the records of `other` after these, without copying them: its chunks follow these.
    public mutating func append(contentsOf other: SpoolFrames) {
        guard !other.isEmpty else { return }
        guard !isEmpty else {
            self = other
            last = nil
            return
        }
        if !current.isEmpty { earlier.append(current) }
        earlier += other.earlier
        current = other.current
        count += other.count
        byteCount += other.byteCount
        largestPayload = max(largestPayload, other.largestPayload)
        last = nil
    }
}
