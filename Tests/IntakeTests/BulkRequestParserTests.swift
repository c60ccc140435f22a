import Intake
import LogModel
import NIOCore
import Transforms
import XCTest

/// Elasticsearch `_bulk` bodies read for the intake: items in order, documents framed with `_id` and
/// `_index` put first, whole-request errors worded as Elasticsearch words them.
final class BulkRequestParserTests: XCTestCase {
    private func parse(_ text: String, pathIndex: String? = nil) throws -> BulkRequest {
        var counter = 0
        return try BulkRequestParser.parse(ByteBuffer(string: text), pathIndex: pathIndex, newID: {
            counter += 1
            return "auto\(counter)"
        })
    }

    /// What the intake stores for each document line.
    private func stored(_ request: BulkRequest) throws -> [JSONObject] {
        let batch = try BodyDecoder.decodeAndNormalize(request.documents, contentType: "application/x-ndjson", contentEncoding: nil,
                                                       normalizer: EventNormalizer(), context: IngestContext(serviceName: "core"))
        XCTAssertEqual(batch.rejected, 0, "\(batch.errors)")
        return batch.events.map(\.document)
    }

    func testIndexAndCreateActionsBecomeEventsWithTheirIdAndIndex() throws {
        let request = try parse("""
            {"index":{"_index":"filebeat-8.11.0","_id":"abc-1"}}
            {"message":"first","log.level":"warn"}
            {"create":{"_index":"logs-nginx-default"}}
            {"@timestamp":"2026-12-02T10:00:00Z","message":"second"}

            """, pathIndex: "ignored-when-the-action-names-one")
        XCTAssertEqual(request.items.map(\.action), [.index, .create])
        XCTAssertEqual(request.items.map(\.id), ["abc-1", "auto1"])
        XCTAssertEqual(request.items.map(\.document), [0, 1])
        let documents = try stored(request)
        XCTAssertEqual(documents[0]["event"]?["id"], "abc-1")
        XCTAssertEqual(documents[0]["event"]?["dataset"], "filebeat-8.11.0")
        XCTAssertEqual(documents[0]["log"]?["level"], "warning")
        XCTAssertEqual(documents[1]["event"]?["id"], "auto1")
        XCTAssertEqual(documents[1]["event"]?["dataset"], "logs-nginx-default")
        XCTAssertEqual(documents[1]["message"], "second")
    }

