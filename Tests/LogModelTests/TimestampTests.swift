import LogModel
import XCTest

final class TimestampTests: XCTestCase {
    /// 2026-11-25T10:05:00Z
    private let base: Int64 = 1_795_601_100 * 1_000_000

    func testRFC3339WithZoneIsRead() {
        XCTAssertEqual(Timestamp.parse("2026-11-25T10:05:00Z"), base)
        XCTAssertEqual(Timestamp.parse("2026-11-25T10:05:00.123Z"), base + 123_000)
        XCTAssertEqual(Timestamp.parse("2026-11-25T10:05:00.123456z"), base + 123_456)
        XCTAssertEqual(Timestamp.parse("2026-11-25T12:05:00+02:00"), base)
        XCTAssertEqual(Timestamp.parse("2026-11-25T05:05:00-0500"), base)
        XCTAssertEqual(Timestamp.parse("2026-11-25T11:05:00+01"), base)
        XCTAssertEqual(Timestamp.parse("2026-11-25t10:05:00Z"), base)
    }

    func testMissingZoneMeansUTC() {
        XCTAssertEqual(Timestamp.parse("2026-11-25T10:05:00"), base)
        XCTAssertEqual(Timestamp.parse("2026-11-25 10:05:00.5"), base + 500_000)
    }

    func testPythonAsctimeWithCommaFractionIsRead() {
        XCTAssertEqual(Timestamp.parse("2026-11-25 10:05:00,123"), base + 123_000)
    }

    func testFractionIsKeptToTheMicrosecondAndCutBeyond() {
        XCTAssertEqual(Timestamp.parse("2026-11-25T10:05:00.1234567891Z"), base + 123_456)
        XCTAssertEqual(Timestamp.parse("2026-11-25T10:05:00.000001Z"), base + 1)
    }

    func testMinutePrecisionAndDateOnlyAreRead() {
        XCTAssertEqual(Timestamp.parse("2026-11-25T10:05Z"), base)
        XCTAssertEqual(Timestamp.parse("2026-11-25"), base - (10 * 3600 + 5 * 60) * 1_000_000)
    }

    func testEpochNumbersAreToldApartByMagnitude() {
        XCTAssertEqual(Timestamp.parse(.int(1_795_601_100)), base)
        XCTAssertEqual(Timestamp.parse(.int(1_795_601_100_123)), base + 123_000)
        XCTAssertEqual(Timestamp.parse(.int(1_795_601_100_123_456)), base + 123_456)
        XCTAssertEqual(Timestamp.parse(.int(1_795_601_100_123_456_789)), base + 123_456)
        XCTAssertEqual(Timestamp.parse(.double(1_795_601_100.25)), base + 250_000)
        XCTAssertEqual(Timestamp.parse(.double(1_795_601_100_123.0)), base + 123_000)
        XCTAssertEqual(Timestamp.parse(.string("1795601100")), base)
        XCTAssertEqual(Timestamp.parse(.string("1795601100.5")), base + 500_000)
    }

    func testGarbageIsNil() {
        let garbage: [JSONValue] = [
            "yesterday", "", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z",
            "2026-11-25T10:60:00Z", "2026-11-25T10:05:00+25:00", "2026-11-25T10:05:00Zjunk", "2026-11-25T10:05:00.Z",
            "0000-01-01T00:00:00Z", "2026-11-25X10:05:00", "26-11-25", true, nil, ["2026-11-25"], .double(.nan),
        ]
        for value in garbage {
            XCTAssertNil(Timestamp.parse(value), "\(value)")
        }
    }

    func testLeapDayAndLeapSecond() {
        XCTAssertNotNil(Timestamp.parse("2024-02-29T00:00:00Z"))
        XCTAssertNil(Timestamp.parse("2023-02-29T00:00:00Z"))
        XCTAssertEqual(Timestamp.parse("2026-11-25T10:04:60Z"), base)
    }

    func testFormatIsUTCWithMilliseconds() {
        XCTAssertEqual(Timestamp.format(micros: base + 123_456), "2026-11-25T10:05:00.123Z")
        XCTAssertEqual(Timestamp.format(micros: 0), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp.format(micros: -1), "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(Timestamp.format(micros: Timestamp.minimumMicros), "0001-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp.format(micros: .max), "9999-12-31T23:59:59.999Z")
    }

    func testFormatAndParseAgreeAcrossTheCalendar() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<5000 {
            let millis = Int64.random(in: (Timestamp.minimumMicros / 1000)...(Timestamp.maximumMicros / 1000), using: &rng)
            let text = Timestamp.format(micros: millis * 1000)
            XCTAssertEqual(Timestamp.parse(text), millis * 1000, text)
        }
    }
}
