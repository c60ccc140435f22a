import ClientMongo
import LogModel
import XCTest

final class BSONDocumentTests: XCTestCase {
    private let storedShape: JSONValue = [
        "@timestamp": "2026-11-25T10:05:00.123Z",
        "event": ["id": "01936f3e-7c1a-7c3e-9b1e-2f4d5a6b7c8d", "ingested": "2026-11-25T10:05:00.201Z", "dataset": "core"],
        "log": ["level": "error", "logger": "billing.views"],
        "message": "paiement échoué 💳 für Bestellung 42 — 支付失败",
        "labels": ["shop_id": "42", "retry": "true"],
        "attributes": [
            "order": ["items": 3, "total": 19.99, "big": 9_007_199_254_740_993, "negative": -2_147_483_649],
            "flags": [true, false, nil],
            "tags": ["a", "b"],
            "empty": [:],
            "nothing": [],
        ],
    ]

    func testJSONRoundTripKeepsTypesNestingOrderAndUnicode() throws {
        let document = try BSONDocument(storedShape)
        XCTAssertEqual(document.json, storedShape)
    }

    func testDatePathsBecomeBSONDatesAndReadBackAsRFC3339() throws {
        var shape = storedShape.objectValue!
        shape["@timestamp"] = "2026-11-25T11:05:00.123456+01:00"
        let document = try BSONDocument(object: shape, datePaths: ["@timestamp", "event.ingested"])
        let back = document.json
        XCTAssertEqual(back["@timestamp"], "2026-11-25T10:05:00.123Z", "normalised to UTC milliseconds: it is a date now")
        XCTAssertEqual(back["event"]?["ingested"], "2026-11-25T10:05:00.201Z")
        XCTAssertEqual(back["event"]?["dataset"], "core", "only the configured paths turn into dates")
        // BSON type 0x09 (date_time) right after the first key proves the stored value is a date, not a string.
        let bytes = document.bytes
        let key = Array("@timestamp".utf8)
        let keyStart = try XCTUnwrap(bytes.indices.first { bytes[$0...].starts(with: key) })
        XCTAssertEqual(bytes[keyStart - 1], 0x09)
    }

    func testIdIsWrittenFirstAndReplacesAnIdInTheObject() throws {
        let document = try BSONDocument(["message": "x", "_id": "client-chosen"], id: "event-1")
        XCTAssertEqual(document.json.objectValue?.keys, ["_id", "message"])
        XCTAssertEqual(document.json["_id"], "event-1")
        let moved = try BSONDocument(["message": "x", "_id": "only-id"])
        XCTAssertEqual(moved.json.objectValue?.keys, ["_id", "message"])
    }

    func testNonRFC3339ValueAtADatePathIsRefusedWithItsPath() {
        XCTAssertThrowsError(try BSONDocument(["event": ["ingested": "yesterday"]], datePaths: ["event.ingested"])) {
            XCTAssertEqual($0 as? BSONEncodingError, .invalidDate(path: "event.ingested", value: "yesterday"))
        }
    }

    func testKeysWithNulAndNonObjectsAreRefused() {
        XCTAssertThrowsError(try BSONDocument(["a": ["b\u{0}c": 1]])) {
            XCTAssertEqual($0 as? BSONEncodingError, .keyContainsNul(path: "a.b\u{0}c"))
        }
        XCTAssertThrowsError(try BSONDocument(JSONValue.array([1]))) {
            XCTAssertEqual($0 as? BSONEncodingError, .notAnObject)
        }
    }

    func testStringsMayContainNul() throws {
        let value: JSONValue = ["message": "before\u{0}after"]
        XCTAssertEqual(try BSONDocument(value).json, value)
    }

    func testDatePathMatchesFlatDottedKeysAndArraysOfDates() throws {
        let document = try BSONDocument(["event.ingested": "2026-11-25T10:05:00Z", "seen": ["2026-01-01T00:00:00Z"]],
                                        datePaths: ["event.ingested", "seen"])
        XCTAssertEqual(document.json["event.ingested"], "2026-11-25T10:05:00.000Z")
        XCTAssertEqual(document.json["seen"], ["2026-01-01T00:00:00.000Z"])
    }

    func testQueryDocumentsTurnExtendedJSONDatesIntoDatesButStoredDocumentsDoNot() throws {
        let query = try BSONDocument(query: ["@timestamp": ["$gte": ["$date": "2026-11-25T10:00:00Z"]]])
        XCTAssertEqual(query.json["@timestamp"]?["$gte"], "2026-11-25T10:00:00.000Z")
        let stored = try BSONDocument(["x": ["$date": "2026-11-25T10:00:00Z"]])
        XCTAssertEqual(stored.json["x"]?["$date"], "2026-11-25T10:00:00Z")
    }

    func testRawBytesRoundTripAndCorruptBytesAreRefused() throws {
        let document = try BSONDocument(storedShape)
        let copy = try BSONDocument(bytes: document.bytes)
        XCTAssertEqual(copy.json, storedShape)
        XCTAssertEqual(copy.byteCount, document.byteCount)
        var corrupt = document.bytes
        corrupt[0] = 0xFF
        XCTAssertThrowsError(try BSONDocument(bytes: corrupt))
        XCTAssertThrowsError(try BSONDocument(bytes: []))
    }
}
