import Intake
import Logging
import Metrics
import NIOCore
import Pipeline
import ServiceLifecycle
import Spool
import Synchronization
import Transforms
import LogModel

/// The intake of a listener that has no answer to give (GELF over UDP or TCP, syslog): events are
/// queued and spooled in batches (every 20 ms, at once while a full body is waiting), so a stream of
/// small messages costs one fsync per batch instead of one each. A batch goes to the intake in
/// bodies of at most `intake.max_body_bytes`, in order.
///
/// Over the queue bound (`inputs.listeners.queue_bytes`) the two transports differ:
/// - TCP (`.pauseReading`) never drops: a connection that finds the queue over its bound stops being
///   read until a flush has emptied it, so the sender blocks in its own send (TCP's flow control),
///   as with any log server. While the spool refuses (full, disk full) the batch stays queued, the
///   connections stay paused and the flush is retried (50 ms, doubling to 1 s) until the spool takes
///   it. A batch refused as full goes to the intake again only once the spool has more room than when
///   it refused (`HeldBatchRetry`), so a held batch is counted as rejected by the intake once, not at
///   every retry; each offer again is counted in `admin_input_retries_total{input}`.
///   Only at shutdown is a batch the spool still refuses dropped, counted as `spool_refused`.
/// - UDP (`.drop`) has no flow control: a datagram that finds the queue full is dropped
///   (`queue_full`), and a batch the spool refuses is dropped (`spool_refused`).
/// At shutdown the last flush leaves paused connections paused (their senders keep the data), and an
/// event that still arrives after it is counted as dropped (`shutting_down`) rather than queued unseen.
/// Every drop is counted in `admin_input_dropped_total{input,reason}`; pauses in `admin_input_paused_total{input}`.
final class ListenerIntake: Service, CustomStringConvertible {
    enum WhenFull: Sendable { case drop, pauseReading }
    enum FlushOutcome: Equatable { case drained, moreWaiting, refused }

    private struct State {
        var lines: [[UInt8]] = []
        var bytes = 0
        /// The spool refused the last flush: connections pause until a flush succeeds.
        var refused = false
        var paused: [ObjectIdentifier: any Channel] = [:]
        /// The last flush has run (the hub stops): what still arrives is counted as dropped, not queued unseen.
        var closed = false
        /// Set while a refused batch waits for the spool to have more room (full spool or disk).
        var held: HeldBatchRetry?
    }

    let input: String
    let service: String
    let whenFull: WhenFull
    private let ingest: IngestService
    /// Read only for its room, to know when a refused batch is worth offering again.
    private let spool: Spool
    private let logger: Logger
    private let state = Mutex(State())
    private let maxQueuedBytes: Int
    private let queueFull: Counter
    private let received: Counter
    private let pauses: Counter
    private let retries: Counter
    private let lateAtShutdown: Counter

    var description: String { "ListenerIntake(\(input) → \(service))" }

    init(input: String, service: String, ingest: IngestService, spool: Spool, logger: Logger, whenFull: WhenFull,
         maxQueuedBytes: Int = 64 << 20) {
        self.input = input
        self.service = service
        self.ingest = ingest
        self.spool = spool
        self.logger = logger
        self.whenFull = whenFull
        self.maxQueuedBytes = maxQueuedBytes
        queueFull = Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", "queue_full")])
        received = Counter(label: "admin_input_events_total", dimensions: [("input", input)])
        pauses = Counter(label: "admin_input_paused_total", dimensions: [("input", input)])
        retries = Counter(label: "admin_input_retries_total", dimensions: [("input", input)])
        lateAtShutdown = Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", "shutting_down")])
    }

    /// Called on an event loop: only appends. TCP always appends (the connection pauses after the
    /// read, `pauseIfFull`), so the queue may pass its bound by one read per connection.
    func submit(_ line: [UInt8]) {
        let kept = state.withLock { state -> Bool? in
            if state.closed { return nil }
            if whenFull == .drop, state.bytes + line.count > maxQueuedBytes { return false }
            state.lines.append(line)
            state.bytes += line.count
            return true
        }
        switch kept {
        case true?: received.increment()
        case false?: queueFull.increment()
        case nil: lateAtShutdown.increment()
        }
    }

    /// Queues an event read by a listener (GELF, syslog), as one NDJSON line for the intake.
    func submit(event: JSONObject) {
        submit(JSONValue.object(event).serialized() + [UInt8(ascii: "\n")])
    }

    /// A message the listener could not read (bad compression, not JSON, …): counted, logged at debug.
    func reject(_ reason: String, detail: String) {
        Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", reason)]).increment()
        logger.debug("input message rejected", metadata: ["input": "\(input)", "reason": "\(reason)", "detail": "\(detail)"])
    }

    /// After a read from a TCP connection, on its event loop: true when the queue is over its bound
    /// (or the spool refuses) and the connection must stop reading; it is then resumed by a flush.
    /// Registered under the queue's lock, so a flush that empties the queue cannot miss it.
    func pauseIfFull(_ channel: any Channel) -> Bool {
        let pause = state.withLock { state -> Bool in
            guard state.bytes > maxQueuedBytes || state.refused else { return false }
            state.paused[ObjectIdentifier(channel)] = channel
            return true
        }
        if pause { pauses.increment() }
        return pause
    }

