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
extension SinkWorker {
    private enum Completion: Sendable {
        case read([SpoolRecord])
        case finished(CommitOrder.Ticket)
        case cancelled
    }

    func deliverInFlight() async {
        let gate = SendGate()
        await withTaskGroup(of: Completion.self) { group in
            var order = CommitOrder()
            var reading = false
            while !Task.isCancelled {
                if !reading, order.inFlight < configuration.maxInFlight {
                    reading = true
                    group.addTask { .read(await self.readBatch()) }
                }
                guard let completion = await group.next() else { break }
                switch completion {
                case .read(let records):
                    reading = false
                    guard let last = records.last else { continue }
                    let ticket = order.opened(through: last.nextOffset)
                    setInFlight(order.inFlight)
                    group.addTask {
                        await self.deliverBatch(records, ticket: ticket, gate: gate) ? .finished(ticket) : .cancelled
                    }
                case .finished(let ticket):
                    status.withLock { $0.close(ticket) }
                    guard let offset = order.finished(ticket) else { continue }
                    // Spool order: every batch up to `offset` is done; the commit covers them all.
                    await commit(through: offset)
                    setInFlight(order.inFlight)
                case .cancelled:
                    break
                }
            }
            group.cancelAll()
        }
        setInFlight(0)
    }

    private func setInFlight(_ count: Int) {
        inFlight.store(count, ordering: .relaxed)
        inFlightGauge.record(count)
    }

    /// The next batch after the read position; empty after `batchMaxWait` without records, or after a
    /// failed read (logged, retried a second later).
    private func readBatch() async -> [SpoolRecord] {
        do {
            let records = try await reader.read(maxRecords: configuration.batchMaxEvents, maxBytes: configuration.batchMaxBytes,
                                                wait: configuration.batchMaxWait)
            return records
        } catch {
            report(.readFailed(error: error.description))
            await sleep(.seconds(1))
            return []
        }
    }

    /// Delivers one batch until every event is stored, already stored or dead-lettered (true), or
    /// until cancelled (false). Its commit is `CommitOrder`'s to make.
    private func deliverBatch(_ records: [SpoolRecord], ticket: CommitOrder.Ticket, gate: SendGate) async -> Bool {
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
