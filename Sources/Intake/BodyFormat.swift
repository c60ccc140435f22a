/// How the events are laid out in a body, from its `Content-Type`.
public enum BodyFormat: Sendable, Equatable {
    /// One JSON object per line; blank lines ignored.
    case ndjson
    /// One JSON object, or an array of objects.
    case json

    /// Media types read as NDJSON: the registered-in-practice names for "JSON lines".
    static let ndjsonTypes: Set<String> = [
        "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl",
        "application/jsonlines", "application/x-jsonlines",
    ]

    /// The format for a `Content-Type` header value: parameters (`; charset=utf-8`) are ignored
    /// and the type is compared case-insensitively. Anything else, or no header, is a 415.
    public init(contentType: String?) throws(IngestError) {
        guard let contentType else { throw .unsupportedMediaType(nil) }
        let mediaType = HeaderValue.token(contentType)
        if mediaType == "application/json" {
            self = .json
        } else if Self.ndjsonTypes.contains(mediaType) {
            self = .ndjson
        } else {
            throw .unsupportedMediaType(contentType)
        }
    }
}
