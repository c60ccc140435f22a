import Logging
/// The single writer: runs on its own thread (never an event loop, never a cooperative-pool thread),
/// takes everything queued, writes it with as few `pwrite` calls as it can and fsyncs once per
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
    /// Reused between groups so that many small appends cost one copy into one buffer and one write.
    private var buffer: UnsafeMutableRawBufferPointer
    private var buffered = 0

    /// Appends smaller than this are gathered into the buffer; a larger one is written from its own array.
    private static let bufferBytes = 4 << 20

    init(core: SpoolCore, fd: Int32, active: SegmentEntry) {
        self.core = core
        self.fd = fd
        self.active = active
        self.writtenBytes = active.fileBytes
        self.buffer = .allocate(byteCount: Self.bufferBytes, alignment: 4096)
    }

    deinit {
        buffer.deallocate()
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

    private func write(_ run: ArraySlice<PendingAppend>) throws(SpoolError) {
        for item in run {
            let count = item.frames.count
            if count > buffer.count - buffered { try flush() }
            if count >= buffer.count {
                try SystemIO.write(fd, item.frames, at: writtenBytes, path: active.path)
                writtenBytes += Int64(count)
            } else {
                item.frames.withUnsafeBytes { raw in
                    (buffer.baseAddress! + buffered).copyMemory(from: raw.baseAddress!, byteCount: count)
                }
                buffered += count
            }
        }
        try flush()
    }

    private func flush() throws(SpoolError) {
        guard buffered > 0 else { return }
        let count = buffered
        buffered = 0
        try SystemIO.write(fd, UnsafeRawBufferPointer(rebasing: buffer[0..<count]), at: writtenBytes, path: active.path)
        writtenBytes += Int64(count)
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
        buffered = 0
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
