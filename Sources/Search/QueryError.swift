/// A query that cannot be parsed: where (1-based character column) and why. Rendered by the API as
/// `400 {"error":"invalid_query","message":"position 9: …","position":9}`.
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: Int
    public var reason: String

    public init(position: Int, _ reason: String) {
        self.position = position
        self.reason = reason
    }

    public var description: String { "position \(position): \(reason)" }
}
