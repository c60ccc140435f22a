public import NIOCore

/// A request body as sent, made plain: gzip inflated (bounded), for inputs that must read the body
/// themselves before it reaches the intake (Elasticsearch `_bulk` action lines).
public enum DecodedBody {
    public static func plain(_ body: ByteBuffer, contentEncoding: String?, limit: Int) throws(IngestError) -> ByteBuffer {
        guard body.readableBytes <= limit else { throw .bodyTooLarge(limit: limit) }
        switch try ContentEncoding(header: contentEncoding) {
        case .identity: return body
        case .gzip: return try GzipBody.inflate(body, limit: limit)
        }
    }
}
