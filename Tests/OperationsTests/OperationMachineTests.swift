import Operations
import XCTest

final class OperationMachineTests: XCTestCase {
    func next(_ state: OperationState?, _ event: OperationEvent) -> OperationMachine.Transition? {
        try? OperationMachine.next(state, on: event).get()
    }

    func testUnderTheThresholdItIsSentAtOnceAndOverItWaits() {
        XCTAssertEqual(next(nil, .submitted(needsApproval: false)), .init(state: .approved, actions: [.send]))
        XCTAssertEqual(next(nil, .submitted(needsApproval: true))?.state, .pendingApproval)
        XCTAssertEqual(next(.pendingApproval, .approve), .init(state: .approved, actions: [.send]))
        XCTAssertEqual(next(.pendingApproval, .reject)?.state, .rejected)
        XCTAssertEqual(next(.pendingApproval, .expire)?.state, .expired)
    }

    func testAnUncertainAnswerIsReconciledBeforeAnythingIsSentAgain() {
        XCTAssertEqual(next(.sending, .coreUncertain), .init(state: .unknown, actions: [.reconcile]))
        XCTAssertNil(next(.unknown, .startSending), "an unknown operation is never sent blindly")
        XCTAssertEqual(next(.unknown, .reconciledNotApplied), .init(state: .approved, actions: [.send]))
        XCTAssertEqual(next(.unknown, .reconciledApplied)?.state, .applied)
        XCTAssertEqual(next(.sending, .reconciledApplied)?.state, .applied, "a crashed node's sending row is reconciled too")
        XCTAssertEqual(next(.unknown, .reconcileUnanswered), .init(state: .unknown, actions: [.reconcile]))
    }

    func testFinalStatesTakeNoEvent() {
        let events: [OperationEvent] = [.approve, .reject, .expire, .startSending, .coreApplied, .coreRefused, .coreUncertain,
                                        .reconciledApplied, .reconciledRefused, .reconciledNotApplied, .reconcileUnanswered]
        for state in OperationState.allCases where state.isFinal {
            for event in events { XCTAssertNil(next(state, event), "\(state) + \(event)") }
        }
        XCTAssertNil(next(.approved, .approve), "approving twice is refused")
        XCTAssertNil(next(.sending, .startSending), "two senders cannot both claim one row")
    }
}
