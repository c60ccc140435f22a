/// Records read in one go, their payloads back to back in one buffer: one allocation per read
/// instead of one array per record (`SpoolReader.read(into:…)`). For readers that look at every
/// record of a burst and keep few of them (alerting, the live tail): under a burst their per-record
/// `malloc`, copy and `free` were a third of their time (perf, all three areas on).
///
/// A reader that keeps nothing of a batch once it is done with it (alerting) refills one buffer
/// read after read; one that keeps records by their place in the buffer (the live tail's recent
/// events, for resuming) asks for a buffer of each read's own size, so what it keeps holds only
/// the reads those records came from.
public struct SpoolBatch: Sendable {
    /// Where one record lies.
    public struct Entry: Sendable, Equatable {
        /// Global offset of the record.
        public var offset: UInt64
        /// Global offset just past it (what `commit(through:)` takes).
        public var nextOffset: UInt64
        /// Its payload's place in `bytes`.
        public var payload: Range<Int>
    }

    /// The payloads, back to back.
    public private(set) var bytes: [UInt8] = []
    public private(set) var entries: [Entry] = []
    private let reusesBuffer: Bool

    /// `reusingBuffer`: refill the same buffer on each read (sized for the largest read so far);
    /// otherwise each read gets a new buffer of its size, and the previous one lives as long as
    /// something holds it.
    public init(reusingBuffer: Bool = true) {
        reusesBuffer = reusingBuffer
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    /// Payload bytes in the batch (record headers not counted, as `maxBytes` counts them).
    public var payloadBytes: Int { bytes.count }
    /// Offset of the first record (nil when empty).
    public var firstOffset: UInt64? { entries.first?.offset }
    /// Offset just past the last record (nil when empty).
    public var nextOffset: UInt64? { entries.last?.nextOffset }

    /// Record `index` as a `SpoolRecord` (its payload copied).
    public func record(at index: Int) -> SpoolRecord {
        let entry = entries[index]
        return SpoolRecord(offset: entry.offset, nextOffset: entry.nextOffset, payload: Array(bytes[entry.payload]))
    }

    /// Lends `body` the records where they lie, to go through with `for`: their payloads are views
    /// into `bytes`, valid only inside `body`.
    public func withRecords<R>(_ body: (Records) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(Records(bytes: $0, entries: entries)) }
    }

    /// A batch's records, lent (see ``withRecords(_:)``).
    public struct Records: Sequence {
        let bytes: UnsafeBufferPointer<UInt8>
        let entries: [Entry]

        public struct Record {
            public var offset: UInt64
            public var nextOffset: UInt64
            public var payload: UnsafeBufferPointer<UInt8>
            /// The payload's place in the batch's `bytes`.
            public var range: Range<Int>
        }

        public struct Iterator: IteratorProtocol {
            let bytes: UnsafeBufferPointer<UInt8>
            var entries: IndexingIterator<[Entry]>

            public mutating func next() -> Record? {
                guard let entry = entries.next() else { return nil }
                return Record(offset: entry.offset, nextOffset: entry.nextOffset,
                              payload: UnsafeBufferPointer(rebasing: bytes[entry.payload]), range: entry.payload)
            }
        }

        public func makeIterator() -> Iterator { Iterator(bytes: bytes, entries: entries.makeIterator()) }
    }

    /// Empties the batch for a read of at most `expectedBytes`.
    mutating func reset(expectedBytes: Int) {
        entries.removeAll(keepingCapacity: true)
        if reusesBuffer {
            bytes.removeAll(keepingCapacity: true)
        } else {
            bytes = []
        }
        bytes.reserveCapacity(expectedBytes)
    }

    mutating func add(offset: UInt64, nextOffset: UInt64, payload: UnsafeBufferPointer<UInt8>) {
        let start = bytes.count
        bytes.append(contentsOf: payload)
        entries.append(Entry(offset: offset, nextOffset: nextOffset, payload: start..<bytes.count))
    }
}
