import Synchronization
import Logging

/// What readers need from the core: waiting for new records, and deleting segments once their
/// cursors have moved past them.
extension SpoolCore {
    /// Suspends (without holding a thread) until records past `position` are committed, the spool
    /// closes, `timeout` passes or the task is cancelled.
    func waitForRecords(after position: UInt64, timeout: Duration) async {
        let id = state.withLock { s in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = self.state.withLock { s in
                            if s.committedEnd > position || s.closed || s.cancelledWaiters.remove(id) != nil { return true }
                            s.waiters[id] = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    let continuation = self.state.withLock { s -> CheckedContinuation<Void, Never>? in
                        if let c = s.waiters.removeValue(forKey: id) { return c }
                        // Cancelled before it registered: leave a mark so it does not register.
                        s.cancelledWaiters.insert(id)
                        return nil
                    }
                    continuation?.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        state.withLock { s in _ = s.cancelledWaiters.remove(id) }
    }

    /// A reader has read up to `offset` (see `SpoolState.readOffsets`).
    func noteRead(sink: String, through offset: UInt64) {
        state.withLock { s in s.readOffsets[sink] = max(s.readOffsets[sink] ?? 0, offset) }
    }

    /// Records a sink's newly persisted cursor, then deletes the segments every sink has passed.
    func cursorAdvanced(sink: String, to offset: UInt64) {
        state.withLock { s in
            s.cursors[sink] = max(s.cursors[sink] ?? 0, offset)
            if let slowest = s.cursors.values.min() { s.timeline.prune(before: slowest) }
        }
        deleteConsumedSegments()
    }

    /// Deletes, oldest first, every segment except the active one whose end all sinks have passed.
    /// With no sinks registered nothing is deleted: the data waits (up to `maxBytes`) for one.
    func deleteConsumedSegments() {
        deletion.withLock { _ in
            let doomed: [SegmentEntry] = state.withLock { s in
                guard let slowest = s.cursors.values.min() else { return [] }
                return Array(s.segments.dropLast().prefix { $0.end <= slowest })
            }
            guard !doomed.isEmpty else { return }
            var removed = 0
            for segment in doomed {
                do throws(SpoolError) {
                    try SystemIO.removeFile(segment.path)
                    removed += 1
                    logger.debug("spool: deleted a segment every sink has passed",
                                 metadata: ["spool.segment": "\(segment.path)", "spool.bytes": "\(segment.fileBytes)"])
                } catch {
                    // Stop at the first failure so the files left on disk stay contiguous.
                    logger.error("spool: could not delete a consumed segment; it is retried on the next commit",
                                 metadata: ["spool.segment": "\(segment.path)", "spool.error": "\(error)"])
                    break
                }
            }
            guard removed > 0 else { return }
            do throws(SpoolError) {
                try SystemIO.syncDirectory(paths.segments)
            } catch {
                logger.warning("spool: fsync of the segment directory failed after deletion",
                               metadata: ["spool.error": "\(error)"])
            }
            let freed = doomed.prefix(removed).reduce(Int64(0)) { $0 + $1.fileBytes }
            state.withLock { s in
                s.segments.removeFirst(removed)
                s.retainedBytes -= freed
            }
        }
    }
}
