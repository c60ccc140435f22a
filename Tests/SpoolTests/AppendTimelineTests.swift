import Spool
import XCTest

final class AppendTimelineTests: XCTestCase {
    func testLagCountsRecordsAfterTheCursorAndDatesTheOldest() {
        var timeline = AppendTimeline(start: 0)
        timeline.appended(end: 100, records: 10, at: 1_000)
        timeline.appended(end: 300, records: 20, at: 2_000)
        timeline.appended(end: 400, records: 5, at: 3_000)

        XCTAssertEqual(timeline.lag(from: 0).records, 35)
        XCTAssertEqual(timeline.lag(from: 0).oldestAppendedAtMicros, 1_000)
        XCTAssertEqual(timeline.lag(from: 100).records, 25, "at a checkpoint: exactly what follows it")
        XCTAssertEqual(timeline.lag(from: 100).oldestAppendedAtMicros, 2_000)
        XCTAssertEqual(timeline.lag(from: 200).records, 15, "half of the 20-record stretch by bytes, plus the last 5")
        XCTAssertEqual(timeline.lag(from: 400).records, 0)
        XCTAssertNil(timeline.lag(from: 400).oldestAppendedAtMicros, "caught up: no age")
    }

    func testPruningKeepsCountsAndAgesOfWhatIsLeft() {
        var timeline = AppendTimeline(start: 0)
        timeline.appended(end: 100, records: 10, at: 1_000)
        timeline.appended(end: 300, records: 20, at: 2_000)
        timeline.prune(before: 100)
        XCTAssertEqual(timeline.lag(from: 100).records, 20)
        XCTAssertEqual(timeline.lag(from: 100).oldestAppendedAtMicros, 2_000)
    }

    /// Every cursor caught up (all pruned), then more appended: counts go on from there, never below.
    func testAppendingAfterEverythingWasPrunedCountsOnlyTheNewRecords() {
        var timeline = AppendTimeline(start: 0)
        timeline.appended(end: 100, records: 10, at: 1_000)
        timeline.prune(before: 100)
        XCTAssertEqual(timeline.lag(from: 100).records, 0)
        timeline.appended(end: 150, records: 3, at: 2_000)
        XCTAssertEqual(timeline.lag(from: 100).records, 3)
        XCTAssertEqual(timeline.lag(from: 100).oldestAppendedAtMicros, 2_000)
        XCTAssertEqual(timeline.lag(from: 125).records, 2, "half of the 3-record stretch by bytes, rounded up")
    }

    func testTheBacklogAtOpenCountsAsOneStretch() {
        var timeline = AppendTimeline(start: 0, backlog: (end: 6_000, appendedAtMicros: 500, records: 10))
        timeline.appended(end: 6_100, records: 1, at: 9_000)
        XCTAssertEqual(timeline.lag(from: 0).records, 11)
        XCTAssertEqual(timeline.lag(from: 0).oldestAppendedAtMicros, 500)
        XCTAssertEqual(timeline.lag(from: 6_000).oldestAppendedAtMicros, 9_000)
    }

    func testMemoryIsBoundedAndTotalsStayExact() {
        var timeline = AppendTimeline(start: 0, capacity: 64)
        for n in 1...10_000 { timeline.appended(end: UInt64(n * 10), records: 2, at: Int64(n)) }
        XCTAssertEqual(timeline.lag(from: 0).records, 20_000, "coarsening never loses a record")
        XCTAssertEqual(timeline.lag(from: 99_990).records, 2)
        XCTAssertEqual(timeline.lag(from: 99_990).oldestAppendedAtMicros, 10_000)
        let oldest = timeline.lag(from: 0).oldestAppendedAtMicros ?? 0
        XCTAssertGreaterThanOrEqual(oldest, 1, "a coarsened age is never older than the truth")
    }
}
