import Alerting
import LogModel
import XCTest

/// The evaluator's per-event shortcuts and the client report: they must agree with the slow truth.
final class HotPathTests: XCTestCase {
    func testLevelPeekFindsTheLevelOrSaysItCannot() {
        func peek(_ text: String) -> Level? { LevelPeek.level(in: Array(text.utf8)) }
        XCTAssertEqual(peek(#"{"@timestamp":"2026-01-01T00:00:00Z","level":"error","message":"x"}"#), .error)
        XCTAssertEqual(peek(#"{"logger":"l","lev":"x","level":"info"}"#), .info, "a near miss starting with \"l is skipped")
        XCTAssertEqual(peek("\u{1}binary header \"\u{0}" + #"{"level":"critical"}"#), .critical, "bytes before the document")
        XCTAssertNil(peek(#"{"message":"no level here"}"#))
        XCTAssertNil(peek(#"{"message":""# + String(repeating: "a", count: 1100) + #"","level":"error"}"#), "only the first 1,024 bytes")
        XCTAssertNil(peek(#"{"level":"bogus"}"#))
        XCTAssertNil(peek(#"{"level":""#), "cut short")
    }

    func testMessageTemplateTreatsNonASCIILettersAsWords() {
        // Word characters decide whether a quote opens a quoted value; ASCII and other letters alike.
        XCTAssertEqual(MessageTemplate.normalize(#"user "ann" paid 42"#), "user <str> paid <n>")
        XCTAssertEqual(MessageTemplate.normalize("it's ünï's 42"), "it's ünï's <n>", "an apostrophe after a letter is no quote")
        XCTAssertEqual(MessageTemplate.normalize("zaïre_7 ok"), "zaïre_<n> ok")
    }

    func testClientReportCountsMergesAndSerialises() throws {
        var report = SentryClientReport()
        XCTAssertTrue(report.isEmpty)
        report.record(.rateLimitBackoff, category: "error", quantity: 3)
        report.record(.eventProcessor, category: "default")
        report.record(.rateLimitBackoff, category: "error", quantity: 0)
        var other = SentryClientReport()
        other.record(.rateLimitBackoff, category: "error", quantity: 2)
        report.merge(other)
        let body = report.envelope(timestamp: 1_700_000_000.5, sentAt: "2023-11-14T22:13:20.500Z")
        let lines = body.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
        XCTAssertEqual(lines.count, 4, "header, item header, payload, and the closing newline")
        XCTAssertNil(try JSONParser.parse(lines[0])["event_id"], "a report is not an event")
        let itemHeader = try JSONParser.parse(lines[1])
        XCTAssertEqual(itemHeader["type"]?.stringValue, "client_report")
        XCTAssertEqual(itemHeader["length"], .int(Int64(lines[2].count)))
        let payload = try JSONParser.parse(lines[2])
        XCTAssertEqual(payload["timestamp"], .double(1_700_000_000.5))
        let discarded = payload["discarded_events"]?.arrayValue ?? []
        XCTAssertEqual(discarded.count, 2)
        XCTAssertEqual(discarded[0]["reason"]?.stringValue, "event_processor")
        XCTAssertEqual(discarded[0]["quantity"], .int(1))
        XCTAssertEqual(discarded[1]["reason"]?.stringValue, "ratelimit_backoff")
        XCTAssertEqual(discarded[1]["category"]?.stringValue, "error")
        XCTAssertEqual(discarded[1]["quantity"], .int(5))
    }
}
