import LogModel
import Pipeline
import Sinks
import Spool
import XCTest

/// The sink worker's decisions, driven input by input without a store, a spool or a clock.
final class DeliveryStateMachineTests: XCTestCase {
    typealias Machine = DeliveryStateMachine
    private let t0 = ContinuousClock.now
    private let configuration = DeliveryConfiguration(
        retry: RetryPolicy(initial: .seconds(1), maximum: .seconds(8)), maxItemRetryAge: .seconds(60), maxItemAttempts: 3,
        deadLetterAttemptsBeforeHolding: 2)

    private func event(_ id: String, target: String = "") -> SpooledEvent {
        SpooledEvent(id: id, timestampMillis: 1_764_000_000_000, target: target, json: Array(#"{"message":"\#(id)"}"#.utf8))
    }

    /// Consecutive spool records holding `events`, starting at offset 1000.
    private func records(_ events: [SpooledEvent]) -> [SpoolRecord] {
        var offset: UInt64 = 1000
        return events.map { event in
            let payload = event.encoded()
            defer { offset += UInt64(payload.count + 8) }
            return SpoolRecord(offset: offset, nextOffset: offset + UInt64(payload.count + 8), payload: payload)
        }
    }

    /// A ready machine that has just been handed `events` and asked to send them.
    private func delivering(_ events: [SpooledEvent], _ configuration: DeliveryConfiguration? = nil) -> (Machine, UInt64) {
        var machine = Machine(sink: "mongodb", configuration: configuration ?? self.configuration)
        XCTAssertEqual(machine.start(), .prepare)
        XCTAssertEqual(machine.prepared(), .read)
        let batch = records(events)
        XCTAssertEqual(machine.recordsRead(batch, now: t0), .send(events))
        _ = machine.takeNotices()
        return (machine, batch.last!.nextOffset)
    }

    private func deadLetterReason(_ action: Machine.Action) -> String? {
        if case .deadLetter(let request) = action { return request.reason }
        return nil
    }

    // MARK: prepare

    func testPrepareFailuresAreToldApartByKind() {
        let table: [(SinkErrorKind, SinkState, Backoff)] = [
            (.transient, .unavailable, .upTo(.seconds(1))),
            (.configuration, .misconfigured, .exactly(.seconds(8))),
        ]
        for (kind, state, wait) in table {
            var machine = Machine(sink: "elasticsearch", configuration: configuration)
            _ = machine.start()
            XCTAssertEqual(machine.prepareFailed(SinkError(sink: "elasticsearch", message: "no", kind: kind)), .wait(wait), "\(kind)")
            XCTAssertEqual(machine.status.state, state)
            XCTAssertEqual(machine.waited(now: t0), .prepare, "a sink is prepared again, whatever the kind")
            XCTAssertEqual(machine.takeNotices(), [.prepareFailed(kind: kind, message: "elasticsearch: no", attempt: 1)])
            XCTAssertEqual(machine.prepared(), .read)
            XCTAssertEqual(machine.status.state, .ready)
        }
    }

    // MARK: outcomes

    func testEachOutcomeTableLeadsToTheRightNextStep() {
        let a = event("a"), b = event("b"), c = event("c")
        let table: [(name: String, report: DeliveryReport, next: (UInt64) -> Machine.Action, state: SinkState)] = [
            ("all stored", DeliveryReport(items: [.stored, .alreadyStored, .stored]), { .commit(through: $0) }, .ready),
            ("one rejected", DeliveryReport(items: [.stored, .reject(reason: "mapper_parsing_exception"), .stored]),
             { _ in .deadLetter(.init(event: b, reason: "mapper_parsing_exception", attempts: 1)) }, .ready),
            ("one refused transiently", DeliveryReport(items: [.stored, .retry(reason: "429"), .stored]),
             { _ in .wait(.upTo(.seconds(1))) }, .retrying),
            ("server hint", DeliveryReport(items: [.stored, .retry(reason: "429"), .stored], retryAfterSeconds: 5),
             { _ in .wait(.exactly(.seconds(5))) }, .retrying),
            ("store down", .retryAll(3, reason: "connection refused"), { _ in .wait(.upTo(.seconds(1))) }, .retrying),
            ("credentials refused", .retryAll(3, reason: "HTTP 401", kind: .configuration), { _ in .wait(.exactly(.seconds(8))) },
             .misconfigured),
            ("short answer", DeliveryReport(items: [.stored]), { _ in .wait(.upTo(.seconds(1))) }, .retrying),
        ]
        for row in table {
            var (machine, end) = delivering([a, b, c])
            XCTAssertEqual(machine.delivered(row.report, now: t0), row.next(end), row.name)
            XCTAssertEqual(machine.status.state, row.state, row.name)
        }
    }

    func testARejectedEventIsDeadLetteredBeforeTheCursorMoves() {
        var (machine, end) = delivering([event("a"), event("b")])
        guard case .deadLetter = machine.delivered(DeliveryReport(items: [.reject(reason: "bad"), .stored]), now: t0) else {
            return XCTFail("expected the dead letter first")
        }
        XCTAssertEqual(machine.deadLetterStored(), .commit(through: end))
        XCTAssertEqual(machine.committed(), .read)
        XCTAssertEqual(machine.takeNotices(), [.delivered(count: 1), .deadLettered(eventID: "a", reason: "bad")])
    }

    func testOnlyTheRefusedEventsAreSentAgain() {
        let a = event("a"), b = event("b"), c = event("c")
        var (machine, end) = delivering([a, b, c])
        _ = machine.delivered(DeliveryReport(items: [.stored, .retry(reason: "429"), .retry(reason: "429")]), now: t0)
        XCTAssertEqual(machine.waited(now: t0), .send([b, c]))
        XCTAssertEqual(machine.delivered(DeliveryReport(items: [.stored, .alreadyStored]), now: t0), .commit(through: end))
        XCTAssertEqual(machine.status, SinkStatus(state: .ready, lastError: nil))
    }

    // MARK: giving up on one event

    /// The bug: an event refused while its batch-mates went through held the sink for 24 h.
    func testAnEventRefusedAloneIsGivenUpAfterMaxAttemptsAndTheSinkMovesOn() {
        let a = event("a"), b = event("b")
        var (machine, end) = delivering([a, b, event("c")])
        var action = machine.delivered(
            DeliveryReport(items: [.stored, .retry(reason: "es_rejected_execution"), .reject(reason: "mapper_parsing_exception")]), now: t0)
        XCTAssertEqual(action, .deadLetter(.init(event: event("c"), reason: "mapper_parsing_exception", attempts: 1)))
        action = machine.deadLetterStored()
        for attempt in 2...3 {
            XCTAssertEqual(action, .wait(.upTo(.seconds(Int64(1 << (attempt - 2))))))
            XCTAssertEqual(machine.waited(now: t0), .send([b]))
            action = machine.delivered(DeliveryReport(items: [.retry(reason: "es_rejected_execution")]), now: t0 + .seconds(attempt))
        }
        let reason = try? XCTUnwrap(deadLetterReason(action))
        XCTAssertTrue(reason?.hasPrefix("gave up after 3 refusals of this event alone over 3 s") == true, reason ?? "\(action)")
        XCTAssertTrue(reason?.contains("es_rejected_execution") == true)
        XCTAssertEqual(machine.deadLetterStored(), .commit(through: end))
        XCTAssertTrue(machine.takeNotices().contains(.gaveUp(eventID: "b", attempts: 3, reason: "es_rejected_execution")))
    }

    func testAnEventRefusedAloneIsGivenUpOnceItsFirstRefusalIsOldEnough() {
        let lenient = DeliveryConfiguration(retry: configuration.retry, maxItemRetryAge: .seconds(60), maxItemAttempts: 1000)
        var (machine, end) = delivering([event("a"), event("b")], lenient)
        _ = machine.delivered(DeliveryReport(items: [.stored, .retry(reason: "busy")]), now: t0)
        _ = machine.waited(now: t0 + .seconds(30))
        guard case .wait = machine.delivered(DeliveryReport(items: [.retry(reason: "busy")]), now: t0 + .seconds(30)) else {
            return XCTFail("30 s is not old enough")
        }
        _ = machine.waited(now: t0 + .seconds(61))
        let action = machine.delivered(DeliveryReport(items: [.retry(reason: "busy")]), now: t0 + .seconds(61))
        XCTAssertTrue(deadLetterReason(action)?.hasPrefix("gave up after 3 refusals of this event alone over 61 s") == true, "\(action)")
        XCTAssertEqual(machine.deadLetterStored(), .commit(through: end))
    }

    func testAStoreThatRefusesWholeRequestsIsRetriedWithoutLimit() {
        var (machine, _) = delivering([event("a"), event("b")])
        for round in 0..<200 {
            let now = t0 + .seconds(round * 30)
            guard case .wait = machine.delivered(.retryAll(2, reason: "connection refused"), now: now) else {
                return XCTFail("round \(round): nothing may be given up while the store is down")
            }
            XCTAssertEqual(machine.waited(now: now), .send([event("a"), event("b")]))
        }
        XCTAssertEqual(machine.status.state, .retrying)
    }

    func testAnEventSingledOutIsNotGivenUpWhileTheStoreIsDown() {
        var (machine, _) = delivering([event("a"), event("b")])
        _ = machine.delivered(DeliveryReport(items: [.stored, .retry(reason: "busy")]), now: t0)
        for round in 1...50 {
            let now = t0 + .seconds(round * 30)  // far past maxItemRetryAge
            XCTAssertEqual(machine.waited(now: now), .send([event("b")]))
            guard case .wait = machine.delivered(.retryAll(1, reason: "connection refused"), now: now) else {
                return XCTFail("round \(round): an outage must not end an event's retries")
            }
        }
    }

    func testAStoreThatRefusesEveryEventAlikeBlamesNone() {
        var (machine, _) = delivering([event("a"), event("b")])
        for round in 0..<200 {
            let now = t0 + .seconds(round * 30)
            let report = DeliveryReport(items: [.retry(reason: "es_rejected_execution"), .retry(reason: "es_rejected_execution")])
            guard case .wait = machine.delivered(report, now: now) else {
                return XCTFail("round \(round): an overloaded store blames no event")
            }
            _ = machine.waited(now: now)
        }
    }

    func testCredentialsRefusedMidDeliveryShowMisconfiguredAndClearOnceFixed() {
        var (machine, end) = delivering([event("a")])
        XCTAssertEqual(machine.delivered(.retryAll(1, reason: "HTTP 401", kind: .configuration), now: t0), .wait(.exactly(.seconds(8))))
        XCTAssertEqual(machine.status, SinkStatus(state: .misconfigured, lastError: "HTTP 401"))
        XCTAssertEqual(machine.takeNotices(), [.retrying(events: 1, attempt: 1, reason: "HTTP 401", kind: .configuration)])
        _ = machine.waited(now: t0)
        XCTAssertEqual(machine.delivered(DeliveryReport(items: [.stored]), now: t0 + .seconds(8)), .commit(through: end))
        XCTAssertEqual(machine.status.state, .ready)
    }

    // MARK: dead letters that cannot be written

    func testAFailingDeadLetterWriteHoldsTheSinkAndTheCursorNeverPassesTheEvent() {
        let a = event("a")
        var (machine, end) = delivering([a])
        let letter = Machine.DeadLetterRequest(event: a, reason: "bad", attempts: 1)
        XCTAssertEqual(machine.delivered(DeliveryReport(items: [.reject(reason: "bad")]), now: t0), .deadLetter(letter))
        XCTAssertEqual(machine.deadLetterFailed("connection refused"), .wait(.upTo(.seconds(1))))
        XCTAssertEqual(machine.waited(now: t0), .deadLetter(letter))
        for attempt in 2...20 {
            XCTAssertEqual(machine.deadLetterFailed("connection refused"), .wait(.exactly(.seconds(8))), "attempt \(attempt): slowly")
            XCTAssertEqual(machine.status.state, .retrying)
            XCTAssertTrue(machine.status.lastError?.contains("dead-letter store refuses writes") == true)
            XCTAssertEqual(machine.waited(now: t0), .deadLetter(letter), "never a commit while the event is nowhere")
        }
        let notices = machine.takeNotices()
        XCTAssertEqual(notices.first, .deadLetterFailed(attempt: 1, error: "connection refused", holding: false))
        XCTAssertEqual(notices[1], .deadLetterFailed(attempt: 2, error: "connection refused", holding: true))
        XCTAssertEqual(machine.deadLetterStored(), .commit(through: end))
        XCTAssertEqual(machine.status.state, .ready)
    }

    // MARK: what the spool hands over

    func testAnUndecodableRecordIsDeadLetteredWithItsBytes() {
        var machine = Machine(sink: "mongodb", configuration: configuration)
        _ = machine.start()
        _ = machine.prepared()
        let garbage: [UInt8] = [0x00, 0xFF, 0x7B, 0x00, 0xC3]
        let record = SpoolRecord(offset: 4242, nextOffset: 4242 + 13, payload: garbage)
        guard case .deadLetter(let letter) = machine.recordsRead([record], now: t0) else { return XCTFail("expected a dead letter") }
        XCTAssertEqual(letter.event.id, "spool-offset-4242")
        XCTAssertEqual(letter.event.json, garbage)
        XCTAssertEqual(letter.attempts, 0)
        XCTAssertEqual(machine.deadLetterStored(), .commit(through: 4255))
    }

    func testRecordsForAnotherSinkAreCommittedWithoutSending() {
        var machine = Machine(sink: "mongodb", configuration: configuration)
        _ = machine.start()
        _ = machine.prepared()
        let batch = records([event("a", target: "elasticsearch")])
        XCTAssertEqual(machine.recordsRead(batch, now: t0), .commit(through: batch[0].nextOffset))
        XCTAssertEqual(machine.recordsRead([], now: t0), .read)
    }

    func testAFailedCommitIsRetried() {
        var (machine, end) = delivering([event("a")])
        XCTAssertEqual(machine.delivered(DeliveryReport(items: [.stored]), now: t0), .commit(through: end))
        XCTAssertEqual(machine.commitFailed(.io(operation: "fdatasync", path: "/s/cursors/mongodb.cursor", errno: 5)), .wait(.upTo(.seconds(1))))
        XCTAssertEqual(machine.waited(now: t0), .commit(through: end))
        XCTAssertEqual(machine.committed(), .read)
    }
}
