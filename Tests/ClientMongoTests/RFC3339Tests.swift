import ClientMongo
import XCTest

final class RFC3339Tests: XCTestCase {
    func testUTCTimestampWithMillisecondsParsesToEpochMilliseconds() {
        XCTAssertEqual(RFC3339.milliseconds(from: "1970-01-01T00:00:00.000Z"), 0)
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-25T10:05:00.123Z"), 1_795_601_100_123)
    }

    func testOffsetsAreConvertedToUTC() {
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-25T12:05:00.123+02:00"), 1_795_601_100_123)
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-25T05:05:00.123-0500"), 1_795_601_100_123)
    }

    func testMissingZoneMeansUTCAndExtraFractionDigitsAreTruncated() {
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-25 10:05:00.123999"), 1_795_601_100_123)
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-25T10:05:00.1Z"), 1_795_601_100_100)
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-25t10:05:00z"), 1_795_601_100_000)
    }

    func testMalformedOrOutOfRangeTimestampsAreRefused() {
        for text in ["", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-25T24:00:00Z",
                     "2026-11-25T10:05:00.Z", "2026-11-25T10:05:00Zjunk", "not a date", "2026-11-25T10:05:00+25:00"] {
            XCTAssertNil(RFC3339.milliseconds(from: text), text)
        }
        XCTAssertNotNil(RFC3339.milliseconds(from: "2028-02-29T00:00:00Z"), "leap day")
        // The hub reads times one way everywhere (LogModel's Timestamp), which takes a bare date as midnight UTC.
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-25"), 1_795_564_800_000)
    }

    func testFormattingIsUTCWithThreeFractionDigitsAndRoundTrips() {
        XCTAssertEqual(RFC3339.string(fromMilliseconds: 1_795_601_100_123), "2026-11-25T10:05:00.123Z")
        XCTAssertEqual(RFC3339.string(fromMilliseconds: 0), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(RFC3339.string(fromMilliseconds: -1), "1969-12-31T23:59:59.999Z")
        for ms: Int64 in [-86_400_001, 951_782_400_000, 4_102_444_799_999, 1_795_601_100_123] {
            XCTAssertEqual(RFC3339.milliseconds(from: RFC3339.string(fromMilliseconds: ms)), ms)
        }
    }
}
