import LogModel
import XCTest

final class JSONByteBufferTests: XCTestCase {
    /// The buffer copies short texts with overlapping word loads instead of `memmove`: every length
    /// from 0 to past the word path's end, from every alignment, must come out byte for byte, also
    /// when many appends make the buffer leave the stack and grow.
    func testAppendedTextsComeOutExactlyAtEveryLengthAndAlignment() {
        var rng = SeededGenerator(seed: 21)
        let source = (0..<256).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
        var expected: [UInt8] = []
        let written: [UInt8] = source.withUnsafeBufferPointer { source in
            JSONByteBuffer.withBuffer { buffer in
                for round in 0..<3 {
                    for count in 0...72 {
                        for start in 0..<9 {
                            let offset = (start * 7 + count + round) % (source.count - count)
                            let text = UnsafeBufferPointer(rebasing: source[offset..<(offset + count)])
                            buffer.appendUnescapedUTF8(text)
                            expected += [UInt8(ascii: "\"")] + Array(text) + [UInt8(ascii: "\"")]
                        }
                    }
                }
                return Array(buffer.bytes)
            }
        }
        XCTAssertGreaterThan(written.count, 64 * 1024)  // well past the stack's first buffer
        XCTAssertEqual(written.count, expected.count)
        XCTAssertEqual(written, expected)
    }
}
