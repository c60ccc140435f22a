import Synchronization

/// One sender at a time while the store pushes back.
///
/// With several batches in flight, a store that refuses whole requests (down, 429 with
/// `Retry-After`, 503) would otherwise get every open batch's retry on its own schedule, and a
/// server's `Retry-After` would hold for one batch while the others kept knocking. So the first batch
/// whose request fails as a whole becomes the gate's owner: until a request goes through again, only
/// the owner sends (after its own backoff or the server's hint); the other batches wait here. The
/// first request that goes through opens the gate for all.
final class SendGate: Sendable {
    private struct State {
        var owner: CommitOrder.Ticket?
    }
    private let state = Mutex(State())

    /// Returns when `ticket` may send (at once while the store takes requests), or when cancelled.
    func waitTurn(_ ticket: CommitOrder.Ticket) async {
        while !Task.isCancelled {
            let mayGo = state.withLock { $0.owner == nil || $0.owner == ticket }
            if mayGo { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// What `ticket`'s request came to: a whole-request failure closes the gate to all but the first
    /// batch that met it; any request that went through opens it.
    func record(_ ticket: CommitOrder.Ticket, failedAsAWhole: Bool) {
        state.withLock { state in
            if !failedAsAWhole {
                state.owner = nil
            } else if state.owner == nil {
                state.owner = ticket
            }
        }
    }

    /// A batch that ends while owning the gate (cancelled) leaves it open.
    func leave(_ ticket: CommitOrder.Ticket) {
        state.withLock { if $0.owner == ticket { $0.owner = nil } }
    }
}
