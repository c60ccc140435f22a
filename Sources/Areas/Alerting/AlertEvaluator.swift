import Alerting
import Foundation
import LogModel
import Logging
import Spool
import Synchronization

/// Reads the spool through alerting's own best-effort cursor (`drop_oldest`: it never holds back
/// intake or the stores), routes each event, sends Sentry's share to `SentrySender` and adds the
/// rest to their groups in PostgreSQL, once per batch. The cursor moves only after the batch is
/// recorded.
final class AlertEvaluator: Sendable {
    static let consumerName = "alerting"

    let reader: SpoolReader
    let settings: AlertingSettings
    let store: AlertStore
    let sentry: SentrySender?
    let logger: Logger
    private let lastAbsenceCheck = Mutex<Int64>(0)
    /// Events shed since the start (``AlertShedding``), for `/readyz` and the status page.
    private let shedTotal = Atomic<Int>(0)
    var shedEvents: Int { shedTotal.load(ordering: .relaxed) }
    /// Whether it is shedding now (the `alert.spool` part's state says so).
    private let sheddingNow = Atomic<Bool>(false)
    var isShedding: Bool { sheddingNow.load(ordering: .relaxed) }

    /// An event an absence rule saw, for `alert_heartbeats`.
    struct Heartbeat: Sendable {
        var rule: AlertRule
        var key: String
        var service: String
        var environment: String
        var at: Int64
    }

    /// A batch's events for one threshold rule, key and window, added to the shared count at once.
    struct ThresholdCount: Sendable {
        var rule: AlertRule
        var key: String
        var windowStart: Int64
        var added: Int64
        var sample: AlertEvent
    }

    init(reader: SpoolReader, settings: AlertingSettings, store: AlertStore, sentry: SentrySender?, logger: Logger) {
        self.reader = reader
        self.settings = settings
        self.store = store
        self.sentry = sentry
        self.logger = logger
    }

