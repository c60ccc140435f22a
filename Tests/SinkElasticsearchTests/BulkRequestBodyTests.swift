import LogModel
import SinkElasticsearch
import XCTest

/// The `_bulk` body is written through a pointer into one allocation: the bytes must be what the
/// protocol asks for (protocols.md 3.1) whatever the id holds and wherever a document has a line break.
final class BulkRequestBodyTests: XCTestCase {
    private let day: Int64 = 1_764_028_800_000  // 2025-11-25T00:00:00Z

    func testEveryByteOfTheBody() {
        let ids = ["plain-id", "quote\"back\\slash", "tab\tbell\u{07}nul\u{0}", "ünï 日本 😀", String(repeating: "\"", count: 80)]
        var events = ids.enumerated().map { n, id in
            SpooledEvent(id: id, timestampMillis: day + Int64(n) * 3_600_000, json: Array(#"{"n":\#(n),"s":"x"}"#.utf8))
        }
        // Line breaks between tokens (never inside a JSON string) become spaces; the next day's index.
        events.append(SpooledEvent(id: "breaks", timestampMillis: day + 86_400_000, json: Array("{\"a\":1,\n\"b\":\r\n2}\r".utf8)))

        let body = String(decoding: BulkRequestBody.encode(events, indexPrefix: "logs"), as: UTF8.self)

        let expected = #"""
            {"create":{"_index":"logs-2025.11.25","_id":"plain-id"}}
            {"n":0,"s":"x"}
            {"create":{"_index":"logs-2025.11.25","_id":"quote\"back\\slash"}}
            {"n":1,"s":"x"}
            {"create":{"_index":"logs-2025.11.25","_id":"tab\u0009bell\u0007nul\u0000"}}
            {"n":2,"s":"x"}
            {"create":{"_index":"logs-2025.11.25","_id":"ünï 日本 😀"}}
            {"n":3,"s":"x"}
            {"create":{"_index":"logs-2025.11.25","_id":"\#(String(repeating: #"\""#, count: 80))"}}
            {"n":4,"s":"x"}
            {"create":{"_index":"logs-2025.11.26","_id":"breaks"}}
            {"a":1, "b":  2} 

            """#
        XCTAssertEqual(body, expected)
    }

    func testAnEmptyBatchIsAnEmptyBody() {
        XCTAssertEqual(BulkRequestBody.encode([SpooledEvent](), indexPrefix: "logs"), [])
    }
}
