@testable import LogModel
import XCTest

final class EventIDTests: XCTestCase {
    func testUUIDv7HasCanonicalFormVersionAndVariant() {
        let id = EventID.format(millis: 1_795_601_100_123, randA: 0xFFFF, randB: .max)
        XCTAssertEqual(id, "01a2122a-6d5b-7fff-bfff-ffffffffffff")
        let generated = EventID.uuidV7()
        let chars = Array(generated)
        XCTAssertEqual(chars.count, 36)
        for dash in [8, 13, 18, 23] { XCTAssertEqual(chars[dash], "-") }
        XCTAssertTrue(generated.allSatisfy { $0 == "-" || $0.isHexDigit && !$0.isUppercase })
        XCTAssertEqual(chars[14], "7", "version nibble")
        XCTAssertTrue("89ab".contains(chars[19]), "variant bits 10")
    }

    func testTheFirst48BitsAreTheMilliseconds() {
        var generator = UUIDv7Generator()
        let (millis, a, b) = generator.next(nowMillis: 1_795_601_100_123)
        let id = EventID.format(millis: millis, randA: a, randB: b)
        let hex = id.replacingOccurrences(of: "-", with: "")
        XCTAssertEqual(UInt64(hex.prefix(12), radix: 16), 1_795_601_100_123)
    }

    func testManyIDsInOneMillisecondAreUniqueAndIncreasing() {
        var generator = UUIDv7Generator()
        let ids = (0..<10_000).map { _ in
            let (millis, a, b) = generator.next(nowMillis: 1_795_601_100_000)
            return EventID.format(millis: millis, randA: a, randB: b)
        }
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertTrue(ids.allSatisfy { $0.hasPrefix("01a2122a-6") })
    }

    func testIDsFromTheSharedGeneratorAreUniqueAndIncreasing() {
        let ids = (0..<10_000).map { _ in EventID.uuidV7() }
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertEqual(ids, ids.sorted())
    }

    /// Blocks (one per request piece) hand out ids that are unique against each other and the
    /// shared generator, increasing within a block and across the blocks one piece takes in turn.
    func testBlocksOfIDsAreUniqueAndIncreasingWithinAPiece() {
        var first = UUIDv7Block(), second = UUIDv7Block()
        var pieceOne: [String] = [], pieceTwo: [String] = [], shared: [String] = []
        let now = WallClock.nowMicros() / 1000
        for index in 0..<1_000 {
            pieceOne.append(first.next(nowMillis: now).text)
            if index % 3 == 0 { pieceTwo.append(second.next(nowMillis: now).text) }
            if index % 7 == 0 { shared.append(EventID.uuidV7(nowMillis: now)) }
        }
        let all = pieceOne + pieceTwo + shared
        XCTAssertEqual(Set(all).count, all.count, "no id twice")
        XCTAssertEqual(pieceOne, pieceOne.sorted(), "in order within a piece, across its 16 blocks")
        XCTAssertEqual(pieceTwo, pieceTwo.sorted())
        // A later millisecond starts a new block at once, with that millisecond.
        let later = first.next(nowMillis: now + 5_000)
        XCTAssertEqual(later.high >> 16, UInt64(now + 5_000))
        XCTAssertGreaterThan(later.text, pieceOne.last!)
    }

    /// A reservation never carries `randB` into `randA`: near the end of the counter it is shorter,
    /// and the generator goes on after the block's last id.
    func testAReservationStopsWhereTheCounterWouldCarry() {
        let mask: UInt64 = 0x3FFF_FFFF_FFFF_FFFF
        var generator = UUIDv7Generator(lastMillis: 1_900_000_000_000, randA: 5, randB: mask - 10)
        let block = generator.reserve(64, nowMillis: 1_900_000_000_000)
        XCTAssertEqual(block.millis, 1_900_000_000_000)
        XCTAssertEqual(block.randA, 5)
        XCTAssertEqual(block.randB, mask - 9)
        XCTAssertEqual(block.count, 10, "mask − 9 … mask, and no further")
        let after = generator.next(nowMillis: 1_900_000_000_000)
        XCTAssertEqual(after.randA, 6, "the counter carries only after the block")
        XCTAssertEqual(after.randB, 0)

        var fresh = UUIDv7Generator()
        let whole = fresh.reserve(64, nowMillis: 1_900_000_000_000)
        XCTAssertEqual(whole.count, 64, "a new millisecond's counter has room for a whole block")
        XCTAssertEqual(fresh.next(nowMillis: 1_900_000_000_000).randB, whole.randB + 64)
    }