    /// Spools every 20 ms until the hub stops (its listener stops first: services stop in reverse
    /// order), then spools what is left; at once again while a full body is waiting, later while the
    /// spool refuses.
    func run() async throws {
        var retryDelay = Self.firstRetryDelay
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            switch await flush() {
            case .drained:
                retryDelay = Self.firstRetryDelay
                try? await Task.sleep(for: .milliseconds(20))
            case .moreWaiting:
                retryDelay = Self.firstRetryDelay
                await Task.yield()
            case .refused:
                try? await Task.sleep(for: retryDelay)
                retryDelay = min(retryDelay * 2, .seconds(1))
            }
        }
        _ = await flush(final: true)
    }

    private static let firstRetryDelay = Duration.milliseconds(50)

    /// Spools what is queued now, in bodies the intake takes (also used by tests and at shutdown).
    /// `final`: nothing is kept for a retry (the hub is stopping): what the spool refuses is dropped.
    @discardableResult
    func flush(final: Bool = false) async -> FlushOutcome {
        if !final, let held = state.withLock({ $0.held }), !held.worthOffering(roomNow: spool.stats().room, at: .now) {
            return .refused  // no room freed since the refusal: the intake would decode it only to refuse it again
        }
        let (lines, refusedBefore) = state.withLock { state -> ([[UInt8]], Bool) in
            defer { (state.lines, state.bytes, state.closed) = ([], 0, state.closed || final) }
            return (state.lines, state.refused)
        }
        guard !lines.isEmpty else { return .drained }
        if refusedBefore { retries.increment() }
        // The queue is empty now: paused connections may read again while this batch is spooled.
        if !refusedBefore, !final { resumeReading() }
        let maxBody = ingest.limits.maxBodyBytes
        var taken = true
        for range in ListenerChunks.ranges(of: lines[...], maxBytes: maxBody) {
            // Only the first chunk of a held queue was refused (and counted) before.
            let offeredBefore = refusedBefore && range.lowerBound == 0
            guard case .refused(let held) = await offer(lines[range], firstRefusal: !offeredBefore) else { continue }
            let left = lines[range.lowerBound...]
            if whenFull == .pauseReading, !final {
                state.withLock { state in
                    state.lines.insert(contentsOf: left, at: 0)
                    state.bytes += left.reduce(0) { $0 + $1.count }
                    state.refused = true
                    state.held = held
                }
                return .refused
            }
            Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", "spool_refused")]).increment(by: left.count)
            logger.warning("input events dropped: the spool refused them", metadata: ["input": "\(input)", "events": "\(left.count)"])
            taken = false
            break
        }
        let waiting = state.withLock { state -> Int in
            state.refused = false
            state.held = nil
            return state.bytes
        }
        if refusedBefore, taken { logger.info("the spool takes input events again; reading resumed", metadata: ["input": "\(input)"]) }
        if !final { resumeReading() }  // at shutdown a paused sender keeps its data (and sees the connection close)
        return waiting >= min(maxBody, maxQueuedBytes) ? .moreWaiting : .drained
    }

    private enum Offer {
        /// Taken (also when single events in it were invalid, counted as `invalid_event`, or when the
        /// intake refused the body itself: trying again cannot help).
        case taken
        /// The spool refused it; it may be tried again (when `held` says so, else on the timer).
        case refused(held: HeldBatchRetry?)
    }

    /// One body to the intake. A refusal is logged once, not at every retry.
    private func offer(_ lines: ArraySlice<[UInt8]>, firstRefusal: Bool) async -> Offer {
        var body = ByteBuffer()
        body.reserveCapacity(lines.reduce(0) { $0 + $1.count })
        for line in lines { body.writeBytes(line) }
        let context = IngestContext(serviceName: service, clientAddress: nil, receivedAtMicros: WallClock.nowMicros())
        let roomBefore = spool.stats().room
        do {
            let receipt = try await ingest.ingest(body: body, contentType: "application/x-ndjson", contentEncoding: nil, context: context,
                                                  countsRefusal: firstRefusal)
            if receipt.rejected > 0 {
                Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", "invalid_event")]).increment(by: receipt.rejected)
            }
            return .taken
        } catch {
            if case .invalidRequest(let reason) = error {
                // Not the spool: the body itself (a single line over the body limit); trying again cannot help.
                Counter(label: "admin_input_dropped_total", dimensions: [("input", input), ("reason", reason.code)]).increment(by: lines.count)
                logger.warning("input events dropped: the intake refused them", metadata: ["input": "\(input)", "events": "\(lines.count)", "error": "\(reason)"])
                return .taken
            }
            var held: HeldBatchRetry?
            switch error {
            case .spoolFull:
                held = HeldBatchRetry(roomBefore: roomBefore, roomAfter: spool.stats().room, at: .now, recheckAfter: HeldBatchRetry.afterFullSpool)
            case .diskFull:
                held = HeldBatchRetry(roomBefore: roomBefore, roomAfter: spool.stats().room, at: .now, recheckAfter: HeldBatchRetry.afterFullDisk)
            default:
                break  // a write error or a closed spool: no room to watch, retried on the timer
            }
            guard firstRefusal else { return .refused(held: held) }
            logger.warning("the spool refuses input events", metadata: [
                "input": "\(input)", "events": "\(lines.count)", "error": "\(error)",
                "then": "\(whenFull == .pauseReading ? "kept; reading paused until the spool takes them" : "dropped")",
            ])
            return .refused(held: held)
        }
    }

    /// Lets every paused connection read again (on its own event loop).
    private func resumeReading() {
        let channels = state.withLock { state -> [any Channel] in
            defer { state.paused = [:] }
            return Array(state.paused.values)
        }
        for channel in channels {
            channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }  // closed meanwhile: nothing to resume
        }
    }
}
