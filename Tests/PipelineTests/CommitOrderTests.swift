import Pipeline
import XCTest

/// The ordering rule alone: batches finish in any order, the cursor moves over a finished prefix only.
final class CommitOrderTests: XCTestCase {
    func testOutOfOrderFinishesCommitOnlyOverAFinishedPrefix() {
        var order = CommitOrder()
        let first = order.opened(through: 100), second = order.opened(through: 200), third = order.opened(through: 300)
        XCTAssertEqual(order.inFlight, 3)
        XCTAssertNil(order.finished(third), "batch 3 done before 1 and 2: the cursor stays")
        XCTAssertNil(order.finished(second), "batch 2 done before 1: the cursor stays")
        XCTAssertEqual(order.inFlight, 3, "finished batches stay open until the ones before them are done")
        XCTAssertEqual(order.finished(first), 300, "batch 1 done: one commit covers 1, 2 and 3")
        XCTAssertEqual(order.inFlight, 0)
    }

    func testInOrderFinishesCommitEachBatch() {
        var order = CommitOrder()
        let first = order.opened(through: 10)
        let second = order.opened(through: 20)
        XCTAssertEqual(order.finished(first), 10)
        let third = order.opened(through: 30)
        XCTAssertEqual(order.finished(second), 20)
        XCTAssertEqual(order.finished(third), 30)
    }

    func testAHeldBatchHoldsTheCursorWhileLaterOnesFinish() {
        var order = CommitOrder()
        let held = order.opened(through: 10)
        let later = (2...5).map { order.opened(through: UInt64($0 * 10)) }
        for ticket in later { XCTAssertNil(order.finished(ticket)) }
        XCTAssertEqual(order.finished(held), 50)
    }
}
