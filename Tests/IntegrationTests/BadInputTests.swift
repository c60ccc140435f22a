import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// Every kind of bad request gets its clear error, nothing else changes, the server stays up.
final class BadInputTests: HubTestCase {
    func testBadRequestsGetClearErrorsAndChangeNothing() async throws {
        let hub = try await startHub(elasticsearch: false)
        let token = try createToken()

        // Malformed JSON: the one bad line is reported by index, the good ones are taken.
        let mixed = Array((#"{"message":"ok 1"}"# + "\n\n" + #"{"message": broken"# + "\n" + #"{"message":"ok 2"}"# + "\n").utf8)
        let partial = try await post(hub, body: mixed, token: token)
        XCTAssertEqual(partial.status, 202)
        let receipt = try json(partial)
        XCTAssertEqual(receipt["accepted"], 2)
        XCTAssertEqual(receipt["rejected"], 1)
        XCTAssertEqual(receipt["errors"]?.arrayValue?.first?["index"], 1, "index counts non-blank lines")
        XCTAssertEqual(receipt["errors"]?.arrayValue?.first?["error"], "invalid_json")

        // Nothing accepted: 400 with the same body.
        let allBad = try await post(hub, body: Array("not json\n[1,2]\n\"text\"\n".utf8), token: token)
        XCTAssertEqual(allBad.status, 400)
        XCTAssertEqual(try json(allBad)["accepted"], 0)
        XCTAssertEqual(try json(allBad)["rejected"], 3)
        XCTAssertEqual(try json(allBad)["errors"]?.arrayValue?[1]["error"], "not_an_object")

        // Wrong types inside an event are mapped, not refused: a number as message becomes text.
        let typed = try await post(hub, body: Array(#"[{"message": 5, "level": {"x": 1}, "event.id": "typed-1"}]"#.utf8),
                                   token: token, contentType: "application/json")
        XCTAssertEqual(typed.status, 202, typed.bodyText)

        // Invalid UTF-8.
        let invalidUTF8 = try await post(hub, body: Array(#"{"message":""#.utf8) + [0xC3, 0x28] + Array("\"}\n".utf8), token: token)
        XCTAssertEqual(invalidUTF8.status, 400)
        XCTAssertEqual(try json(invalidUTF8)["errors"]?.arrayValue?.first?["error"], "invalid_utf8")

        // One line of 10 MB: that event is too large, the request is not.
        let huge = Array(#"{"message":""#.utf8) + [UInt8](repeating: 0x61, count: 10_000_000) + Array("\"}\n".utf8)
        let tooLargeEvent = try await post(hub, body: huge, token: token)
        XCTAssertEqual(tooLargeEvent.status, 400)
        XCTAssertEqual(try json(tooLargeEvent)["errors"]?.arrayValue?.first?["error"], "event_too_large")

        // A gzip bomb: 64 MiB of zeros in ~64 KB is refused without inflating it all.
        let bomb = try gzip(zeros: 64 << 20)
        let started = ContinuousClock.now
        let bombed = try await post(hub, body: bomb, token: token, headers: [("Content-Encoding", "gzip")])
        XCTAssertEqual(bombed.status, 413)
        XCTAssertEqual(try json(bombed)["error"], "body_too_large")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))

        // A good gzip body works.
        let gzipped = try gzip(Array(#"{"message":"zipped","event.id":"gz-1"}"#.utf8))
        let awaited1 = try await post(hub, body: gzipped, token: token, headers: [("Content-Encoding", "gzip")]).status
        XCTAssertEqual(awaited1, 202)

        // Unknown content type and missing content type.
        let xml = try await post(hub, body: Array("<log/>".utf8), token: token, contentType: "application/xml")
        XCTAssertEqual(xml.status, 415)
        XCTAssertEqual(try json(xml)["error"], "unsupported_media_type")
        let awaited2 = try await post(hub, body: mixed, token: token, contentType: nil).status
        XCTAssertEqual(awaited2, 415)

        // Forged and malformed tokens.
        let awaited3 = try await post(hub, body: mixed, token: "dmp_forged").status
        XCTAssertEqual(awaited3, 401)
        let awaited4 = try await post(hub, body: mixed, token: nil, headers: [("Authorization", "Basic Zm9vOmJhcg==")]).status
        XCTAssertEqual(awaited4, 401)
        let awaited5 = try await post(hub, body: mixed, token: String(repeating: "z", count: 5000)).status
        XCTAssertEqual(awaited5, 401)

        // The server is up and only the good events were stored.
        let awaited6 = try await get(hub.baseURL + "/healthz").status
        XCTAssertEqual(awaited6, 200)
        let pool = try mongoPool()
        try await eventually("the four good events in MongoDB") { try await mongoCount(pool) == 4 }
        try await Task.sleep(for: .seconds(1))
        let total = try await mongoCount(pool)
        XCTAssertEqual(total, 4, "ok 1, ok 2, typed-1 and gz-1; nothing from the refused requests")
    }
}
