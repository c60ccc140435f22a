import LogModel
import Search
import Synchronization
import XCTest

/// An alert route compiles its query once and keeps it for hours: relative times (`now-5m`) must be
/// resolved when an event is matched, not when the matcher was built.
final class MatcherClockTests: XCTestCase {
    func testRelativeTimesAreResolvedAtEachMatch() throws {
        let minute: Int64 = 60_000_000
        let start: Int64 = 1_780_000_000_000_000
        let clock = Mutex(start)
        let matcher = QueryMatcher(try QueryParser.parse("@timestamp:>now-5m AND message:timeout"), now: { clock.withLock { $0 } })
        let event = try document(at: start - minute, message: "upstream timeout")
        XCTAssertTrue(matcher.matches(event), "one minute old, inside the last five minutes")
        clock.withLock { $0 = start + 10 * minute }
        XCTAssertFalse(matcher.matches(event), "eleven minutes old by the clock at match time")
        XCTAssertTrue(matcher.matches(try document(at: start + 9 * minute, message: "timeout again")))
        XCTAssertFalse(matcher.matches(try document(at: start + 9 * minute, message: "ok")), "the text part still applies")
    }

    private func document(at micros: Int64, message: String) throws -> JSONValue {
        try JSONParser.parse(#"{"@timestamp":"\#(Timestamp.format(micros: micros))","message":"\#(message)"}"#)
    }
}
