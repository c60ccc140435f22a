import LogModel
import XCTest

/// `DecimalText.of` must give exactly `String(value)`: labels and ids store it.
final class DecimalTextTests: XCTestCase {
    func testEdgesAndEveryLengthMatchTheStandardLibrary() {
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, Int64.max, Int64.min, Int64.min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -(power - 1), -power]
        }
        var seed: UInt64 = 0xD1CE
        for _ in 0..<2000 {
            seed ^= seed << 13
            seed ^= seed >> 7
            seed ^= seed << 17
            values.append(Int64(bitPattern: seed) >> Int64(seed % 63))
        }
        for value in values {
            XCTAssertEqual(DecimalText.of(value), String(value), "for \(value)")
        }
    }
}
