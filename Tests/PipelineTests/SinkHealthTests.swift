import Foundation
import Pipeline
import Sinks
import XCTest

final class SinkHealthTests: XCTestCase {
    func testTheProbeAndTheWorkerAreJudgedTogether() {
        let then = Date(timeIntervalSince1970: 1_000), now = Date(timeIntervalSince1970: 2_000)
        let healthy = SinkProbeRecord(outcome: .healthy, at: now)
        let down = SinkProbeRecord(outcome: .failed(kind: .transient, message: "connection refused"), at: now)
        let refused = SinkProbeRecord(outcome: .failed(kind: .configuration, message: "HTTP 401"), at: now)
        let red = SinkProbeRecord(outcome: .degraded(reason: "red"), at: now)
        let cases: [(String, SinkStatus, SinkProbeRecord?, SinkState)] = [
            ("delivering, store answers", SinkStatus(state: .ready), healthy, .ready),
            ("blocked in an insert, store gone", SinkStatus(state: .ready), down, .unavailable),
            ("retrying, store gone", SinkStatus(state: .retrying, lastError: "timeout"), down, .unavailable),
            ("retrying, store answers (429, 503 to bulks)", SinkStatus(state: .retrying, lastError: "429"), healthy, .degraded),
            ("cluster red", SinkStatus(state: .ready), red, .degraded),
            ("credentials refused by the probe", SinkStatus(state: .ready), refused, .misconfigured),
            ("credentials refused by the worker", SinkStatus(state: .misconfigured, lastError: "401"), healthy, .misconfigured),
            ("no probe yet, worker retrying", SinkStatus(state: .retrying), nil, .unavailable),
            ("no probe yet, starting", SinkStatus(state: .starting), nil, .starting),
            ("starting, store answers", SinkStatus(state: .starting), healthy, .starting),
        ]
        for (name, worker, probe, expected) in cases {
            XCTAssertEqual(SinkHealth.judge(worker: worker, probe: probe, lastDelivery: then).state, expected, name)
        }
        XCTAssertEqual(SinkHealth.judge(worker: SinkStatus(state: .ready), probe: healthy, lastDelivery: then).lastSuccess, now)
        XCTAssertEqual(SinkHealth.judge(worker: SinkStatus(state: .ready), probe: down, lastDelivery: then).lastSuccess, then)
        XCTAssertEqual(SinkHealth.judge(worker: SinkStatus(state: .ready), probe: down, lastDelivery: then).detail, "connection refused")
    }
}