    func testIDsStayIncreasingWhenTheClockStepsBack() {
        var generator = UUIDv7Generator()
        let first = generator.next(nowMillis: 1_900_000_000_000)
        let second = generator.next(nowMillis: 1_899_999_999_000)
        XCTAssertEqual(second.millis, 1_900_000_000_000, "keeps the last millisecond seen")
        XCTAssertLessThan(EventID.format(millis: first.millis, randA: first.randA, randB: first.randB),
                          EventID.format(millis: second.millis, randA: second.randA, randB: second.randB))
    }

    func testAGeneratedIDIsWrittenAsItsTextInDocumentsAndSpoolRecords() throws {
        let id = UUIDv7(millis: 1_795_601_100_123, randA: 0xABC, randB: 0x0123_4567_89AB_CDEF)
        XCTAssertEqual(id.text, "01a2122a-6d5b-7abc-8123-456789abcdef")
        let json = JSONByteBuffer.withBuffer { buffer in
            buffer.appendUUID(id)
            return String(decoding: buffer.bytes, as: UTF8.self)
        }
        XCTAssertEqual(json, #""01a2122a-6d5b-7abc-8123-456789abcdef""#)
        let document = Array(#"{"a":1}"#.utf8)
        let record = SpooledEvent.encode(id: id, timestampMillis: -3, expectedJSONBytes: 7) { $0.append(contentsOf: document) }
        XCTAssertEqual(record, SpooledEvent(id: id.text, timestampMillis: -3, json: document).encoded())
        XCTAssertEqual(try SpooledEvent(decoding: record), SpooledEvent(id: id.text, timestampMillis: -3, json: document))
    }

    func testClientIDsAreUpTo64CharactersOfASafeAlphabet() {
        XCTAssertTrue(EventID.isValidClientID("01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d"))
        XCTAssertTrue(EventID.isValidClientID("01ARZ3NDEKTSV4RRFFQ69G5FAV"))
        XCTAssertTrue(EventID.isValidClientID("a_b-C"))
        XCTAssertTrue(EventID.isValidClientID(String(repeating: "a", count: 64)))
        XCTAssertFalse(EventID.isValidClientID(String(repeating: "a", count: 65)))
        XCTAssertFalse(EventID.isValidClientID(""))
        XCTAssertFalse(EventID.isValidClientID("a b"))
        XCTAssertFalse(EventID.isValidClientID("a/b"))
        XCTAssertFalse(EventID.isValidClientID("é"))
        XCTAssertFalse(EventID.isValidClientID("a.b"))
    }
}

final class UUIDv7TextTests: XCTestCase {
    /// The id's text, made eight digits at a time, against the digits printed one by one.
    func testTheTextIsTheCanonicalLowercaseHexOfTheBits() {
        var rng = SeededGenerator(seed: 36)
        var ids = [UUIDv7(millis: 0, randA: 0, randB: 0), UUIDv7(millis: .max, randA: .max, randB: .max)]
        for _ in 0..<2000 {
            ids.append(UUIDv7(millis: .random(in: 0...UInt64.max, using: &rng), randA: .random(in: 0...UInt64.max, using: &rng),
                              randB: .random(in: 0...UInt64.max, using: &rng)))
        }
        for id in ids {
            let hex = Self.digits(id.high, 16) + Self.digits(id.low, 16)
            let chars = Array(hex)
            let expected = String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-"
                + String(chars[16..<20]) + "-" + String(chars[20..<32])
            XCTAssertEqual(id.text, expected)
        }
    }

    private static func digits(_ value: UInt64, _ count: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: count - text.count) + text
    }
}
