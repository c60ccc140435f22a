public import LogModel
public import Search

/// A route's or rule's `query`: the search language (`service:billing AND status:>499`), matched
/// against the stored document in memory by the same matcher live tail uses, so an alert route and a
/// search select the same events.
public struct RouteQuery: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    let node: QueryNode

    /// Parses `text`; the error says where and why (`position 9: expected a value after 'service:'`).
    public static func parse(_ text: String) -> Result<RouteQuery, MatcherError> {
        do {
            return .success(RouteQuery(text: text, node: try QueryParser.parse(text)))
        } catch {
            return .failure(MatcherError(error.description))
        }
    }

    public var description: String { text }

    /// True when the event's stored document matches; an event without its document never does.
    public func matches(_ event: AlertEvent) -> Bool {
        guard let document = event.document else { return false }
        return QueryMatcher(node, nowMicros: WallClock.nowMicros()).matches(document)
    }

    public static func == (lhs: RouteQuery, rhs: RouteQuery) -> Bool { lhs.text == rhs.text }
}
