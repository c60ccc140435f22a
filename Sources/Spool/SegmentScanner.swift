/// Reads the records of one segment file in order through one buffer, so that many small records
/// cost one `pread` per chunk rather than one each. Used by recovery (to find a torn tail) and by
/// readers (to deliver records).
struct SegmentScanner {
    let fd: Int32
    let path: String
    let base: UInt64
    /// File offset where the data to scan ends: the durable size for readers, the file size for recovery.
    let fileEnd: Int64
    let chunkBytes: Int
    /// File offset of the next record.
    private(set) var fileOffset: Int64
    /// The chunk read last, with what it holds; a reader hands it to its next scanner (`init(chunk:)`,
    /// `takeChunk()`), so its pages stay mapped and its bytes are read once, not once per read.
    private var chunk: SegmentChunk
    /// Bytes this scanner read from the file (its preads).
    private(set) var bytesRead = 0

    enum Step: Equatable {
        /// A verified record; read its payload with `withPayload(offset:length:_:)` before the next step.
        case record(payloadOffset: Int, payloadLength: Int)
        case end
        /// The bytes at `fileOffset` are not a whole, valid record.
        case torn(reason: String)
    }

    /// `chunk` is the previous scanner's (`takeChunk()`): its bytes serve this scan too when they are
    /// of this segment.
    init(fd: Int32, path: String, base: UInt64, fileEnd: Int64, startOffset: UInt64, chunkBytes: Int,
         chunk: SegmentChunk = SegmentChunk()) {
        var chunk = chunk
        if chunk.segmentBase != base { chunk.forget() }
        chunk.segmentBase = base
        self.chunk = chunk
        self.fd = fd
        self.path = path
        self.base = base
        self.fileEnd = fileEnd
        self.chunkBytes = chunkBytes
        self.fileOffset = Int64(SegmentFormat.headerSize) + Int64(startOffset - base)
    }

    /// The global offset of the next record.
    var globalOffset: UInt64 { base + UInt64(fileOffset - Int64(SegmentFormat.headerSize)) }

    mutating func next() throws(SpoolError) -> Step {
        let remaining = fileEnd - fileOffset
        if remaining <= 0 { return .end }
        if remaining < Int64(RecordFormat.headerSize) {
            return .torn(reason: "\(remaining) bytes left, less than a record header")
        }
        try ensureBuffered(RecordFormat.headerSize)
        var parsed = parseAtCursor()
        if case let .incomplete(needed) = parsed {
            if Int64(needed) > remaining {
                return .torn(reason: "record of \(needed) bytes runs past the end (\(remaining) bytes left)")
            }
            try ensureBuffered(needed)
            parsed = parseAtCursor()
        }
        switch parsed {
        case let .record(payloadOffset, payloadLength):
            fileOffset += Int64(RecordFormat.headerSize + payloadLength)
            return .record(payloadOffset: payloadOffset, payloadLength: payloadLength)
        case let .checksumMismatch(length):
            return .torn(reason: "checksum mismatch in a record of \(length) payload bytes")
        case let .incomplete(needed):
            return .torn(reason: "record of \(needed) bytes could not be read whole")
        }
    }

    /// The chunk, for the next scanner of the same reader.
    mutating func takeChunk() -> SegmentChunk {
        var taken = SegmentChunk()
        swap(&taken, &chunk)
        return taken
    }

    /// A payload returned by the last `next()`, lent to `body` where it lies in the chunk.
    func withPayload<R>(offset: Int, length: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try chunk.bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[offset..<(offset + length)])) }
    }

    private func parseAtCursor() -> RecordFormat.Parsed {
        let at = Int(fileOffset - chunk.fileStart)
        return chunk.bytes.withUnsafeBytes { raw in
            RecordFormat.parse(UnsafeRawBufferPointer(rebasing: raw[0..<chunk.count]), at: at)
        }
    }

    /// Makes sure `count` bytes from `fileOffset` are in the buffer, reading a whole chunk if they are not.
    private mutating func ensureBuffered(_ count: Int) throws(SpoolError) {
        if fileOffset >= chunk.fileStart, fileOffset + Int64(count) <= chunk.fileStart + Int64(chunk.count) { return }
        let size = Int(min(Int64(max(chunkBytes, count)), fileEnd - fileOffset))
        // Not zero-filled: pread writes the bytes and only the `got` it wrote are ever looked at (zeroing
        // a new 4 MB buffer per read was 17 % of a reader's time, perf).
        if chunk.bytes.count < size { chunk.bytes = [UInt8](unsafeUninitializedCapacity: size) { _, initialized in initialized = size } }
        chunk.forget()
        let got = try SystemIO.read(fd, into: &chunk.bytes, range: 0..<size, at: fileOffset, path: path)
        chunk.fileStart = fileOffset
        chunk.count = got
        bytesRead += got
        if got < count {
            throw .corruptSegment(path: path, offset: globalOffset, reason: "file ends \(count - got) bytes early")
        }
    }
}

/// A scanner's read buffer and the stretch of its segment file it holds. A segment's records never
/// change once durable, so the bytes stay good for later scans of the same segment: a sink reads
/// 1,000 records (~400 KB) at a time, and re-reading a 4 MB chunk for each put the kernel's copy
/// at 17 % of an Elasticsearch drain's CPU (perf, issue 13's eighteenth round).
struct SegmentChunk {
    var bytes: [UInt8] = []
    /// The base of the segment the bytes are from.
    var segmentBase: UInt64 = .max
    /// File offset of `bytes[0]`, and how many bytes from there are valid.
    var fileStart: Int64 = 0
    var count = 0

    mutating func forget() {
        fileStart = 0
        count = 0
    }
}
