internal import Synchronization

/// Hands out connection slots to tasks, one task per slot; a task that finds none free waits
/// (asynchronously, without holding a thread) until one is released. Waiters are served in order.
final class PostgresSlotPool: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<PostgresConnectionSlot, any Error>
    }

    private struct State {
        var idle: [PostgresConnectionSlot]
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    private let state: Mutex<State>
    let all: [PostgresConnectionSlot]

    init(slots: [PostgresConnectionSlot]) {
        all = slots
        state = Mutex(State(idle: slots))
    }

    /// A free slot; waits for one when all are busy. Throws `closed` after `close()` or on cancellation.
    func acquire() async throws(PostgresError) -> PostgresConnectionSlot {
        enum Immediate { case slot(PostgresConnectionSlot), closed, wait }
        let immediate = state.withLock { state -> Immediate in
            if state.closed { return .closed }
            if let slot = state.idle.popLast() { return .slot(slot) }
            return .wait
        }
        switch immediate {
        case .slot(let slot): return slot
        case .closed: throw .closed
        case .wait: break
        }
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PostgresConnectionSlot, any Error>) in
                    let outcome = state.withLock { state -> Immediate in
                        if state.closed { return .closed }
                        if Task.isCancelled { return .closed }
                        if let slot = state.idle.popLast() { return .slot(slot) }
                        state.waiters.append(Waiter(id: id, continuation: continuation))
                        return .wait
                    }
                    switch outcome {
                    case .slot(let slot): continuation.resume(returning: slot)
                    case .closed: continuation.resume(throwing: PostgresError.closed)
                    case .wait: break
                    }
                }
            } onCancel: {
                let waiter = state.withLock { state -> Waiter? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index)
                }
                waiter?.continuation.resume(throwing: PostgresError(kind: .closed, message: "cancelled while waiting for a PostgreSQL connection"))
            }
        } catch let error as PostgresError {
            throw error
        } catch {
            throw .closed
        }
    }

    /// Returns `slot` to the pool, or straight to the longest-waiting task.
    func release(_ slot: PostgresConnectionSlot) {
        let waiter = state.withLock { state -> Waiter? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(slot)
            return nil
        }
        waiter?.continuation.resume(returning: slot)
    }

    /// Refuses new acquisitions and fails every waiting task.
    func close() {
        let waiters = state.withLock { state -> [Waiter] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: PostgresError.closed) }
    }
}
