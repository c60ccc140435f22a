/// Why a whole ingest request was refused before any event was looked at. Each case knows its
/// HTTP status, a fixed `code` for the `error` field and metrics, and a `message` that names the
/// limit or says what to send instead.
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `Content-Type` (nil when missing) is not one the endpoint reads.
    case unsupportedMediaType(String?)
    /// The `Content-Encoding` is neither gzip nor identity.
    case unsupportedContentEncoding(String)
    /// The body is over `limit` bytes (after decompression).
    case bodyTooLarge(limit: Int)
    /// `Content-Encoding: gzip` but the body is not a complete gzip stream.
    case invalidGzip(String)

    public var status: Int {
        switch self {
        case .unsupportedMediaType, .unsupportedContentEncoding: 415
        case .bodyTooLarge: 413
        case .invalidGzip: 400
        }
    }

    public var code: String {
        switch self {
        case .unsupportedMediaType: "unsupported_media_type"
        case .unsupportedContentEncoding: "unsupported_content_encoding"
        case .bodyTooLarge: "body_too_large"
        case .invalidGzip: "invalid_gzip"
        }
    }

    public var message: String {
        let accepted = "send application/x-ndjson (one JSON object per line; application/jsonl is read the same way) "
            + "or application/json (one object or an array of objects)"
        switch self {
        case .unsupportedMediaType(nil):
            return "Content-Type is missing; \(accepted)"
        case .unsupportedMediaType(let type?):
            return "Content-Type '\(Self.clip(type))' is not accepted; \(accepted)"
        case .unsupportedContentEncoding(let encoding):
            return "Content-Encoding '\(Self.clip(encoding))' is not accepted; send the body uncompressed or with Content-Encoding: gzip"
        case .bodyTooLarge(let limit):
            return "request body is over the limit of \(limit) bytes (\(Self.mebibytes(limit)) after decompression); send fewer events per request"
        case .invalidGzip(let detail):
            return "body is not valid gzip (\(detail)); compress it with gzip, or send it uncompressed without Content-Encoding"
        }
    }

    public var description: String { "\(code): \(message)" }

    /// Header values are echoed, so keep them short.
    private static func clip(_ text: String) -> String {
        text.count > 100 ? String(text.prefix(100)) + "…" : text
    }

    private static func mebibytes(_ bytes: Int) -> String {
        bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MiB" : "\(bytes / 1024) KiB"
    }
}
