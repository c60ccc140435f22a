import LogModel
import Sinks
import Spool

/// Every decision of a sink worker, without I/O (postgres-nio's `ConnectionStateMachine` style):
/// the worker feeds in what happened (a batch read, a delivery report, a failed dead-letter write, a
/// finished wait) and executes the one `Action` it gets back. What to log and count is collected as
/// `Notice`s, the health the worker shows as `status`. The clock comes in with the inputs, so every
/// rule can be tested table-driven.
///
/// Rules:
/// - The cursor moves past a batch only when each of its events is stored, already stored or in the
///   dead letters; never past an event that is neither.
/// - A permanent rejection is dead-lettered at once; the events behind it go on.
/// - An event the store refuses transiently *by itself* (its own item answer, while the request as
///   a whole went through) is given up after `maxItemAttempts` such refusals or `maxItemRetryAge`
///   since the first, and dead-lettered with the reason. A request that fails as a whole (store down,
///   overloaded, refusing everything) blames no event: retried without limit.
/// - A configuration failure (credentials, privileges, version) shows `misconfigured` and is retried
///   at the backoff cap: only an operator can fix it, and the hub must pick it up once they do.
/// - A dead-letter write that keeps failing holds the sink (state `retrying`) and is retried, after
///   `deadLetterAttemptsBeforeHolding` failures at the backoff cap.
public struct DeliveryStateMachine: Sendable {
    public enum Action: Sendable, Equatable {
        /// Call `sink.prepare()`; answer with `prepared()` or `prepareFailed(_:)`.
        case prepare
        /// Read the next batch from the spool; answer with `recordsRead(_:now:)` or `readFailed(_:)`.
        case read
        /// Deliver these events; answer with `delivered(_:now:)`.
        case send([SpooledEvent])
        /// Write a dead letter; answer with `deadLetterStored()` or `deadLetterFailed(_:)`.
        case deadLetter(DeadLetterRequest)
        /// Persist the cursor; answer with `committed()` or `commitFailed(_:)`.
        case commit(through: UInt64)
        /// Sleep, then answer with `waited(now:)`.
        case wait(Backoff)
    }

    /// What the worker should log or count; `takeNotices()` hands them over.
    public enum Notice: Sendable, Equatable {
        case ready
        case prepareFailed(kind: SinkErrorKind, message: String, attempt: Int)
        case delivered(count: Int)
        /// Events to send again; `kind` is set when the request failed as a whole.
        case retrying(events: Int, attempt: Int, reason: String, kind: SinkErrorKind?)
        case recovered(attempts: Int)
        /// An event refused alone too often or too long; it goes to the dead letters next.
        case gaveUp(eventID: String, attempts: Int, reason: String)
        case deadLettered(eventID: String, reason: String)
        /// `holding` is true from the failure that reached the bound on: the sink stands still.
        case deadLetterFailed(attempt: Int, error: String, holding: Bool)
        case commitFailed(attempt: Int, error: String)
        case readFailed(error: String)
    }

    public struct DeadLetterRequest: Sendable, Equatable {
        public var event: SpooledEvent
        public var reason: String
        public var attempts: Int

        public init(event: SpooledEvent, reason: String, attempts: Int) {
            self.event = event
            self.reason = reason
            self.attempts = attempts
        }
    }

    private enum State: Sendable {
        case preparing(attempt: Int)
        case waitingToPrepare(attempt: Int)
        case idle
        case waitingToRead
        case delivering(Batch)
    }

    private struct Batch: Sendable {
        /// The events still to deliver, in spool order: sent as they are, without a copy.
        var pending: [SpooledEvent] = []
        /// What each pending event has been through (the same indices as `pending`).
        var refusals: [Refusals] = []
        var deadLetters: [DeadLetterRequest] = []
        let commitOffset: UInt64
        var sends = 0
        var resendAfter: Backoff?
        var deadLetterFailures = 0
        var commitFailures = 0
        var step = Step.sending

        enum Step: Sendable { case sending, writingDeadLetter, waitingForDeadLetter, waitingToResend, committing, waitingToCommit }
    }

    /// Refusals of one event alone (not counting whole-request failures).
    private struct Refusals: Sendable {
        var count = 0
        var first: ContinuousClock.Instant?
    }

    public let sink: String
    public let configuration: DeliveryConfiguration
    private var state = State.preparing(attempt: 0)
    public private(set) var status = SinkStatus()
    private var notices: [Notice] = []

    public init(sink: String, configuration: DeliveryConfiguration) {
        self.sink = sink
        self.configuration = configuration
    }

    /// A machine for one batch of a sink that is already prepared (one of several batches in
    /// flight): start it with `recordsRead(_:now:)`; it ends with `.commit(through:)`, which the
    /// worker hands to `CommitOrder` rather than committing at once.
    public static func forBatch(sink: String, configuration: DeliveryConfiguration) -> DeliveryStateMachine {
        var machine = DeliveryStateMachine(sink: sink, configuration: configuration)
        machine.state = .idle
        machine.status = SinkStatus(state: .ready)
        return machine
    }

