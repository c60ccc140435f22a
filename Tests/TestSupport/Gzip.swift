import CompressNIO
import NIOCore

/// gzip for test bodies (what a shipper with `Content-Encoding: gzip` sends).
public func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    var input = ByteBuffer(bytes: bytes)
    let output = try input.compress(with: .gzip())
    return Array(buffer: output)
}

/// A gzip bomb: `count` zero bytes, which deflate to about 1/1000 of that.
public func gzip(zeros count: Int) throws -> [UInt8] {
    try gzip([UInt8](repeating: 0, count: count))
}
