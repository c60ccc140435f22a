import Alerting
import LogModel
import Spool

/// One round of alerting's work: the events of one or more reads of the spool, routed and counted
/// here, then recorded in PostgreSQL at once (``AlertEvaluator``). A round spans several reads so
/// that each read's records are evaluated while their bytes are still in the core's cache (reads of
/// 1 MB cost about half as much per record as reads of 16 MB, `intake-bench read`) while PostgreSQL
/// still sees one write per round.
struct AlertEvaluationRound {
    /// What a round gave.
    struct Evaluation {
        var routed: [AlertStore.GroupDelta]
        var heartbeats: [AlertEvaluator.Heartbeat]
        var thresholds: [AlertEvaluator.ThresholdCount]
        /// Events a route or a threshold rule would have taken, shed (`shedBelow`).
        var shed: Int
    }

    let configuration: AlertingConfiguration
    let sentry: SentrySender?
    private let shedBelow: Level?
    private var prefilter: AlertPrefilter
    private var shed = 0
    // Groups in the order first seen, found by key; updated in place (copying a delta copies its
    // sample event, ~20 reference counts, for every event).
    private var deltas: [AlertStore.GroupDelta] = []
    private var deltaIndex: [String: Int] = [:]
    private var beats: [String: AlertEvaluator.Heartbeat] = [:]
    private var thresholds: [String: AlertEvaluator.ThresholdCount] = [:]
    private var thresholdOrder: [String] = []
    private var digests = DigestMemo()
    private let keys = JSONKeyReuse()
    private let wanted: JSONMemberSelection?
    private let now: Int64
    /// Records and payload bytes added so far.
    private(set) var records = 0
    private(set) var bytes = 0

    /// A round under `configuration`, shedding below `shedBelow` (nil: evaluating every level).
    init(configuration: AlertingConfiguration, shedBelow: Level?, sentry: SentrySender?, now: Int64 = AlertEvaluator.now()) {
        self.configuration = configuration
        self.sentry = sentry
        self.shedBelow = shedBelow
        prefilter = AlertPrefilter(route: configuration.route, rules: configuration.rules)
        prefilter.shedBelow = shedBelow
        wanted = AlertEvent.membersRead(route: configuration.route, rules: configuration.rules)
        self.now = now
    }

    var evaluation: Evaluation {
        Evaluation(routed: deltas, heartbeats: Array(beats.values), thresholds: thresholdOrder.compactMap { thresholds[$0] }, shed: shed)
    }

    /// Routes and counts the events of `batch`.
    mutating func add(_ batch: SpoolBatch) {
        records += batch.count
        bytes += batch.payloadBytes
        batch.withRecords { records in
            for record in records { add(record) }
        }
    }

    private mutating func add(_ record: SpoolBatch.Records.Record) {
        // Most events concern no route or rule: the record's header (or, in records written before
        // it held them, a peek at the document's bytes) gives the level and service, and the
        // rest are parsed where they lie in the record, only the members routes and rules read.
        guard let layout = try? SpooledEvent.layout(of: record.payload) else { return }
        switch prefilter.concern(record.payload, layout: layout) {
        case .none: return
        case .shed:
            if layout.isMeant(for: AlertEvaluator.consumerName, in: record.payload) { shed += 1 }
            return
        case .evaluate: break
        }
        guard layout.isMeant(for: AlertEvaluator.consumerName, in: record.payload),
              let document = try? layout.parseDocument(in: record.payload, reusingKeys: keys, keeping: wanted) else { return }
        let event = AlertEvent(document: document, id: layout.id(in: record.payload), timestampMillis: layout.timestampMillis)
        // Below the shedding level the event was parsed for an absence rule only.
        let isShed = shedBelow.map { event.level < $0 } ?? false
        var shedFromRule = false
        // By index: enumerating the rules copied each one for every event.
        for index in configuration.rules.indices where configuration.rules[index].matches(event) {
            let rule = configuration.rules[index]
            if isShed, rule.kind != .absence {
                shedFromRule = true
                continue
            }
            let key = rule.key(for: event)
            switch rule.kind {
            case .absence:
                prefilter.settle(rule: index)
                beats[rule.name + "\u{0}" + key] = AlertEvaluator.Heartbeat(rule: rule, key: key, service: event.service, environment: event.environment, at: now)
            case .threshold:
                let start = ThresholdWindow.start(of: rule, at: now)
                let id = rule.name + "\u{0}" + key + "\u{0}" + String(start)
                if thresholds[id] == nil {
                    thresholdOrder.append(id)
                    thresholds[id] = AlertEvaluator.ThresholdCount(rule: rule, key: key, windowStart: start, added: 0, sample: event)
                }
                thresholds[id]?.added += 1
            }
        }
        if isShed {
            var routed = false
            configuration.route.forEachMatch(of: event) { route in routed = routed || !route.receiver.isEmpty }
            if routed || shedFromRule { shed += 1 }
            return
        }
        // Fingerprinting reads the message and frames: only for events some receiver will get.
        var fingerprint: String?
        configuration.route.forEachMatch(of: event) { route in
            guard !route.receiver.isEmpty else { return }
            let print = fingerprint ?? Fingerprint.of(event, memo: &digests)
            fingerprint = print
            switch configuration.receivers[route.receiver] {
            case .sentry(let receiver)?:
                sentry?.offer(event, fingerprint: print, receiver: receiver, now: now)
            case .telegram?, .webhook?:
                let key = route.groupKey(for: event, fingerprint: print, memo: &digests)
                let critical = event.level >= .critical
                if let index = deltaIndex[key] {
                    deltas[index].count += 1
                    deltas[index].last = now
                    deltas[index].critical = deltas[index].critical || critical
                    if critical, !deltas[index].sample.level.isCriticalOrAbove { deltas[index].sample = event }
                } else {
                    deltaIndex[key] = deltas.count
                    deltas.append(AlertStore.GroupDelta(key: key, route: route, fingerprint: print, sample: event, count: 1,
                                                        first: now, last: now, critical: critical))
                }
            case nil:
                return
            }
        }
    }
}
