import Synchronization

/// The only state shared between callers and the loop thread: new requests, cancellations, stop.
/// Everything else belongs to the loop thread alone.
final class CurlInbox: Sendable {
    struct Batch {
        var pending: [PendingTransfer] = []
        var cancelled: [UInt64] = []
        var stopping = false
    }

    private let state = Mutex(Batch())
    private let nextID = Atomic<UInt64>(1)

    func makeID() -> UInt64 { nextID.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// Queues `transfer`, or returns why it cannot run. The cancellation check happens under the lock
    /// that `cancel` also takes, so a cancellation is never lost between the check and the queueing.
    func submit(_ transfer: PendingTransfer) -> HTTPClientError.Kind? {
        state.withLock { batch in
            if batch.stopping { return .shutdown }
            if Task.isCancelled { return .cancelled }
            batch.pending.append(transfer)
            return nil
        }
    }

    /// Returns the transfer if it had not reached the loop thread yet (the caller fails it); otherwise
    /// records the cancellation for the loop thread, which aborts it if it is still running.
    func cancel(_ id: UInt64) -> PendingTransfer? {
        state.withLock { batch in
            if let index = batch.pending.firstIndex(where: { $0.id == id }) {
                return batch.pending.remove(at: index)
            }
            batch.cancelled.append(id)
            return nil
        }
    }

    /// Everything queued since the last call.
    func take() -> Batch {
        state.withLock { batch in
            let taken = batch
            batch.pending.removeAll()
            batch.cancelled.removeAll()
            return taken
        }
    }

    /// Refuses new work from now on; returns whether this call was the one that stopped it.
    func stop() -> Bool {
        state.withLock { batch in
            if batch.stopping { return false }
            batch.stopping = true
            return true
        }
    }
}
