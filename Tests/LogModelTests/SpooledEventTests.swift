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
            // Read in place, as alerting does.
            XCTAssertEqual(layout.id(in: bytes), event.id)
            XCTAssertEqual(try layout.parseDocument(in: bytes), try JSONParser.parse(event.json))
            XCTAssertEqual(layout.isMeant(for: "elasticsearch", in: bytes), event.isMeant(for: "elasticsearch"))
            XCTAssertEqual(layout.isMeant(for: "alerting", in: bytes), event.isMeant(for: "alerting"))
            XCTAssertEqual(layout.isMeant(for: "alerting", in: bytes), target.isEmpty)
        }
    }

    func testAShortOrForeignRecordIsRefused() {
        XCTAssertThrowsError(try SpooledEvent.layout(of: [1, 0, 0])) { XCTAssertEqual($0 as? SpooledEvent.DecodingError, .truncated) }
        var bytes = SpooledEvent(id: "a", timestampMillis: 0, json: Array("{}".utf8)).encoded()
        bytes[0] = 9
        XCTAssertThrowsError(try SpooledEvent.layout(of: bytes)) { XCTAssertEqual($0 as? SpooledEvent.DecodingError, .unknownVersion(9)) }

    }

    func testTheHeaderCarriesTheLevelAndServiceOrSaysItDoesNotKnowThem() throws {
        let json = Array(#"{"message":"m"}"#.utf8)
        let known = SpooledEvent(id: "e1", timestampMillis: 5, level: .warning, service: "caf\u{E9}", json: json)
        let bytes = known.encoded()
        let layout = try SpooledEvent.layout(of: bytes)
        XCTAssertEqual(layout.level, .warning)
        XCTAssertEqual(layout.service.map { String(decoding: bytes[$0], as: UTF8.self) }, "caf\u{E9}")
        XCTAssertEqual(Array(bytes[layout.jsonStart...]), json)
        XCTAssertEqual(try SpooledEvent(decoding: bytes), known)

        let unknown = try SpooledEvent.layout(of: SpooledEvent(id: "e1", timestampMillis: 5, json: json).encoded())
        XCTAssertNil(unknown.level)
        XCTAssertNil(unknown.service)
        // Too long for a length byte: written as unknown rather than cut (a cut name would equal a shorter one).
        let long = String(repeating: "s", count: 255)
        let longLayout = try SpooledEvent.layout(of: SpooledEvent(id: "e1", timestampMillis: 5, service: long, json: json).encoded())
        XCTAssertNil(longLayout.service)
        let fits = String(repeating: "s", count: 254)
        let fitsBytes = SpooledEvent(id: "e1", timestampMillis: 5, service: fits, json: json).encoded()
        XCTAssertEqual(try SpooledEvent(decoding: fitsBytes).service, fits)
    }

    /// Records written before the level and service were in the header (version 1) are still read.
    func testAVersionOneRecordIsStillRead() throws {
        let json = Array(#"{"log":{"level":"error"}}"#.utf8)
        var bytes: [UInt8] = [1]
        withUnsafeBytes(of: Int64(1_764_000_000_123).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += [2] + Array("e7".utf8) + [13] + Array("elasticsearch".utf8) + json
        let event = try SpooledEvent(decoding: bytes)
        XCTAssertEqual(event, SpooledEvent(id: "e7", timestampMillis: 1_764_000_000_123, target: "elasticsearch", json: json))
        let layout = try SpooledEvent.layout(of: bytes)
        XCTAssertNil(layout.level)
        XCTAssertNil(layout.service)
        XCTAssertEqual(LevelPeek.level(in: bytes, from: layout.jsonStart), .error)
        // A version 2 header cut short is refused, not read into the document.
        XCTAssertThrowsError(try SpooledEvent.layout(of: [2] + [UInt8](repeating: 0, count: 8) + [0, 0, 3, 4])) {
            XCTAssertEqual($0 as? SpooledEvent.DecodingError, .truncated)
        }
    }
}
