import Intake
import LogModel
import NIOCore
import Transforms
import XCTest

final class DecodeAndNormalizeTests: XCTestCase {
    private let context = IngestContext(serviceName: "core", clientAddress: "10.0.0.7", receivedAtMicros: 1_795_601_100_201_000)

    private func batch(_ body: String, limits: IngestLimits = IngestLimits()) throws -> IngestBatch {
        try BodyDecoder.decodeAndNormalize(
            Body.buffer(body), contentType: "application/x-ndjson", contentEncoding: nil, limits: limits,
            normalizer: EventNormalizer(), context: context)
    }

    func testAcceptedAndRejectedEventsAreCountedWithTheirIndex() throws {
        let result = try batch("{\"message\":\"a\"}\nnope\n{\"id\":\"bad id\"}\n{\"message\":\"card 4111111111111111\",\"password\":\"p\"}\n")
        XCTAssertEqual(result.accepted, 2)
        XCTAssertEqual(result.rejected, 2)
        XCTAssertEqual(result.events.map { $0.document["message"] }, ["a", "card 411111******1111"])
        XCTAssertEqual(result.errors.map(\.index), [1, 2])
        XCTAssertEqual(result.errors.map(\.error.code), ["invalid_json", "invalid_event_id"])
        XCTAssertEqual(result.rejectedByCode, ["invalid_json": 1, "invalid_event_id": 1])
        XCTAssertEqual(result.redactions, 2)
    }

    func testOnlyTheFirstErrorsAreListedButAllAreCounted() throws {
        let body = String(repeating: "x\n", count: 150) + "{}\n"
        let result = try batch(body)
        XCTAssertEqual(result.rejected, 150)
        XCTAssertEqual(result.errors.count, 100)
        XCTAssertEqual(result.errors.last?.index, 99)
        XCTAssertEqual(result.rejectedByCode["invalid_json"], 150)
        XCTAssertEqual(result.accepted, 1)
        let fewer = try batch(body, limits: IngestLimits(maxReportedErrors: 3))
        XCTAssertEqual(fewer.errors.count, 3)
    }

    func testWholeRequestErrorsStillThrow() {
        XCTAssertThrowsError(try BodyDecoder.decodeAndNormalize(
            Body.buffer("{}"), contentType: "text/plain", contentEncoding: nil,
            normalizer: EventNormalizer(), context: context))
    }

    func testEventsKeepRequestOrderAndUseTheContext() throws {
        let result = try batch((0..<20).map { "{\"n\":\($0)}" }.joined(separator: "\n"))
        XCTAssertEqual(result.events.map { $0.document["labels"]?["n"] }, (0..<20).map { JSONValue.string(String($0)) })
        XCTAssertTrue(result.events.allSatisfy { $0.document["service"]?["name"] == "core" })
        XCTAssertEqual(Set(result.events.map(\.id)).count, 20)
    }

    /// The intake's path hands each event over borrowed and reuses one event's label storage for
    /// the next: every record must still hold its own event's labels and texts, exactly as the
    /// kept event (which copies its bytes) writes them.
    func testStreamedRecordsMatchTheKeptEventsAndKeepNoLabelsOfTheEventBefore() throws {
        let lines = [
            #"{"id":"e1","message":"one","shop_id":7,"a":"x","b":2,"c":true,"host":"web-1"}"#,
            #"{"id":"e2","message":"two","d":"only d"}"#,
            #"{"id":"e3","message":"three"}"#,
            #"{"id":"e4","message":"four","e":"4111 1111 1111 1111","a":"again","nested":{"k":1}}"#,
            #"{"id":"e5","message":"five","b":5,"password":"secret"}"#,
        ]
        let body = lines.joined(separator: "\n")
        var streamed: [[UInt8]] = []
        let counts = try BodyDecoder.decodeAndNormalize(
            Body.buffer(body), contentType: "application/x-ndjson", contentEncoding: nil,
            normalizer: EventNormalizer(), context: context
        ) { event in
            var record: [UInt8] = []
            event.writeSpoolRecord(into: &record)
            streamed.append(record)
        }
        XCTAssertEqual(counts.accepted, 5)
        let kept = try batch(body).events
        XCTAssertEqual(streamed.count, kept.count)
        let documents = try streamed.map { try JSONParser.parse(SpooledEvent(decoding: $0).json) }
        XCTAssertEqual(documents.map { $0["message"] }, ["one", "two", "three", "four", "five"])
        XCTAssertEqual(documents.map { $0["event"]?["id"] }, ["e1", "e2", "e3", "e4", "e5"])
        XCTAssertEqual(documents.map { $0["labels"] }, [
            ["shop_id": "7", "a": "x", "b": "2", "c": "true"],
            ["d": "only d"],
            nil,
            ["e": "411111******1111", "a": "again"],
            ["b": "5", "password": "[REDACTED]"],
        ])
        XCTAssertEqual(documents.map { $0["host"]?["name"] }, ["web-1", nil, nil, nil, nil])
        XCTAssertEqual(streamed, kept.map { $0.spoolRecord() })
    }
}
