import Transforms

/// One rejected event: its 0-based position in the request (for NDJSON, among non-blank lines)
/// and why. Renders as the contract's `{"index": 17, "error": "invalid_json", "message": "..."}`.
public struct IndexedEventError: Sendable, Equatable {
    public var index: Int
    public var error: EventError

    public init(index: Int, error: EventError) {
        self.index = index
        self.error = error
    }
}
