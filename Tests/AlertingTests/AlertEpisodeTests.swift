import Alerting
import XCTest

/// Which notification of a group is its episode's first (the one the delay metric samples).
final class AlertEpisodeTests: XCTestCase {
    func testOnlyThePendingGroupsMessageIsItsEpisodesFirstNotification() {
        let pending = AlertGroupState.new(count: 1, first: 0, last: 0, critical: true)
        let firing = AlertGroupMachine.applied(pending, .sendNew, now: 10, messageID: 7)
        let resolved = AlertGroupMachine.applied(firing, .resolve, now: 1_000, messageID: nil)
        let reopened = AlertGroupMachine.observe(resolved, count: 1, at: 2_000, critical: false)
        var mutedPending = pending
        mutedPending.muted = true
        let cases: [(String, AlertGroupState, AlertGroupMachine.Action, Bool)] = [
            ("a new group's message", pending, .sendNew, true),
            ("a reopened group's old message edited back", reopened, .edit, true),
            ("a reopened group's new message", reopened, .sendNew, true),
            ("an edit of a firing group", firing, .edit, false),
            ("a repeat past repeat_interval", firing, .sendNew, false),
            ("a resolution", firing, .resolve, false),
            ("a pending group resolved before any message", pending, .resolve, false),
            ("nothing to do", pending, .none, false),
            ("a muted group sends nothing", mutedPending, .sendNew, false),
        ]
        for (name, state, action, expected) in cases {
            XCTAssertEqual(AlertGroupMachine.notifiesEpisodeFirst(state, action), expected, name)
        }
    }
}
