import CompressNIO
import Intake
import LogModel
import NIOCore
import Transforms
import XCTest

/// GELF 1.1 read as Graylog reads it: the message's fields in the hub's names, chunks reassembled,
/// gzip and zlib told apart by their first bytes.
final class GELFTests: XCTestCase {
    private func translate(_ json: String) -> Result<JSONObject, EventError> {
        GELFMessage.event(from: ByteBuffer(string: json), maxBytes: 1 << 20)
    }

    func testAGELFMessageBecomesAnEventTheIntakeReads() throws {
        let gelf = #"{"version":"1.1","host":"web-3","short_message":"payment failed","full_message":"Traceback (most recent call last):\n  File \"a.py\", line 1, in f\nValueError: x","timestamp":1764669600.25,"level":3,"_logger":"billing","_shop_id":42,"_id":"reserved"}"#
        let event = try translate(gelf).get()
        XCTAssertEqual(event["message"], "payment failed")
        XCTAssertEqual(event["host.name"], "web-3")
        XCTAssertEqual(event["syslog_severity"], 3)
        XCTAssertEqual(event["log.logger"], "billing")
        XCTAssertEqual(event["shop_id"], 42)
        XCTAssertNil(event["id"])  // `_id` is reserved by GELF
        XCTAssertNil(event["version"])
        let normalized = try EventNormalizer().normalize(event, context: IngestContext(serviceName: "core")).document
        XCTAssertEqual(normalized["log"]?["level"], "error")  // syslog 3, not Python level 3
        XCTAssertEqual(normalized["error"]?["type"], "ValueError")
        XCTAssertEqual(normalized["@timestamp"], "2025-12-02T10:00:00.250Z")
        XCTAssertEqual(normalized["labels"]?["shop_id"], "42")
    }

    func testMessagesGraylogRefusesAreRefused() {
        for bad in [#"{"host":"x"}"#, #"{"short_message":""}"#, #"{"short_message":null}"#, "[1]", "{nope"] {
            guard case .failure = translate(bad) else { return XCTFail("accepted \(bad)") }
        }
        guard case .failure(let tooLarge) = GELFMessage.event(from: ByteBuffer(string: #"{"short_message":"xxxxxxxxxx"}"#), maxBytes: 10) else {
            return XCTFail("a message over the limit was accepted")
        }
        XCTAssertEqual(tooLarge.code, "event_too_large")
    }

    func testGzipAndZlibPayloadsAreInflatedPlainOnesPassed() throws {
        let json = ByteBuffer(string: #"{"short_message":"hello"}"#)
        for algorithm in [CompressionAlgorithm.gzip(), .zlib()] {
            var input = json
            let compressed = try input.compress(with: algorithm)
            let plain = try GELFPayload.plain(compressed, limit: 1 << 20).get()
            XCTAssertEqual(String(buffer: plain), String(buffer: json))
        }
        XCTAssertEqual(try GELFPayload.plain(json, limit: 1 << 20).get(), json)
        var big = ByteBuffer(string: String(repeating: "a", count: 100_000))
        let bomb = try big.compress(with: .gzip())
        XCTAssertEqual(GELFPayload.plain(bomb, limit: 1000), .failure(.tooLarge(limit: 1000)))
    }

    private func chunk(id: UInt64, _ sequence: UInt8, of count: UInt8, _ text: String) -> ByteBuffer {
        var buffer = ByteBuffer(bytes: [0x1E, 0x0F])
        buffer.writeInteger(id)
        buffer.writeInteger(sequence)
        buffer.writeInteger(count)
        buffer.writeString(text)
        return buffer
    }

    func testChunksAreReassembledInAnyOrderOnce() {
        var assembler = GELFChunkAssembler()
        let now = ContinuousClock.now
        XCTAssertEqual(assembler.add(chunk(id: 7, 2, of: 3, "c"), now: now), .incomplete)
        XCTAssertEqual(assembler.add(chunk(id: 9, 0, of: 2, "x"), now: now), .incomplete)  // another message interleaved
        XCTAssertEqual(assembler.add(chunk(id: 7, 0, of: 3, "a"), now: now), .incomplete)
        XCTAssertEqual(assembler.add(chunk(id: 7, 0, of: 3, "a"), now: now), .incomplete)  // a duplicate datagram
        XCTAssertEqual(assembler.add(chunk(id: 7, 1, of: 3, "b"), now: now), .complete(ByteBuffer(string: "abc")))
        XCTAssertEqual(assembler.add(ByteBuffer(string: "{}"), now: now), .complete(ByteBuffer(string: "{}")))  // not chunked
    }

    func testIncompleteMessagesExpireAndBadChunksAreRefused() {
        var assembler = GELFChunkAssembler(timeout: .seconds(5))
        let start = ContinuousClock.now
        XCTAssertEqual(assembler.add(chunk(id: 1, 0, of: 2, "a"), now: start), .incomplete)
        assembler.expire(now: start + .seconds(6))
        XCTAssertEqual(assembler.dropped, 1)
        XCTAssertEqual(assembler.add(chunk(id: 1, 1, of: 2, "b"), now: start + .seconds(6)), .incomplete)  // its partner is gone
        guard case .invalid = assembler.add(chunk(id: 2, 0, of: 129, "a"), now: start) else { return XCTFail("129 chunks accepted") }
        guard case .invalid = assembler.add(chunk(id: 3, 4, of: 2, "a"), now: start) else { return XCTFail("sequence 4 of 2 accepted") }
        guard case .invalid = assembler.add(ByteBuffer(bytes: [0x1E, 0x0F, 1]), now: start) else { return XCTFail("a short header accepted") }
    }

    func testPendingBytesAreBounded() {
        var assembler = GELFChunkAssembler(maxPendingBytes: 10)
        let now = ContinuousClock.now
        XCTAssertEqual(assembler.add(chunk(id: 1, 0, of: 2, "123456"), now: now), .incomplete)
        XCTAssertEqual(assembler.add(chunk(id: 2, 0, of: 2, "123456"), now: now + .milliseconds(1)), .incomplete)
        XCTAssertEqual(assembler.dropped, 1)  // the oldest incomplete message made room
        XCTAssertEqual(assembler.add(chunk(id: 2, 1, of: 2, "7"), now: now), .complete(ByteBuffer(string: "1234567")))
    }
}
