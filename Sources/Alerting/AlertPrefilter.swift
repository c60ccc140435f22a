public import LogModel

/// Decides from a stored document's bytes, without parsing it, whether any route or rule could
/// take the event: most events are below every route's level, many routes name a service
/// (`service=core`, `service:gate AND …`), and a rule without a level (an absence rule:
/// `service=communication`) usually names one service. Conservative: when the peek cannot tell (no
/// level found, a service name with escapes), the event is parsed.
///
/// Within one batch, an absence rule whose key its own `service=` matcher fixes (a heartbeat
/// grouped by service) needs one event: the evaluator marks it `settle`d after the first, and the
/// service's other events are then skipped for that rule too.
public struct AlertPrefilter: Sendable {
    /// A level floor and, when it has one, the service it wants.
    struct Gate: Sendable {
        let floor: Level
        /// The UTF-8 of the wanted service, when there is one and it is ASCII: the matchers compare
        /// `String`s, equal when canonically equivalent ("é" as one scalar or two, "K" and the Kelvin
        /// sign), so bytes decide the same only between ASCII names. Nil: any service may pass.
        let service: [UInt8]?

        init(floor: Level, service: String?) {
            self.floor = floor
            self.service = service.map { Array($0.utf8) }.flatMap { $0.allSatisfy { $0 < 0x80 } ? $0 : nil }
        }
    }

    struct RuleGate: Sendable {
        let gate: Gate
        /// Absence rules are not shed (``shedBelow``): missing their events would raise false alerts.
        let isAbsence: Bool
        /// An absence rule grouped by service with a `service=` matcher: one event per batch tells it all.
        let settlesOnFirst: Bool
    }

    /// One per path of the routing tree that ends at a receiver.
    let routes: [Gate]
    let routeFloor: Level
    let rules: [RuleGate]
    /// Bit i: rule i has seen its event in this batch (only rules that `settlesOnFirst`, i < 64).
    private var settled: UInt64 = 0

    public init(route: AlertRoute, rules: [AlertRule]) {
        routes = route.gates.map { Gate(floor: $0.floor, service: $0.service) }
        routeFloor = route.minimumLevel
        self.rules = rules.map { rule in
            let floor = max(rule.matchers.compactMap { $0.operation == .atLeast ? $0.level : nil }.max() ?? .trace,
                            rule.query?.minimumLevel ?? .trace)
            let service = rule.matchers.first { $0.operation == .equal && ($0.field == "service" || $0.field == "service.name") }
            let keyedByService = rule.groupBy.allSatisfy { $0 == "service" || $0 == "service.name" }
            return RuleGate(gate: Gate(floor: floor, service: service?.value ?? rule.query?.requiredService),
                            isAbsence: rule.kind == .absence, settlesOnFirst: rule.kind == .absence && service != nil && keyedByService)
        }
    }

    /// Called when rule `index` (in the order given to `init`) took an event: a rule that settles on
    /// its first event is skipped from now on.
    public mutating func settle(rule index: Int) {
        guard index < 64, rules[index].settlesOnFirst else { return }
        settled |= 1 << UInt64(index)
    }

    /// Set while alerting is far behind the spool (``AlertShedding``): events below this level are
    /// shed — no route or threshold rule gets them — so that the evaluator catches up on the more
    /// severe ones instead of skipping whole segments of every level. Absence rules still see them:
    /// a heartbeat missed for lack of time would raise a false "no events" alert.
    public var shedBelow: Level?

    /// What the evaluator does with one record.
    public enum Concern: Equatable, Sendable {
        /// No route and no rule can take it.
        case none
        /// A route or a threshold rule could take it, but it is below ``shedBelow``.
        case shed
        /// Parse and evaluate it.
        case evaluate
    }

    /// False only when no route and no rule can match the event of spool record `record` (or of a
    /// bare stored document), or when it is shed (see ``concern(_:layout:)``).
    public func mayConcern(_ record: [UInt8], layout: SpooledEvent.Layout? = nil) -> Bool {
        concern(record, layout: layout) == .evaluate
    }

    /// `.none` only when no route and no rule can match the event of spool record `record` (or of a
    /// bare stored document). The record's header gives the level and service when its writer knew
    /// them (`layout`); otherwise they are peeked at in the document's bytes.
    public func concern(_ record: [UInt8], layout: SpooledEvent.Layout? = nil) -> Concern {
        record.withUnsafeBufferPointer { concern($0, layout: layout) }
    }

    /// ``concern(_:layout:)-([UInt8],_)`` of a record lent where it lies (a `SpoolBatch`'s payload).
    public func concern(_ record: UnsafeBufferPointer<UInt8>, layout: SpooledEvent.Layout? = nil) -> Concern {
        guard let level = layout?.level ?? LevelPeek.level(in: record, from: layout?.jsonStart ?? 0) else { return .evaluate }
        var service: Range<Int>?? = nil  // looked up once, when the first gate asks
        func passes(_ gate: Gate) -> Bool {
            guard level >= gate.floor else { return false }
            guard let wanted = gate.service else { return true }
            if service == nil { service = .some(layout?.service ?? LevelPeek.serviceName(in: record, from: layout?.jsonStart ?? 0)) }
            // Cannot tell (not found, escaped, or not ASCII, see `Gate.service`): parse.
            guard let range = service ?? nil, record[range].allSatisfy({ $0 < 0x80 }) else { return true }
            return record[range].elementsEqual(wanted)
        }
        let shed = shedBelow.map { level < $0 } ?? false
        // Shedding: whether something that sheds would have taken it (counted as shed, not parsed).
        var wanted = false
        if level >= routeFloor, routes.contains(where: passes) {
            if !shed { return .evaluate }
            wanted = true
        }
        for (index, rule) in rules.enumerated() {
            if index < 64, settled & (1 << UInt64(index)) != 0 { continue }
            if shed, !rule.isAbsence {
                if !wanted, passes(rule.gate) { wanted = true }
                continue
            }
            if passes(rule.gate) { return .evaluate }
        }
        return wanted ? .shed : .none
    }
}
