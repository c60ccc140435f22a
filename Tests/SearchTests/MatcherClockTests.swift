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

        // A fixed instant does not move with the clock; `now` beside it does.
        let fixed = QueryMatcher(try QueryParser.parse("@timestamp:[\(Timestamp.format(micros: start)) TO now]"), now: { clock.withLock { $0 } })
        XCTAssertTrue(fixed.matches(try document(at: start + 9 * minute, message: "x")))
        XCTAssertFalse(fixed.matches(try document(at: start - minute, message: "x")), "before the fixed start")
        XCTAssertFalse(fixed.matches(try document(at: start + 11 * minute, message: "x")), "after now")
    }

    private func document(at micros: Int64, message: String) throws -> JSONValue {
        try JSONParser.parse(#"{"@timestamp":"\#(Timestamp.format(micros: micros))","message":"\#(message)"}"#)
    }
}

/// The level floor a live tail uses to skip events without parsing them: never above what the
/// query can match.
final class MatcherLevelFloorTests: XCTestCase {
    func testTheFloorIsTheLeastLevelTheQueryCanMatch() throws {
        let cases: [(String, Level)] = [
            ("level:>=error", .error), ("level:>warning", .error), ("log.level:error", .error),
            ("level:[warning TO error]", .warning), ("level:>=error AND service:billing", .error),
            ("service:billing AND (level:critical OR level:>=error)", .error),
            ("level:>=error OR service:billing", .trace), ("NOT level:<error", .trace), ("level:<error", .trace),
            ("timeout", .trace), ("level:err*", .trace),
        ]
        for (query, floor) in cases {
            XCTAssertEqual(QueryMatcher(try QueryParser.parse(query), nowMicros: 0).minimumLevel, floor, query)
        }
    }

    /// Whatever the query, an event below its floor does not match (checked over every level).
    func testNoEventBelowTheFloorMatches() throws {
        for query in ["level:>=error", "level:[warning TO error]", "level:>=warning AND message:timeout", "level:error OR level:critical"] {
            let matcher = QueryMatcher(try QueryParser.parse(query), nowMicros: 0)
            for level in Level.allCases where level < matcher.minimumLevel {
                let document = try JSONParser.parse(#"{"log":{"level":"\#(level.name)"},"message":"timeout"}"#)
                XCTAssertFalse(matcher.matches(document), "\(query) matched a \(level.name) event below its floor")
            }
        }
    }

    /// The service a query requires (alerting's prefilter skips other services' events by a peek):
    /// only where no event of another service can match, checked by matching every case.
    func testTheRequiredServiceIsOneNoOtherServiceCanMatch() throws {
        let cases: [(String, String?)] = [
            ("service:gate", "gate"), ("service.name:gate AND level:>=warning", "gate"),
            ("level:>=warning AND NOT \"signed in\" AND service:gate", "gate"),
            ("(service:gate AND timeout) OR (service:gate AND level:error)", "gate"),
            ("service:gate OR service:core", nil), ("NOT service:gate", nil), ("service:ga*", nil),
            ("level:>=error", nil), ("service:gate OR level:error", nil),
        ]
        for (query, required) in cases {
            let matcher = QueryMatcher(try QueryParser.parse(query), nowMicros: 0)
            XCTAssertEqual(matcher.requiredService, required, query)
            guard let required else { continue }
            for service in ["gate", "core", "gateway"] where service != required {
                for level in Level.allCases {
                    let document = try JSONParser.parse(#"{"log":{"level":"\#(level.name)"},"service":{"name":"\#(service)"},"message":"timeout"}"#)
                    XCTAssertFalse(matcher.matches(document), "\(query) matched service \(service)")
                }
            }
        }
    }

    /// A query about the level alone is decided by the level (the live tail's peek): the set agrees
    /// with full matching at every level; any other term leaves it to the parse.
    func testALevelOnlyQueryIsDecidedByTheLevel() throws {
        for query in ["level:>=error", "level:<warning", "log.level:error", "level:[notice TO error]", "level:{info TO *}",
                      "NOT level:>=error", "level:>=warning AND NOT level:critical", "level:debug OR level:>=error", "level:ERROR"] {
            let matcher = QueryMatcher(try QueryParser.parse(query), nowMicros: 0)
            let levels = try XCTUnwrap(matcher.levels, query)
            for level in Level.allCases {
                let document = try JSONParser.parse(#"{"log":{"level":"\#(level.name)"},"message":"x"}"#)
                XCTAssertEqual(levels.contains(level), matcher.matches(document), "\(query) at \(level.name)")
            }
        }
        for query in ["level:>=error AND service:gate", "timeout", "level:err*", "level:>=error OR has:trace.id", ""] {
            XCTAssertNil(QueryMatcher(try QueryParser.parse(query), nowMicros: 0).levels, query)
        }
    }
}
