import Logging
/// The single writer: runs on its own thread (never an event loop, never a cooperative-pool thread),
/// takes everything queued, writes it with as few `pwritev` calls as it can and fsyncs once per
/// segment touched, then resumes all those callers together. While it is inside `fdatasync`, new
/// appends queue up and form the next group: that is the group commit.
///
/// Owns the active segment's descriptor; nothing else writes to segment files.
final class GroupCommitWriter {
    private let core: SpoolCore
    private var fd: Int32
    /// The active segment as far as it is durable.
    private var active: SegmentEntry
    /// Bytes written to the active segment, durable or not (= the file size).
    private var writtenBytes: Int64

    init(core: SpoolCore, fd: Int32, active: SegmentEntry) {
        self.core = core
        self.fd = fd
        self.active = active
        self.writtenBytes = active.fileBytes
    }

    deinit {
        SystemIO.closeFile(fd)
    }

    func run() {
        while let batch = core.nextBatch() {
            process(batch)
        }
    }

    private func process(_ batch: [PendingAppend]) {
        var rolledOver = false
        var start = batch.startIndex
        while start < batch.endIndex {
            var end = start + 1
            while end < batch.endIndex, !batch[end].startsNewSegment { end += 1 }
            let run = batch[start..<end]
            do throws(SpoolError) {
                if run[start].startsNewSegment {
                    try rollOver(to: run[start].range.lowerBound)
                    rolledOver = true
                }
                try write(run)
                try SystemIO.syncData(fd, path: active.path)
            } catch {
                fail(batch[start...], error: error)
                return
            }
            active.fileBytes = writtenBytes
            core.publish(run: run, activeFileBytes: writtenBytes)
            start = end
        }
        if rolledOver { core.deleteConsumedSegments() }
        core.enforceLagBounds()
    }

    /// Every chunk of every append in `run`, `chunksPerWrite` to a `pwritev`: no copy.
    private func write(_ run: ArraySlice<PendingAppend>) throws(SpoolError) {
        let chunks = run.flatMap(\.chunks)
        var start = 0
        while start < chunks.count {
            let end = min(start + Self.chunksPerWrite, chunks.count)
            let (fd, at, path) = (fd, writtenBytes, active.path)
            var written = 0
            // Counted also when the write fails part-way: `fail` then cuts the file back to its durable size.
            defer { writtenBytes = at + Int64(written) }
            try Self.withBytes(of: chunks[start..<end]) { parts throws(SpoolError) in
                try SystemIO.write(fd, parts, at: at, path: path, written: &written)
            }
            start = end
        }
    }

    /// Lending the chunks' bytes nests one call per chunk: a group of many small appends is written
    /// in several calls rather than deep on the writer thread's stack.
    private static let chunksPerWrite = 64

    /// Lends the bytes of all `chunks` at once: nested `withUnsafeBytes`, so no pointer outlives its array.
    private static func withBytes(
        of chunks: ArraySlice<[UInt8]>, _ body: ([UnsafeRawBufferPointer]) throws(SpoolError) -> Void
    ) throws(SpoolError) {
        var lent: [UnsafeRawBufferPointer] = []
        lent.reserveCapacity(chunks.count)
        try lend(chunks, into: &lent, body)
    }

    private static func lend(
        _ chunks: ArraySlice<[UInt8]>, into lent: inout [UnsafeRawBufferPointer],
        _ body: ([UnsafeRawBufferPointer]) throws(SpoolError) -> Void
    ) throws(SpoolError) {
        guard let first = chunks.first else { return try body(lent) }
        let result = first.withUnsafeBytes { raw in
            lent.append(raw)
            return Result { () throws(SpoolError) in try lend(chunks.dropFirst(), into: &lent, body) }
        }
        try result.get()
    }

    /// The old segment is already fsynced (every run ends with a sync), so readers and recovery
    /// can trust it whole from here on.
    private func rollOver(to base: UInt64) throws(SpoolError) {
        let newFD = try SegmentRecovery.createSegment(paths: core.paths, base: base)
        SystemIO.closeFile(fd)
        fd = newFD
        active = SegmentEntry(base: base, fileBytes: Int64(SegmentFormat.headerSize), path: core.paths.segment(base: base))
        writtenBytes = active.fileBytes
        core.publishNewSegment(active)
        core.logger.debug("spool: rolled over to a new segment", metadata: ["spool.segment": "\(active.path)"])
    }

    /// Cuts the active segment back to its durable size so that the failed bytes can never be read
    /// or recovered as records, then refuses the failed appends and everything queued behind them.
    private func fail(_ items: ArraySlice<PendingAppend>, error: SpoolError) {
        var poison: SpoolError?
        if writtenBytes != active.fileBytes {
            do throws(SpoolError) {
                try SystemIO.truncateFile(fd, to: active.fileBytes, path: active.path)
                try SystemIO.syncData(fd, path: active.path)
                writtenBytes = active.fileBytes
            } catch {
                poison = error
            }
        }
        core.failAppends(items, error: error, poison: poison)
    }
}
