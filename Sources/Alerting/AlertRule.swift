public import LogModel

/// A rule beyond one event: a threshold (more than `count` matching events within `window`, per
/// `group_by` key; fires once per window) or an absence (no matching event for `window`: a dead
/// man's switch per key, resolved when the events come back).
public struct AlertRule: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case threshold, absence }

    public var name: String
    /// `rules[0]`: the group's route id.
    public var path: String
    public var kind: Kind
    public var matchers: [RouteMatcher]
    /// A search-language query the event must also match.
    public var query: RouteQuery?
    /// Threshold: fires on more than this many events in one window.
    public var count: Int64
    public var window: Int64
    public var groupBy: [String]
    public var receiver: String
    public var level: Level

    public init(name: String, path: String, kind: Kind, matchers: [RouteMatcher], count: Int64 = 0, window: Int64,
                groupBy: [String] = ["service"], receiver: String, level: Level = .error) {
        self.name = name
        self.path = path
        self.kind = kind
        self.matchers = matchers
        self.count = count
        self.window = window
        self.groupBy = groupBy
        self.receiver = receiver
        self.level = level
    }

    public func matches(_ event: AlertEvent) -> Bool { matchers.allSatisfy { $0.matches(event) } && (query?.matches(event) ?? true) }

    /// The `group_by` values of `event`, joined (`billing`, `billing|production`).
    public func key(for event: AlertEvent) -> String { groupBy.map { event.value(of: $0) }.joined(separator: "|") }

    /// The alert group's key for one rule key.
    public func groupKey(_ key: String) -> String { Fingerprint.hash(["rule", name, receiver, key]) }

    /// How the rule's groups notify: at once; a threshold resolves a window after its last firing,
    /// an absence only when the events return.
    public func grouping(defaults: GroupingSettings) -> GroupingSettings {
        var g = defaults
        g.groupBy = groupBy
        g.groupWait = 0
        g.criticalGroupWait = 0
        g.resolveAfter = kind == .threshold ? window : 100 * 365 * 86_400_000
        return g
    }

    /// The text of the alert.
    public func describe(key: String) -> String {
        let what = matchers.isEmpty ? "any event" : matchers.map(\.description).joined(separator: ", ")
        switch kind {
        case .threshold:
            return "\(name): more than \(count) events matching \(what) within \(AlertDuration.describe(window)) (\(key))"
        case .absence:
            return "\(name): no event matching \(what) for \(AlertDuration.describe(window)) (\(key))"
        }
    }
}

/// Threshold rules count in tumbling windows (`window` long, aligned to the epoch) that every hub
/// node adds its events to (`alert_rule_windows`); the batch whose addition takes a window's count
/// past `count` fires the rule, so over all nodes it fires once per window and key.
public enum ThresholdWindow {
    /// The start of the window `now` falls in.
    public static func start(of rule: AlertRule, at now: Int64) -> Int64 { now - now % max(rule.window, 1) }

    /// Whether adding `added` events to a window that held `before` crosses the rule's count.
    public static func crosses(_ rule: AlertRule, before: Int64, added: Int64) -> Bool {
        before <= rule.count && before + added > rule.count
    }
}
