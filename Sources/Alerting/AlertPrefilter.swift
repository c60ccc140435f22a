public import LogModel

/// Decides from a stored document's bytes, without parsing it, whether any route or rule could
/// take the event: most events are below every route's level, and a rule without a level (an
/// absence rule: `service=communication`) usually names one service. Conservative: when the peek
/// cannot tell (no level found, a service name with escapes), the event is parsed.
///
/// Within one batch, an absence rule whose key its own `service=` matcher fixes (a heartbeat
/// grouped by service) needs one event: the evaluator marks it `settle`d after the first, and the
/// service's other events are then skipped for that rule too.
public struct AlertPrefilter: Sendable {
    struct RuleGate: Sendable {
        let floor: Level
        /// The UTF-8 of a `service=` matcher's value, when the rule has one and it is ASCII.
        let service: [UInt8]?
        /// An absence rule grouped by service with a `service=` matcher: one event per batch tells it all.
        let settlesOnFirst: Bool
    }

    let routeFloor: Level
    let rules: [RuleGate]
    /// Bit i: rule i has seen its event in this batch (only rules that `settlesOnFirst`, i < 64).
    private var settled: UInt64 = 0

    public init(route: AlertRoute, rules: [AlertRule]) {
        routeFloor = route.minimumLevel
        self.rules = rules.map { rule in
            let floor = max(rule.matchers.compactMap { $0.operation == .atLeast ? $0.level : nil }.max() ?? .trace,
                            rule.query?.minimumLevel ?? .trace)
            let service = rule.matchers.first { $0.operation == .equal && ($0.field == "service" || $0.field == "service.name") }
            let keyedByService = rule.groupBy.allSatisfy { $0 == "service" || $0 == "service.name" }
            // The matcher compares `String`s, which are equal when canonically equivalent ("é" as one
            // scalar or two, "K" and the Kelvin sign): bytes decide the same only between ASCII strings.
            let ascii = service.map { Array($0.value.utf8) }.flatMap { $0.allSatisfy { $0 < 0x80 } ? $0 : nil }
            return RuleGate(floor: floor, service: ascii,
                            settlesOnFirst: rule.kind == .absence && service != nil && keyedByService)
        }
    }

    /// Called when rule `index` (in the order given to `init`) took an event: a rule that settles on
    /// its first event is skipped from now on.
    public mutating func settle(rule index: Int) {
        guard index < 64, rules[index].settlesOnFirst else { return }
        settled |= 1 << UInt64(index)
    }

    /// False only when no route and no rule can match the stored document `json`.
    public func mayConcern(_ json: [UInt8]) -> Bool {
        guard let level = LevelPeek.level(in: json) else { return true }
        if level >= routeFloor { return true }
        var service: Range<Int>?? = nil  // peeked once, when the first rule asks
        for (index, rule) in rules.enumerated() where level >= rule.floor {
            if index < 64, settled & (1 << UInt64(index)) != 0 { continue }
            guard let wanted = rule.service else { return true }
            if service == nil { service = .some(LevelPeek.serviceName(in: json)) }
            // Cannot tell (not found, escaped, or not ASCII, see `RuleGate.service`): parse.
            guard let range = service ?? nil, json[range].allSatisfy({ $0 < 0x80 }) else { return true }
            if json[range].elementsEqual(wanted) { return true }
        }
        return false
    }
}
