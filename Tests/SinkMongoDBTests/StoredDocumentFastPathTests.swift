import ClientMongo
import LogModel
import SinkMongoDB
import XCTest

/// The MongoDB sink writes a stored event's JSON straight into BSON (`BSONDocument.storing`): it must
/// give the very bytes the parsed-tree path gives, and step aside (nil) where it cannot.
final class StoredDocumentFastPathTests: XCTestCase {
    private let millis: Int64 = 1_764_680_400_123

    /// The tree path as the sink takes it: parse, add `@timestamp` when missing, write with `_id` first.
    private func throughTree(_ json: String, id: String) throws -> [UInt8] {
        guard case .object(var object) = try JSONParser.parse(json) else { throw BSONEncodingError.notAnObject }
        if object["@timestamp"] == nil { object["@timestamp"] = .string(RFC3339.string(fromMilliseconds: millis)) }
        return try BSONDocument(object: object, id: .string(id), datePaths: MongoSink.datePaths).bytes
    }

    private func fast(_ json: String, id: String = "evt-1") -> [UInt8]? {
        BSONDocument.storing(json: Array(json.utf8), id: id, datePaths: MongoSink.datePaths,
                             timestampIfMissing: ("@timestamp", millis))?.bytes
    }

    func testSameBytesAsTheTreePath() throws {
        let samples = [
            #"{"@timestamp":"2026-12-02T13:00:00.123Z","level":"error","message":"payment failed for shop 42","logger":"billing.views","event":{"id":"e1","ingested":"2026-12-02T13:00:01.5Z","dataset":"app"},"service":{"name":"billing","environment":"prod"},"shop_id":42,"host":{"name":"web-1"}}"#,
            #"{"message":"no timestamp here","n":1}"#,
            #"{"@timestamp":"2026-12-02T13:00:00Z","_id":"the client's own","nested":{"_id":"kept"}}"#,
            #"{"s":"a\"b\\c\/d\b\f\n\r\t\u00e9\u65e5\ud83d\ude00 end","raw":"héllo 日本 😀","nul":"a\u0000b"}"#,
            #"{"ints":[0,-0,1,-1,2147483647,2147483648,-2147483648,-2147483649,9223372036854775807,-9223372036854775807]}"#,
            #"{"doubles":[1.5,-0.0,1e3,1E-3,0.000123,123.456e2,3.14159,-2.5e-5,1e22,0.1]}"#,
            #"{"empty":{},"none":[],"deep":{"a":{"b":[{"c":[1,[2,[3]]]}]}},"t":true,"f":false,"z":null}"#,
            #"{"event.ingested":"2026-12-02T13:00:01.000Z","@timestamp":["2026-12-02T13:00:00Z","2026-12-02T14:00:00+01:00"]}"#,
            "{ \"spaced\" :\t[ 1 ,\n 2 ]\r\n, \"x\" : { } }  \n",
            #"{"@timestamp":null,"event":{"ingested":7}}"#,
        ]
        for json in samples {
            let expected = try throughTree(json, id: "evt-1")
            XCTAssertEqual(fast(json), expected, json)
        }
        XCTAssertEqual(fast(samples[0], id: "odd \"id\" ü"), try throughTree(samples[0], id: "odd \"id\" ü"))
    }

