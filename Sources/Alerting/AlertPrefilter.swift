public import LogModel

/// Decides from a stored document's bytes, without parsing it, whether any route or rule could
/// take the event: most events are below every route's level, and a rule without a level (an
/// absence rule: `service=communication`) usually names one service. Conservative: when the peek
/// cannot tell (no level found, a service name with escapes), the event is parsed.
public struct AlertPrefilter: Sendable {
    struct RuleGate: Sendable {
        let floor: Level
        /// The UTF-8 of a `service=` matcher's value, when the rule has one.
        let service: [UInt8]?
    }

    let routeFloor: Level
    let rules: [RuleGate]

    public init(route: AlertRoute, rules: [AlertRule]) {
        routeFloor = route.minimumLevel
        self.rules = rules.map { rule in
            let floor = rule.matchers.compactMap { $0.operation == .atLeast ? $0.level : nil }.max() ?? .trace
            let service = rule.matchers.first { $0.operation == .equal && ($0.field == "service" || $0.field == "service.name") }
            return RuleGate(floor: floor, service: service.map { Array($0.value.utf8) })
        }
    }

    /// False only when no route and no rule can match the stored document `json`.
    public func mayConcern(_ json: [UInt8]) -> Bool {
        guard let level = LevelPeek.level(in: json) else { return true }
        if level >= routeFloor { return true }
        var service: Range<Int>?? = nil  // peeked once, when the first rule asks
        for rule in rules where level >= rule.floor {
            guard let wanted = rule.service else { return true }
            if service == nil { service = .some(LevelPeek.serviceName(in: json)) }
            guard let range = service ?? nil else { return true }  // cannot tell: parse
            if json[range].elementsEqual(wanted) { return true }
        }
        return false
    }
}
