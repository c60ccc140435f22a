#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Logging
import Synchronization

/// The state shared by the `Spool` facade, its readers and the writer thread. The writer thread
/// holds this object, not the `Spool`, so dropping the last `Spool` reference can still close it.
final class SpoolCore: Sendable {
    let configuration: SpoolConfiguration
    let paths: SpoolPaths
    let logger: Logger
    let cursorStore: CursorStore
    let state: Mutex<SpoolState>
    /// Signalled once each time `writerIdle` is flipped from true to false.
    private let writerWakeup = DispatchSemaphore(value: 0)
    private let writerRunning = DispatchGroup()
    /// Serialises segment deletion (commits of different sinks may trigger it at once).
    let deletion = Mutex<Void>(())
    /// The descriptor holding the directory lock; nil once closed.
    private let lockFD: Mutex<Int32?>
    /// Every registered sink's persisted cursor and lag policy.
    let sinkCursors: [String: SinkCursor]
    /// Where readers do their blocking file work: one thread per sink, so one sink's fsync never waits for another's.
    let io: BlockingIOThreads

    init(configuration: SpoolConfiguration, sinks: [String], logger: Logger) throws(SpoolError) {
        do { try configuration.validate() } catch { throw .invalidConfiguration(error) }
        var seen = Set<String>()
        for sink in sinks {
            guard CursorStore.isValidSinkName(sink) else { throw .invalidSinkName(sink) }
            guard seen.insert(sink).inserted else { throw .invalidConfiguration(.duplicateSink(sink)) }
        }
        let paths = SpoolPaths(root: configuration.directory)
        try Self.makeDirectories(paths.root)
        let lockFD = try SystemIO.lockFile(paths.lock)
        let recovered: SegmentRecovery.Recovered
        var cursors = [String: UInt64]()
        let store = CursorStore(paths: paths)
        do throws(SpoolError) {
            var created = try SystemIO.makeDirectory(paths.segments)
            created = try SystemIO.makeDirectory(paths.cursors) || created
            if created { try SystemIO.syncDirectory(paths.root) }
            try store.removeLeftovers(logger: logger)
            recovered = try SegmentRecovery.recover(paths: paths, logger: logger)
            do throws(SpoolError) {
                let oldest = recovered.segments[0].base
                let end = recovered.segments[recovered.segments.count - 1].end
                for sink in sinks {
                    let cursor = try Self.loadCursor(sink: sink, store: store, oldest: oldest, end: end, logger: logger)
                    cursors[sink] = cursor
                    Self.prepareCursorFile(sink: sink, offset: cursor, store: store, logger: logger)
                }
            } catch {
                SystemIO.closeFile(recovered.activeFD)
                throw error
            }
        } catch {
            SystemIO.closeFile(lockFD)
            throw error
        }
        self.configuration = configuration
        self.paths = paths
        self.logger = logger
        self.cursorStore = store
        self.lockFD = Mutex(lockFD)
        let lastSegment = recovered.segments[recovered.segments.count - 1]
        self.state = Mutex(SpoolState(segments: recovered.segments, cursors: cursors, openedAtMicros: SystemIO.nowMicros(),
                                      backlogAppendedAtMicros: SystemIO.modificationMicros(lastSegment.path)))
        var sinkCursors = [String: SinkCursor]()
        for sink in sinks {
            sinkCursors[sink] = SinkCursor(sink: sink, policy: configuration.policy(for: sink), offset: cursors[sink] ?? 0)
        }
        self.sinkCursors = sinkCursors
        self.io = BlockingIOThreads(count: sinks.count, name: "spool-io")

        let active = recovered.segments[recovered.segments.count - 1]
        let activeFD = recovered.activeFD
        writerRunning.enter()
        let thread = Thread { [self] in
            let writer = GroupCommitWriter(core: self, fd: activeFD, active: active)
            writer.run()
            self.writerRunning.leave()
        }
        thread.name = "spool-writer"
        thread.start()
        deleteConsumedSegments()
        logger.info(
            "spool opened",
            metadata: [
                "spool.directory": "\(paths.root)", "spool.segments": "\(recovered.segments.count)",
                "spool.oldest_offset": "\(recovered.segments[0].base)", "spool.end_offset": "\(active.end)",
            ])
    }

    private static func loadCursor(sink: String, store: CursorStore, oldest: UInt64, end: UInt64, logger: Logger) throws(SpoolError) -> UInt64 {
        guard let stored = try store.load(sink: sink, logger: logger) else {
            logger.info("spool sink has no cursor yet; it starts at the oldest retained record",
                        metadata: ["sink.name": "\(sink)", "spool.offset": "\(oldest)"])
            return oldest
        }
        if stored > end {
            logger.warning("spool cursor lies beyond the end of the spool; clamped to the end",
                           metadata: ["sink.name": "\(sink)", "spool.cursor": "\(stored)", "spool.end_offset": "\(end)"])
            return end
        }
        // Segments are deleted only once every sink is past them, so a cursor before the oldest one
        // can only point at records that were already delivered.
        return max(stored, oldest)
    }

    /// Writes each sink's cursor file at open (fixed width), so that every later commit overwrites it in
    /// place and needs no new disk space: a sink that has not delivered anything yet must still be able
    /// to commit, and so free segments, once the spool's volume has filled. Best effort: when even this
    /// fails (the disk is already full), the first commit creates the file instead.
    private static func prepareCursorFile(sink: String, offset: UInt64, store: CursorStore, logger: Logger) {
        do throws(SpoolError) {
            try store.save(sink: sink, offset: offset)
        } catch {
            logger.warning("could not write the sink's cursor file at open; its first commit will",
                           metadata: ["sink.name": "\(sink)", "error": "\(error)"])
        }
    }

