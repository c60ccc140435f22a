import CompressNIO
import NIOCore

/// Inflates a `Content-Encoding: gzip` body without ever holding more than the body limit.
///
/// compress-nio's `decompress(with:maxSize:)` stops with `bufferOverflow` before its output
/// passes `maxSize`, so a gzip bomb costs at most `limit` bytes of memory and the time to inflate
/// that much. Two gaps in it are closed here: it returns quietly on a truncated stream (zlib's
/// `inflate` just waits for more input), so the gzip trailer's length (ISIZE, RFC 1952 §2.3.1)
/// is compared with the output; and it stops after the first gzip member, so concatenated
/// members (`cat a.gz b.gz`, valid per RFC 1952) are inflated in a loop.
enum GzipBody {
    static func inflate(_ body: ByteBuffer, limit: Int) throws(IngestError) -> ByteBuffer {
        guard body.readableBytes > 0 else { throw .invalidGzip("the body is empty") }
        var input = body
        var output = ByteBuffer()
        while input.readableBytes > 0 {
            guard input.readableBytes >= 18 else { throw .invalidGzip("a gzip stream is at least 18 bytes") }
            guard input.getInteger(at: input.readerIndex, as: UInt16.self) == 0x1F8B else {
                throw .invalidGzip(output.readableBytes == 0 ? "missing the gzip header 1f 8b" : "unexpected data after the gzip stream")
            }
            let remaining = limit + 1 - output.readableBytes
            var member: ByteBuffer
            do {
                member = try input.decompress(with: .gzip(), maxSize: remaining)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw .bodyTooLarge(limit: limit)
            } catch {
                throw .invalidGzip("\(error)")
            }
            if input.readableBytes == 0 {
                // zlib returned without seeing the end of the member: check the trailer is there.
                let endIndex = body.writerIndex
                guard let isize = body.getInteger(at: endIndex - 4, endianness: .little, as: UInt32.self),
                    isize == UInt32(truncatingIfNeeded: member.readableBytes)
                else { throw .invalidGzip("the gzip stream is truncated") }
            }
            guard output.readableBytes + member.readableBytes <= limit else { throw .bodyTooLarge(limit: limit) }
            if output.readableBytes == 0, input.readableBytes == 0 { return member }
            output.writeBuffer(&member)
        }
        return output
    }
}
