import Intake
import LogModel
import NIOCore
import Transforms
import XCTest

final class BodyDecoderTests: XCTestCase {
    /// A body as the ingest endpoint reads it (`decodeAndNormalize`, the one entry point), with
    /// each accepted event's request index and its labels and attributes as one object.
    private struct Decoded {
        var objects: [(index: Int, object: JSONObject)]
        var errors: [IndexedEventError]
        var total: Int
    }

    private func decode(
        _ body: ByteBuffer, type: String? = "application/x-ndjson", encoding: String? = nil,
        limits: IngestLimits = IngestLimits()
    ) throws -> Decoded {
        let batch = try BodyDecoder.decodeAndNormalize(
            body, contentType: type, contentEncoding: encoding, limits: limits, normalizer: EventNormalizer(),
            context: IngestContext(serviceName: "core"))
        let total = batch.accepted + batch.rejected
        XCTAssertEqual(batch.errors.count, batch.rejected, "every rejection is listed (fewer than the reporting limit here)")
        let rejected = Set(batch.errors.map(\.index))
        let indices = (0..<total).filter { !rejected.contains($0) }
        let objects = zip(indices, batch.events).map { index, event -> (index: Int, object: JSONObject) in
            let document = event.document
            let members = (document["labels"]?.objectValue?.members ?? []) + (document["attributes"]?.objectValue?.members ?? [])
            return (index, JSONObject(members))
        }
        return Decoded(objects: objects, errors: batch.errors, total: total)
    }

