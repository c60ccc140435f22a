import Metrics
import Sinks
import Spool
import Synchronization

/// The delivery loop: up to `maxInFlight` batches at once, cursor commits in spool order.
///
/// One task group per worker. The loop keeps one spool read going while fewer than `maxInFlight`
/// batches are open; each batch read becomes a child task that drives its own `DeliveryStateMachine`
/// (sends, retries, dead letters) until the machine asks to commit. The commit itself goes through
/// `CommitOrder`: the cursor moves only over a prefix of finished batches, so a later batch that
/// finishes first waits for the earlier ones, and a batch that keeps failing holds the cursor (and,
/// once `maxInFlight` batches are open, the reading) until it is delivered or dead-lettered. While
/// the store refuses whole requests, `SendGate` lets only one batch at a time try it.
///
/// The cursor is written by a child task too, one write at a time, each through the furthest offset
/// finished by then: awaited in the loop, each write (an fsync, ~0.5 ms on the spool's threads under
/// load) held up the next read and the next batch, and capped a sink at about one batch per read and
/// write however many were allowed in flight.
extension SinkWorker {
    private enum Completion: Sendable {
        case read(SpoolBatch)
        case finished(CommitOrder.Ticket)
        case committed
        case cancelled
    }

    func deliverInFlight() async {
        let gate = SendGate()
        let unwritten = await withTaskGroup(of: Completion.self) { group -> UInt64? in
            var order = CommitOrder()
            var reading = false
            var committing = false
            /// The furthest offset every batch before which is done, not yet being written.
            var toCommit: UInt64?
            while !Task.isCancelled {
                if !reading, order.inFlight < configuration.maxInFlight {
                    reading = true
                    group.addTask { .read(await self.readBatch()) }
                }
                if !committing, let offset = toCommit {
                    committing = true
                    toCommit = nil
                    group.addTask {
                        await self.commit(through: offset)
                        return .committed
                    }
                }
                guard let completion = await group.next() else { break }
                switch completion {
                case .read(let records):
                    reading = false
                    guard let end = records.nextOffset else { continue }
                    let ticket = order.opened(through: end)
                    setInFlight(order.inFlight)
                    group.addTask {
                        await self.deliverBatch(records, ticket: ticket, gate: gate) ? .finished(ticket) : .cancelled
                    }
                case .finished(let ticket):
                    status.withLock { $0.close(ticket) }
                    // Spool order: every batch up to `offset` is done; the next write covers them all.
                    if let offset = order.finished(ticket) { toCommit = offset }
                    setInFlight(order.inFlight)
                case .committed:
                    committing = false
                case .cancelled:
                    break
                }
            }
            group.cancelAll()
            return toCommit
        }
        // Shutting down: what finished after the last write is written once more, so that a restart
        // sends again only what was still in flight (a failure here only means a few more re-sends).
        if let offset = unwritten { try? await reader.commit(through: offset) }
        setInFlight(0)
    }

    private func setInFlight(_ count: Int) {
        inFlight.store(count, ordering: .relaxed)
        inFlightGauge.record(count)
    }

    /// The next batch after the read position, its records in one buffer of its own (the batch may be
    /// delivered while the next one is read); empty after `batchMaxWait` without records, or after a
    /// failed read (logged, retried a second later).
    private func readBatch() async -> SpoolBatch {
        var batch = SpoolBatch(reusingBuffer: false)
        do {
            try await reader.read(into: &batch, maxRecords: configuration.batchMaxEvents, maxBytes: configuration.batchMaxBytes,
                                  wait: configuration.batchMaxWait)
            return batch
        } catch {
            report(.readFailed(error: error.description))
            await sleep(.seconds(1))
            return SpoolBatch(reusingBuffer: false)
        }
    }

    /// Delivers one batch until every event is stored, already stored or dead-lettered (true), or
    /// until cancelled (false). Its commit is `CommitOrder`'s to make.
    private func deliverBatch(_ records: SpoolBatch, ticket: CommitOrder.Ticket, gate: SendGate) async -> Bool {
        defer { gate.leave(ticket) }
        var machine = DeliveryStateMachine.forBatch(sink: sink.name, configuration: configuration)
        var random = SystemRandomNumberGenerator()
        var action = machine.recordsRead(records, now: .now)
        while !Task.isCancelled {
            switch action {
            case .send(let events):
                await gate.waitTurn(ticket)
                guard !Task.isCancelled else { return false }
                let report = await sink.deliver(events)
                gate.record(ticket, failedAsAWhole: report.requestFailure != nil)
                action = machine.delivered(report, now: .now)
            case .deadLetter(let letter):
                do {
                    try await deadLetters.add(sink: sink.name, event: letter.event, reason: letter.reason, attempts: letter.attempts)
                    action = machine.deadLetterStored()
                } catch {
                    action = machine.deadLetterFailed("\(error)")
                }
            case .wait(let backoff):
                await sleep(backoff.duration(using: &random))
                guard !Task.isCancelled else { return false }
                action = machine.waited(now: .now)
            case .commit:
                publish(&machine, ticket: ticket)
                return true
            case .prepare, .read:
                preconditionFailure("\(action) for a batch")
            }
            publish(&machine, ticket: ticket)
        }
        return false
    }

    private func publish(_ machine: inout DeliveryStateMachine, ticket: CommitOrder.Ticket) {
        let current = machine.status
        status.withLock { $0.update(ticket, current) }
        for notice in machine.takeNotices() { report(notice) }
    }

    /// Persists the cursor, retrying at the growing backoff until it sticks: nothing moves on while
    /// the cursor cannot be saved (a full or failing disk), but nothing is lost either.
    private func commit(through offset: UInt64) async {
        var random = SystemRandomNumberGenerator()
        var failures = 0
        while !Task.isCancelled {
            do {
                try await reader.commit(through: offset)
                return
            } catch {
                failures += 1
                report(.commitFailed(attempt: failures, error: error.description))
                await sleep(configuration.retry.backoff(afterAttempt: failures).duration(using: &random))
            }
        }
    }
}
