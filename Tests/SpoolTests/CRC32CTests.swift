import Spool
import XCTest

final class CRC32CTests: XCTestCase {
    func testKnownAnswerForCheckString() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }

    func testKnownAnswersFromRFC3720() {
        // RFC 3720 B.4: 32 bytes of zeros, of 0xFF, and ascending 0...31.
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
    }

    func testChecksumInPiecesEqualsChecksumOfWhole() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = CRC32C.checksum(bytes)
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let first = CRC32C.checksum(bytes[0..<split])
            XCTAssertEqual(CRC32C.checksum(bytes[split...], continuing: first), whole, "split at \(split)")
        }
    }

    func testEveryLengthAgreesWithBytewiseReference() {
        func reference(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        let bytes = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 3) }
        for length in 0...64 {
            XCTAssertEqual(CRC32C.checksum(bytes[0..<length]), reference(Array(bytes[0..<length])), "length \(length)")
        }
    }

    /// The processor's instruction (three streams side by side, joined) and the tables agree on every
    /// length and alignment, so a spool
    /// written on a machine with SSE 4.2 reads on one without, and the other way round.
    func testHardwareAndSoftwareAgree() throws {
        try XCTSkipUnless(CRC32C.usesHardware, "this processor has no CRC-32C instruction")
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes.withUnsafeBytes { all in
            for offset in 0..<9 {
                // Every length up to past two long blocks (3 × 256 bytes each, then 3 × 64, then
                // words and bytes: datamp_crc32c_hardware_update), and a few large ones.
                for length in Array(0...1700) + [4000, 4087] {
                    let slice = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    XCTAssertEqual(CRC32C.checksum(slice, continuing: 0x1234_5678), CRC32C.softwareChecksum(slice, continuing: 0x1234_5678),
                                   "offset \(offset), length \(length)")
                }
            }
        }
    }
}
