import LogModel
import Transforms
import XCTest

/// Every key the hub stores must be accepted, and read back the same way, by MongoDB and by
/// Elasticsearch (ingest/README.md, "Keys").
final class StorableKeyTests: XCTestCase {
    func testEmptyKeysBecomeUnderscore() throws {
        let event = try normalize(#"{"": "label", "attributes": {"": {"": 1}}}"#)
        XCTAssertEqual(event["labels"], ["_": "label"])
        XCTAssertEqual(event["attributes"], ["_": ["_": 1]])
    }

    func testDotsBecomeUnderscoresAtEveryDepth() throws {
        let event = try normalize(#"{"http.status": 200, "ctx": {"a.b": {"c.d": [{"e.f": 1}]}}}"#)
        XCTAssertEqual(event["labels"], ["http_status": "200"])
        XCTAssertEqual(event["attributes"], ["ctx": ["a_b": ["c_d": [["e_f": 1]]]]])
    }

    func testLeadingDollarBecomesUnderscore() throws {
        let event = try normalize(#"{"$set": "x", "q": {"$gt": 1, "a$": 2}}"#)
        XCTAssertEqual(event["labels"], ["_set": "x"])
        XCTAssertEqual(event["attributes.q"], ["_gt": 1, "a$": 2])
    }

    func testControlCharactersBecomeUnderscores() throws {
        let event = try normalize(#"{"a\u0000b": "nul", "c\nd": "newline", "o": {"e\u0085f\u007f": 1}, "ünï": "kept"}"#)
        XCTAssertEqual(event["labels"], ["a_b": "nul", "c_d": "newline", "ünï": "kept"])
        XCTAssertEqual(event["attributes.o"], ["e_f_": 1])
    }

    func testLongKeysAreShortenedDistinctlyAndStably() throws {
        let long1 = String(repeating: "k", count: 200) + "1"
        let long2 = String(repeating: "k", count: 200) + "2"
        let event = try normalize(JSONValue.object([long1: "a", long2: "b"]).jsonString)
        let keys = try XCTUnwrap(event["labels"]?.objectValue?.keys)
        XCTAssertEqual(keys.count, 2, "distinct long keys stay distinct")
        for key in keys {
            XCTAssertEqual(key.utf8.count, 128)
            XCTAssertTrue(key.hasPrefix(String(repeating: "k", count: 119) + "~"), key)
        }
        let again = try normalize(JSONValue.object([long1: "c"]).jsonString)
        XCTAssertEqual(again["labels"]?.objectValue?.keys.first, keys.first, "the same long key maps to the same field")
    }

    func testLongKeysAreCutOnACharacterBoundary() throws {
        let key = String(repeating: "я", count: 100)  // 200 bytes
        let event = try normalize(JSONValue.object(["o": .object([key: 1])]).jsonString)
        let stored = try XCTUnwrap(event["attributes.o"]?.objectValue?.keys.first)
        XCTAssertLessThanOrEqual(stored.utf8.count, 128)
        XCTAssertTrue(stored.hasPrefix(String(repeating: "я", count: 59) + "~"), stored)
    }

    func testKeysThatCollideAfterNormalisingKeepTheFirstAndCountTheRest() throws {
        let event = try normalize(#"{"a.b": "1", "a_b": "2", "o": {"x_y": 1, "x.y": {"z": 2}, "$k": 3, "_k": 4}}"#)
        XCTAssertEqual(event["labels"], ["a_b": "1"])
        XCTAssertEqual(event["attributes.o"], ["x_y": 1, "_k": 3])
        XCTAssertEqual(event["event.dropped_keys"], 4, "a_b, x.y with its z, _k")
    }

    func testStorableKeysAreLeftAlone() throws {
        let json = #"{"service_version": "1", "ctx": {"user-agent": "x", "Ünïcode key": 1, "_id": 2, "a$b": 3, "k@v": 4}}"#
        let event = try normalize(json)
        XCTAssertEqual(event["labels"], ["service_version": "1"])
        XCTAssertEqual(event["attributes.ctx"], ["user-agent": "x", "Ünïcode key": 1, "_id": 2, "a$b": 3, "k@v": 4])
        XCTAssertNil(event["event.dropped_keys"])
    }
}
