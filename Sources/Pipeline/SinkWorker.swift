import Foundation
import LogModel
import Logging
import Metrics
import ServiceLifecycle
import Sinks
import Spool
import Synchronization

/// Moves events from the spool to one sink by executing what `DeliveryStateMachine` decides: read a
/// batch after the sink's cursor, deliver it, retry, dead-letter, and only then advance the cursor.
/// Up to `maxInFlight` batches are delivered at once, each by its own machine; `CommitOrder` moves
/// the cursor in spool order whatever order they finish in. A crash anywhere before the cursor moves
/// means the batches are sent again, which the store absorbs (`_id` = event id), so delivery is
/// at-least-once and storage exactly-once.
public final class SinkWorker: Service, Sendable {
    public let sink: any Sink
    let reader: SpoolReader
    let deadLetters: DeadLetterStore
    let configuration: DeliveryConfiguration
    private let logger: Logger
    let status = Mutex(InFlightStatus())
    private let lastDelivery = Mutex<Date?>(nil)
    /// Events delivered per second (key: the sink's name), for the status page.
    public let deliveryRates = RateCounter()
    /// Bumped by `nudge()`: every backoff that started before it ends early.
    private let nudges = Atomic<UInt64>(0)
    let inFlight = Atomic<Int>(0)

    private let delivered: Counter
    private let retried: Counter
    private let deadLettered: Counter
    private let deadLetterFailures: Counter
    let inFlightGauge: Gauge

    public init(sink: any Sink, reader: SpoolReader, deadLetters: DeadLetterStore, configuration: DeliveryConfiguration, logger: Logger) {
        self.sink = sink
        self.reader = reader
        self.deadLetters = deadLetters
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "sink.name"] = "\(sink.name)"
        self.logger = logger
        let dimensions = [("sink", sink.name)]
        delivered = Counter(label: "admin_sink_delivered_total", dimensions: dimensions)
        retried = Counter(label: "admin_sink_retried_total", dimensions: dimensions)
        deadLettered = Counter(label: "admin_sink_dead_lettered_total", dimensions: dimensions)
        deadLetterFailures = Counter(label: "admin_sink_dead_letter_failures_total", dimensions: dimensions)
        inFlightGauge = Gauge(label: "admin_sink_in_flight_batches", dimensions: dimensions)
    }

    /// The worker's view of its store, for `/readyz`.
    public var currentStatus: SinkStatus { status.withLock { $0.shown } }

    /// Batches read from the spool and not yet committed.
    public var inFlightBatches: Int { inFlight.load(ordering: .relaxed) }

    /// When the store last took a batch (this process).
    public var lastDeliveredAt: Date? { lastDelivery.withLock { $0 } }

    /// Ends the current backoff waits early: the store's probe says it is back, so there is no point
    /// sleeping out a long backoff. A server's own `Retry-After` is a wait the probe cannot overrule:
    /// the probe nudges only when the store had not answered before.
    public func nudge() {
        nudges.add(1, ordering: .relaxed)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            guard await self.prepare() else { return }
            await self.deliverInFlight()
        }
    }

    /// Prepares the sink until it is ready (or the task is cancelled); true once it is.
    private func prepare() async -> Bool {
        var machine = DeliveryStateMachine(sink: sink.name, configuration: configuration)
        var random = SystemRandomNumberGenerator()
        var action = machine.start()
        while !Task.isCancelled {
            switch action {
            case .prepare:
                do {
                    try await sink.prepare()
                    action = machine.prepared()
                } catch {
                    action = machine.prepareFailed(error)
                }
            case .wait(let backoff):
                await sleep(backoff.duration(using: &random))
                guard !Task.isCancelled else { break }
                action = machine.waited(now: .now)
            case .read:
                break
            case .send, .deadLetter, .commit:
                preconditionFailure("\(action) before the sink is ready")
            }
            let current = machine.status
            status.withLock { $0.settled = current }
            for notice in machine.takeNotices() { report(notice) }
            if action == .read { return true }
        }
        return false
    }

    /// Sleeps `duration` in short steps, ending early when nudged or cancelled.
    func sleep(_ duration: Duration) async {
        let seen = nudges.load(ordering: .relaxed)
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: min(.milliseconds(250), deadline - ContinuousClock.now))
            if nudges.load(ordering: .relaxed) != seen { return }
        }
    }

    /// Log levels as a promise: warning = unexpected, nothing lost; error = an operator must act.
    func report(_ notice: DeliveryStateMachine.Notice) {
        switch notice {
        case .ready:
            logger.info("sink ready")
        case let .prepareFailed(kind, message, attempt):
            if kind == .configuration {
                // Every 10th time, so the log says it again while nobody has fixed it.
                if attempt == 1 || attempt % 10 == 0 {
                    logger.error("sink refuses the hub's configuration; an operator must fix it, retrying slowly",
                                 metadata: ["error": "\(message)", "attempt": "\(attempt)"])
                }
            } else {
                logger.warning("sink not ready; will retry", metadata: ["error": "\(message)", "attempt": "\(attempt)"])
            }
        case let .delivered(count):
            delivered.increment(by: count)
            lastDelivery.withLock { $0 = Date() }
            deliveryRates.add(count, to: sink.name)
        case let .retrying(events, attempt, reason, kind):
            retried.increment(by: events)
            guard attempt == 1 || attempt % 10 == 0 else { return }
            let metadata: Logger.Metadata = ["events": "\(events)", "attempt": "\(attempt)", "reason": "\(reason)"]
            if kind == .configuration {
                logger.error("the store refuses the hub's configuration; an operator must fix it, retrying slowly", metadata: metadata)
            } else {
                logger.warning("delivery failed; retrying", metadata: metadata)
            }
        case let .recovered(attempts):
            logger.info("delivery recovered", metadata: ["attempts": "\(attempts)"])
        case let .gaveUp(eventID, attempts, reason):
            logger.error("gave up on an event the store keeps refusing while it accepts others; it goes to the dead letters",
                         metadata: ["event.id": "\(eventID)", "attempts": "\(attempts)", "reason": "\(reason)"])
        case let .deadLettered(eventID, reason):
            deadLettered.increment()
            logger.warning("event dead-lettered", metadata: ["event.id": "\(eventID)", "reason": "\(reason)"])
        case let .deadLetterFailed(attempt, error, holding):
            deadLetterFailures.increment()
            if holding {
                logger.error("cannot store a dead letter; the sink holds its cursor until PostgreSQL takes it",
                             metadata: ["error": "\(error)", "attempt": "\(attempt)"])
            } else {
                logger.warning("cannot store a dead letter; retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
            }
        case let .commitFailed(attempt, error):
            logger.error("cannot persist the sink cursor", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
        case let .readFailed(error):
            logger.error("cannot read the spool", metadata: ["error": "\(error)"])
        }
    }
}
