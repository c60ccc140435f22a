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
}
