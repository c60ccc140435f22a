import LogModel
import Search
import Synchronization

/// What a live-tail stream sends.
enum TailMessage: Sendable {
    /// A matching event: its spool offset (the SSE `id`, for `Last-Event-ID`) and stored JSON.
    case event(offset: UInt64, json: [UInt8])
    case heartbeat
    /// Events the client asked to resume from are no longer held; the stream goes on after them.
    case gap(String)
    /// The client fell too far behind and is cut loose; the stream ends.
    case cut(String)
}

/// One open live tail: its filter and a bounded queue the broadcaster fills without ever waiting.
/// When the queue is full the subscriber gets a `cut` marker and its stream ends, so a client that
/// stops reading costs the hub at most `capacity` queued events and never slows anything else.
final class TailSubscriber: Sendable {
    static let capacity = 2000

    let matcher: QueryMatcher
    let stream: AsyncStream<TailMessage>
    private let continuation: AsyncStream<TailMessage>.Continuation
    private let queued = Atomic<Int>(0)
    private let isCut = Atomic<Bool>(false)
    /// Events delivered to the client (for the access log).
    private let deliveredCount = Atomic<Int>(0)
    var delivered: Int { deliveredCount.load(ordering: .relaxed) }

    init(matcher: QueryMatcher) {
        self.matcher = matcher
        (stream, continuation) = AsyncStream.makeStream(of: TailMessage.self, bufferingPolicy: .unbounded)
    }

    /// Queues `message` unless the subscriber is cut; cuts it when its queue is full.
    func offer(_ message: TailMessage) {
        guard !isCut.load(ordering: .acquiring) else { return }
        if queued.wrappingAdd(1, ordering: .relaxed).newValue > Self.capacity {
            isCut.store(true, ordering: .releasing)
            continuation.yield(.cut("the client read too slowly: more than \(Self.capacity) events were waiting"))
            continuation.finish()
            return
        }
        continuation.yield(message)
    }

    /// Called by the stream's writer after it sent a message.
    func didSend(_ message: TailMessage) {
        queued.wrappingSubtract(1, ordering: .relaxed)
        if case .event = message { deliveredCount.wrappingAdd(1, ordering: .relaxed) }
    }

    var wasCut: Bool { isCut.load(ordering: .acquiring) }

    func finish() { continuation.finish() }
}