    func run() async {
        var uncommitted: UInt64?
        var lastCommit = ContinuousClock.now
        var lastRead = ContinuousClock.now
        var behind = false
        var shedding = SheddingEpisode()
        // Kept across reads: nothing holds its buffer after a read is evaluated, so each read refills it in place.
        var batch = SpoolBatch()
        while !Task.isCancelled {
            // Under load the spool commits every few milliseconds: reading at most every `readPace`
            // takes the events in batches (fewer wake-ups and PostgreSQL round trips) at a delay
            // far below any group wait. Behind (the last round was full), the next is read at once:
            // paced, the reader could take at most `batchRecords` per `readPace` (200,000 events/s),
            // less than the intake takes in a burst, and fell towards its lag bound.
            let due = lastRead + Self.readPace
            if !behind, ContinuousClock.now < due { try? await Task.sleep(until: due, clock: .continuous) }
            lastRead = .now
            do {
                try await reader.read(into: &batch, maxRecords: Self.readRecords, maxBytes: Self.readBytes, wait: .milliseconds(250))
            } catch {
                if case .closed = error { return }
                logger.error("alerting cannot read the spool", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            await checkAbsence(settings.current)
            guard let first = batch.firstOffset, var next = batch.nextOffset else {
                behind = false
                _ = shedFloor(backlog: nil, configuration: settings.current, episode: &shedding)
                if let offset = uncommitted { await commit(offset) }
                uncommitted = nil
                continue
            }
            let configuration = settings.current
            // How far behind the spool's end this round began: far enough, the least severe events
            // are shed until the evaluator has caught up.
            let backlog = reader.unreadBytes + (next - first)
            let floor = shedFloor(backlog: backlog, configuration: configuration, episode: &shedding)
            var round = AlertEvaluationRound(configuration: configuration, shedBelow: floor, sentry: sentry)
            round.add(batch)
            // The rest of the round, a read at a time while there is more (see `readBytes`).
            while Self.isFull(batch), round.records < Self.batchRecords, round.bytes < Self.batchBytes / 2, !Task.isCancelled {
                // A failed read ends the round early; the next round's read reports it.
                guard (try? await reader.read(into: &batch, maxRecords: Self.readRecords, maxBytes: Self.readBytes, wait: .zero)) != nil,
                      let end = batch.nextOffset else { break }
                round.add(batch)
                next = end
            }
            let evaluation = round.evaluation
            if evaluation.shed > 0 {
                shedding.shed += evaluation.shed
                shedTotal.add(evaluation.shed, ordering: .relaxed)
                AlertingMetrics.shed(evaluation.shed)
            }
            await persist(evaluation.heartbeats)
            let deltas = evaluation.routed + (await count(evaluation.thresholds))
            // PostgreSQL down: keep trying; the spool drops our oldest segments if we fall too far behind.
            while !deltas.isEmpty, !Task.isCancelled {
                do {
                    try await store.record(deltas, now: Self.now())
                    break
                } catch {
                    logger.warning("cannot record alert events; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            // Saving the cursor is an fsync. Caught up (a short round), it is saved at once; working
            // through a backlog (full rounds), at most once a second, so a crash counts at most a
            // second of events twice (never loses any).
            let full = round.records >= Self.batchRecords || round.bytes >= Self.batchBytes / 2
            behind = full
            if !full || ContinuousClock.now - lastCommit >= .seconds(1) {
                await commit(next)
                uncommitted = nil
                lastCommit = .now
            } else {
                uncommitted = next
            }
        }
        if let offset = uncommitted { await commit(offset) }
    }

    /// Batches shed one after another, from the log line at their start to the one at their end.
    struct SheddingEpisode {
        var active = false
        /// Events shed since it started.
        var shed = 0
    }

    /// The level below which a batch that began `backlog` bytes behind the spool's end is shed
    /// (nil: none; a nil `backlog`: nothing was left to read). Starting or ending an episode is
    /// logged and shown as the `alert.spool` part's state.
    private func shedFloor(backlog: UInt64?, configuration: AlertingConfiguration, episode: inout SheddingEpisode) -> Level? {
        let policy = AlertShedding(below: configuration.shedBelow, maxLagBytes: configuration.spoolMaxLagBytes)
        let sheds = backlog.map { policy.sheds(backlogBytes: $0, wasShedding: episode.active) } ?? false
        if sheds != episode.active {
            sheddingNow.store(sheds, ordering: .relaxed)
            if sheds, let backlog {
                logger.warning("alerting is \(backlog >> 20) MiB behind the spool: events below \(policy.below?.name ?? "-") are shed (not evaluated, counted) until it catches up",
                               metadata: ["backlog_bytes": "\(backlog)"])
            } else {
                logger.notice("alerting caught up: every level is evaluated again", metadata: ["shed_events": "\(episode.shed)"])
            }
            episode = SheddingEpisode(active: sheds)
        }
        return sheds ? policy.below : nil
    }

    /// A round's bounds: the events recorded in PostgreSQL at once.
    static let batchRecords = 20_000
    static let readPace: Duration = .milliseconds(100)
    static let batchBytes = 16 << 20
    /// A read's bounds: a round reads the spool a megabyte at a time and evaluates each read's records
    /// while they are still in the core's cache (`intake-bench read`: about half the cost per record
    /// of one 16 MB read).
    static let readRecords = 1_500
    static let readBytes = 1 << 20

    /// Whether a read stopped at its bounds (so more may be there right away).
    static func isFull(_ batch: SpoolBatch) -> Bool {
        batch.count >= readRecords || batch.payloadBytes >= readBytes / 2
    }

    func commit(_ offset: UInt64) async {
        do { try await reader.commit(through: offset) } catch {
            logger.warning("alerting cannot move its spool cursor", metadata: ["error": "\(error)"])
        }
    }

    /// Absence rules: keys seen again resolve their alert; quiet keys (checked about once a second,
    /// claimed atomically so one node fires each) raise one.
    func checkAbsence(_ configuration: AlertingConfiguration) async {
        let now = Self.now()
        let due = lastAbsenceCheck.withLock { last in
            guard now - last >= 1000 else { return false }
            last = now
            return true
        }
        guard due else { return }
        for rule in configuration.rules where rule.kind == .absence {
            do {
                for quiet in try await store.claimQuiet(rule: rule.name, quietSince: now - rule.window) {
                    var sample = AlertEvent(id: "", timestampMillis: now, level: rule.level, service: quiet.service,
                                            environment: quiet.environment, message: rule.describe(key: quiet.key))
                    sample.fingerprint = [rule.name, quiet.key]
                    try await store.record(AlertStore.GroupDelta(
                        key: rule.groupKey(quiet.key), route: AlertRoute(path: rule.path, receiver: rule.receiver),
                        fingerprint: Fingerprint.of(sample), sample: sample, count: 1, first: now, last: now,
                        critical: rule.level >= .critical), now: now)
                }
            } catch {
                logger.warning("absence check failed", metadata: ["rule": "\(rule.name)", "error": "\(error)"])
            }
        }
    }

    func persist(_ heartbeats: [Heartbeat]) async {
        for beat in heartbeats {
            do {
                if try await store.heartbeat(rule: beat.rule.name, key: beat.key, service: beat.service, environment: beat.environment, at: beat.at) {
                    try await store.requestResolve(groupKey: beat.rule.groupKey(beat.key), now: Self.now())
                }
            } catch {
                logger.warning("cannot record a heartbeat", metadata: ["rule": "\(beat.rule.name)", "error": "\(error)"])
            }
        }
    }

    /// Adds the batch's threshold counts to the windows shared by every node; a rule fires (one group
    /// delta) for the window and key whose count this batch took past the rule's `count`.
    func count(_ thresholds: [ThresholdCount]) async -> [AlertStore.GroupDelta] {
        var fired: [AlertStore.GroupDelta] = []
        for t in thresholds {
            var before: Int64?
            while before == nil, !Task.isCancelled {
                do {
                    before = try await store.addToWindow(rule: t.rule.name, key: t.key, windowStart: t.windowStart, added: t.added)
                } catch {
                    logger.warning("cannot count a threshold rule's window; retrying", metadata: ["rule": "\(t.rule.name)", "error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            guard let before, ThresholdWindow.crosses(t.rule, before: before, added: t.added) else { continue }
            let now = Self.now()
            var sample = AlertEvent(id: t.sample.id, timestampMillis: now, level: t.rule.level, service: t.sample.service,
                                    environment: t.sample.environment, message: t.rule.describe(key: t.key))
            sample.fingerprint = [t.rule.name, t.key]
            fired.append(AlertStore.GroupDelta(
                key: t.rule.groupKey(t.key), route: AlertRoute(path: t.rule.path, receiver: t.rule.receiver), fingerprint: Fingerprint.of(sample),
                sample: sample, count: 1, first: now, last: now, critical: t.rule.level >= .critical))
        }
        return fired
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

extension Level {
    var isCriticalOrAbove: Bool { self >= .critical }
}