    private func ingestError(
        _ body: ByteBuffer, type: String? = "application/x-ndjson", encoding: String? = nil,
        limits: IngestLimits = IngestLimits(), file: StaticString = #filePath, line: UInt = #line
    ) -> IngestError? {
        do {
            let decoded = try decode(body, type: type, encoding: encoding, limits: limits)
            XCTFail("expected an IngestError, decoded \(decoded.total) events", file: file, line: line)
            return nil
        } catch let error as IngestError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return nil
        }
    }

    private func codes(_ decoded: Decoded) -> [Int: String] {
        Dictionary(uniqueKeysWithValues: decoded.errors.map { ($0.index, $0.error.code) })
    }

    // MARK: - NDJSON

    func testNDJSONLinesAreEventsAndBlankLinesTakeNoIndex() throws {
        let body = "{\"a\":1}\n\n   \n{\"a\":2}\r\n\t\n{\"a\":3}"
        let decoded = try decode(Body.buffer(body))
        XCTAssertEqual(decoded.total, 3)
        XCTAssertEqual(decoded.objects.map(\.index), [0, 1, 2])
        XCTAssertEqual(decoded.objects.map { $0.object["a"] }, ["1", "2", "3"])
        XCTAssertTrue(decoded.errors.isEmpty)
    }

    func testEveryNDJSONMediaTypeIsReadWithParametersAndAnyCase() throws {
        for type in ["application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/ndjson",
                     "Application/X-NDJSON; charset=utf-8", " application/jsonl ;charset=UTF-8"] {
            XCTAssertEqual(try decode(Body.buffer("{}\n{}\n"), type: type).objects.count, 2, type)
        }
    }

    func testBadLinesAreErrorsAtTheirIndexAndTheRestIsKept() throws {
        let body = "{\"ok\":0}\n{\"broken\":\n[1,2]\n\"text\"\n{\"ok\":4}\n{\"bad\":\"\u{1}\"}\n"
        let decoded = try decode(Body.buffer(body))
        XCTAssertEqual(decoded.total, 6)
        XCTAssertEqual(decoded.objects.map(\.index), [0, 4])
        XCTAssertEqual(codes(decoded), [1: "invalid_json", 2: "not_an_object", 3: "not_an_object", 5: "invalid_json"])
        XCTAssertEqual(decoded.errors.first { $0.index == 2 }?.error.message, "each event must be a JSON object, got an array")
    }

    func testInvalidUTF8LineIsItsOwnError() throws {
        var bytes = Array("{\"a\":\"x\"}\n{\"a\":\"".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\"}\n{}".utf8)
        let decoded = try decode(Body.buffer(bytes))
        XCTAssertEqual(codes(decoded), [1: "invalid_utf8"])
        XCTAssertEqual(decoded.objects.count, 2)
    }

    func testTooDeepEventIsRejectedAlone() throws {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let decoded = try decode(Body.buffer("{\"a\":\(deep)}\n{}"))
        XCTAssertEqual(codes(decoded), [0: "too_deep"])
        XCTAssertEqual(decoded.objects.count, 1)
    }

    func testOversizedLineIsRejectedWithoutTheRest() throws {
        let big = "{\"m\":\"" + String(repeating: "x", count: 300) + "\"}"
        let limits = IngestLimits(maxEventBytes: 256)
        let decoded = try decode(Body.buffer("{}\n\(big)\n{}"), limits: limits)
        XCTAssertEqual(codes(decoded), [1: "event_too_large"])
        XCTAssertEqual(decoded.errors.first?.error.message,
                       "event is 308 bytes, over the limit of 256 bytes per event; split it or move bulky data out of the log")
        XCTAssertEqual(decoded.objects.map(\.index), [0, 2])
    }

    func testByteOrderMarkIsIgnored() throws {
        XCTAssertEqual(try decode(Body.buffer([0xEF, 0xBB, 0xBF] + Array("{}\n{}".utf8))).objects.count, 2)
    }

    func testEmptyBodyHasNoEvents() throws {
        XCTAssertEqual(try decode(Body.buffer("")).total, 0)
        XCTAssertEqual(try decode(Body.buffer("\n\n  \n")).total, 0)
        XCTAssertEqual(try decode(Body.buffer(""), type: "application/json").total, 0)
    }

    // MARK: - JSON

    func testJSONObjectBodyIsOneEvent() throws {
        let decoded = try decode(Body.buffer(" {\"a\": 1}\n"), type: "application/json; charset=utf-8")
        XCTAssertEqual(decoded.total, 1)
        XCTAssertEqual(decoded.objects.first?.object["a"], "1")
    }

    func testJSONArrayElementsAreEventsWithTheirIndex() throws {
        let body = #"[{"a":0}, {"a":"1,]}"}, 7, {"a":[3,{"b":"]"}]}, {"a": 4 "x"}, {"a":5}]"#
        let decoded = try decode(Body.buffer(body), type: "application/json")
        XCTAssertEqual(decoded.total, 6)
        XCTAssertEqual(decoded.objects.map(\.index), [0, 1, 3, 5])
        XCTAssertEqual(decoded.objects[1].object["a"], "1,]}")
        XCTAssertEqual(codes(decoded), [2: "not_an_object", 4: "invalid_json"])
    }

    func testEmptyJSONArrayHasNoEvents() throws {
        XCTAssertEqual(try decode(Body.buffer(" [ ] "), type: "application/json").total, 0)
    }

    func testOversizedArrayElementIsRejectedAlone() throws {
        let big = "{\"m\":\"" + String(repeating: "x", count: 300) + "\"}"
        let decoded = try decode(Body.buffer("[{}, \(big), {}]"), type: "application/json", limits: IngestLimits(maxEventBytes: 256))
        XCTAssertEqual(codes(decoded), [1: "event_too_large"])
        XCTAssertEqual(decoded.objects.map(\.index), [0, 2])
    }

    func testOversizedSingleObjectIsRejected() throws {
        let big = "{\"m\":\"" + String(repeating: "x", count: 300) + "\"}"
        let decoded = try decode(Body.buffer(big), type: "application/json", limits: IngestLimits(maxEventBytes: 256))
        XCTAssertEqual(codes(decoded), [0: "event_too_large"])
    }

    func testTrailingCommaAndUnterminatedArrayAreReported() throws {
        let trailing = try decode(Body.buffer("[{}, {},]"), type: "application/json")
        XCTAssertEqual(trailing.objects.count, 2)
        XCTAssertEqual(codes(trailing), [2: "invalid_json"])
        let unterminated = try decode(Body.buffer("[{}, {\"a\":1"), type: "application/json")
        XCTAssertEqual(unterminated.objects.count, 1)
        XCTAssertEqual(codes(unterminated), [1: "invalid_json"])
    }

    func testDataAfterTheArrayIsAnErrorAtTheNextIndex() throws {
        let decoded = try decode(Body.buffer("[{}]\n{}"), type: "application/json")
        XCTAssertEqual(decoded.objects.count, 1)
        XCTAssertEqual(codes(decoded), [1: "invalid_json"])
        XCTAssertTrue(decoded.errors[0].error.message.contains("application/x-ndjson"))
    }

    func testConcatenatedObjectsSentAsJSONAreOneError() throws {
        let decoded = try decode(Body.buffer("{}\n{}"), type: "application/json")
        XCTAssertEqual(decoded.total, 1)
        XCTAssertEqual(codes(decoded), [0: "invalid_json"])
    }

    func testNonObjectJSONBodyIsNotAnObject() throws {
        XCTAssertEqual(codes(try decode(Body.buffer("\"hello\""), type: "application/json")), [0: "not_an_object"])
        XCTAssertEqual(codes(try decode(Body.buffer("garbage"), type: "application/json")), [0: "invalid_json"])
    }

    // MARK: - Headers and limits

    func testMissingOrUnknownContentTypeIs415NamingWhatIsAccepted() {
        let missing = ingestError(Body.buffer("{}"), type: nil)
        XCTAssertEqual(missing, .unsupportedMediaType(nil))
        XCTAssertEqual(missing?.status, 415)
        XCTAssertEqual(missing?.code, "unsupported_media_type")
        for type in ["text/plain", "application/xml", "application/json-seq", "multipart/form-data", ""] {
            let error = ingestError(Body.buffer("{}"), type: type)
            XCTAssertEqual(error?.status, 415, type)
            XCTAssertTrue(error?.message.contains("application/x-ndjson") ?? false, type)
            XCTAssertTrue(error?.message.contains("application/json") ?? false, type)
        }
    }

    func testUnknownContentEncodingIs415() {
        for encoding in ["br", "deflate", "compress", "gzip, br"] {
            let error = ingestError(Body.buffer("{}"), encoding: encoding)
            XCTAssertEqual(error, .unsupportedContentEncoding(encoding), encoding)
            XCTAssertEqual(error?.status, 415)
            XCTAssertTrue(error?.message.contains("gzip") ?? false)
        }
    }

    func testIdentityEncodingIsPlain() throws {
        XCTAssertEqual(try decode(Body.buffer("{}"), encoding: "identity").objects.count, 1)
        XCTAssertEqual(try decode(Body.buffer("{}"), encoding: "").objects.count, 1)
    }

    func testBodyOverTheLimitIs413NamingTheLimit() {
        let error = ingestError(Body.buffer(String(repeating: "{}\n", count: 100)), limits: IngestLimits(maxBodyBytes: 299))
        XCTAssertEqual(error, .bodyTooLarge(limit: 299))
        XCTAssertEqual(error?.status, 413)
        XCTAssertEqual(IngestError.bodyTooLarge(limit: 10 * 1024 * 1024).message,
                       "request body is over the limit of 10485760 bytes (10 MiB after decompression); send fewer events per request")
    }

    func testBodyAtTheLimitIsAccepted() throws {
        let body = String(repeating: "{}\n", count: 100)
        XCTAssertEqual(try decode(Body.buffer(body), limits: IngestLimits(maxBodyBytes: 300)).objects.count, 100)
    }

    // MARK: - gzip

    func testGzipBodiesAreInflated() throws {
        let lines = (0..<500).map { "{\"n\":\($0),\"message\":\"payment failed for shop \($0)\"}" }.joined(separator: "\n")
        let decoded = try decode(try Body.gzip(lines), encoding: "gzip")
        XCTAssertEqual(decoded.objects.count, 500)
        XCTAssertEqual(decoded.objects.last?.object["n"], "499")
        XCTAssertEqual(try decode(try Body.gzip("[{},{}]"), type: "application/json", encoding: "x-gzip").objects.count, 2)
        XCTAssertEqual(try decode(try Body.gzip("{}"), encoding: "GZIP").objects.count, 1)
    }

    func testConcatenatedGzipMembersAreOneBody() throws {
        var body = try Body.gzip("{\"a\":1}\n")
        var second = try Body.gzip("{\"a\":2}\n")
        body.writeBuffer(&second)
        XCTAssertEqual(try decode(body, encoding: "gzip").objects.map { $0.object["a"] }, ["1", "2"])
    }

    func testGzipThatInflatesPastTheLimitIs413() throws {
        let body = try Body.gzip(String(repeating: "{}\n", count: 1000))
        XCTAssertEqual(ingestError(body, encoding: "gzip", limits: IngestLimits(maxBodyBytes: 2999)), .bodyTooLarge(limit: 2999))
        XCTAssertEqual(try decode(body, encoding: "gzip", limits: IngestLimits(maxBodyBytes: 3000)).objects.count, 1000)
    }

    func testGzipBombIsStoppedAtTheLimitQuickly() throws {
        let bomb = try Body.gzippedZeros(megabytes: 1024)
        XCTAssertLessThan(bomb.readableBytes, 2 << 20, "1 GiB of zeros compresses to about 1 MiB")
        let start = ContinuousClock.now
        let error = ingestError(bomb, encoding: "gzip")
        let elapsed = ContinuousClock.now - start
        XCTAssertEqual(error, .bodyTooLarge(limit: 10 * 1024 * 1024))
        XCTAssertLessThan(elapsed, .seconds(2), "inflating stops at the 10 MiB limit")
    }

    func testTheBombBuilderMakesRealGzip() throws {
        // Zeros are not JSON, so the one "line" is an error; what matters is that the body inflated.
        let small = try Body.gzippedZeros(megabytes: 2, validTrailer: true)
        let decoded = try decode(small, encoding: "gzip", limits: IngestLimits(maxBodyBytes: 2 << 20, maxEventBytes: 3 << 20))
        XCTAssertEqual(decoded.total, 1)
        XCTAssertEqual(decoded.errors.first?.error.code, "invalid_json")
        XCTAssertEqual(ingestError(small, encoding: "gzip", limits: IngestLimits(maxBodyBytes: (2 << 20) - 1)), .bodyTooLarge(limit: (2 << 20) - 1))
    }

    func testBrokenGzipIs400() throws {
        var corrupt = Array(try Body.gzip(String(repeating: "{\"a\":1}\n", count: 50)).readableBytesView)
        corrupt[20] ^= 0xFF
        corrupt[21] ^= 0xFF
        let truncated = Array(try Body.gzip(String(repeating: "{\"a\":1}\n", count: 50)).readableBytesView.dropLast(10))
        let cases: [(String, [UInt8])] = [
            ("not gzip", Array("{}\n".utf8)), ("empty", []), ("corrupt", corrupt), ("truncated", truncated),
            ("trailing garbage", Array(try Body.gzip("{}").readableBytesView) + Array("junk".utf8)),
        ]
        for (name, bytes) in cases {
            let error = ingestError(Body.buffer(bytes), encoding: "gzip")
            XCTAssertEqual(error?.status, 400, name)
            XCTAssertEqual(error?.code, "invalid_gzip", name)
        }
    }
}
