/// The `Content-Encoding` values the ingest endpoint reads.
public enum ContentEncoding: Sendable, Equatable {
    case identity
    case gzip

    /// `nil`, empty and `identity` mean uncompressed; `gzip` and `x-gzip` (RFC 9110 §8.4.1.3)
    /// mean gzip; anything else is a 415. Case-insensitive.
    public init(header: String?) throws(IngestError) {
        let value = header.map(HeaderValue.token) ?? ""
        switch value {
        case "", "identity": self = .identity
        case "gzip", "x-gzip": self = .gzip
        default: throw .unsupportedContentEncoding(header ?? "")
        }
    }
}