    public mutating func takeNotices() -> [Notice] {
        defer { notices.removeAll() }
        return notices
    }

    // MARK: Inputs

    public mutating func start() -> Action {
        state = .preparing(attempt: 0)
        return .prepare
    }

    public mutating func prepared() -> Action {
        setStatus(.ready, nil)
        notices.append(.ready)
        state = .idle
        return .read
    }

    public mutating func prepareFailed(_ error: SinkError) -> Action {
        guard case .preparing(let previous) = state else { preconditionFailure("prepareFailed while \(state)") }
        let attempt = previous + 1
        notices.append(.prepareFailed(kind: error.kind, message: error.description, attempt: attempt))
        state = .waitingToPrepare(attempt: attempt)
        switch error.kind {
        case .configuration:
            setStatus(.misconfigured, error.description)
            return .wait(configuration.retry.slowest)
        case .transient:
            setStatus(.unavailable, error.description)
            return .wait(configuration.retry.backoff(afterAttempt: attempt))
        }
    }

    public mutating func readFailed(_ error: SpoolError) -> Action {
        notices.append(.readFailed(error: error.description))
        state = .waitingToRead
        return .wait(.exactly(.seconds(1)))
    }

    /// A batch from the spool. Records for other sinks count as done; undecodable ones (a bug, or
    /// corruption the checksum missed) go to the dead letters with their raw bytes.
    public mutating func recordsRead(_ records: [SpoolRecord], now: ContinuousClock.Instant) -> Action {
        guard let last = records.last else { return .read }
        var batch = Batch(commitOffset: last.nextOffset)
        for record in records {
            record.payload.withUnsafeBufferPointer { add($0, offset: record.offset, to: &batch) }
        }
        return next(&batch)
    }

    /// ``recordsRead(_:now:)-([SpoolRecord],_)`` of a read whose records lie back to back in one
    /// buffer (what the worker reads: no array per record).
    public mutating func recordsRead(_ read: SpoolBatch, now: ContinuousClock.Instant) -> Action {
        guard let end = read.nextOffset else { return .read }
        var batch = Batch(commitOffset: end)
        batch.pending.reserveCapacity(read.count)
        batch.refusals.reserveCapacity(read.count)
        read.withRecords { records in
            for record in records { add(record.payload, offset: record.offset, to: &batch) }
        }
        return next(&batch)
    }

    private func add(_ payload: UnsafeBufferPointer<UInt8>, offset: UInt64, to batch: inout Batch) {
        do {
            let event = try SpooledEvent(decoding: payload)
            if event.isMeant(for: sink) {
                batch.pending.append(event)
                batch.refusals.append(Refusals())
            }
        } catch {
            let raw = SpooledEvent(id: "spool-offset-\(offset)", timestampMillis: 0, json: Array(payload))
            batch.deadLetters.append(DeadLetterRequest(event: raw, reason: "undecodable spool record: \(error)", attempts: 0))
        }
    }

    public mutating func delivered(_ report: DeliveryReport, now: ContinuousClock.Instant) -> Action {
        guard case .delivering(var batch) = state, batch.step == .sending else { preconditionFailure("delivered while \(state)") }
        batch.sends += 1
        // By index, copying an event only to dead-letter or keep it: a copy of each (four references
        // to retain and release) was 6 % of a drain's CPU.
        let sent = batch.pending.count
        var again: [(index: Int, reason: String)] = []
        var resolved = 0
        var stored = 0
        var reason = ""
        for index in 0..<sent {
            let outcome = index < report.items.count ? report.items[index]
                : .retry(reason: "the sink answered for \(report.items.count) of \(sent) events")
            switch outcome {
            case .stored, .alreadyStored:
                resolved += 1
                stored += 1
            case .reject(let why):
                resolved += 1
                batch.deadLetters.append(DeadLetterRequest(event: batch.pending[index], reason: why, attempts: batch.sends))
            case .retry(let why):
                again.append((index, why))
                reason = why
            }
        }
        if stored > 0 { notices.append(.delivered(count: stored)) }

        // Blame an event only when the store answered about it: not when the request failed as a
        // whole, and not when it refused every event of a request alike (overloaded) — unless the
        // event is alone or was already singled out while its batch-mates went through.
        let blames = report.requestFailure == nil && report.items.count >= sent
        var kept: [SpooledEvent] = []
        var keptRefusals: [Refusals] = []
        for (index, itsReason) in again {
            let event = batch.pending[index]
            var refusals = batch.refusals[index]
            let blamed = blames && (resolved > 0 || sent == 1 || refusals.count > 0)
            if blamed {
                refusals.count += 1
                if refusals.first == nil { refusals.first = now }
            }
            // Only a refusal of this event itself can end its retries: never an outage's.
            if blamed, let since = refusals.first,
               refusals.count >= configuration.maxItemAttempts || now - since >= configuration.maxItemRetryAge {
                let why = "gave up after \(refusals.count) refusals of this event alone over \(Self.seconds(now - since)) s: \(itsReason)"
                notices.append(.gaveUp(eventID: event.id, attempts: refusals.count, reason: itsReason))
                batch.deadLetters.append(DeadLetterRequest(event: event, reason: why, attempts: refusals.count))
            } else {
                kept.append(event)
                keptRefusals.append(refusals)
            }
        }
        batch.pending = kept
        batch.refusals = keptRefusals
        if kept.isEmpty {
            if batch.sends > 1 { notices.append(.recovered(attempts: batch.sends)) }
            setStatus(.ready, nil)
            batch.resendAfter = nil
        } else {
            notices.append(.retrying(events: kept.count, attempt: batch.sends, reason: reason, kind: report.requestFailure))
            if report.requestFailure == .configuration {
                setStatus(.misconfigured, reason)
                batch.resendAfter = configuration.retry.slowest
            } else {
                setStatus(.retrying, reason)
                batch.resendAfter = configuration.retry.backoff(afterAttempt: batch.sends, serverHintSeconds: report.retryAfterSeconds)
            }
        }
        return next(&batch)
    }

