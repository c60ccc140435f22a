public import LogModel

/// A node of the routing tree, like Alertmanager's `route`: it matches an event when all its
/// matchers do; then its children are tried in order, the first matching child ends the search
/// unless it says `continue`; a node none of whose children matched is itself the result. The
/// receiver and grouping are inherited from the parent where a node does not set them.
public struct AlertRoute: Sendable, Equatable {
    /// `route`, `route.routes[0]`, … : the path in the configuration, also the route's id.
    public var path: String
    public var matchers: [RouteMatcher]
    /// A search-language query the event must also match (nil: the matchers alone decide).
    public var query: RouteQuery?
    public var receiver: String
    public var grouping: GroupingSettings
    public var `continue`: Bool
    public var routes: [AlertRoute]

    public init(path: String, matchers: [RouteMatcher] = [], receiver: String, grouping: GroupingSettings = .defaults,
                continue: Bool = false, routes: [AlertRoute] = []) {
        self.path = path
        self.matchers = matchers
        self.receiver = receiver
        self.grouping = grouping
        self.continue = `continue`
        self.routes = routes
    }

    /// The nodes that take `event`, in tree order (empty when the root's own matchers refuse it).
    public func match(_ event: AlertEvent) -> [AlertRoute] {
        var found: [AlertRoute] = []
        forEachMatch(of: event) { found.append($0) }
        return found
    }

    /// Calls `body` with each node that takes `event`, in tree order, as ``match(_:)`` lists them;
    /// false when the root's own matchers refuse it. The evaluator's way: collecting the nodes
    /// copied each one (a retain of every field) and built an array per level of the tree.
    @discardableResult
    public func forEachMatch(of event: AlertEvent, _ body: (AlertRoute) -> Void) -> Bool {
        guard matchers.allSatisfy({ $0.matches(event) }), query?.matches(event) ?? true else { return false }
        var childMatched = false
        // By index: `for child in routes` would copy each child.
        for index in routes.indices {
            guard routes[index].forEachMatch(of: event, body) else { continue }
            childMatched = true
            if !routes[index].continue { break }
        }
        // A node none of whose children matched is itself the result.
        if !childMatched { body(self) }
        return true
    }

    /// Every node, depth first (for validation and the API).
    public var allRoutes: [AlertRoute] { [self] + routes.flatMap(\.allRoutes) }

    /// The group key of `event` on this route: the receiver, the route and the `group_by` values.
    public func groupKey(for event: AlertEvent, fingerprint: String) -> String {
        Fingerprint.hash(groupKeyParts(for: event, fingerprint: fingerprint))
    }

    /// ``groupKey(for:fingerprint:)``, with digests already taken looked up in `memo`.
    public func groupKey(for event: AlertEvent, fingerprint: String, memo: inout DigestMemo) -> String {
        memo.hash { bytes in
            Fingerprint.append(receiver, to: &bytes)
            Fingerprint.append(path, to: &bytes)
            for field in grouping.groupBy { Fingerprint.append(field == "fingerprint" ? fingerprint : event.value(of: field), to: &bytes) }
        }
    }

    private func groupKeyParts(for event: AlertEvent, fingerprint: String) -> [String] {
        [receiver, path] + grouping.groupBy.map { $0 == "fingerprint" ? fingerprint : event.value(of: $0) }
    }

    /// What an event needs to reach a receiver along one path of the tree: at least `floor`, and
    /// `service` when the path names one (a `service=` matcher or `service:` in a query). Necessary,
    /// not sufficient: the spool reader skips events that pass no gate without parsing them.
    public struct Gate: Sendable, Equatable {
        public var floor: Level
        public var service: String?
    }

    /// One gate per path that ends at a receiver (none when the tree has no receiver).
    public var gates: [Gate] { gates(above: Gate(floor: .trace, service: nil)) }

    func gates(above inherited: Gate) -> [Gate] {
        var own = inherited
        for matcher in matchers {
            switch matcher.operation {
            case .atLeast: own.floor = max(own.floor, matcher.level ?? .trace)
            case .equal where matcher.field == "service" || matcher.field == "service.name": own.service = own.service ?? matcher.value
            default: continue
            }
        }
        if let query {
            own.floor = max(own.floor, query.minimumLevel)
            own.service = own.service ?? query.requiredService
        }
        // A node none of whose children match is itself the result.
        let here = receiver.isEmpty ? [] : [own]
        return here + routes.flatMap { $0.gates(above: own) }
    }

    /// The least level any event must have to reach a receiver through this tree (`trace` when some
    /// path bounds the level neither by a `level>=` matcher nor in its query): the spool reader skips
    /// quieter events without parsing them.
    public var minimumLevel: Level { minimumLevel(above: .trace) }

    func minimumLevel(above inherited: Level) -> Level {
        var floor = inherited
        for matcher in matchers where matcher.operation == .atLeast { floor = max(floor, matcher.level ?? .trace) }
        // A query is a condition like the matchers (`level:>=warning AND ...`).
        if let query { floor = max(floor, query.minimumLevel) }
        if routes.isEmpty { return receiver.isEmpty ? .emergency : floor }
        // A node none of whose children match is itself the result.
        let own = receiver.isEmpty ? Level.emergency : floor
        return routes.map { $0.minimumLevel(above: floor) }.reduce(own, min)
    }
}
