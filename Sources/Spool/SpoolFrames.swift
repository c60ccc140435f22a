/// Records framed for one ``Spool/append(_:)-(SpoolFrames)`` call (``RecordFormat``: length, CRC,
/// payload), built as they are written. The intake writes each event's record straight into the
/// request's one buffer: an array per record, copied again when the request was framed, cost an
/// allocation and a copy per event.
public struct SpoolFrames: Sendable {
    /// The framed records, back to back: the bytes the spool writes.
    public private(set) var bytes: [UInt8] = []
    /// Records framed.
    public private(set) var count = 0
    /// The longest payload: the spool refuses the whole call when it is over its record limit.
    public private(set) var largestPayload = 0
    /// Where the last record's header starts and the largest payload before it, so that it can be taken back.
    private var last: (start: Int, largestBefore: Int)?

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Frames `payloads` in order.
    public init(_ payloads: [[UInt8]]) {
        var total = 0
        for payload in payloads { total += payload.count }
        bytes = RecordFormat.frame(payloads, totalPayloadBytes: total)
        count = payloads.count
        largestPayload = payloads.lazy.map(\.count).max() ?? 0
    }

    public var isEmpty: Bool { count == 0 }

    /// Appends one record whose payload `write` appends to the array it is handed (which already
    /// holds the records before it: append only). Returns the payload's length.
    @discardableResult
    public mutating func appendRecord(_ write: (inout [UInt8]) -> Void) -> Int {
        let start = bytes.count
        bytes.append(contentsOf: Self.emptyHeader)
        write(&bytes)
        let length = bytes.count - start - RecordFormat.headerSize
        bytes.withUnsafeMutableBytes { out in
            let payload = UnsafeRawBufferPointer(rebasing: out[(start + RecordFormat.headerSize)...])
            let crc = RecordFormat.checksum(length: UInt32(length), payload: payload)
            out.storeBytes(of: UInt32(length).littleEndian, toByteOffset: start, as: UInt32.self)
            out.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
        last = (start, largestPayload)
        count += 1
        largestPayload = max(largestPayload, length)
        return length
    }

    /// Takes back the record appended last (one the caller found over a limit). Once only: the
    /// record before it cannot be taken back.
    public mutating func removeLastRecord() {
        guard let last else { return }
        bytes.removeSubrange(last.start...)
        count -= 1
        largestPayload = last.largestBefore
        self.last = nil
    }

    /// Appends the records of `other` after these.
    public mutating func append(contentsOf other: SpoolFrames) {
        if bytes.isEmpty { bytes = other.bytes } else { bytes += other.bytes }
        count += other.count
        largestPayload = max(largestPayload, other.largestPayload)
        last = nil
    }

    private static let emptyHeader = [UInt8](repeating: 0, count: RecordFormat.headerSize)
}
