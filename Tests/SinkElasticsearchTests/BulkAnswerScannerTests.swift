import SinkElasticsearch
import XCTest

/// The `_bulk` answer is read by a scanner that passes over what the sink does not use; it must read
/// exactly what the parsed tree reads, and leave to the tree whatever it does not read the same way.
final class BulkAnswerScannerTests: XCTestCase {
    private func reading(_ response: BulkResponse?) -> String {
        guard let response else { return "not a bulk response" }
        let items = response.items.map { "\($0.index ?? "-") \($0.status.map(String.init) ?? "-") \($0.errorSummary ?? "-")" }
        return "errors=\(response.errors.map(String.init) ?? "-") " + items.joined(separator: " | ")
    }

    private func scanned(_ text: String) -> BulkResponse? {
        Array(text.utf8).withUnsafeBufferPointer(BulkAnswerScanner.scan)
    }

    private func assertSameReading(_ text: String, scans: Bool, file: StaticString = #filePath, line: UInt = #line) {
        let body = Array(text.utf8)
        XCTAssertEqual(reading(BulkResponse.parse(body)), reading(BulkResponse.parseTree(body)), text, file: file, line: line)
        XCTAssertEqual(scanned(text) != nil, scans, "scanned: \(text)", file: file, line: line)
        if scans { XCTAssertEqual(reading(scanned(text)), reading(BulkResponse.parseTree(body)), text, file: file, line: line) }
    }

    func testReadsWhatTheTreeReads() {
        let created = #"{"create":{"_index":"logs-2026.12.04","_id":"a","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}}"#
        let conflict = #"{"create":{"_index":"logs-2026.12.04","_id":"b","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[b]: version conflict, document already exists (current version [1])","index_uuid":"x","shard":"0","index":"logs-2026.12.04"}}}"#
        let mapping = #"{"create":{"_index":"logs-2026.12.04","_id":"c","status":400,"error":{"type":"document_parsing_exception","reason":"[1:15] failed to parse field [shop_id] of type [long] \"é\"","caused_by":{"type":"illegal_argument_exception","reason":"For input string: \"abc\""}}}}"#
        let overloaded = #"{"create":{"_index":"logs-2026.12.04","_id":"d","status":429,"error":"es_rejected_execution_exception: rejected execution"}}"#
        let missing = #"{"create":{"status":404,"error":{"type":"index_not_found_exception","reason":"no such index [logs-2026.12.04]"},"_index":"logs-2026.12.04","_id":"e"}}"#
        assertSameReading(#"{"took":3,"errors":false,"items":[\#(created),\#(created)]}"#, scans: true)
        assertSameReading(#"{"errors":true,"took":7,"items":[\#(created),\#(conflict),\#(mapping),\#(overloaded),\#(missing)]}"#, scans: true)
        assertSameReading(#"{"took":0,"errors":false,"items":[]}"#, scans: true)
        // Items of two days, of an index of the same length, and of an empty name: each item's own
        // (the scanner shares the string of an item whose index bytes equal the one before).
        let days = ["logs-2026.12.04", "logs-2026.12.04", "logs-2026.12.05", "logs-2026.12.04", "", "", "logs-2026.12.05"]
            .enumerated().map { #"{"create":{"_index":"\#($0.element)","_id":"\#($0.offset)","status":201}}"# }
        assertSameReading(#"{"errors":false,"items":[\#(days.joined(separator: ","))]}"#, scans: true)
        XCTAssertEqual(scanned(#"{"errors":false,"items":[\#(days.joined(separator: ","))]}"#)?.items.map(\.index),
                       ["logs-2026.12.04", "logs-2026.12.04", "logs-2026.12.05", "logs-2026.12.04", "", "", "logs-2026.12.05"])
        // Pretty-printed (`?pretty`), with escapes, arrays and non-ASCII text in what is passed over.
        let pretty = """
            {
              "took" : 12,
              "errors" : false,
              "ingest_took" : 1.5e0,
              "items" : [
                {
                  "create" : {
                    "_index" : "logs-2026.12.04", "_id" : "f\\"\\u00e9", "tags" : [ true, null, -1.25, [ ], { } ],
                    "result" : "créé", "status" : 201
                  },
                  "extra" : { "ignored" : [1, 2] }
                }
              ]
            }
            """
        assertSameReading(pretty, scans: true)
    }

    func testLeavesToTheTreeWhatItDoesNotReadTheSameWay() {
        let cases = [
            #"{"items":[{"create":{"_index":"logs-\u0032","status":201}}]}"#,       // an escape in the index
            #"{"items":[{"create":{"_index":"logs","status":"201"}}]}"#,            // a status that is text
            #"{"items":[{"create":{"_index":"logs","status":2.01e2}}]}"#,           // or a fraction
            #"{"items":[{"create":{"_index":"logs","status":201,"status":500}}]}"#, // a repeated key it reads
            #"{"items":[{"create":"created"}]}"#,                                   // an action that is no object
            #"{"items":[7]}"#,
            #"{"items":{"create":{}}}"#,
            #"{"items":[],"items":[]}"#,
            #"{"took":1,"errors":false}"#,                                          // no items
            #"{"items":[{"create":{"status":201}}]} trailing"#,
            #"{"items":[{"create":{"status":201}}"#,
            "<html><body>502 Bad Gateway</body></html>",
            "",
        ]
        for text in cases { assertSameReading(text, scans: false) }
    }
}
