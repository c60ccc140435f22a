import Alerting
import XCTest

/// The grouping rules as a table: state + clock → action (and when to look again).
final class AlertGroupMachineTests: XCTestCase {
    let g = GroupingSettings(groupBy: ["fingerprint"], groupWait: 10_000, criticalGroupWait: 0, groupInterval: 60_000,
                             repeatInterval: 4 * 3_600_000, resolveAfter: 15 * 60_000)

    func testDecisionTable() {
        let newGroup = AlertGroupState.new(count: 1, first: 0, last: 0, critical: false)
        let critical = AlertGroupState.new(count: 1, first: 0, last: 0, critical: true)
        var firing = AlertGroupMachine.applied(newGroup, .sendNew, now: 10_000, messageID: 7)
        firing.count = 50
        firing.lastSeen = 30_000
        var quietFiring = firing
        quietFiring.count = firing.notifiedCount
        var muted = firing
        muted.muted = true
        var acked = muted
        acked.statusChanged = true
        var reopened = AlertGroupMachine.applied(firing, .resolve, now: 2_000_000, messageID: nil)
        reopened = AlertGroupMachine.observe(reopened, count: 1, at: 2_100_000, critical: false)

        let cases: [(String, AlertGroupState, Int64, AlertGroupMachine.Action, Int64?)] = [
            ("new group waits group_wait", newGroup, 5_000, .none, 10_000),
            ("then sends one message", newGroup, 10_000, .sendNew, 900_000),
            ("critical goes at once", critical, 0, .sendNew, 900_000),
            ("growing count waits group_interval", firing, 30_000, .none, 70_000),
            ("then one edit", firing, 70_000, .edit, 930_000),
            ("no growth, no edit", quietFiring, 70_000, .none, 930_000),
            ("quiet for resolve_after resolves", firing, 930_000, .resolve, nil),
            ("muted groups do not notify", muted, 70_000, .none, 930_000),
            ("an acknowledgement edits at once", acked, 31_000, .edit, 930_000),
            ("back within repeat_interval: edit the old message", reopened, 2_100_000, .edit, 3_000_000),
        ]
        for (name, state, now, action, next) in cases {
            let d = AlertGroupMachine.decide(state, settings: g, now: now)
            XCTAssertEqual(d.action, action, name)
            XCTAssertEqual(d.nextCheck, next, name)
        }
    }

    func testNewMessageOnlyAfterRepeatInterval() {
        var s = AlertGroupMachine.applied(.new(count: 1, first: 0, last: 0, critical: false), .sendNew, now: 10_000, messageID: 1)
        s = AlertGroupMachine.applied(s, .resolve, now: 1_000_000, messageID: nil)
        let later = 10_000 + g.repeatInterval + 1
        s = AlertGroupMachine.observe(s, count: 3, at: later, critical: false)
        XCTAssertEqual(s.phase, .pending)
        XCTAssertEqual(AlertGroupMachine.decide(s, settings: g, now: later).action, .none, "group_wait first")
        XCTAssertEqual(AlertGroupMachine.decide(s, settings: g, now: later + 10_000).action, .sendNew)
        // Still firing after repeat_interval with new events: a new message so the chat hears it again.
        var f = AlertGroupMachine.applied(.new(count: 1, first: 0, last: 0, critical: false), .sendNew, now: 0, messageID: 1)
        f = AlertGroupMachine.observe(f, count: 1, at: g.repeatInterval, critical: false)
        XCTAssertEqual(AlertGroupMachine.decide(f, settings: g, now: g.repeatInterval).action, .sendNew)
    }

    func testStormIsOneMessageThenEditsAtMostOncePerInterval() {
        var s = AlertGroupState.new(count: 1, first: 0, last: 0, critical: false)
        var sends = 0, edits = 0
        var now: Int64 = 0
        // 10,000 events over a minute, a dispatcher tick every 200 ms.
        for i in 1..<10_000 {
            now = Int64(i) * 6
            s = AlertGroupMachine.observe(s, count: 1, at: now, critical: false)
            if i % 33 == 0 {
                let d = AlertGroupMachine.decide(s, settings: g, now: now)
                if d.action == .sendNew { sends += 1 }
                if d.action == .edit { edits += 1 }
                s = AlertGroupMachine.applied(s, d.action, now: now, messageID: 5)
            }
        }
        XCTAssertEqual(sends, 1)
        XCTAssertLessThanOrEqual(edits, 1, "one minute of storm, group_interval 1 min")
    }
}

final class AlertRuleTests: XCTestCase {
    func testThresholdFiresOncePerWindow() {
        let rule = AlertRule(name: "burst", path: "rules[0]", kind: .threshold, matchers: [], count: 3, window: 60_000, receiver: "t")
        // Batches of 1, 2, 1, 5 events from two nodes, added to one shared window in turn.
        var total: Int64 = 0
        var fired: [Bool] = []
        for added: Int64 in [1, 2, 1, 5] {
            fired.append(ThresholdWindow.crosses(rule, before: total, added: added))
            total += added
        }
        XCTAssertEqual(fired, [false, false, true, false], "the batch taking the count past 3 fires, once")
        XCTAssertTrue(ThresholdWindow.crosses(rule, before: 0, added: 10), "one batch can cross on its own")
        XCTAssertFalse(ThresholdWindow.crosses(rule, before: 0, added: 3), "3 is not more than 3")
        XCTAssertEqual(ThresholdWindow.start(of: rule, at: 61_500), 60_000)
        XCTAssertEqual(ThresholdWindow.start(of: rule, at: 59_999), 0, "tumbling windows aligned to the epoch")
    }

    func testResolveRequestedResolvesAtOnce() {
        var s = AlertGroupMachine.applied(.new(count: 1, first: 0, last: 0, critical: true), .sendNew, now: 0, messageID: 1)
        XCTAssertEqual(AlertGroupMachine.decide(s, settings: .defaults, now: 10).action, .none)
        s.resolveRequested = true
        XCTAssertEqual(AlertGroupMachine.decide(s, settings: .defaults, now: 10).action, .resolve)
        let resolved = AlertGroupMachine.applied(s, .resolve, now: 10, messageID: nil)
        XCTAssertFalse(resolved.resolveRequested)
        XCTAssertEqual(AlertGroupMachine.observe(resolved, count: 1, at: 20, critical: true).phase, .pending, "fires again later")
    }
}