    public mutating func deadLetterStored() -> Action {
        guard case .delivering(var batch) = state, batch.step == .writingDeadLetter else {
            preconditionFailure("deadLetterStored while \(state)")
        }
        let done = batch.deadLetters.removeFirst()
        notices.append(.deadLettered(eventID: done.event.id, reason: done.reason))
        if batch.deadLetterFailures >= configuration.deadLetterAttemptsBeforeHolding, batch.pending.isEmpty {
            setStatus(.ready, nil)
        }
        batch.deadLetterFailures = 0
        return next(&batch)
    }

    public mutating func deadLetterFailed(_ error: String) -> Action {
        guard case .delivering(var batch) = state, batch.step == .writingDeadLetter else {
            preconditionFailure("deadLetterFailed while \(state)")
        }
        batch.deadLetterFailures += 1
        let holding = batch.deadLetterFailures >= configuration.deadLetterAttemptsBeforeHolding
        notices.append(.deadLetterFailed(attempt: batch.deadLetterFailures, error: error, holding: holding))
        batch.step = .waitingForDeadLetter
        state = .delivering(batch)
        if holding {
            setStatus(.retrying, "the dead-letter store refuses writes; holding the sink until it takes them: \(error)")
            return .wait(configuration.retry.slowest)
        }
        return .wait(configuration.retry.backoff(afterAttempt: batch.deadLetterFailures))
    }

    public mutating func committed() -> Action {
        guard case .delivering(let batch) = state, batch.step == .committing else { preconditionFailure("committed while \(state)") }
        state = .idle
        return .read
    }

    public mutating func commitFailed(_ error: SpoolError) -> Action {
        guard case .delivering(var batch) = state, batch.step == .committing else { preconditionFailure("commitFailed while \(state)") }
        batch.commitFailures += 1
        notices.append(.commitFailed(attempt: batch.commitFailures, error: error.description))
        batch.step = .waitingToCommit
        state = .delivering(batch)
        return .wait(configuration.retry.backoff(afterAttempt: batch.commitFailures))
    }

    public mutating func waited(now: ContinuousClock.Instant) -> Action {
        switch state {
        case .waitingToPrepare(let attempt):
            state = .preparing(attempt: attempt)
            return .prepare
        case .waitingToRead:
            state = .idle
            return .read
        case .delivering(var batch):
            switch batch.step {
            case .waitingForDeadLetter:
                batch.step = .writingDeadLetter
                state = .delivering(batch)
                return .deadLetter(batch.deadLetters[0])
            case .waitingToResend:
                batch.resendAfter = nil
                batch.step = .sending
                state = .delivering(batch)
                return .send(batch.pending)
            case .waitingToCommit:
                batch.step = .committing
                state = .delivering(batch)
                return .commit(through: batch.commitOffset)
            case .sending, .writingDeadLetter, .committing:
                preconditionFailure("waited while \(batch.step)")
            }
        case .preparing, .idle:
            preconditionFailure("waited while \(state)")
        }
    }

    // MARK: Internals

    /// Dead letters first (they are decided), then a resend after its wait, then the commit.
    private mutating func next(_ batch: inout Batch) -> Action {
        let action: Action
        if let first = batch.deadLetters.first {
            batch.step = .writingDeadLetter
            action = .deadLetter(first)
        } else if !batch.pending.isEmpty {
            if let wait = batch.resendAfter {
                batch.step = .waitingToResend
                action = .wait(wait)
            } else {
                batch.step = .sending
                action = .send(batch.pending)
            }
        } else {
            batch.step = .committing
            action = .commit(through: batch.commitOffset)
        }
        state = .delivering(batch)
        return action
    }

    private mutating func setStatus(_ state: SinkState, _ error: String?) {
        status.state = state
        status.lastError = error
    }

    private static func seconds(_ duration: Duration) -> Int64 { duration.components.seconds }
}

/// A snapshot of a sink worker's health.
public struct SinkStatus: Sendable, Equatable {
    public var state: SinkState
    public var lastError: String?

    public init(state: SinkState = .starting, lastError: String? = nil) {
        self.state = state
        self.lastError = lastError
    }
}
