import LogModel
import XCTest

final class ShortBytesTests: XCTestCase {
    /// A "does any byte …" test on the word tests exactly the string's bytes: every byte of the
    /// word is one of them, and each of them is in the word.
    func testTheWordHoldsExactlyTheStringsBytes() {
        var rng = SeededGenerator(seed: 8)
        for _ in 0..<5000 {
            let bytes = (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let word = bytes.withUnsafeBufferPointer { ShortBytes.word($0) }
            let inWord = Set((0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) })
            XCTAssertEqual(inWord, Set(bytes), "\(bytes)")
        }
    }
}
