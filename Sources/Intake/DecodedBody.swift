import LogModel

/// The events of one request body, parsed but not yet normalised.
public struct DecodedBody: Sendable {
    /// Events that are JSON objects, with their position in the request, in order.
    public var objects: [(index: Int, object: JSONObject)]
    /// Every event that could not be read, in order.
    public var errors: [IndexedEventError]
    /// Number of events in the request (`objects.count + errors.count`).
    public var total: Int

    public init(objects: [(index: Int, object: JSONObject)] = [], errors: [IndexedEventError] = [], total: Int = 0) {
        self.objects = objects
        self.errors = errors
        self.total = total
    }
}
