import LogModel
import Logging
import Metrics
import ServiceLifecycle
import Sinks
import Spool
import Synchronization

/// Moves events from the spool to one sink: read a batch after the sink's cursor, deliver it,
/// retry what the store refused transiently, dead-letter what it refused for good, and only then
/// advance the cursor. A crash anywhere before the cursor moves means the batch is sent again,
/// which the store absorbs (`_id` = event id), so delivery is at-least-once and storage exactly-once.
public final class SinkWorker: Service, Sendable {
    public let sink: any Sink
    private let reader: SpoolReader
    private let deadLetters: DeadLetterStore
    private let configuration: DeliveryConfiguration
    private let logger: Logger
    private let status = Mutex(SinkStatus())

    private let delivered: Counter
    private let retried: Counter
    private let deadLettered: Counter

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
    }

    /// The worker's view of its store, for `/readyz`.
    public var currentStatus: SinkStatus { status.withLock { $0 } }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.loop()
        }
    }

    private func loop() async {
        await prepareUntilReady()
        while !Task.isCancelled {
            let records: [SpoolRecord]
            do {
                records = try await reader.read(maxRecords: configuration.batchMaxEvents, maxBytes: configuration.batchMaxBytes,
                                                wait: configuration.batchMaxWait)
            } catch {
                logger.error("cannot read the spool", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard let last = records.last else { continue }
            await deliver(records)
            guard !Task.isCancelled else { return }
            await commit(through: last.nextOffset)
        }
    }

    private func prepareUntilReady() async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await sink.prepare()
                setState(.ready, error: nil)
                logger.info("sink ready")
                return
            } catch {
                attempt += 1
                setState(.unavailable, error: error.description)
                logger.warning("sink not ready; will retry", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try? await Task.sleep(for: configuration.retry.delay(afterAttempt: attempt))
            }
        }
    }

    /// Delivers one batch completely: returns when every event is stored or dead-lettered, or on cancellation.
    private func deliver(_ records: [SpoolRecord]) async {
        var pending: [SpooledEvent] = []
        pending.reserveCapacity(records.count)
        for record in records {
            do {
                let event = try SpooledEvent(decoding: record.payload)
                if event.isMeant(for: sink.name) { pending.append(event) }
            } catch {
                // Only a bug or disk corruption that passed the checksum gets here; keep the bytes.
                let event = SpooledEvent(id: "spool-offset-\(record.offset)", timestampMillis: 0, json: record.payload)
                await deadLetter(event, reason: "undecodable spool record: \(error)", attempts: 0)
            }
        }
        var attempt = 0
        var firstPartialFailure: ContinuousClock.Instant?
        while !pending.isEmpty, !Task.isCancelled {
            attempt += 1
            let started = ContinuousClock.now
            let report = await sink.deliver(pending)
            logger.debug("batch sent", metadata: [
                "events": "\(pending.count)", "attempt": "\(attempt)", "elapsed": "\(ContinuousClock.now - started)",
            ])
            var again: [SpooledEvent] = []
            var lastReason = ""
            var deliveredNow = 0
            for (event, outcome) in zip(pending, report.items) {
                switch outcome {
                case .stored, .alreadyStored:
                    deliveredNow += 1
                case .reject(let reason):
                    await deadLetter(event, reason: reason, attempts: attempt)
                case .retry(let reason):
                    again.append(event)
                    lastReason = reason
                }
            }
            // A sink that answers with fewer items than it was given broke its promise; retry the rest.
            if report.items.count < pending.count {
                again.append(contentsOf: pending[report.items.count...])
                lastReason = "sink answered for \(report.items.count) of \(pending.count) events"
            }
            delivered.increment(by: deliveredNow)
            if again.isEmpty {
                if attempt > 1 { logger.info("delivery recovered", metadata: ["attempts": "\(attempt)"]) }
                setState(.ready, error: nil)
                return
            }
            retried.increment(by: again.count)
            let storeAnswered = deliveredNow > 0 || again.count < pending.count
            if storeAnswered {
                let since = firstPartialFailure ?? .now
                firstPartialFailure = since
                if ContinuousClock.now - since > configuration.maxItemRetryAge {
                    for event in again {
                        await deadLetter(event, reason: "gave up after \(attempt) attempts: \(lastReason)", attempts: attempt)
                    }
                    return
                }
            }
            setState(.retrying, error: lastReason)
            let wait = configuration.retry.delay(afterAttempt: attempt, serverHintSeconds: report.retryAfterSeconds)
            if attempt == 1 || attempt % 10 == 0 {
                logger.warning("delivery failed; retrying", metadata: [
                    "events": "\(again.count)", "attempt": "\(attempt)", "reason": "\(lastReason)", "wait": "\(wait)",
                ])
            }
            try? await Task.sleep(for: wait)
            pending = again
        }
    }

    /// Dead letters must be written before the cursor moves past the event: retry until PostgreSQL takes it.
    private func deadLetter(_ event: SpooledEvent, reason: String, attempts: Int) async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await deadLetters.add(sink: sink.name, event: event, reason: reason, attempts: attempts)
                deadLettered.increment()
                logger.warning("event dead-lettered", metadata: ["event.id": "\(event.id)", "reason": "\(reason)"])
                return
            } catch {
                attempt += 1
                logger.error("cannot store a dead letter; holding the batch", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: configuration.retry.delay(afterAttempt: attempt))
            }
        }
    }

    private func commit(through offset: UInt64) async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await reader.commit(through: offset)
                return
            } catch {
                attempt += 1
                logger.error("cannot persist the sink cursor", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: configuration.retry.delay(afterAttempt: attempt))
            }
        }
    }

    private func setState(_ state: SinkState, error: String?) {
        status.withLock {
            $0.state = state
            $0.lastError = error
        }
    }
}

/// A snapshot of a sink worker's health.
public struct SinkStatus: Sendable {
    public var state: SinkState = .starting
    public var lastError: String?
}
