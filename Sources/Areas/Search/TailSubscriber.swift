import LogModel
import Search
import Synchronization

/// What a live-tail stream sends.
enum TailMessage: Sendable {
    /// A matching event: its spool offset (the SSE `id`, for `Last-Event-ID`) and stored JSON.
    case event(offset: UInt64, json: ArraySlice<UInt8>)
    case heartbeat
    /// Events the client asked to resume from are no longer held; the stream goes on after them.
    case gap(String)
    /// The client fell too far behind and is cut loose; the stream ends.
    case cut(String)
}

/// One open live tail: its filter and a bounded queue the broadcaster fills without ever waiting.
/// When the queue is full the subscriber gets a `cut` marker and its stream ends, so a client that
/// stops reading costs the hub at most `capacity` queued events and never slows anything else.
///
/// The writer takes everything queued at once (`nextBatch`) and sends it in one write: a busy tail
/// (thousands of errors a second) then costs one write per wake-up, not one per event.
final class TailSubscriber: Sendable {
    static let capacity = 2000

    fileprivate struct State {
        var queue: [TailMessage] = []
        /// The writer, parked until something is queued or the tail ends.
        var waiter: CheckedContinuation<[TailMessage], Never>?
        var finished = false
        var cut = false
    }

    let matcher: QueryMatcher
    private let state = Mutex(State())
    /// Queued plus being written; bounds a slow client (see `capacity`).
    private let queued = Atomic<Int>(0)
    /// Events delivered to the client (for the access log).
    private let deliveredCount = Atomic<Int>(0)
    var delivered: Int { deliveredCount.load(ordering: .relaxed) }
    /// Messages queued or being written, and messages written so far.
    var backlog: Int { queued.load(ordering: .relaxed) }
    var sentMessages: Int { sentCount.load(ordering: .relaxed) }
    private let sentCount = Atomic<Int>(0)

    init(matcher: QueryMatcher) {
        self.matcher = matcher
    }

    /// Queues `message` unless the tail has ended; cuts it when its queue is full.
    func offer(_ message: TailMessage) {
        if queued.wrappingAdd(1, ordering: .relaxed).newValue > Self.capacity {
            enqueue(.cut("the client read too slowly: more than \(Self.capacity) events were waiting"), last: true)
            return
        }
        enqueue(message, last: false)
    }

    private func enqueue(_ message: TailMessage, last: Bool) {
        let wake = state.withLock { state -> (CheckedContinuation<[TailMessage], Never>, [TailMessage])? in
            guard !state.finished else { return nil }
            if last {
                state.cut = true
                state.finished = true
            }
            state.queue.append(message)
            return state.takeForWaiter()
        }
        if let (waiter, batch) = wake { waiter.resume(returning: batch) }
    }

    /// Everything queued since the last call, waiting for the first message if none is; empty once
    /// the tail has ended (or the waiting task is cancelled) and nothing is left to send.
    func nextBatch() async -> [TailMessage] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[TailMessage], Never>) in
                let ready = state.withLock { state -> [TailMessage]? in
                    if !state.queue.isEmpty || state.finished || Task.isCancelled {
                        defer { state.queue = [] }
                        return state.queue
                    }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Called by the stream's writer after it sent `messages`.
    func didSend(_ messages: [TailMessage]) {
        var events = 0
        for case .event in messages { events += 1 }
        queued.wrappingSubtract(messages.count, ordering: .relaxed)
        sentCount.wrappingAdd(messages.count, ordering: .relaxed)
        deliveredCount.wrappingAdd(events, ordering: .relaxed)
    }

    var wasCut: Bool { state.withLock { $0.cut } }

    /// Ends the tail: the writer gets what is still queued, then an empty batch.
    func finish() {
        let wake = state.withLock { state -> (CheckedContinuation<[TailMessage], Never>, [TailMessage])? in
            state.finished = true
            return state.takeForWaiter()
        }
        if let (waiter, batch) = wake { waiter.resume(returning: batch) }
    }
}

extension TailSubscriber.State {
    /// The parked writer and the queue to hand it, both taken; nil when no writer is parked.
    fileprivate mutating func takeForWaiter() -> (CheckedContinuation<[TailMessage], Never>, [TailMessage])? {
        guard let waiter else { return nil }
        self.waiter = nil
        defer { queue = [] }
        return (waiter, queue)
    }
}