    /// The sink writes a batch's documents back to back into one `BSONBatch`: each is the same bytes
    /// as alone, a document from the tree path is copied in among them, and one MongoDB would refuse
    /// (an empty key) keeps its index but is left out.
    func testABatchHoldsTheSameDocumentsByIndex() throws {
        let samples = [
            #"{"@timestamp":"2026-12-02T13:00:00.123Z","level":"error","message":"first"}"#,
            #"{"message":"no timestamp here","n":1,"deep":{"a":[1,2,{"b":null}]}}"#,
            #"{"s":"héllo 日本","ints":[2147483648,-1],"t":true}"#,
        ]
        var batch = BSONBatch()
        let scratch = BSONScratch()
        for json in samples.prefix(2) {
            let appended = Array(json.utf8).withUnsafeBufferPointer {
                batch.appendStoring(json: $0, id: "evt-1", datePaths: MongoSink.datePaths, timestampIfMissing: ("@timestamp", millis), scratch: scratch)
            }
            XCTAssertTrue(appended, json)
        }
        batch.append(try BSONDocument(object: ["": .int(1)]))
        batch.append(try BSONDocument(object: ["tree": .string("copied")], id: .string("evt-2")))
        let last = Array(samples[2].utf8).withUnsafeBufferPointer {
            batch.appendStoring(json: $0, id: "evt-1", datePaths: MongoSink.datePaths, timestampIfMissing: ("@timestamp", millis), scratch: scratch)
        }
        XCTAssertTrue(last)
        XCTAssertEqual(batch.count, 5)
        XCTAssertEqual(batch.bytes(ofDocument: 0).map(Array.init), fast(samples[0]))
        XCTAssertEqual(batch.bytes(ofDocument: 1).map(Array.init), fast(samples[1]))
        XCTAssertNil(batch.bytes(ofDocument: 2), "an empty key is left out")
        XCTAssertEqual(batch.bytes(ofDocument: 3).map(Array.init), try BSONDocument(object: ["tree": .string("copied")], id: .string("evt-2")).bytes)
        XCTAssertEqual(batch.bytes(ofDocument: 4).map(Array.init), fast(samples[2]))
        XCTAssertNil(batch.bytes(ofDocument: 5))
    }

    /// The writer scans strings eight bytes at a time and hashes keys a word at a time: every length
    /// around those words, with an escape, a non-ASCII letter or nothing at every place, and arrays
    /// long enough for two-digit element keys.
    func testSameBytesForEveryStringLengthAndPlace() throws {
        for length in 0...40 {
            let plain = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            var json = #"{"plain":"\#(plain)","k\#(plain)":1"#
            for place in stride(from: 0, through: length, by: 3) {
                let head = plain.prefix(place), tail = plain.dropFirst(place)
                json += #","e\#(place)":"\#(head)\n\#(tail)","u\#(place)":"\#(head)é\#(tail)","q\#(place)":"\#(head)\"\#(tail)""#
            }
            json += #","list":[\#((0..<(length + 1)).map(String.init).joined(separator: ","))]}"#
            XCTAssertEqual(fast(json), try throughTree(json, id: "evt-1"), json)
        }
        // Keys that share their first and last eight bytes are still told apart.
        let similar = #"{"abcdefgh-1-abcdefgh":1,"abcdefgh-2-abcdefgh":2,"_id_":3,"nested":{"_id":"kept","_id2":4}}"#
        XCTAssertEqual(fast(similar), try throughTree(similar, id: "evt-1"))
    }

    func testStepsAsideWhereTheTreePathDecides() {
        let bail = [
            #"{"a":1,"a":2}"#,                               // duplicate key: the parser keeps the last value
            #"{"s":"\ud800"}"#,                              // lone surrogate: a parse error
            #"{"big":12345678901234567890}"#,                // needs the C library's rounding
            #"{"huge":1e400}"#,
            #"{"x":1.23456789012345678901}"#,
            #"{"@timestamp":"yesterday"}"#,                  // not RFC 3339 at a date path: the tree path's error
            #"{"a\u0000b":1}"#,                              // NUL in a key
            #"{"":1}"#,                                      // empty key: MongoDB refuses it
            #"{"a":}"#, #"{"a":1} x"#, #"[1]"#, #"{"a":01}"#, #"{"a":tru}"#,
        ]
        for json in bail { XCTAssertNil(fast(json), json) }
        XCTAssertNil(BSONDocument.storing(json: [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D], id: "e", datePaths: MongoSink.datePaths,
                                          timestampIfMissing: nil), "invalid UTF-8")
        let deep = String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40)
        XCTAssertNil(fast(deep), "deep nesting")
    }
}
