// CompressNIO and NIOCore come with the Intake target; the tests use them to build request bodies.
import CompressNIO
import NIOCore
import XCTest

enum Body {
    static func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    static func gzip(_ text: String) throws -> ByteBuffer {
        var input = ByteBuffer(string: text)
        return try input.compress(with: .gzip())
    }

    static func gzip(_ bytes: [UInt8]) throws -> ByteBuffer {
        var input = ByteBuffer(bytes: bytes)
        return try input.compress(with: .gzip())
    }

    /// A gzip stream of `megabytes` MiB of zeros, about 1 KiB per MiB, built in milliseconds:
    /// one MiB is deflated once with a sync flush (byte-aligned, and its back-references stay inside
    /// its own output), and that block is repeated. The trailer's CRC is computed only when
    /// `validTrailer` (it costs a pass over the zeros); without it, inflating fails at the very
    /// end, which a bomb never reaches.
    static func gzippedZeros(megabytes: Int, validTrailer: Bool = false) throws -> ByteBuffer {
        let compressor = CompressionAlgorithm.deflate(configuration: .init(compressionLevel: .bestCompression)).compressor
        try compressor.startStream()
        var block = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        var zeros = ByteBuffer(repeating: 0, count: 1 << 20)
        try zeros.compressStream(to: &block, with: compressor, flush: .sync)
        try compressor.finishStream()
        var output = ByteBufferAllocator().buffer(capacity: megabytes * block.readableBytes + 64)
        output.writeBytes([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF])
        for _ in 0..<megabytes { output.writeImmutableBuffer(block) }
        output.writeBytes([0x01, 0x00, 0x00, 0xFF, 0xFF])  // final, empty stored block
        let size = UInt32(truncatingIfNeeded: megabytes << 20)
        var crc: UInt32 = 0
        if validTrailer { crc = crc32(zeros: megabytes << 20) }
        output.writeInteger(crc, endianness: .little)
        output.writeInteger(size, endianness: .little)
        return output
    }

    /// CRC-32 (IEEE, as gzip uses) of `count` zero bytes.
    private static func crc32(zeros count: Int) -> UInt32 {
        var table = [UInt32](repeating: 0, count: 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[i] = c
        }
        var crc: UInt32 = 0xFFFF_FFFF
        for _ in 0..<count { crc = table[Int(crc & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// SplitMix64: a deterministic generator so randomized tests fail the same way every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