    func testThePathIndexIsTheDefaultAndIdsAreKeptAsTheyAre() throws {
        let request = try parse(#"{"index":{}}"# + "\n" + #"{}"# + "\n" + #"{"index":{"_id":42}}"# + "\n" + #"{"m":1}"#, pathIndex: "app")
        XCTAssertEqual(request.items.map(\.index), ["app", "app"])
        XCTAssertEqual(request.items.map(\.id), ["auto1", "42"])
        let documents = try stored(request)
        XCTAssertEqual(documents[0]["event"]?["dataset"], "app")  // an empty document gets the fields too
        XCTAssertEqual(documents[1]["event"]?["id"], "42")
    }

    func testTheActionsIdWinsOverTheDocumentsOwn() throws {
        let request = try parse(#"{"index":{"_id":"from-action"}}"# + "\n" + #"{"event.id":"from-document","message":"m"}"#)
        XCTAssertEqual(try stored(request)[0]["event"]?["id"], "from-action")
    }

    func testAnIdTheHubCannotUseIsMappedToTheSameEventIdEveryTime() {
        let odd = "host-1/var/log/syslog:1234"
        XCTAssertEqual(BulkDocumentID.eventID(for: odd), BulkDocumentID.eventID(for: odd))
        XCTAssertNotEqual(BulkDocumentID.eventID(for: odd), BulkDocumentID.eventID(for: odd + "5"))
        XCTAssertTrue(EventID.isValidClientID(BulkDocumentID.eventID(for: odd)))
        XCTAssertTrue(BulkDocumentID.eventID(for: odd).hasPrefix("es-"))
        XCTAssertEqual(BulkDocumentID.eventID(for: "plain_ID-1"), "plain_ID-1")
        XCTAssertEqual(BulkDocumentID.automatic().count, 20)
    }

    func testDeleteAndUpdateAreRefusedPerItemAndTheFramingStaysRight() throws {
        let request = try parse("""
            {"delete":{"_index":"x","_id":"1"}}
            {"update":{"_index":"x","_id":"2"}}
            {"doc":{"message":"changed"}}
            {"index":{"_index":"x","_id":"3"}}
            {"message":"kept"}
            """)
        XCTAssertEqual(request.items.map(\.action), [.delete, .update, .index])
        XCTAssertEqual(request.items.map { $0.refusal?.status }, [400, 400, nil])
        XCTAssertEqual(request.documentCount, 1)
        XCTAssertEqual(try stored(request).map { $0["message"] }, ["kept"])
    }

    func testABadDocumentIsThatItemsErrorNotTheRequests() throws {
        let request = try parse(#"{"index":{}}"# + "\n" + #"[1,2]"# + "\n" + #"{"index":{}}"# + "\n" + #"{"message":"ok"}"#)
        let batch = try BodyDecoder.decodeAndNormalize(request.documents, contentType: "application/x-ndjson", contentEncoding: nil,
                                                       normalizer: EventNormalizer(), context: IngestContext(serviceName: "core"))
        XCTAssertEqual(batch.accepted, 1)
        XCTAssertEqual(batch.errors.map(\.index), [0])
        let body = BulkResponse.body(for: request, failures: [0: BulkItemError(status: 400, type: "document_parsing_exception", reason: "x")],
                                     backpressure: nil, tookMillis: 3)
        XCTAssertEqual(body["errors"], true)
        XCTAssertEqual(body["items"]?.arrayValue?[0]["index"]?["status"], 400)
        XCTAssertEqual(body["items"]?.arrayValue?[1]["index"]?["status"], 201)
        XCTAssertEqual(body["items"]?.arrayValue?[1]["index"]?["result"], "created")
    }

    func testMalformedRequestsAreRefusedWholeAsElasticsearchDoes() {
        let cases: [(String, BulkRequestError)] = [
            ("", .empty),
            ("\n\n", .empty),
            ("\"index\"\n{}", .malformedActionLine(line: 1, reason: "expected START_OBJECT but found a string")),
            (#"{"upsert":{}}"# + "\n{}", .malformedActionLine(line: 1, reason: "expected field [create], [delete], [index] or [update] but found [upsert]")),
            (#"{"index":{}}"# + "\n" + #"{"m":1}"# + "\n" + #"{"index":{}}"#, .missingDocument(line: 3)),
            ("{not json\n{}", .malformedActionLine(line: 1, reason: "")),
        ]
        for (body, expected) in cases {
            XCTAssertThrowsError(try parse(body), body) { error in
                guard let error = error as? BulkRequestError else { return XCTFail("\(error)") }
                if case .malformedActionLine(let line, let reason) = expected, reason.isEmpty {
                    guard case .malformedActionLine(line, _) = error else { return XCTFail("\(body): \(error)") }
                } else {
                    XCTAssertEqual(error, expected, body)
                }
            }
        }
    }

    func testBackpressureIsAnsweredPerItemWith429() throws {
        let request = try parse(#"{"index":{}}"# + "\n{}\n" + #"{"delete":{"_id":"1"}}"#)
        let rejected = BulkItemError(status: 429, type: "es_rejected_execution_exception", reason: "full")
        let body = BulkResponse.body(for: request, failures: [:], backpressure: rejected, tookMillis: 1)
        XCTAssertEqual(body["items"]?.arrayValue?[0]["index"]?["status"], 429)
        XCTAssertEqual(body["items"]?.arrayValue?[0]["index"]?["error"]?["type"], "es_rejected_execution_exception")
        XCTAssertEqual(body["items"]?.arrayValue?[1]["delete"]?["status"], 400)  // its own reason stands
    }
}
