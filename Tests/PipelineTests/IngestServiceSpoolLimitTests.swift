import Foundation
import Intake
import NIOCore
import Pipeline
import Spool
import Transforms
import XCTest

/// The intake may accept events larger than the spool's record limit: such an event is refused on
/// its own, never the whole request with a 503 a client would retry forever.
final class IngestServiceSpoolLimitTests: XCTestCase {
    func testAnEventTooLargeForTheSpoolIsRejectedAloneAsEventTooLarge() async throws {
        let fixture = try IngestServiceFixture(self)
        let (spool, service) = (fixture.spool, fixture.service)

        let big = String(repeating: "x", count: 10_000)
        let body = """
            not json
            {"message":"\(big)","level":"error"}
            {"message":"fits","level":"info"}
            """
        let receipt = try await service.ingest(body: ByteBuffer(string: body), contentType: "application/x-ndjson", contentEncoding: nil,
                                               context: IngestContext(serviceName: "billing"))

        XCTAssertEqual(receipt.accepted, 1)
        XCTAssertEqual(receipt.rejected, 2)
        XCTAssertEqual(receipt.errors.map(\.index), [0, 1], "the request positions, in order")
        XCTAssertEqual(receipt.errors.map(\.error.code), ["invalid_json", "event_too_large"])
        XCTAssertTrue(receipt.errors[1].error.message.contains("4096"), receipt.errors[1].error.message)
        let spooled = try await spool.reader(for: "mongodb").read(maxRecords: 10, maxBytes: 1 << 20, wait: .zero)
        XCTAssertEqual(spooled.count, 1)
        XCTAssertTrue(String(decoding: spooled[0].payload, as: UTF8.self).contains("fits"))
    }
}