    /// `mkdir -p`, fsyncing each parent whose entries changed.
    private static func makeDirectories(_ path: String) throws(SpoolError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            let parent = prefix.isEmpty ? "/" : prefix
            prefix += "/" + component
            if try SystemIO.makeDirectory(prefix) { try SystemIO.syncDirectory(parent) }
        }
    }

    // MARK: Appending

    /// Queues framed records for the writer thread, or answers at once when they cannot be taken.
    func enqueue(_ frames: SpoolFrames, continuation: CheckedContinuation<Result<Range<UInt64>, SpoolError>, Never>) {
        let segmentBytes = Int64(configuration.segmentBytes)
        let maxBytes = configuration.maxBytes
        let retryAfter = configuration.retryAfterSeconds
        let outcome: Result<Bool, SpoolError> = state.withLock { s in
            if let failure = s.failure { return .failure(failure) }
            if s.closed { return .failure(.closed) }
            let size = Int64(frames.byteCount)
            let header = Int64(SegmentFormat.headerSize)
            let rollsOver = s.projectedActiveFileBytes > header && (s.sealActiveSegment || s.projectedActiveFileBytes + size > segmentBytes)
            let needed = size + (rollsOver ? header : 0)
            let used = s.retainedBytes + s.pendingBytes
            if used + needed > maxBytes {
                return .failure(.full(usedBytes: used, limit: maxBytes, retryAfterSeconds: retryAfter))
            }
            let range = s.projectedEnd..<(s.projectedEnd + UInt64(size))
            s.projectedEnd = range.upperBound
            s.projectedActiveFileBytes = (rollsOver ? header : s.projectedActiveFileBytes) + size
            if rollsOver { s.sealActiveSegment = false }
            s.pendingBytes += needed
            s.pending.append(PendingAppend(
                chunks: frames.chunks, byteCount: frames.byteCount, range: range, recordCount: frames.count,
                startsNewSegment: rollsOver, continuation: continuation))
            let wake = s.writerIdle
            s.writerIdle = false
            return .success(wake)
        }
        switch outcome {
        case let .success(wake): if wake { writerWakeup.signal() }
        case let .failure(error): continuation.resume(returning: .failure(error))
        }
    }

    /// Blocks the writer thread until there is work; nil once the spool is closed and drained.
    func nextBatch() -> [PendingAppend]? {
        enum Next { case work([PendingAppend]), sleep, exit }
        while true {
            let next: Next = state.withLock { s in
                if !s.pending.isEmpty {
                    let batch = s.pending
                    s.pending.removeAll(keepingCapacity: true)
                    return .work(batch)
                }
                if s.closed { return .exit }
                s.writerIdle = true
                return .sleep
            }
            switch next {
            case let .work(batch): return batch
            case .exit: return nil
            case .sleep: writerWakeup.wait()
            }
        }
    }

    /// Makes a fsynced run of appends visible: resumes their callers and any waiting readers.
    func publish(run: ArraySlice<PendingAppend>, activeFileBytes: Int64) {
        let bytes = run.reduce(Int64(0)) { $0 + Int64($1.byteCount) }
        let records = run.reduce(0) { $0 + $1.recordCount }
        let now = SystemIO.nowMicros()
        let waiters = state.withLock { s in
            s.segments[s.segments.count - 1].fileBytes = activeFileBytes
            s.committedEnd = run[run.endIndex - 1].range.upperBound
            s.retainedBytes += bytes
            s.pendingBytes -= bytes
            s.syncCount += 1
            s.appendCalls += UInt64(run.count)
            s.appendedRecords += UInt64(records)
            s.appendedBytes += UInt64(bytes)
            s.timeline.appended(end: s.committedEnd, records: records, at: now)
            return s.takeWaiters()
        }
        for item in run { item.continuation.resume(returning: .success(item.range)) }
        for waiter in waiters { waiter.resume() }
    }

    /// Records a new, durable, empty active segment.
    func publishNewSegment(_ entry: SegmentEntry) {
        state.withLock { s in
            s.segments.append(entry)
            s.retainedBytes += entry.fileBytes
            s.pendingBytes -= entry.fileBytes
        }
    }

    /// After a failed write: fails `inFlight` and everything queued behind it (their offsets assumed
    /// the failed write would land), and poisons the spool if the files could not be restored.
    func failAppends(_ inFlight: ArraySlice<PendingAppend>, error: SpoolError, poison: SpoolError?) {
        let queued = state.withLock { s in
            if let poison { s.failure = poison }
            return s.resetProjection()
        }
        logger.error(
            "spool append failed; \(inFlight.count + queued.count) append calls were refused and nothing of them acknowledged",
            metadata: ["spool.error": "\(error)", "spool.poisoned": "\(poison.map { "\($0)" } ?? "no")"])
        for item in inFlight { item.continuation.resume(returning: .failure(error)) }
        for item in queued { item.continuation.resume(returning: .failure(error)) }
    }

    // MARK: Closing

    /// Lets the writer finish what is queued, stops it and releases the directory lock.
    func close() {
        let (wake, waiters) = state.withLock { s in
            s.closed = true
            let wake = s.writerIdle
            s.writerIdle = false
            return (wake, s.takeWaiters())
        }
        if wake { writerWakeup.signal() }
        for waiter in waiters { waiter.resume() }
        writerRunning.wait()
        io.shutdown()
        lockFD.withLock { fd in
            if let open = fd {
                SystemIO.closeFile(open)
                fd = nil
                logger.info("spool closed", metadata: ["spool.directory": "\(paths.root)"])
            }
        }
    }
}
