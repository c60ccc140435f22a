public import LogModel
public import Search

/// A route's or rule's `query`: the search language (`service:billing AND status:>499`), matched
/// against the stored document in memory by the same matcher live tail uses, so an alert route and a
/// search select the same events.
public struct RouteQuery: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    let node: QueryNode
    /// Compiled once (regular expressions, level sets): building it per event cost 17 % of the hub's
    /// CPU under load with alert routes on (`scripts/bench --with-areas`, perf).
    let matcher: QueryMatcher

    /// Parses `text`; the error says where and why (`position 9: expected a value after 'service:'`).
    public static func parse(_ text: String) -> Result<RouteQuery, MatcherError> {
        do {
            let node = try QueryParser.parse(text)
            return .success(RouteQuery(text: text, node: node, matcher: QueryMatcher(node, now: { WallClock.nowMicros() })))
        } catch {
            return .failure(MatcherError(error.description))
        }
    }

    public var description: String { text }

    /// The least level an event must have to match (`trace` when the query does not bound it).
    public var minimumLevel: Level { matcher.minimumLevel }

    /// The service every matching event has (`service:gate AND …`), nil when any may match.
    public var requiredService: String? { matcher.requiredService }

    /// The stored document's top-level members the query may read.
    public var topLevelMembersRead: [String] { node.topLevelMembersRead }

    /// True when the event's stored document matches; an event without its document never does.
    public func matches(_ event: AlertEvent) -> Bool {
        guard let document = event.document else { return false }
        return matcher.matches(document)
    }

    public static func == (lhs: RouteQuery, rhs: RouteQuery) -> Bool { lhs.text == rhs.text }
}
