import Foundation
import Intake
import NIOCore
import Pipeline
import Spool
import Transforms
import XCTest

/// A large request is decoded in pieces on several cores; the answer and the spool must be the
/// same as for one piece: every index counted across the whole request, records in request order.
final class IngestServicePiecesTests: XCTestCase {
    func testALargeRequestDecodedInPiecesKeepsIndexesAndOrder() async throws {
        let fixture = try IngestServiceFixture(self)
        let (spool, service) = (fixture.spool, fixture.service)

        // 3000 lines (~350 KB, several pieces): bad ones early, in the middle and last; a blank line
        // takes no index; one event too large for the spool's record limit.
        let bad: Set<Int> = [3, 1499, 1500, 2999]
        let tooLarge = 2200
        var lines: [String] = []
        for index in 0..<3000 {
            if index == 10 { lines.append("   ") }
            if bad.contains(index) {
                lines.append(#"{"message": broken \#(index)"#)
            } else if index == tooLarge {
                lines.append(#"{"message":"\#(String(repeating: "x", count: 10_000))"}"#)
            } else {
                lines.append(#"{"message":"event \#(index)","level":"info","shop_id":\#(index),"padding":"\#(String(repeating: "p", count: 40))"}"#)
            }
        }
        let receipt = try await service.ingest(body: ByteBuffer(string: lines.joined(separator: "\n")), contentType: "application/x-ndjson",
                                               contentEncoding: nil, context: IngestContext(serviceName: "billing"))

        XCTAssertEqual(receipt.accepted, 3000 - bad.count - 1)
        XCTAssertEqual(receipt.rejected, bad.count + 1)
        XCTAssertEqual(receipt.errors.map(\.index), (bad.sorted() + [tooLarge]).sorted(), "indexes within the whole request")
        XCTAssertEqual(receipt.errors.first { $0.index == tooLarge }?.error.code, "event_too_large")

        let spooled = try await spool.reader(for: "mongodb").read(maxRecords: 5000, maxBytes: 64 << 20, wait: .zero)
        let order = spooled.map { record -> Int in
            let text = String(decoding: record.payload, as: UTF8.self)
            guard let range = text.range(of: #"event \d+"#, options: .regularExpression) else { return -1 }
            return Int(text[range].dropFirst(6)) ?? -1
        }
        let expected = (0..<3000).filter { !bad.contains($0) && $0 != tooLarge }
        XCTAssertEqual(order, expected, "spooled in request order")
    }
}
