import Intake
import NIOCore
import XCTest

/// `BodyDecoder.split`: the pieces a large NDJSON body is decoded in on several cores.
final class BodySplitTests: XCTestCase {
    private func lines(_ count: Int) -> String {
        (0..<count).map { #"{"message":"event \#($0)","padding":"\#(String(repeating: "p", count: $0 % 50))"}"# }
            .joined(separator: "\n") + "\n"
    }

    private func split(_ body: ByteBuffer, type: String = "application/x-ndjson", encoding: String? = nil,
                       parts: Int = 2, minimum: Int = 1024) throws -> [String] {
        try BodyDecoder.split(body, contentType: type, contentEncoding: encoding, parts: parts, minimumPartBytes: minimum)
            .map { String(buffer: $0) }
    }

    func testPiecesAreWholeLinesThatMakeUpTheBodyInOrder() throws {
        let text = lines(2000)
        for parts in [2, 3, 4] {
            let pieces = try split(ByteBuffer(string: text), parts: parts)
            XCTAssertEqual(pieces.count, parts)
            XCTAssertEqual(pieces.joined(), text, "nothing lost, nothing repeated, order kept")
            for piece in pieces {
                XCTAssertTrue(piece.hasSuffix("\n"), "a piece ends at a line end")
                XCTAssertTrue(piece.hasPrefix(#"{"message""#), "a piece starts at a line start")
            }
            let sizes = pieces.map(\.utf8.count)
            XCTAssertLessThan(sizes.max()! - sizes.min()!, text.utf8.count / parts / 4, "pieces are about even: \(sizes)")
        }
    }

    func testSmallJSONAndLastLineWithoutNewlineBodiesStayCorrect() throws {
        XCTAssertEqual(try split(ByteBuffer(string: lines(3)), minimum: 1 << 20).count, 1, "too small to cut")
        let array = "[" + (0..<500).map { #"{"n":\#($0)}"# }.joined(separator: ",\n") + "]"
        XCTAssertEqual(try split(ByteBuffer(string: array), type: "application/json"), [array], "JSON is never cut")
        let noFinalNewline = String(lines(1000).dropLast())
        XCTAssertEqual(try split(ByteBuffer(string: noFinalNewline)).joined(), noFinalNewline)
        let oneLongLine = #"{"message":""# + String(repeating: "x", count: 10_000) + #""}"#
        XCTAssertEqual(try split(ByteBuffer(string: oneLongLine)), [oneLongLine], "no line end to cut at")
    }

    func testGzipBodiesAreInflatedOnceAndTheLimitsStillApply() throws {
        let text = lines(2000)
        let pieces = try split(try Body.gzip(text), encoding: "gzip")
        XCTAssertEqual(pieces.count, 2)
        XCTAssertEqual(pieces.joined(), text)
        XCTAssertThrowsError(try BodyDecoder.split(ByteBuffer(string: text), contentType: "application/x-ndjson", contentEncoding: nil,
                                                   limits: IngestLimits(maxBodyBytes: 1000), parts: 2, minimumPartBytes: 10))
        XCTAssertThrowsError(try split(ByteBuffer(string: text), type: "text/plain"))
    }
}
