import CompressNIO
public import NIOCore

/// A GELF payload as it arrives over UDP, TCP or HTTP: plain JSON, gzip (`1f 8b`) or zlib (`78 xx`),
/// told apart by its first bytes as Graylog does. Inflating is bounded by `limit`.
public enum GELFPayload {
    public static func plain(_ payload: ByteBuffer, limit: Int) -> Result<ByteBuffer, GELFPayloadError> {
        guard payload.readableBytes >= 2 else { return .success(payload) }
        let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self)!
        let second = payload.getInteger(at: payload.readerIndex + 1, as: UInt8.self)!
        let algorithm: CompressionAlgorithm
        if first == 0x1F, second == 0x8B {
            algorithm = .gzip()
        } else if first == 0x78, (UInt16(first) << 8 | UInt16(second)) % 31 == 0 {
            algorithm = .zlib()
        } else {
            return .success(payload)
        }
        var input = payload
        do {
            return .success(try input.decompress(with: algorithm, maxSize: limit))
        } catch let error as CompressNIOError where error == .bufferOverflow {
            return .failure(.tooLarge(limit: limit))
        } catch {
            return .failure(.invalidCompression("\(error)"))
        }
    }
}

public enum GELFPayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(limit: Int)
    case invalidCompression(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the GELF message is over \(limit) bytes after decompression"
        case .invalidCompression(let detail): "the GELF message is not valid gzip or zlib (\(detail))"
        }
    }
}
