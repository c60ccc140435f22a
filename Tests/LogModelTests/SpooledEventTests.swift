import LogModel
import XCTest

/// The spool record's layout, read in place by the best-effort readers, agrees with the decoder.
final class SpooledEventTests: XCTestCase {
    func testLayoutPointsAtTheSamePartsTheDecoderReads() throws {
        for target in ["", "elasticsearch"] {
            let event = SpooledEvent(id: "01JXYZ-id_1", timestampMillis: -1_234, target: target, json: Array(#"{"message":"é"}"#.utf8))
            let bytes = event.encoded()
            let layout = try SpooledEvent.layout(of: bytes)
            XCTAssertEqual(String(decoding: bytes[layout.id], as: UTF8.self), event.id)
            XCTAssertEqual(String(decoding: bytes[layout.target], as: UTF8.self), target)
            XCTAssertEqual(Array(bytes[layout.jsonStart...]), event.json)
            XCTAssertEqual(layout.timestampMillis, -1_234)
            XCTAssertEqual(try SpooledEvent(decoding: bytes), event)
        }
    }

    func testAShortOrForeignRecordIsRefused() {
        XCTAssertThrowsError(try SpooledEvent.layout(of: [1, 0, 0])) { XCTAssertEqual($0 as? SpooledEvent.DecodingError, .truncated) }
        var bytes = SpooledEvent(id: "a", timestampMillis: 0, json: Array("{}".utf8)).encoded()
        bytes[0] = 9
        XCTAssertThrowsError(try SpooledEvent.layout(of: bytes)) { XCTAssertEqual($0 as? SpooledEvent.DecodingError, .unknownVersion(9)) }

    }
}
